import { resolve } from 'node:path';
import { loadModel, type Model } from '@vigil/compiler/core';
import { describe, expect, it } from 'vitest';
import { loadProjectModel } from '../model/load-project-model.js';
import { matchesAll } from '../model/series.js';
import { healthyPlan } from './healthy-plan.js';
import type { MetricPlan, SeriesPlan } from './plan.js';

const ROOT = resolve(import.meta.dirname, '../../../..');

function model(yaml: string): Model {
  const result = loadModel([{ path: 'definitions/test.yaml', text: yaml }]);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

const SHOP = `apiVersion: vigil.dev/v1
services:
  - { name: shop, team: web, targets: ["localhost:9000"] }
metrics:
  - { name: shop_queue_depth, type: gauge, description: Orders waiting, service: shop }
  - { name: shop_stock_ratio, type: gauge, unit: "1", description: Stock left (0-1), service: shop }
  - name: shop_requests
    type: counter
    description: Requests by outcome
    service: shop
    labels: { outcome: { values: [ok, error] } }
  - { name: shop_refunds_failed, type: counter, description: Refunds that failed, service: shop }
  - { name: shop_latency_seconds, type: histogram, unit: s, description: Latency, service: shop, buckets: [0.1, 0.5, 1, 2, 5] }
  - { name: shop_last_sync_timestamp_seconds, type: gauge, unit: s, description: Last sync, service: shop }
alerts:
  - { name: QueueDeep, severity: warning, summary: deep, condition: { kind: threshold, metric: shop_queue_depth, above: 100, for: 5m } }
  - { name: StockLow, severity: warning, summary: low, condition: { kind: threshold, metric: shop_stock_ratio, below: 0.2, for: 5m } }
  - name: Errors
    severity: warning
    summary: errors
    condition: { kind: ratio, numerator: { metric: shop_requests, matchers: { outcome: error } }, denominator: { metric: shop_requests }, above: 0.05, window: 5m, for: 5m, min_denominator_rate: 1 }
  - { name: RefundFailed, severity: critical, summary: failed, condition: { kind: threshold, metric: shop_refunds_failed, aggregate: sum, window: 1h, above: 0, for: 0s } }
  - { name: Slow, severity: warning, summary: slow, condition: { kind: threshold, metric: shop_latency_seconds, quantile: 0.95, window: 5m, above: 2, for: 5m } }
  - { name: SyncStale, severity: warning, summary: stale, condition: { kind: staleness, metric: shop_last_sync_timestamp_seconds, older_than: 1h } }
`;

function seriesOf(plans: MetricPlan[], name: string): SeriesPlan[] {
  return plans.find((p) => p.metric.name === name)?.series ?? [];
}

function gaugeRange(series: SeriesPlan): [number, number] {
  if (series.type !== 'gauge' || series.behaviour.kind !== 'level') throw new Error('not a level gauge');
  const { level, swing, noise } = series.behaviour;
  return [level - swing - noise, level + swing + noise];
}

describe('healthyPlan', () => {
  it('keeps each alert of a small project on its healthy side, with margins', () => {
    const plans = healthyPlan(model(SHOP));
    const [, queueHigh] = gaugeRange(seriesOf(plans, 'shop_queue_depth')[0] as SeriesPlan);
    expect(queueHigh).toBeLessThanOrEqual(60);
    const [stockLow] = gaugeRange(seriesOf(plans, 'shop_stock_ratio')[0] as SeriesPlan);
    expect(stockLow).toBeGreaterThan(0.2);
    const requests = seriesOf(plans, 'shop_requests') as Extract<SeriesPlan, { type: 'counter' }>[];
    const total = requests.reduce((n, s) => n + s.rate, 0);
    const errors = requests.filter((s) => s.labels.outcome === 'error').reduce((n, s) => n + s.rate, 0);
    expect(errors / total).toBeLessThanOrEqual(0.005 + 1e-9);
    expect(total).toBeGreaterThanOrEqual(5);
    expect(seriesOf(plans, 'shop_refunds_failed').map((s) => (s.type === 'counter' ? s.rate : -1))).toEqual([0]);
    const latency = seriesOf(plans, 'shop_latency_seconds')[0];
    expect(latency?.type === 'histogram' && latency.high).toBeLessThanOrEqual(1);
    const sync = seriesOf(plans, 'shop_last_sync_timestamp_seconds')[0];
    expect(sync?.type === 'gauge' && sync.behaviour.kind === 'timestamp' && sync.behaviour.periodSeconds).toBeLessThanOrEqual(900);
  });

  it("keeps every series a gauge threshold of this repository's definitions watches on the healthy side", async () => {
    const repo = await loadProjectModel(ROOT, resolve(ROOT, 'definitions'));
    const plans = healthyPlan(repo);
    const offending: string[] = [];
    let checked = 0;
    for (const alert of repo.alerts) {
      const c = alert.condition;
      if (c.kind !== 'threshold' || c.value.metric.type !== 'gauge') continue;
      for (const series of seriesOf(plans, c.value.metric.name).filter((s) => matchesAll(s.labels, c.value.matchers))) {
        if (series.type !== 'gauge' || series.behaviour.kind !== 'level') continue;
        checked++;
        const [low, high] = gaugeRange(series);
        const firing = c.bound.op === '>' ? high > c.bound.value : low < c.bound.value;
        if (firing) offending.push(`${alert.name} ${JSON.stringify(series.labels)} ${low}..${high}`);
      }
    }
    expect(offending).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });
});
