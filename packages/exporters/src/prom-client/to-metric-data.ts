import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';

/**
 * One metric as prom-client's `registry.getMetricsAsJSON()` returns it at run time. (Its typings
 * declare `type` a numeric enum and omit `metricName`; the objects carry the strings below.)
 */
export interface PromClientMetric {
  name: string;
  help: string;
  type: string;
  values: PromClientValue[];
}

/** One sample of a {@link PromClientMetric}: histograms and summaries name their `_sum`/`_count`/`_bucket` samples. */
export interface PromClientValue {
  value: number;
  labels: Record<string, string | number | undefined>;
  metricName?: string;
}

/** The attribute a bridged summary quantile carries (`quantile` itself is reserved to summaries by Prometheus linting). */
export const QUANTILE_ATTRIBUTE = 'quantile_level';

/** When the series of `metric` with `attributes` started counting. */
export type SeriesStartTime = (metric: string, attributes: Attributes) => HrTime;

/** The metrics converted from one prom-client collection, and what could not be converted. */
export interface ConvertedMetrics {
  metrics: MetricData[];
  errors: Error[];
}

/**
 * Converts prom-client metrics to OpenTelemetry metric data, keeping names and labels:
 *
 * - counter -> monotonic cumulative SUM (the Prometheus exporter then writes `_total` unless the
 *   name already ends with it);
 * - gauge -> GAUGE;
 * - histogram -> cumulative HISTOGRAM, prom-client's cumulative `le` buckets turned into
 *   per-bucket counts (the `+Inf` bucket becomes the overflow count);
 * - summary -> a cumulative HISTOGRAM with no bounded bucket carrying its `_sum` and `_count`
 *   (so `x_sum` and `x_count` keep their names), plus a GAUGE `<name>_quantile` with the
 *   quantile in the `quantile_level` attribute. OpenTelemetry JS has no summary point type.
 *
 * `startTime` is when each series started counting: one time for all (when the bridge started),
 * or a function of the metric name and the point's attributes (a series reset later starts at its
 * reset, so a cumulative-to-delta consumer counts it from zero). `endTime` is the collection time. Pure.
 */
export function promClientToMetricData(metrics: readonly PromClientMetric[], startTime: HrTime | SeriesStartTime, endTime: HrTime): ConvertedMetrics {
  const out: MetricData[] = [];
  const errors: Error[] = [];
  const startOf: SeriesStartTime = typeof startTime === 'function' ? startTime : () => startTime;
  let current = '';
  const point = <T>(attributes: Attributes, value: T): DataPoint<T> => ({ startTime: startOf(current, attributes), endTime, attributes, value });
  for (const metric of metrics) {
    current = metric.name;
    const descriptor = { name: metric.name, description: metric.help, unit: '', valueType: ValueType.DOUBLE };
    switch (metric.type) {
      case 'counter':
        out.push({
          descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.SUM,
          isMonotonic: true,
          dataPoints: metric.values.map((v) => point(attributesOf(v.labels), v.value)),
        });
        break;
      case 'gauge':
        out.push({
          descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.GAUGE,
          dataPoints: metric.values.map((v) => point(attributesOf(v.labels), v.value)),
        });
        break;
      case 'histogram':
        out.push({
          descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.HISTOGRAM,
          dataPoints: [...histograms(metric).values()].map((h) => point(h.attributes, toHistogram(h))),
        });
        break;
      case 'summary': {
        const quantiles = metric.values.filter((v) => v.metricName === undefined || v.metricName === metric.name);
        out.push({
          descriptor: { ...descriptor, name: `${metric.name}_quantile` },
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.GAUGE,
          dataPoints: quantiles.map((v) => {
            const { quantile, ...labels } = v.labels;
            return point({ ...attributesOf(labels), [QUANTILE_ATTRIBUTE]: String(quantile) }, v.value);
          }),
        });
        out.push({
          descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.HISTOGRAM,
          dataPoints: [...histograms(metric).values()].map((h) => point(h.attributes, toHistogram(h))),
        });
        break;
      }
      default:
        errors.push(new Error(`prom-client metric "${metric.name}" has unknown type "${metric.type}"; skipped`));
    }
  }
  return { metrics: out, errors };
}

function attributesOf(labels: Record<string, string | number | undefined>): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(labels)) if (value !== undefined) attributes[key] = String(value);
  return attributes;
}

/** The `_bucket`, `_sum` and `_count` samples of one label set. */
interface SeriesParts {
  attributes: Attributes;
  buckets: { le: number; cumulative: number }[];
  sum: number;
  count: number;
}

/** Groups a histogram's (or summary's) samples by label set, `le` aside. */
function histograms(metric: PromClientMetric): Map<string, SeriesParts> {
  const series = new Map<string, SeriesParts>();
  for (const v of metric.values) {
    const suffix = v.metricName?.slice(metric.name.length);
    if (suffix !== '_bucket' && suffix !== '_sum' && suffix !== '_count') continue;
    const { le, ...labels } = v.labels;
    const attributes = attributesOf(labels);
    const key = JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let parts = series.get(key);
    if (parts === undefined) {
      parts = { attributes, buckets: [], sum: 0, count: 0 };
      series.set(key, parts);
    }
    if (suffix === '_sum') parts.sum = v.value;
    else if (suffix === '_count') parts.count = v.value;
    else parts.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), cumulative: v.value });
  }
  return series;
}

/** prom-client's cumulative `le` counts -> OpenTelemetry's per-bucket counts (n bounds, n+1 counts). */
function toHistogram(parts: SeriesParts): Histogram {
  const finite = parts.buckets.filter((b) => Number.isFinite(b.le)).sort((a, b) => a.le - b.le);
  const counts: number[] = [];
  let previous = 0;
  for (const bucket of finite) {
    counts.push(bucket.cumulative - previous);
    previous = bucket.cumulative;
  }
  counts.push(parts.count - previous);
  return { buckets: { boundaries: finite.map((b) => b.le), counts }, sum: parts.sum, count: parts.count };
}
