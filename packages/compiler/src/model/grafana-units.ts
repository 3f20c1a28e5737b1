import type { Metric } from './types.js';

/** What a panel shows of a metric, which decides its unit. */
export type ShownValue = 'value' | 'rate' | 'increase';

/** Catalog units (UCUM, as OpenTelemetry writes them) and their Grafana unit ids. */
const VALUE_UNITS: Record<string, string> = {
  s: 's',
  ms: 'ms',
  us: 'µs',
  ns: 'ns',
  min: 'm',
  h: 'h',
  d: 'd',
  By: 'bytes',
  KiBy: 'kbytes',
  MiBy: 'mbytes',
  GiBy: 'gbytes',
  bit: 'bits',
  W: 'watt',
  kW: 'kwatt',
  'W.h': 'watth',
  'kW.h': 'kwatth',
  J: 'joule',
  g: 'massg',
  kg: 'masskg',
  t: 'masst',
  Cel: 'celsius',
  '%': 'percent',
  Hz: 'hertz',
};

/** Per-second rates of the same units. */
const RATE_UNITS: Record<string, string> = {
  By: 'Bps',
  KiBy: 'KiBs',
  MiBy: 'MiBs',
  bit: 'bps',
  '1': 'ops',
  // A counter of seconds grows by at most 1 per second per worker: its rate is a busy fraction.
  s: 's',
};

/**
 * The Grafana unit id for a catalog metric as a panel shows it. Dimensionless gauges named
 * `*_ratio` are fractions of one (`percentunit`, drawn as 0-100%); other dimensionless values
 * and annotations such as `{request}` are plain numbers (`short`).
 */
export function grafanaUnit(metric: Metric, shown: ShownValue): string {
  const unit = metric.unit;
  if (shown === 'rate') return RATE_UNITS[unit] ?? (unit.startsWith('{') ? 'ops' : 'short');
  if (unit === '1' && shown === 'value' && /_ratio$/.test(metric.promName)) return 'percentunit';
  return VALUE_UNITS[unit] ?? 'short';
}
