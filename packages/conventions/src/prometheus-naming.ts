import type { InstrumentType } from './instrument-type.js';

/**
 * Vigil's one naming rule for Prometheus, stated as the OpenTelemetry JS Prometheus exporter
 * applies it (`@opentelemetry/exporter-prometheus`, `PrometheusSerializer`), so that rules,
 * dashboards and definitions checks predict the names a scrape will contain:
 *
 * - every character outside `[a-zA-Z0-9_]` becomes `_` (dots, dashes and also colons, which
 *   Prometheus reserves for recording rules), then runs of `_` collapse to one `_`;
 * - a metric name starting with a digit gets a leading `_` (label names do not);
 * - monotonic sums (counters) get `_total`, unless the name already ends with it;
 * - units add nothing: `request.duration` with unit `ms` stays `request_duration`.
 */

/** What Prometheus accepts as a metric name (colons are reserved for recording rules). */
export const PROMETHEUS_METRIC_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** What Prometheus accepts as a label name. */
export const PROMETHEUS_LABEL_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const INVALID = /[^a-zA-Z0-9_]/g;
const UNDERSCORE_RUNS = /_{2,}/g;

function sanitize(name: string): string {
  return name.replace(INVALID, '_').replace(UNDERSCORE_RUNS, '_');
}

/**
 * The Prometheus metric family name an OpenTelemetry instrument is exported under. Histograms
 * add `_bucket`, `_sum` and `_count` to it for their samples ({@link prometheusSeriesNames}).
 *
 * @example prometheusMetricName('vvtv.selection.events', 'counter') === 'vvtv_selection_events_total'
 */
export function prometheusMetricName(name: string, type: InstrumentType): string {
  let base = sanitize(name);
  // A metric name must not start with a digit; the exporter prefixes `_` (labels it leaves alone).
  if (/^[0-9]/.test(base)) base = `_${base}`;
  return type === 'counter' && !base.endsWith('_total') ? `${base}_total` : base;
}

/**
 * The Prometheus label name an OpenTelemetry attribute key is exported under.
 *
 * @example prometheusLabelName('http.route') === 'http_route'
 */
export function prometheusLabelName(key: string): string {
  return sanitize(key);
}

/**
 * Every series name an instrument becomes in a scrape: the family name, or for a histogram its
 * `_bucket`, `_sum` and `_count` series.
 */
export function prometheusSeriesNames(name: string, type: InstrumentType): string[] {
  const base = prometheusMetricName(name, type);
  return type === 'histogram' ? [`${base}_bucket`, `${base}_sum`, `${base}_count`] : [base];
}

/** Attribute keys that the exporter writes under one label name. */
export interface LabelCollision {
  /** The label name they all become. */
  label: string;
  /** The distinct attribute keys, in the order given. */
  keys: string[];
}

/**
 * Attribute keys that become the same label name (`a.b` and `a_b` both become `a_b`). The
 * exporter writes such a series with a duplicate label, which Prometheus rejects, so a metric
 * definition must not use both. Returns one entry per clashing label name, empty when none.
 */
export function findLabelCollisions(keys: Iterable<string>): LabelCollision[] {
  const byLabel = new Map<string, string[]>();
  for (const key of new Set(keys)) {
    const label = prometheusLabelName(key);
    const group = byLabel.get(label);
    if (group) group.push(key);
    else byLabel.set(label, [key]);
  }
  return [...byLabel].filter(([, group]) => group.length > 1).map(([label, group]) => ({ label, keys: group }));
}
