import type { MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createMetrics, seriesStoreOf } from '../create-metrics.js';
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
