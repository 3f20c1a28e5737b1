import type { InstrumentType } from './types.js';

/** Replaces what Prometheus does not allow in a metric or label name, as the OpenTelemetry exporter does. */
export function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_');
}

/**
 * The sample name Vigil's Prometheus exporter writes for an instrument: sanitized, `_total` on
 * monotonic sums, and no unit suffix (the OpenTelemetry JS Prometheus exporter adds none).
 */
export function prometheusName(name: string, type: InstrumentType): string {
  const base = sanitizeName(name);
  return type === 'counter' ? `${base}_total` : base;
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
