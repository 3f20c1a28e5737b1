import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './breaker.js';
import { backoffDelay, DEFAULT_RETRY_OPTIONS, serverRequestedWait } from './backoff.js';
import { BatchQueue } from './queue.js';
import { countPoints, DATADOG_PAYLOAD_LIMITS, seriesBody, splitSeries } from './split.js';
import type { DatadogSeries } from './types.js';

function manySeries(n: number, pointsEach = 1): DatadogSeries[] {
  return Array.from({ length: n }, (_, i) => ({
    metric: 'orders.placed',
    type: 'count' as const,
    interval: 10,
    tags: [`shard:${i}`, `host:h-${(i * 7919) % 1000}`],
    points: Array.from({ length: pointsEach }, (_, j) => ({ timestamp: 1_767_225_600 + j, value: i + j })),
  }));
}

describe('splitSeries', () => {
  it('keeps every chunk under the point, uncompressed and compressed limits and loses nothing', () => {
    const series = manySeries(500, 3);
    const limits = { maxPoints: 100, maxUncompressedBytes: 6_000, maxCompressedBytes: 700 };
    const { chunks, oversized } = splitSeries(series, limits);
    expect(oversized).toEqual([]);
    expect(chunks.length).toBeGreaterThan(15);
    for (const chunk of chunks) {
      expect(countPoints(chunk)).toBeLessThanOrEqual(100);
      expect(seriesBody(chunk).length).toBeLessThanOrEqual(6_000);
      expect(gzipSync(seriesBody(chunk)).length).toBeLessThanOrEqual(700);
    }
    expect(chunks.flat().reduce((n, s) => n + s.points.length, 0)).toBe(1_500);
  });

  it('sends 10k one-point series in one request under the Datadog limits', () => {
    const { chunks } = splitSeries(manySeries(10_000), DATADOG_PAYLOAD_LIMITS);
    expect(chunks.map((c) => c.length)).toEqual([10_000]);
  });

  it('splits a long series by points and reports a lone point that can never fit', () => {
    const long = manySeries(1, 50);
    const { chunks } = splitSeries(long, { maxPoints: 20, maxUncompressedBytes: 1e6, maxCompressedBytes: 1e6 });
    expect(chunks.map((c) => countPoints(c))).toEqual([13, 12, 13, 12]);
    const { oversized } = splitSeries(manySeries(1), { maxPoints: 10, maxUncompressedBytes: 20, maxCompressedBytes: 1e6 });
    expect(oversized).toHaveLength(1);
  });
});

describe('CircuitBreaker', () => {
  it('opens after 5 failures in 60 s, tries every 30 s and closes after 3 successes', () => {
    const changes: string[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 5, failureWindowMs: 60_000, openDurationMs: 30_000, successThreshold: 3 }, (s) => changes.push(s));
    for (const t of [0, 10_000, 20_000, 30_000]) breaker.recordFailure(t);
    expect(breaker.state(30_000)).toBe('closed');
    breaker.recordFailure(59_000);
    expect(breaker.state(59_000)).toBe('open');
    expect(breaker.waitMs(70_000)).toBe(19_000);
    expect(breaker.state(89_000)).toBe('half_open');
    breaker.recordFailure(89_000);
    expect(breaker.state(89_001)).toBe('open');
    expect(breaker.state(119_000)).toBe('half_open');
    breaker.recordSuccess(119_000);
    breaker.recordSuccess(119_001);
    expect(breaker.state(119_002)).toBe('half_open');
    breaker.recordSuccess(119_002);
    expect(breaker.state(119_003)).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  it('forgets failures older than the window', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 5, failureWindowMs: 60_000, openDurationMs: 30_000, successThreshold: 3 });
    for (const t of [0, 20_000, 40_000, 61_000, 70_000]) breaker.recordFailure(t);
    expect(breaker.state(70_000)).toBe('closed');
  });
});

describe('backoff', () => {
  it('grows by 1.5 from 5 s to 30 s with ±50 % jitter', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, DEFAULT_RETRY_OPTIONS, mid))).toEqual([5000, 7500, 11250, 16875, 25313, 30000, 30000]);
    expect(backoffDelay(0, DEFAULT_RETRY_OPTIONS, () => 0)).toBe(2500);
    expect(backoffDelay(0, DEFAULT_RETRY_OPTIONS, () => 0.999999)).toBe(7500);
  });

  it('reads Retry-After (seconds or date) before X-RateLimit-Reset', () => {
    expect(serverRequestedWait({ 'retry-after': '3', 'x-ratelimit-reset': '9' }, 0)).toBe(3_000);
    expect(serverRequestedWait({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6_000);
    expect(serverRequestedWait({ 'x-ratelimit-reset': '9' }, 0)).toBe(9_000);
    expect(serverRequestedWait({}, 0)).toBeUndefined();
  });
});

describe('BatchQueue', () => {
  const batch = (id: string) => ({ id, series: [], createdAt: 0 });
  it('drops the oldest or the newest when full and says which', () => {
    const oldest = new BatchQueue(2, 'drop-oldest');
    expect([oldest.push(batch('a')), oldest.push(batch('b')), oldest.push(batch('c')).map((b) => b.id)]).toEqual([[], [], ['a']]);
    expect(oldest.toArray().map((b) => b.id)).toEqual(['b', 'c']);
    const newest = new BatchQueue(2, 'drop-newest');
    newest.push(batch('a'));
    newest.push(batch('b'));
    expect(newest.push(batch('c')).map((b) => b.id)).toEqual(['c']);
    expect(newest.toArray().map((b) => b.id)).toEqual(['a', 'b']);
  });
});
