import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import type { Attributes, Meter } from '@opentelemetry/api';

/** A meter backed by an in-memory exporter, for module tests (not exported by the package). */
export interface TestMetrics {
  meter: Meter;
  /** Flushes the reader and returns every metric exported so far (cumulative). */
  collect(): Promise<MetricData[]>;
  shutdown(): Promise<void>;
}

/** A pull reader: metrics are read only when a test calls `collect()`, never on a timer. */
class ManualReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/**
 * Builds a MeterProvider with a manual reader. Its `collect()` sets no timer, so it also works
 * under fake timers (a periodic reader's flush waits on a timer that fake time never fires).
 */
export function createTestMetrics(): TestMetrics {
  const reader = new ManualReader();
  const provider = new MeterProvider({ readers: [reader] });
  return {
    meter: provider.getMeter('test'),
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
      return resourceMetrics.scopeMetrics.flatMap((sm) => sm.metrics);
    },
    shutdown: () => provider.shutdown(),
  };
}

function matches(point: DataPoint<unknown>, attributes: Attributes): boolean {
  return Object.entries(attributes).every(([key, value]) => point.attributes[key] === value);
}

/** The single data point of `name` whose attributes include `attributes`. */
export function pointOf(metrics: MetricData[], name: string, attributes: Attributes = {}): DataPoint<unknown> | undefined {
  const metric = metrics.find((m) => m.descriptor.name === name);
  const points = (metric?.dataPoints ?? []) as DataPoint<unknown>[];
  return points.find((point) => matches(point, attributes));
}

/** The value of a counter, up-down counter or gauge point (undefined if absent). */
export function valueOf(metrics: MetricData[], name: string, attributes: Attributes = {}): number | undefined {
  const point = pointOf(metrics, name, attributes);
  return typeof point?.value === 'number' ? point.value : undefined;
}

/** The histogram point of `name` with `attributes`. */
export function histogramOf(metrics: MetricData[], name: string, attributes: Attributes = {}): Histogram | undefined {
  const metric = metrics.find((m) => m.descriptor.name === name);
  if (metric?.dataPointType !== DataPointType.HISTOGRAM) return undefined;
  return pointOf(metrics, name, attributes)?.value as Histogram | undefined;
}

/** Every data point of `name`. */
export function pointsOf(metrics: MetricData[], name: string): DataPoint<unknown>[] {
  return ((metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as DataPoint<unknown>[]);
}
