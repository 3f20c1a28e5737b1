import { assertNever } from './assert-never.js';
import type { InstrumentType } from './instrument-type.js';

/** How a Datadog series' points are typed on the wire: deltas (`count`) or readings (`gauge`). */
export type DatadogSeriesType = 'count' | 'gauge';

/** One series Vigil's Datadog exporter sends for an instrument. */
export interface DatadogSeriesName {
  /** The series name: the OpenTelemetry instrument name unchanged (dots kept), plus a suffix for histograms. */
  name: string;
  type: DatadogSeriesType;
  /** Tags the exporter adds on this series beyond the instrument's attributes. */
  extraTags?: readonly string[];
}

/** Suffixes of the series sent for one histogram, in the order {@link datadogSeries} lists them. */
export const DATADOG_HISTOGRAM_SUFFIXES = {
  bucket: '.bucket',
  count: '.count',
  sum: '.sum',
  min: '.min',
  max: '.max',
} as const;

/** The tags that bound each histogram bucket's count. */
export const DATADOG_BUCKET_TAGS = ['lower_bound', 'upper_bound'] as const;

/**
 * The Datadog series the exporter sends for an instrument. Counters are `count` series of
 * deltas, up-down counters and gauges `gauge` series; a histogram becomes `<name>.bucket`
 * (count, per bucket with `lower_bound` and `upper_bound` tags), `<name>.count` and `<name>.sum`
 * (counts) and `<name>.min`/`<name>.max` (gauges).
 */
export function datadogSeries(name: string, type: InstrumentType): DatadogSeriesName[] {
  switch (type) {
    case 'counter':
      return [{ name, type: 'count' }];
    case 'updowncounter':
    case 'gauge':
      return [{ name, type: 'gauge' }];
    case 'histogram':
      return [
        { name: name + DATADOG_HISTOGRAM_SUFFIXES.bucket, type: 'count', extraTags: DATADOG_BUCKET_TAGS },
        { name: name + DATADOG_HISTOGRAM_SUFFIXES.count, type: 'count' },
        { name: name + DATADOG_HISTOGRAM_SUFFIXES.sum, type: 'count' },
        { name: name + DATADOG_HISTOGRAM_SUFFIXES.min, type: 'gauge' },
        { name: name + DATADOG_HISTOGRAM_SUFFIXES.max, type: 'gauge' },
      ];
    default:
      return assertNever(type);
  }
}

/** The series that counts events of an instrument: the counter itself, or a histogram's `.count`. */
export function datadogCountSeries(name: string, type: InstrumentType): string {
  return type === 'histogram' ? name + DATADOG_HISTOGRAM_SUFFIXES.count : name;
}

/**
 * A Datadog tag key or value as stored: Datadog lower-cases tags at intake and turns characters
 * outside `[a-z0-9_:./-]` into `_`.
 */
export function datadogTag(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_:./-]/g, '_');
}
