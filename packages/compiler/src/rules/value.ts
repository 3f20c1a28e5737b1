import type { Matcher, Metric, Service, ValueSignal } from '../model/types.js';
import { by, num, range, selector } from '../promql/build.js';

/** Every series of a service carries its scrape job. */
export function serviceMatchers(service: Service, matchers: readonly Matcher[]): Matcher[] {
  return [{ label: 'job', op: '=', value: service.job }, ...matchers];
}

/** The selector of one of a metric's series (`suffix` picks `_bucket`, `_sum`, `_count`). */
export function metricSelector(service: Service, metric: Metric, matchers: readonly Matcher[], suffix = ''): string {
  return selector(`${metric.promName}${suffix}`, serviceMatchers(service, matchers));
}

/**
 * The number an alert watches, one per group: the aggregated sample for gauges, the per-second
 * rate for counters, a quantile (or the mean) for histograms.
 */
export function valueExpr(service: Service, signal: ValueSignal, groupBy: readonly string[]): string {
  const { metric, matchers, aggregate, windowSeconds } = signal;
  const window = range(windowSeconds);
  switch (metric.type) {
    case 'gauge':
    case 'updowncounter':
      return `${aggregate}${by(groupBy)}(${metricSelector(service, metric, matchers)})`;
    case 'counter':
      return `${aggregate}${by(groupBy)}(rate(${metricSelector(service, metric, matchers)}${window}))`;
    case 'histogram':
      if (signal.quantile !== undefined) {
        return `histogram_quantile(${num(signal.quantile)}, sum${by(['le', ...groupBy])}(rate(${metricSelector(service, metric, matchers, '_bucket')}${window})))`;
      }
      return `sum${by(groupBy)}(rate(${metricSelector(service, metric, matchers, '_sum')}${window})) / sum${by(groupBy)}(rate(${metricSelector(service, metric, matchers, '_count')}${window}))`;
  }
}
