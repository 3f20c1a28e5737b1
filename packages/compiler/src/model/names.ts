import type { InstrumentType } from './types.js';

/**
 * The name the OpenTelemetry JS Prometheus exporter writes for an instrument name or attribute
 * key: every character outside `[a-zA-Z0-9_]` (colons included) becomes `_`, runs of `_` collapse
 * to one. `@vigil/exporters`' naming test checks this against the real serializer.
 */
export function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/__+/g, '_');
}

/**
 * The sample name Vigil's Prometheus exporter writes for an instrument: sanitized, `_total` on
 * monotonic sums, and no unit suffix (the OpenTelemetry JS Prometheus exporter adds none).
 */
export function prometheusName(name: string, type: InstrumentType): string {
  const base = sanitizeName(name);
  // The exporter adds `_total` only when the name does not already end with it.
  return type === 'counter' && !base.endsWith('_total') ? `${base}_total` : base;
}

/** The series an instrument becomes in Prometheus. */
export function seriesNames(name: string, type: InstrumentType): string[] {
  const base = prometheusName(name, type);
  return type === 'histogram' ? [`${base}_bucket`, `${base}_sum`, `${base}_count`] : [base];
}

/** `SelectionEntropyLow` -> `selection_entropy_low`, for recording-rule names. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .toLowerCase();
}
