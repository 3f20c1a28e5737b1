import type { Attributes } from '@opentelemetry/api';
import { type ExpositionScope, type ExpositionWriter, labelBlock } from '../prometheus/exposition-writer.js';
import { QUANTILE_ATTRIBUTE, type PromClientMetric, type PromClientValue } from './to-metric-data.js';

/**
 * A sample as prom-client's `getForPromString()` gives it (what its own `registry.metrics()`
 * reads): a histogram's samples keep the series' labels apart, in `sharedLabels`, one object per
 * series, and only `le` in `labels`.
 */
export interface PromClientSample extends PromClientValue {
  sharedLabels?: Record<string, string | number | undefined>;
}

/** A metric with its samples as {@link PromClientSample}s. */
export interface PromClientMetricSamples extends Omit<PromClientMetric, 'values'> {
  values: PromClientSample[];
}

/** The label block of a labels object prom-client keeps per series (cached by the caller). */
export type BlockOf = (labels: Record<string, string | number | undefined>) => string;

/** prom-client labels as attributes: undefined values left out, numbers as strings (as `promClientToMetricData` does). */
export function attributesOf(labels: Record<string, string | number | undefined>): Attributes {
  const attributes: Attributes = {};
  for (const key in labels) {
    const value = labels[key];
    if (value !== undefined) attributes[key] = String(value);
  }
  return attributes;
}

/**
 * Writes one prom-client metric straight from its samples, the text `promClientToMetricData`
 * then the OpenTelemetry serializer would give: counters and gauges sample by sample, histograms
 * as `_count`, `_sum` and per-bucket counts turned back into cumulative `_bucket` lines,
 * summaries as the `<name>_quantile` gauge then a histogram without bounded buckets. Returns
 * false, having written nothing, for a metric whose samples are not in the shape prom-client
 * 15 gives (another type, or a histogram without `sharedLabels`): the caller converts it.
 */
export function writePromClientMetric(writer: ExpositionWriter, metric: PromClientMetricSamples, scope: ExpositionScope, blockOf: BlockOf): boolean {
  switch (metric.type) {
    case 'counter':
    case 'gauge': {
      const name = writer.metricName(metric.name, metric.type);
      if (name === undefined) return true;
      const family = writer.family(name, metric.type, metric.help, '', scope);
      for (const v of metric.values) writer.sample(family, blockOf(v.labels), v.value);
      return true;
    }
    case 'histogram':
      return writeHistogram(writer, metric, scope, blockOf);
    case 'summary':
      return writeSummary(writer, metric, scope, blockOf);
    default:
      return false;
  }
}

/** The finite bucket bounds of a histogram's samples (ascending), or undefined when they are not as prom-client writes them. */
function histogramBounds(metric: PromClientMetricSamples): number[] | undefined {
  const values = metric.values;
  const bounds: number[] = [];
  for (const v of values) {
    if (v.sharedLabels === undefined) return undefined;
    const le = v.labels.le;
    if (le === '+Inf') break;
    const bound = Number(le);
    if (!(bound > (bounds[bounds.length - 1] ?? -Infinity))) return undefined;
    bounds.push(bound);
  }
  // Per series: the finite buckets, +Inf, _sum, _count, all with the series' own labels object.
  const stride = bounds.length + 3;
  if (values.length % stride !== 0) return undefined;
  for (let at = 0; at < values.length; at += stride) {
    const shared = (values[at] as PromClientSample).sharedLabels;
    for (let i = 0; i < stride; i++) {
      const v = values[at + i] as PromClientSample;
      if (v.sharedLabels !== shared) return undefined;
      if (i < bounds.length ? Number(v.labels.le) !== bounds[i] : i === bounds.length && v.labels.le !== '+Inf') return undefined;
    }
    if (!(values[at + stride - 2] as PromClientSample).metricName?.endsWith('_sum') || !(values[at + stride - 1] as PromClientSample).metricName?.endsWith('_count')) {
      return undefined;
    }
  }
  return bounds;
}

function writeHistogram(writer: ExpositionWriter, metric: PromClientMetricSamples, scope: ExpositionScope, blockOf: BlockOf): boolean {
  const bounds = histogramBounds(metric);
  if (bounds === undefined) return false;
  const name = writer.metricName(metric.name, 'histogram');
  if (name === undefined) return true;
  writer.header(name, 'histogram', metric.help, '');
  if (metric.values.length === 0) return true;
  const family = writer.samplesOf(name, 'histogram', scope, bounds);
  const n = bounds.length;
  const stride = n + 3;
  const counts = new Float64Array(n + 1);
  const values = metric.values;
  for (let at = 0; at < values.length; at += stride) {
    const count = (values[at + n + 2] as PromClientSample).value;
    let previous = 0;
    for (let i = 0; i < n; i++) {
      const cumulative = (values[at + i] as PromClientSample).value;
      counts[i] = cumulative - previous;
      previous = cumulative;
    }
    counts[n] = count - previous;
    const shared = (values[at] as PromClientSample).sharedLabels as Record<string, string | number | undefined>;
    writer.histogram(family, blockOf(shared), count, (values[at + n + 1] as PromClientSample).value, counts, 0);
  }
  return true;
}

function writeSummary(writer: ExpositionWriter, metric: PromClientMetricSamples, scope: ExpositionScope, blockOf: BlockOf): boolean {
  const quantileName = writer.metricName(`${metric.name}_quantile`, 'gauge');
  if (quantileName !== undefined) {
    const family = writer.family(quantileName, 'gauge', metric.help, '', scope);
    for (const v of metric.values) {
      if (v.metricName !== undefined && v.metricName !== metric.name) continue;
      const { quantile, ...labels } = v.labels;
      writer.sample(family, labelBlock({ ...attributesOf(labels), [QUANTILE_ATTRIBUTE]: String(quantile) }), v.value);
    }
  }
  const name = writer.metricName(metric.name, 'histogram');
  if (name === undefined) return true;
  writer.header(name, 'histogram', metric.help, '');
  const family = writer.samplesOf(name, 'histogram', scope, []);
  const counts = new Float64Array(1);
  // Per series a _sum then a _count sample (prom-client's order).
  let sum: PromClientSample | undefined;
  for (const v of metric.values) {
    const suffix = v.metricName?.slice(metric.name.length);
    if (suffix === '_sum') sum = v;
    else if (suffix === '_count') {
      counts[0] = v.value;
      writer.histogram(family, blockOf(v.labels), v.value, sum !== undefined ? sum.value : 0, counts, 0);
      sum = undefined;
    }
  }
  return true;
}
