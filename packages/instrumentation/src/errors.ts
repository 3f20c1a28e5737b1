/** Thrown by `startTelemetry` for options it cannot honour (never by recording). */
export class TelemetryConfigError extends Error {
  override readonly name = 'TelemetryConfigError';
}
