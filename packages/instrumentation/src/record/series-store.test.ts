import type { MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createMetrics, seriesStoreOf } from '../create-metrics.js';
import { OVERFLOW_VALUE } from './series-store.js';
import { VigilMetricProducer } from './vigil-producer.js';

const catalog = {
  metrics: {
    hits: { name: 'hits', type: 'counter', unit: '1', description: 'd', labels: { kind: { maxCardinality: 5 } } },
    level: { name: 'level', type: 'gauge', unit: '1', description: 'd', labels: {} },
  },
} as const;

async function names(producer: VigilMetricProducer): Promise<string[]> {
  const { resourceMetrics } = await producer.collect();
  return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m: MetricData) => m.descriptor.name);
}

describe('withdrawing series from the producer', () => {
  it('clear() removes every series of a store from the next collection, and it can record again', async () => {
    const producer = new VigilMetricProducer();
    const metrics = createMetrics(catalog, producer);
    metrics.hits.add(3, { kind: 'a' });
    expect(await names(producer)).toContain('hits');
    seriesStoreOf(metrics.hits).clear();
    expect(await names(producer)).not.toContain('hits');
    metrics.hits.add(1, { kind: 'a' });
    const { resourceMetrics } = await producer.collect();
    const hits = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'hits');
    expect(hits?.dataPoints.map((p) => p.value)).toEqual([1]);
  });

  it('withholdGauge() drops a gauge until its next recording; unregister() drops a store', async () => {
    const producer = new VigilMetricProducer();
    const metrics = createMetrics(catalog, producer);
    metrics.level.record(7);
    seriesStoreOf(metrics.level).withholdGauge(undefined);
    expect(await names(producer)).not.toContain('level');
    metrics.level.record(8);
    expect(await names(producer)).toContain('level');
    producer.unregister(seriesStoreOf(metrics.level));
    expect(await names(producer)).not.toContain('level');
  });
});

describe('series as indexes', () => {
  const wide = {
    metrics: {
      calls: { name: 'calls', type: 'counter', unit: '1', description: 'd', labels: { route: {}, code: { values: ['200', '500'] } } },
      sizes: { name: 'sizes', type: 'histogram', unit: 'By', description: 'd', labels: { route: {} }, buckets: [10, 100] },
    },
  } as const;

  it('keeps every series its own cells across chunk boundaries, bound or not (chunks of 4, 4, 8, ... 1,024, then 1,024)', async () => {
    const producer = new VigilMetricProducer();
    const metrics = createMetrics(wide, producer, { maxSeries: 5000, defaultLabelCardinality: 5000 });
    const n = 3100;
    const bound = [];
    for (let i = 0; i < n; i++) {
      metrics.calls.add(i + 1, { route: `/r/${i}`, code: '200' });
      bound.push(metrics.calls.bind({ route: `/r/${i}`, code: '200' }));
      metrics.sizes.record(i, { route: `/r/${i}` });
    }
    for (let i = 0; i < n; i += 7) (bound[i] as { add(v: number): void }).add(0.5);
    const { resourceMetrics } = await producer.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const calls = all.find((m) => m.descriptor.name === 'calls')?.dataPoints ?? [];
    expect(calls).toHaveLength(n);
    calls.forEach((p, i) => {
      expect(p.attributes).toEqual({ route: `/r/${i}`, code: '200' });
      expect(p.value).toBe(i + 1 + (i % 7 === 0 ? 0.5 : 0));
    });
    const sizes = all.find((m) => m.descriptor.name === 'sizes')?.dataPoints ?? [];
    sizes.forEach((p, i) => {
      const h = p.value as { count: number; sum: number; min?: number; buckets: { counts: number[] } };
      expect([h.count, h.sum, h.min]).toEqual([1, i, i]);
      expect(h.buckets.counts).toEqual(i <= 10 ? [1, 0, 0] : i <= 100 ? [0, 1, 0] : [0, 0, 1]);
    });
  });

  it('counts the first label’s distinct values from the lookup tree: the cap, values asked for by labelValue, and clear()', () => {
    const producer = new VigilMetricProducer();
    const metrics = createMetrics(
      { metrics: { hits: { name: 'hits', type: 'counter', unit: '1', description: 'd', labels: { kind: { maxCardinality: 3 }, zone: {} } } } },
      producer,
    );
    const store = seriesStoreOf(metrics.hits);
    metrics.hits.add(1, { kind: 'a', zone: 'x' });
    metrics.hits.add(1, { kind: 'a', zone: 'y' }); // same first value: no new slot
    expect(store.labelValue('kind', 'b')).toBe('b'); // reserved without a series
    metrics.hits.add(1, { kind: 'b', zone: 'x' }); // the reserved value, not counted again
    metrics.hits.add(1, { kind: 'c', zone: 'x' });
    expect(store.overflowsOf('kind')).toBe(0);
    metrics.hits.add(1, { kind: 'd', zone: 'x' }); // a fourth value: folded
    expect(store.overflowsOf('kind')).toBe(1);
    expect(store.labelValue('kind', 'e')).toBe(OVERFLOW_VALUE);
    expect(store.size).toBe(5); // a/x, a/y, b/x, c/x, __overflow__/x
    store.clear();
    expect(store.size).toBe(0);
    for (const kind of ['p', 'q', 'r']) metrics.hits.add(1, { kind, zone: 'x' });
    expect(store.overflowsOf('kind')).toBe(2);
    metrics.hits.add(1, { kind: 's', zone: 'x' });
    expect(store.overflowsOf('kind')).toBe(3);
  });
});
