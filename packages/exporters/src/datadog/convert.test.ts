import { describe, expect, it } from 'vitest';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { datadogSeries } from '@vigil/conventions';
import { DeltaTracker, filterWindow, resourceTags, toDatadogSeries } from './convert.js';
import { gauge, histogram, resourceMetrics, sum } from './testing/builders.js';

const T0 = Date.UTC(2026, 0, 1);

describe('toDatadogSeries', () => {
  it('sends the first cumulative point whole, then deltas with their interval', () => {
    const tracker = new DeltaTracker();
    const first = toDatadogSeries(resourceMetrics([sum('orders.placed', [{ value: 7, startMs: T0, endMs: T0 + 10_000 }])]), tracker, T0 + 10_000);
    const second = toDatadogSeries(resourceMetrics([sum('orders.placed', [{ value: 12, startMs: T0, endMs: T0 + 20_000 }])]), tracker, T0 + 20_000);
    expect(first.series).toEqual([
      { metric: 'orders.placed', type: 'count', points: [{ timestamp: (T0 + 10_000) / 1000, value: 7 }], tags: ['service:checkout'], interval: 10 },
    ]);
    expect(second.series[0]?.points[0]?.value).toBe(5);
    expect(second.series[0]?.interval).toBe(10);
  });

  it('treats a new start time or a lower value as a reset', () => {
    const tracker = new DeltaTracker();
    toDatadogSeries(resourceMetrics([sum('c', [{ value: 50, startMs: T0, endMs: T0 + 10_000 }])]), tracker, T0 + 10_000);
    const restarted = toDatadogSeries(resourceMetrics([sum('c', [{ value: 3, startMs: T0 + 15_000, endMs: T0 + 20_000 }])]), tracker, T0 + 20_000);
    expect(restarted.series[0]?.points[0]?.value).toBe(3);
    expect(restarted.series[0]?.interval).toBe(5);
  });

  it('forgets series unseen since the cutoff', () => {
    const tracker = new DeltaTracker();
    toDatadogSeries(resourceMetrics([sum('c', [{ value: 1, startMs: T0, endMs: T0 + 10_000 }])]), tracker, T0 + 10_000);
    tracker.prune(T0 + 10_000);
    expect(tracker.size).toBe(1);
    tracker.prune(T0 + 10_001);
    expect(tracker.size).toBe(0);
  });

  it('keeps series apart by attributes', () => {
    const tracker = new DeltaTracker();
    const metrics = (a: number, b: number, end: number) =>
      resourceMetrics([
        sum('c', [
          { value: a, attributes: { route: '/a' }, startMs: T0, endMs: end },
          { value: b, attributes: { route: '/b' }, startMs: T0, endMs: end },
        ]),
      ]);
    toDatadogSeries(metrics(1, 100, T0 + 10_000), tracker, T0 + 10_000);
    const out = toDatadogSeries(metrics(4, 101, T0 + 20_000), tracker, T0 + 20_000);
    expect(out.series.map((s) => [s.tags, s.points[0]?.value])).toEqual([
      [['service:checkout', 'route:/a'], 3],
      [['service:checkout', 'route:/b'], 1],
    ]);
  });

  it('sends gauges and up-down counters as gauges of the value', () => {
    const out = toDatadogSeries(
      resourceMetrics([
        gauge('queue.depth', [{ value: 4, startMs: T0, endMs: T0 + 1_000 }]),
        sum('sessions.active', [{ value: -2, startMs: T0, endMs: T0 + 1_000 }], false),
      ]),
      new DeltaTracker(),
      T0 + 1_000,
    );
    expect(out.series.map((s) => [s.metric, s.type, s.points[0]?.value, s.interval])).toEqual([
      ['queue.depth', 'gauge', 4, undefined],
      ['sessions.active', 'gauge', -2, undefined],
    ]);
  });

  it('accumulates delta up-down counters and passes delta counters through', () => {
    const tracker = new DeltaTracker();
    const at = (v: number, end: number) =>
      resourceMetrics([sum('u', [{ value: v, startMs: end - 10_000, endMs: end }], false, AggregationTemporality.DELTA), sum('d', [{ value: v, startMs: end - 10_000, endMs: end }], true, AggregationTemporality.DELTA)]);
    toDatadogSeries(at(5, T0 + 10_000), tracker, T0 + 10_000);
    const out = toDatadogSeries(at(-2, T0 + 20_000), tracker, T0 + 20_000);
    expect(out.series.map((s) => [s.metric, s.type, s.points[0]?.value])).toEqual([
      ['u', 'gauge', 3],
      ['d', 'count', -2],
    ]);
  });

  it('maps resource attributes to unified service tags', () => {
    expect(resourceTags({ 'service.name': 'api', 'service.version': '1.2.3', 'deployment.environment.name': 'prod', 'deployment.environment': 'old', 'host.name': 'h' })).toEqual([
      'service:api',
      'version:1.2.3',
      'env:prod',
    ]);
    expect(resourceTags({ 'deployment.environment': 'staging' })).toEqual(['env:staging']);
  });

  it('sends histograms as .count, .sum, .min, .max and per-bucket .bucket deltas', () => {
    const tracker = new DeltaTracker();
    const h = (counts: number[], s: number, end: number) =>
      resourceMetrics([histogram('http.server.duration', [{ value: { boundaries: [0.1, 1], counts, sum: s, min: 0.05, max: 2 }, startMs: T0, endMs: end }])]);
    toDatadogSeries(h([1, 2, 0], 1.5, T0 + 10_000), tracker, T0 + 10_000);
    const out = toDatadogSeries(h([1, 5, 1], 5.5, T0 + 20_000), tracker, T0 + 20_000);
    expect(out.series.map((s) => [s.metric, s.type, s.points[0]?.value, s.tags.slice(1)])).toEqual([
      ['http.server.duration.count', 'count', 4, []],
      ['http.server.duration.sum', 'count', 4, []],
      ['http.server.duration.min', 'gauge', 0.05, []],
      ['http.server.duration.max', 'gauge', 2, []],
      ['http.server.duration.bucket', 'count', 0, ['lower_bound:-inf', 'upper_bound:0.1']],
      ['http.server.duration.bucket', 'count', 3, ['lower_bound:0.1', 'upper_bound:1']],
      ['http.server.duration.bucket', 'count', 1, ['lower_bound:1', 'upper_bound:inf']],
    ]);
    // The names sent are the ones the shared convention announces.
    const announced = datadogSeries('http.server.duration', 'histogram').map((n) => n.name).sort();
    expect([...new Set(out.series.map((s) => s.metric))].sort()).toEqual(announced);
  });

  it('drops and counts points outside the accepted window', () => {
    const out = toDatadogSeries(
      resourceMetrics([
        gauge('old', [{ value: 1, startMs: T0, endMs: T0 }]),
        gauge('future', [{ value: 1, startMs: T0, endMs: T0 + 3_600_000 + 11 * 60_000 }]),
        gauge('fresh', [{ value: 1, startMs: T0, endMs: T0 + 3_600_000 }]),
      ]),
      new DeltaTracker(),
      T0 + 3_600_001,
    );
    expect(out.series.map((s) => s.metric)).toEqual(['fresh']);
    expect(out.dropped).toEqual({ 'too-old': 1, 'too-far-in-future': 1 });
  });

  it('filters queued series that aged out of the window', () => {
    const series = [{ metric: 'm', type: 'gauge' as const, tags: [], points: [{ timestamp: T0 / 1000, value: 1 }, { timestamp: T0 / 1000 + 3000, value: 2 }] }];
    const { kept, dropped } = filterWindow(series, T0 + 3_600_001);
    expect(kept[0]?.points).toEqual([{ timestamp: T0 / 1000 + 3000, value: 2 }]);
    expect(dropped).toEqual({ 'too-old': 1 });
  });
});

