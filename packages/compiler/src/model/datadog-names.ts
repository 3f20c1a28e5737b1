import type { InstrumentType } from './types.js';

/** A Datadog series a catalog metric becomes, and how its points are typed on the wire. */
export interface DatadogSeries {
  name: string;
  type: 'count' | 'gauge';
}

/**
 * The Datadog series Vigil's Datadog exporter sends for an instrument: the OpenTelemetry name
 * unchanged (dots kept). Counters are `count` deltas, gauges and up-down counters `gauge`s, and a
 * histogram becomes `<name>.bucket` (count per bucket, tagged `upper_bound`), `<name>.count` and
 * `<name>.sum` (counts) and `<name>.min`/`<name>.max` (gauges). A test in this package checks the
 * list against the exporter's own `datadogSeriesNames`.
 */
export function datadogSeries(name: string, type: InstrumentType): DatadogSeries[] {
  switch (type) {
    case 'counter':
      return [{ name, type: 'count' }];
    case 'gauge':
    case 'updowncounter':
      return [{ name, type: 'gauge' }];
    case 'histogram':
      return [
        { name: `${name}.bucket`, type: 'count' },
        { name: `${name}.count`, type: 'count' },
        { name: `${name}.sum`, type: 'count' },
        { name: `${name}.min`, type: 'gauge' },
        { name: `${name}.max`, type: 'gauge' },
      ];
  }
}

/** The series that counts events of a metric: the counter itself, or a histogram's `.count`. */
export function datadogCountSeries(name: string, type: InstrumentType): string {
  return type === 'histogram' ? `${name}.count` : name;
}

/**
 * A Datadog tag key or value as stored: Datadog lower-cases tags at intake and turns characters
 * outside `[a-z0-9_:./-]` into `_`.
 */
export function datadogTag(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_:./-]/g, '_');
}
