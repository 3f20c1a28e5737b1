import { v1 } from '@datadog/datadog-api-client';
import { describe, expect, it } from 'vitest';
import { generate } from '../../generate.js';
import type { Model } from '../../model/types.js';
import { datadogMessageText, datadogMonitors, emitDatadogMonitors } from './datadog-monitors.js';
import { ddDuration, ddFilter } from './datadog-query.js';

const DEFINITIONS = `
apiVersion: vigil.dev/v1
services:
  - { name: shop, team: web, targets: ["localhost:9464"] }
metrics:
  - { name: shop.errors, type: counter, description: Errors, service: shop, labels: { reason: { values: [payment, stock, fraud] } } }
  - { name: shop.requests, type: counter, description: Requests, service: shop }
  - { name: shop.queue_depth, type: gauge, description: Queue, service: shop, labels: { region: { max_cardinality: 20 } } }
  - { name: shop.latency, type: histogram, unit: s, description: Latency, service: shop, buckets: [0.1, 0.5, 1, 2] }
  - { name: shop.last_sync, type: gauge, unit: s, description: Last sync, service: shop }
alerts:
  - name: QueueDeep
    severity: warning
    summary: "Queue depth {{ $value }} in {{ $labels.region }}"
    runbook: https://runbooks.example/queue
    cooldown: 2h
    by: [region]
    condition: { kind: threshold, metric: shop.queue_depth, above: 100, for: 10m, matchers: { region: { regex: "eu-.*|us-east" } } }
  - name: ErrorRatio
    severity: warning
    summary: Errors
    escalate_after: 30m
    condition:
      kind: ratio
      numerator: { metric: shop.errors, matchers: { reason: { not: fraud } } }
      denominator: { metric: shop.requests }
      above: 0.05
      window: 10m
      for: 15m
      min_denominator_rate: 1
  - name: QueueJump
    severity: info
    summary: Jump
    condition: { kind: rate_of_change, metric: shop.queue_depth, window: 1h, rising: 50 }
  - name: QueueOdd
    severity: warning
    summary: Odd
    condition: { kind: anomaly, metric: shop.queue_depth, window: 1d, z_score: 2, direction: above, for: 15m }
  - name: QueueFull
    severity: warning
    summary: Full
    condition: { kind: forecast, metric: shop.queue_depth, window: 6h, horizon: 24h, above: 1000 }
  - name: SyncStale
    severity: warning
    summary: Stale
    condition: { kind: staleness, metric: shop.last_sync, older_than: 2h }
  - name: RequestsAbsent
    severity: critical
    summary: Absent
    condition: { kind: absence, metric: shop.requests, for: 10m }
  - name: LatencyHigh
    severity: critical
    summary: Slow
    condition: { kind: threshold, metric: shop.latency, quantile: 0.95, above: 0.5, window: 5m }
  - name: LatencyOffBucket
    severity: critical
    summary: Slow
    condition: { kind: threshold, metric: shop.latency, quantile: 0.95, above: 0.7 }
  - name: LatencyMean
    severity: warning
    summary: Mean
    condition: { kind: threshold, metric: shop.latency, above: 0.3, window: 5m }
  - name: RawRule
    service: shop
    severity: warning
    summary: Raw
    condition: { kind: promql, expr: "vector(1) > 0" }
slos:
  - name: checkout
    service: shop
    objective: 99
    sli: { events: { bad: { metric: shop.errors }, total: { metric: shop.requests } } }
  - name: fast-pages
    service: shop
    objective: 99.9
    sli: { latency: { metric: shop.latency, threshold: 0.5 } }
`;

function model(): Model {
  const result = generate([{ path: 'definitions/shop.yaml', text: DEFINITIONS }]);
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
  return result.value.model;
}

const byId = (id: string): v1.Monitor => {
  const found = datadogMonitors(model()).monitors.find((m) => m.id === id);
  if (!found) throw new Error(`no monitor ${id}`);
  return found.monitor;
};