describe('the Datadog naming convention', () => {
  it('is what the converter sends for each instrument type, names and types', () => {
    const at = (value: number, endMs: number) => [{ value, startMs: T0, endMs }];
    const cases = [
      { type: 'counter', name: 'orders.placed', data: (end: number) => sum('orders.placed', at(end - T0, end)) },
      { type: 'updowncounter', name: 'queue.depth', data: (end: number) => sum('queue.depth', at(3, end), false) },
      { type: 'gauge', name: 'temp', data: (end: number) => gauge('temp', at(3, end)) },
      {
        type: 'histogram',
        name: 'lat',
        data: (end: number) => histogram('lat', [{ value: { boundaries: [1], counts: [1, end - T0], sum: 2, min: 0.5, max: 1.5 }, startMs: T0, endMs: end }]),
      },
    ] as const;
    for (const { type, name, data } of cases) {
      // Two exports, so that deltas exist for every cumulative series.
      const tracker = new DeltaTracker();
      toDatadogSeries(resourceMetrics([data(T0 + 10_000)]), tracker, T0 + 10_000);
      const out = toDatadogSeries(resourceMetrics([data(T0 + 20_000)]), tracker, T0 + 20_000);
      const sent = [...new Map(out.series.map((s) => [s.metric, s.type])).entries()].sort();
      const announced = datadogSeries(name, type).map((n): [string, string] => [n.name, n.type]).sort();
      expect(sent, type).toEqual(announced);
    }
  });
});
