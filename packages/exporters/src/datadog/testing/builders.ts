import type { Attributes, HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** Test builders for OTel collections (literal inputs, no SDK). */
export function hr(ms: number): HrTime {
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

export function resourceMetrics(metrics: MetricData[], resource: Attributes = { 'service.name': 'checkout' }): ResourceMetrics {
  return { resource: resourceFromAttributes(resource), scopeMetrics: [{ scope: { name: 'test' }, metrics }] };
}

interface PointSpec<T> {
  value: T;
  attributes?: Attributes;
  startMs: number;
  endMs: number;
}

function descriptor(name: string, unit = '') {
  return { name, description: '', unit, valueType: ValueType.DOUBLE };
}

export function sum(name: string, points: PointSpec<number>[], monotonic = true, temporality = AggregationTemporality.CUMULATIVE): MetricData {
  return {
    descriptor: descriptor(name),
    aggregationTemporality: temporality,
    dataPointType: DataPointType.SUM,
    isMonotonic: monotonic,
    dataPoints: points.map((p) => ({ value: p.value, attributes: p.attributes ?? {}, startTime: hr(p.startMs), endTime: hr(p.endMs) })),
  };
}

export function gauge(name: string, points: PointSpec<number>[]): MetricData {
  return {
    descriptor: descriptor(name),
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints: points.map((p) => ({ value: p.value, attributes: p.attributes ?? {}, startTime: hr(p.startMs), endTime: hr(p.endMs) })),
  };
}

export interface HistogramSpec {
  boundaries: number[];
  counts: number[];
  sum: number;
  min?: number;
  max?: number;
}

export function histogram(name: string, points: PointSpec<HistogramSpec>[], unit = 's'): MetricData {
  return {
    descriptor: descriptor(name, unit),
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: points.map((p) => ({
      value: {
        buckets: { boundaries: p.value.boundaries, counts: p.value.counts },
        sum: p.value.sum,
        count: p.value.counts.reduce((a, b) => a + b, 0),
        ...(p.value.min !== undefined ? { min: p.value.min } : {}),
        ...(p.value.max !== undefined ? { max: p.value.max } : {}),
      },
      attributes: p.attributes ?? {},
      startTime: hr(p.startMs),
      endTime: hr(p.endMs),
    })),
  };
}