describe('datadogMonitors: queries per condition kind', () => {
  it('threshold on a gauge: "at all times" over `for`, regex alternation as IN, group by', () => {
    expect(byId('queue_deep').query).toBe('min(last_10m):avg:shop.queue_depth{service:shop AND region IN (eu-*,us-east)} by {region} > 100');
  });

  it('ratio: two count series with .as_count(), summed over max(window, for); the min rate is stated, not enforced', () => {
    const monitor = byId('error_ratio');
    expect(monitor.query).toBe('sum(last_15m):sum:shop.errors{service:shop,!reason:fraud}.as_count() / sum:shop.requests{service:shop}.as_count() > 0.05');
    expect(monitor.message).toContain('min_denominator_rate 1/s is not enforced');
  });

  it('rate of change: the sum of diff() over the window', () => {
    expect(byId('queue_jump').query).toBe('sum(last_1h):diff(avg:shop.queue_depth{service:shop}) > 50');
  });

  it('anomaly: anomalies() with the z-score as bounds, direction and trigger windows', () => {
    const monitor = byId('queue_odd');
    expect(monitor.query).toBe("avg(last_15m):anomalies(avg:shop.queue_depth{service:shop}, 'basic', 2, direction='above') >= 1");
    expect(monitor.options?.thresholdWindows).toEqual({ triggerWindow: 'last_15m', recoveryWindow: 'last_15m' });
    expect(monitor.options?.thresholds).toEqual({ critical: 1, criticalRecovery: 0 });
  });

  it('forecast: forecast() over the horizon with the window as history', () => {
    expect(byId('queue_full').query).toBe("max(next_1d):forecast(avg:shop.queue_depth{service:shop}, 'linear', 1, history='6h') >= 1000");
  });

  it('staleness: the timestamp has not advanced, plus no data', () => {
    const monitor = byId('sync_stale');
    expect(monitor.query).toBe('sum(last_2h):diff(max:shop.last_sync{service:shop}) <= 0');
    expect(monitor.options).toMatchObject({ notifyNoData: true, noDataTimeframe: 120 });
  });

  it('absence: only no data fires', () => {
    const monitor = byId('requests_absent');
    expect(monitor.query).toBe('avg(last_10m):count_not_null(sum:shop.requests{service:shop}) < 1');
    expect(monitor.options).toMatchObject({ notifyNoData: true, noDataTimeframe: 10 });
  });

  it('histogram quantile at a bucket bound: the share of observations above it', () => {
    expect(byId('latency_high').query).toBe(
      'sum(last_5m):(sum:shop.latency.count{service:shop}.as_count() - sum:shop.latency.bucket{service:shop AND upper_bound IN (0.1,0.5)}.as_count()) / sum:shop.latency.count{service:shop}.as_count() > 0.05',
    );
  });

  it('histogram mean: .sum over .count', () => {
    expect(byId('latency_mean').query).toBe('sum(last_5m):sum:shop.latency.sum{service:shop}.as_count() / sum:shop.latency.count{service:shop}.as_count() > 0.3');
  });

  it('skips what has no Datadog equivalent, with a reason', () => {
    const { skipped } = datadogMonitors(model());
    expect(skipped.map((s) => s.name)).toEqual(['LatencyOffBucket', 'RawRule']);
    expect(skipped[0]!.reason).toContain('not one of its bucket bounds');
    expect(skipped[1]!.reason).toContain('raw PromQL');
  });

  it('one monitor per SLO burn tier over its long window', () => {
    const tiers = datadogMonitors(model()).monitors.filter((m) => m.monitor.tags?.includes('slo:checkout'));
    expect(tiers.map((m) => m.id.replace(/^.*_/, ''))).toEqual(['fast', 'medium', 'slow', 'slowest']);
    const fast = tiers[0]!.monitor;
    expect(fast.query).toBe('sum(last_1h):sum:shop.errors{service:shop}.as_count() / sum:shop.requests{service:shop}.as_count() > 0.144');
    expect(fast.tags).toContain('slo:checkout');
    expect(fast.priority).toBe(1);
  });
});

