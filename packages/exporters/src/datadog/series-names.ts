import type { DatadogSeriesType } from './types.js';

/** A catalog metric as the rules compiler knows it. */
export interface CatalogMetricRef {
  name: string;
  type: 'counter' | 'updowncounter' | 'gauge' | 'histogram';
}

/** One series name the exporter sends for a catalog metric, with its Datadog type. */
export interface DatadogSeriesName {
  name: string;
  type: DatadogSeriesType;
  /** Tags the exporter adds on this series beyond the metric's attributes. */
  extraTags?: readonly string[];
}

/** Suffixes of the series sent for one histogram, in the order they are sent. */
export const HISTOGRAM_SUFFIXES = {
  bucket: '.bucket',
  count: '.count',
  sum: '.sum',
  min: '.min',
  max: '.max',
} as const;

/**
 * The Datadog series names the exporter sends for a catalog metric (the OTel instrument name
 * unchanged, dots kept). Counters become `count` series of deltas, up-down counters and gauges
 * `gauge` series; a histogram becomes `<name>.bucket` (count, per bucket with `lower_bound` and
 * `upper_bound` tags), `<name>.count` and `<name>.sum` (count) and `<name>.min`/`<name>.max` (gauge).
 * The Datadog monitor emitter uses this to name what it queries.
 */
export function datadogSeriesNames(metric: CatalogMetricRef): DatadogSeriesName[] {
  switch (metric.type) {
    case 'counter':
      return [{ name: metric.name, type: 'count' }];
    case 'updowncounter':
    case 'gauge':
      return [{ name: metric.name, type: 'gauge' }];
    case 'histogram':
      return [
        { name: metric.name + HISTOGRAM_SUFFIXES.bucket, type: 'count', extraTags: ['lower_bound', 'upper_bound'] },
        { name: metric.name + HISTOGRAM_SUFFIXES.count, type: 'count' },
        { name: metric.name + HISTOGRAM_SUFFIXES.sum, type: 'count' },
        { name: metric.name + HISTOGRAM_SUFFIXES.min, type: 'gauge' },
        { name: metric.name + HISTOGRAM_SUFFIXES.max, type: 'gauge' },
      ];
  }
}
