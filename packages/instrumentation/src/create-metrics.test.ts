import { MeterProvider, MetricReader, DataPointType, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Catalog } from './catalog.js';
import { createMetrics } from './create-metrics.js';
import { OVERFLOW_VALUE } from './record/series-store.js';
import { VigilMetricProducer } from './record/vigil-producer.js';

/** A reader collected by hand, with Vigil's producer registered the SDK's own way. */
class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const catalog = {
  service: 'shop',
  metrics: {
    orders: { name: 'shop_orders', type: 'counter', unit: '1', description: 'Orders', labels: { channel: { values: ['web', 'app'] }, region: {} } },
    queue: { name: 'shop_queue_depth', type: 'updowncounter', unit: '1', description: 'Queue', labels: {} },
    entropy: { name: 'shop_selection_entropy', type: 'gauge', unit: '1', description: 'Entropy', labels: { channel: { maxCardinality: 2 } } },
    latency: {
      name: 'shop_latency_seconds',
      type: 'histogram',
      unit: 's',
      description: 'Latency',
      labels: { outcome: { values: ['ok', 'error'] } },
      buckets: [0.1, 0.5, 1],
    },
  },
} as const satisfies Catalog;

function setup(options: { maxSeries?: number } = {}) {
  const producer = new VigilMetricProducer();
  const reader = new TestReader({ metricProducers: [producer] });
  const provider = new MeterProvider({ readers: [reader] });
  const metrics = createMetrics(catalog, producer, options);
  const collect = async (): Promise<Map<string, MetricData>> => {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
  };
  return { producer, reader, provider, metrics, collect };
}

function points<T = number>(data: MetricData | undefined): DataPoint<T>[] {
  return (data?.dataPoints ?? []) as DataPoint<T>[];
}