describe('datadogMonitors: latency SLO', () => {
  it('counts the buckets up to the threshold as good events', () => {
    const fast = datadogMonitors(model()).monitors.find((m) => m.monitor.tags?.includes('slo:fast-pages') && m.id.endsWith('_fast'))!;
    expect(fast.monitor.query).toBe(
      'sum(last_1h):(sum:shop.latency.count{service:shop}.as_count() - sum:shop.latency.bucket{service:shop AND upper_bound IN (0.1,0.5)}.as_count()) / sum:shop.latency.count{service:shop}.as_count() > 0.0144',
    );
  });
});

describe('datadogMonitors: tags, thresholds, notifications', () => {
  it('tags carry service, team, severity and the stable vigil_id', () => {
    expect(byId('queue_deep').tags).toEqual(['managed_by:vigil', 'service:shop', 'severity:warning', 'team:web', 'vigil_id:queue_deep']);
  });

  it('critical threshold, priority from severity, renotify from cooldown, delays', () => {
    const monitor = byId('queue_deep');
    expect(monitor.options?.thresholds).toEqual({ critical: 100 });
    expect(monitor.priority).toBe(3);
    expect(monitor.options).toMatchObject({ renotifyInterval: 120, evaluationDelay: 60, newGroupDelay: 60 });
  });

  it('an escalation becomes a re-notification with an escalation message', () => {
    const monitor = byId('error_ratio');
    expect(monitor.options).toMatchObject({ renotifyInterval: 30, escalationMessage: expect.stringContaining('escalated to critical') as unknown });
  });

  it('message: summary in Datadog variables, runbook, generated mark', () => {
    const message = byId('queue_deep').message!;
    expect(message).toContain('Queue depth {{value}} in {{region.name}}');
    expect(message).toContain('Runbook: https://runbooks.example/queue');
    expect(message).toContain('Code generated by vigil (target datadog, vigil_id:queue_deep)');
    expect(datadogMessageText('{{ $value | humanizePercentage }}')).toBe('{{value}}');
  });

  it('emits deterministic snake_case wire JSON the client can read back', () => {
    const files = emitDatadogMonitors(model());
    expect(emitDatadogMonitors(model())).toEqual(files);
    const byId = (file: { content: string }) => JSON.parse(file.content) as Record<string, Record<string, unknown>>;
    // One file per service, its monitors keyed by id, in order.
    const serviceFile = files.find((f) => f.path === 'datadog/monitors/shop.json')!;
    expect(Object.keys(byId(serviceFile))).toContain('queue_deep');
    expect(Object.keys(byId(serviceFile))).toEqual([...Object.keys(byId(serviceFile))].sort());
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
    const json = byId(serviceFile).queue_deep!;
    expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
    expect(json.options).toMatchObject({ renotify_interval: 120, new_group_delay: 60, evaluation_delay: 60 });
    const back = v1.ObjectSerializer.deserialize(json, 'Monitor') as v1.Monitor;
    expect(back.options?.renotifyInterval).toBe(120);
    expect(back.type).toBe('query alert');
  });
});

describe('datadog query helpers', () => {
  it('formats durations as Datadog timeframes', () => {
    expect([ddDuration(30), ddDuration(300), ddDuration(3600), ddDuration(5400), ddDuration(86400 * 3)]).toEqual(['1m', '5m', '1h', '90m', '3d']);
  });

  it('refuses regexes that are not literal lists', () => {
    expect(() => ddFilter(undefined, [{ label: 'a', op: '=~', value: 'x[0-9]+' }])).toThrow(/not a list of literals/);
    expect(ddFilter(undefined, [])).toBe('{*}');
  });
});
