import { diag } from '@opentelemetry/api';
import { DataPointType, type Histogram, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { type ExpositionKind, type ExpositionScope, type ExpositionWriter, labelBlock } from './exposition-writer.js';

function kindOf(metric: MetricData): ExpositionKind | undefined {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'updowncounter';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      // Exponential histograms have no Prometheus text form here (nor in the OpenTelemetry serializer).
      return undefined;
  }
}

/** The Prometheus type a kind is written as: what decides whether two metrics can share a family. */
function typeOf(kind: ExpositionKind): string {
  return kind === 'counter' ? 'counter' : kind === 'histogram' ? 'histogram' : 'gauge';
}

interface Family {
  kind: ExpositionKind;
  help: string;
  unit: string;
  dropped: boolean;
  members: { metric: MetricData; scope: ExpositionScope }[];
}

/**
 * Writes the target_info series of a resource, first in a scrape as the OpenTelemetry serializer
 * writes it (its attributes as labels, value 1).
 */
export function writeTargetInfo(writer: ExpositionWriter, attributes: ResourceMetrics['resource']['attributes']): void {
  const block = labelBlock(attributes);
  writer.write(`# HELP target_info Target metadata\n# TYPE target_info gauge\n${block === '' ? 'target_info' : `target_info{${block}}`} 1\n`);
}

/**
 * Writes OpenTelemetry metric data (the SDK's instruments, producers without a fast path) as the
 * OpenTelemetry `PrometheusSerializer` does: metrics of every scope grouped by Prometheus name,
 * a family whose metrics disagree on type dropped, HELP and UNIT from the first metric that has
 * them, then each metric's points in order.
 */
export function writeMetricData(writer: ExpositionWriter, scopeMetrics: ResourceMetrics['scopeMetrics']): void {
  const families = new Map<string, Family>();
  for (const { scope, metrics } of scopeMetrics) {
    for (const metric of metrics) {
      const kind = kindOf(metric);
      if (kind === undefined) continue;
      const name = writer.metricName(metric.descriptor.name, kind);
      if (name === undefined) {
        diag.error(`Normalization for metric "${metric.descriptor.name}" resulted in an invalid name`);
        continue;
      }
      const family = families.get(name);
      if (family === undefined) {
        families.set(name, { kind, help: metric.descriptor.description, unit: metric.descriptor.unit, dropped: false, members: [{ metric, scope }] });
      } else if (!family.dropped) {
        if (typeOf(family.kind) !== typeOf(kind)) {
          diag.warn(`Conflicting TYPE comments for metric "${name}"; dropping the metric.`);
          family.dropped = true;
          family.members = [];
          continue;
        }
        family.members.push({ metric, scope });
        family.help ||= metric.descriptor.description;
        family.unit ||= metric.descriptor.unit;
      }
    }
  }
  for (const [name, family] of families) {
    if (family.dropped) continue;
    writer.header(name, family.kind, family.help, family.unit);
    for (const { metric, scope } of family.members) writePoints(writer, name, family.kind, metric, scope);
  }
}

function writePoints(writer: ExpositionWriter, name: string, kind: ExpositionKind, metric: MetricData, scope: ExpositionScope): void {
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    let boundaries: readonly number[] | undefined;
    let parts = writer.samplesOf(name, kind, scope, []);
    for (const point of metric.dataPoints) {
      const value: Histogram = point.value;
      if (value.buckets.boundaries !== boundaries) {
        boundaries = value.buckets.boundaries;
        parts = writer.samplesOf(name, kind, scope, boundaries);
      }
      writer.histogram(parts, labelBlock(point.attributes), value.count, value.sum, value.buckets.counts, 0);
    }
    return;
  }
  if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
    const parts = writer.samplesOf(name, kind, scope);
    for (const point of metric.dataPoints) writer.sample(parts, labelBlock(point.attributes), point.value);
  }
}