describe('cell handles through a MetricProducer', () => {
  it('counter: a monotonic cumulative sum per attribute set', async () => {
    const { metrics, collect } = setup();
    metrics.orders.add(2, { channel: 'web', region: 'eu' });
    metrics.orders.add(3, { channel: 'web', region: 'eu' });
    metrics.orders.add(1, { channel: 'app', region: 'us' });
    const data = (await collect()).get('shop_orders');
    expect(data?.dataPointType).toBe(DataPointType.SUM);
    expect(data && 'isMonotonic' in data && data.isMonotonic).toBe(true);
    expect(data?.descriptor).toMatchObject({ unit: '1', description: 'Orders' });
    expect(points(data).map((p) => [p.attributes, p.value])).toEqual([
      [{ channel: 'web', region: 'eu' }, 5],
      [{ channel: 'app', region: 'us' }, 1],
    ]);
  });

  it('updowncounter: a non-monotonic sum that can go below zero', async () => {
    const { metrics, collect } = setup();
    metrics.queue.add(3);
    metrics.queue.add(-5);
    const data = (await collect()).get('shop_queue_depth');
    expect(data && 'isMonotonic' in data && data.isMonotonic).toBe(false);
    expect(points(data)[0]?.value).toBe(-2);
  });

  it('gauge: the last value; never-recorded series are not exported', async () => {
    const { metrics, collect } = setup();
    metrics.entropy.bind({ channel: 'news' });
    expect((await collect()).has('shop_selection_entropy')).toBe(false);
    metrics.entropy.record(0.9, { channel: 'news' });
    metrics.entropy.record(0.42, { channel: 'news' });
    const data = (await collect()).get('shop_selection_entropy');
    expect(data?.dataPointType).toBe(DataPointType.GAUGE);
    expect(points(data).map((p) => p.value)).toEqual([0.42]);
  });

  it('histogram: catalog buckets (inclusive upper bounds), sum, count, min, max', async () => {
    const { metrics, collect } = setup();
    for (const v of [0.05, 0.1, 0.3, 0.7, 2]) metrics.latency.record(v, { outcome: 'ok' });
    const data = (await collect()).get('shop_latency_seconds');
    expect(data?.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(data?.descriptor.unit).toBe('s');
    const value = points<Histogram>(data)[0]?.value;
    expect(value?.buckets).toEqual({ boundaries: [0.1, 0.5, 1], counts: [2, 1, 1, 1] });
    expect(value).toMatchObject({ count: 5, min: 0.05, max: 2 });
    expect(value?.sum).toBeCloseTo(3.15);
  });

  it('histogram counts agree with a reference bucketing (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { maxLength: 60 }), async (values) => {
        const { metrics, collect } = setup();
        for (const v of values) metrics.latency.record(v, { outcome: 'error' });
        const value = points<Histogram>((await collect()).get('shop_latency_seconds'))[0]?.value;
        const expected = [0, 0, 0, 0];
        for (const v of values) expected[[0.1, 0.5, 1].findIndex((b) => v <= b) === -1 ? 3 : [0.1, 0.5, 1].findIndex((b) => v <= b)]! += 1;
        if (values.length === 0) expect(value).toBeUndefined();
        else expect(value?.buckets.counts).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('bound handles record into the same series as unbound calls', async () => {
    const { metrics, collect } = setup();
    const web = metrics.orders.bind({ channel: 'web', region: 'eu' });
    web.add();
    web.add(4);
    metrics.orders.add(1, { channel: 'web', region: 'eu' });
    const slow = metrics.latency.bind({ outcome: 'error' });
    slow.record(0.7);
    const collected = await collect();
    expect(points(collected.get('shop_orders')).map((p) => p.value)).toEqual([6]);
    expect(points<Histogram>(collected.get('shop_latency_seconds'))[0]?.value.count).toBe(1);
  });

  it('values outside the allowed set and past a cap fold into __overflow__ and are counted', async () => {
    const { metrics, collect } = setup();
    metrics.orders.add(1, { channel: 'fax', region: 'eu' } as never);
    for (const channel of ['a', 'b', 'c', 'd']) metrics.entropy.record(1, { channel });
    const collected = await collect();
    expect(points(collected.get('shop_orders')).map((p) => p.attributes)).toEqual([{ channel: OVERFLOW_VALUE, region: 'eu' }]);
    expect(points(collected.get('shop_selection_entropy')).map((p) => p.attributes.channel)).toEqual(['a', 'b', OVERFLOW_VALUE]);
    expect(points(collected.get('vigil.cardinality.overflow')).map((p) => [p.attributes, p.value])).toEqual([
      [{ metric: 'shop_orders', label: 'channel' }, 1],
      [{ metric: 'shop_selection_entropy', label: 'channel' }, 2],
    ]);
  });

  it('memory stays bounded: at most maxSeries + 1 series whatever is recorded (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.string(), fc.constantFrom('web', 'app', 'tv')), { maxLength: 200 }), async (calls) => {
        const { metrics, collect, producer } = setup({ maxSeries: 5 });
        for (const [region, channel] of calls) metrics.orders.add(1, { channel, region } as never);
        const store = producer.registered().find((s) => s.name === 'shop_orders');
        expect(store?.size ?? 0).toBeLessThanOrEqual(6);
        const total = points((await collect()).get('shop_orders')).reduce((n, p) => n + p.value, 0);
        expect(total).toBe(calls.length);
      }),
      { numRuns: 40 },
    );
  });

  it('never throws on bad input; drops and counts invalid values', async () => {
    const { metrics, collect } = setup();
    const bad: unknown[] = [NaN, -1, Infinity, -Infinity, '3', undefined, null, {}];
    for (const value of bad) {
      expect(() => metrics.orders.add(value as number, { channel: 'web', region: 'x' })).not.toThrow();
      expect(() => metrics.latency.record(value as number, { outcome: 'ok' })).not.toThrow();
      expect(() => metrics.entropy.bind({ channel: 'x' }).record(value as number)).not.toThrow();
    }
    const hostile = Object.defineProperty({}, 'outcome', {
      get() {
        throw new Error('boom');
      },
    });
    expect(() => metrics.latency.record(1, hostile as never)).not.toThrow();
    expect(() => metrics.latency.bind(hostile as never).record(1)).not.toThrow();
    expect(() => metrics.orders.add(1, 'nonsense' as never)).not.toThrow();
    expect(() => metrics.orders.add(1, undefined as never)).not.toThrow();
    metrics.queue.add(-3); // negative is fine for an up-down counter
    const collected = await collect();
    expect(points(collected.get('shop_orders')).reduce((n, p) => n + p.value, 0)).toBe(2);
    const dropped = points(collected.get('vigil.recording.dropped'));
    expect(dropped.find((p) => p.attributes.metric === 'shop_orders' && p.attributes.reason === 'invalid_value')?.value).toBe(bad.length);
    expect(dropped.find((p) => p.attributes.metric === 'shop_latency_seconds' && p.attributes.reason === 'error')?.value).toBe(2);
  });
});

describe('meter handles (any OpenTelemetry MeterProvider)', () => {
  it('record through the SDK with the same folding and validation', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const metrics = createMetrics(catalog, provider.getMeter('test'));
    metrics.orders.add(2, { channel: 'web', region: 'eu' });
    metrics.orders.bind({ channel: 'tv' as never, region: 'eu' }).add(1);
    metrics.orders.add(-1, { channel: 'web', region: 'eu' });
    metrics.latency.record(0.3, { outcome: 'ok' });
    const { resourceMetrics } = await reader.collect();
    const byName = new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
    expect(points(byName.get('shop_orders')).map((p) => [p.attributes, p.value])).toEqual([
      [{ channel: 'web', region: 'eu' }, 2],
      [{ channel: OVERFLOW_VALUE, region: 'eu' }, 1],
    ]);
    expect(points<Histogram>(byName.get('shop_latency_seconds'))[0]?.value.buckets.boundaries).toEqual([0.1, 0.5, 1]);
    expect(points(byName.get('vigil.recording.dropped'))[0]?.value).toBe(1);
    expect(points(byName.get('vigil.cardinality.overflow'))[0]?.value).toBe(1);
  });
});
