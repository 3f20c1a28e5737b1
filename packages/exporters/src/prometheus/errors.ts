/** Invalid options given to {@link createPrometheusEndpoint}; thrown at construction, never while serving. */
export class PrometheusConfigError extends Error {
  override readonly name = 'PrometheusConfigError';
}
