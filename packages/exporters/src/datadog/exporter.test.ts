import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { createPrometheusEndpoint } from '../prometheus/endpoint.js';
import { createDatadogReader, DatadogMetricExporter } from './exporter.js';
import type { DatadogExporterOptions } from './exporter.js';
import { SPILL_FILE } from './spill.js';
import { gauge, histogram, resourceMetrics, sum } from './testing/builders.js';
import { runFor, runUntil, waitForReal } from './testing/drive.js';
import { startFakeDatadog } from './testing/fake-datadog.js';
import type { FakeDatadog, FakeFailure } from './testing/fake-datadog.js';
import { ManualClock } from './testing/manual-clock.js';

let fake: FakeDatadog;
let clock: ManualClock;
const exporters: DatadogMetricExporter[] = [];

beforeEach(async () => {
  fake = await startFakeDatadog();
  clock = new ManualClock();
});

afterEach(async () => {
  for (const e of exporters.splice(0)) void e.shutdown();
  await fake.close();
});

function newExporter(options: Partial<DatadogExporterOptions> = {}): DatadogMetricExporter {
  const exporter = new DatadogMetricExporter({ apiKey: 'test-key', baseUrl: fake.url, clock, random: () => 0.5, ...options });
  exporters.push(exporter);
  return exporter;
}

function exportNow(exporter: DatadogMetricExporter, metrics: Parameters<DatadogMetricExporter['export']>[0]): ExportResult {
  let result: ExportResult | undefined;
  exporter.export(metrics, (r) => (result = r));
  // The callback has run before export() returned: enqueueing is all the caller waits for.
  expect(result).toBeDefined();
  return result!;
}

const idle = (exporter: DatadogMetricExporter) => () => exporter.stats().queuedBatches === 0;

function gauges(n: number, value = 1): ReturnType<typeof resourceMetrics> {
  const now = clock.now();
  return resourceMetrics([gauge('queue.depth', Array.from({ length: n }, (_, i) => ({ value: value + i, attributes: { shard: String(i) }, startMs: now, endMs: now })))]);
}

describe('DatadogMetricExporter against the fake Datadog API', () => {
  it('sends gzip payloads of the v2 series shape with types, intervals and tags', async () => {
    const exporter = newExporter();
    const t = clock.now();
    const metrics = (orders: number, end: number) =>
      resourceMetrics(
        [
          sum('orders.placed', [{ value: orders, attributes: { region: 'eu' }, startMs: t, endMs: end }]),
          gauge('queue.depth', [{ value: 4, startMs: t, endMs: end }]),
          histogram('checkout.duration', [{ value: { boundaries: [1], counts: [2, 1], sum: 3.5, min: 0.2, max: 2.1 }, startMs: t, endMs: end }]),
        ],
        { 'service.name': 'checkout', 'service.version': '2.4.0', 'deployment.environment.name': 'prod' },
      );
    expect(exportNow(exporter, metrics(7, t)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.forceFlush();
    await clock.advance(10_000);
    exportNow(exporter, metrics(10, t + 10_000));
    await exporter.forceFlush();

    const posts = fake.requests.filter((r) => r.path === '/api/v2/series');
    expect(posts).toHaveLength(2);
    for (const post of posts) {
      expect(post.headers['content-encoding']).toBe('gzip');
      expect(post.headers['dd-api-key']).toBe('test-key');
      expect(post.headers['content-type']).toBe('application/json');
      expect(post.bodyBytes).toBeLessThan(post.decodedBytes);
    }
    const second = (posts[1]!.body as { series: Record<string, unknown>[] }).series;
    const unified = ['service:checkout', 'version:2.4.0', 'env:prod'];
    expect(second.find((s) => s.metric === 'orders.placed')).toEqual({
      metric: 'orders.placed',
      type: 1,
      points: [{ timestamp: (t + 10_000) / 1000, value: 3 }],
      tags: [...unified, 'region:eu'],
      interval: 10,
    });
    expect(second.find((s) => s.metric === 'queue.depth')).toMatchObject({ type: 3, points: [{ value: 4 }] });
    expect(second.filter((s) => String(s.metric).startsWith('checkout.duration')).map((s) => `${String(s.metric)}:${String(s.type)}`)).toEqual([
      'checkout.duration.count:1',
      'checkout.duration.sum:1',
      'checkout.duration.min:3',
      'checkout.duration.max:3',
      'checkout.duration.bucket:1',
      'checkout.duration.bucket:1',
    ]);
    // The first export carried the whole first cumulative value, not nothing.
    const first = (posts[0]!.body as { series: Record<string, unknown>[] }).series;
    expect(first.find((s) => s.metric === 'orders.placed')).toMatchObject({ points: [{ value: 7 }] });
  });

  it('works as a reader on a real MeterProvider', async () => {
    const reader = createDatadogReader({ apiKey: 'k', baseUrl: fake.url, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'api', 'deployment.environment': 'staging' }), readers: [reader] });
    const meter = provider.getMeter('t');
    meter.createCounter('http.requests').add(3, { route: '/a' });
    meter.createHistogram('http.duration', { advice: { explicitBucketBoundaries: [0.1, 1] } }).record(0.5);
    await provider.forceFlush();
    const names = fake.acceptedSeries().map((s) => s.metric);
    expect(names).toEqual(expect.arrayContaining(['http.requests', 'http.duration.count', 'http.duration.bucket']));
    expect(fake.acceptedSeries().find((s) => s.metric === 'http.requests')).toMatchObject({ type: 1, points: [{ value: 3 }], tags: ['service:api', 'env:staging', 'route:/a'] });
    await provider.shutdown();
  });

  it('starts with an export interval shorter than the default export timeout', async () => {
    const reader = createDatadogReader({ apiKey: 'k', baseUrl: fake.url, exportIntervalMillis: 2_000 });
    const provider = new MeterProvider({ readers: [reader] });
    provider.getMeter('t').createCounter('ticks').add(2);
    await provider.forceFlush();
    expect(fake.storedTotal('ticks')).toBe(2);
    await provider.shutdown();
  });

  it('splits at the point limit before sending', async () => {
    const exporter = newExporter({ limits: { maxPoints: 10 } });
    exportNow(exporter, gauges(35));
    await exporter.forceFlush();
    const posts = fake.requests.filter((r) => r.path === '/api/v2/series');
    expect(posts.map((p) => (p.body as { series: unknown[] }).series.length)).toEqual([10, 10, 10, 5]);
    expect(fake.acceptedSeries()).toHaveLength(35);
  });

  it('splits and resends on 413 instead of dropping', async () => {
    await fake.close();
    fake = await startFakeDatadog({ maxCompressedBytes: 300 });
    const exporter = newExporter();
    exportNow(exporter, gauges(60));
    await exporter.forceFlush();
    expect(fake.requests.some((r) => r.outcome === 413)).toBe(true);
    expect(fake.acceptedSeries().map((s) => s.points[0]!.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => 1 + i));
    expect(exporter.stats().dropped['too-large']).toBe(0);
  });

  it('counts a single point the API refuses as too large', async () => {
    await fake.close();
    fake = await startFakeDatadog({ maxCompressedBytes: 10 });
    const exporter = newExporter();
    exportNow(exporter, gauges(2));
    await exporter.forceFlush();
    expect(exporter.stats().dropped['too-large']).toBe(2);
  });

  it('drops points the API refuses alone once, without a request per halving (finding 8)', async () => {
    // The API's limit is under one point of every series: before, 50 series cost 99 requests.
    await fake.close();
    fake = await startFakeDatadog({ maxCompressedBytes: 10 });
    const exporter = newExporter();
    exportNow(exporter, gauges(50));
    await exporter.forceFlush();
    const posts = fake.requests.filter((r) => r.path === '/api/v2/series');
    expect(posts.every((p) => p.outcome === 413)).toBe(true);
    // One request per halving down to the first lone point; the rest are known too large.
    expect(posts.length).toBeLessThanOrEqual(12);
    expect(exporter.stats().dropped['too-large']).toBe(50);
    expect(exporter.stats().sentPoints).toBe(0);
    expect(exporter.stats().queuedBatches).toBe(0);
  });

  it('still sends what fits after the API refused a larger body', async () => {
    await fake.close();
    fake = await startFakeDatadog({ maxCompressedBytes: 400 });
    const exporter = newExporter();
    exportNow(exporter, gauges(80));
    await exporter.forceFlush();
    expect(exporter.stats().dropped['too-large']).toBe(0);
    expect(fake.acceptedSeries()).toHaveLength(80);
    const refused = fake.requests.filter((r) => r.outcome === 413).length;
    const accepted = fake.requests.filter((r) => r.outcome === 202).length;
    // Bodies as large as a refused one are split before sending: few refusals for many accepted requests.
    expect(refused).toBeLessThan(accepted);
  });

  it('waits as long as X-RateLimit-Reset says after a 429', async () => {
    const times: number[] = [];
    fake.onRequest(() => times.push(clock.now()));
    fake.fail('/api/v2/series', { status: 429, headers: { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '17', 'x-ratelimit-period': '60' } });
    const exporter = newExporter();
    exportNow(exporter, gauges(1));
    await runUntil(clock, idle(exporter));
    expect(times[1]! - times[0]!).toBe(17_000);
    expect(exporter.stats()).toMatchObject({ sentPoints: 1, retries: 1, breakerState: 'closed' });
  });

  it('honours Retry-After over its own backoff', async () => {
    const times: number[] = [];
    fake.onRequest(() => times.push(clock.now()));
    fake.fail('/api/v2/series', { status: 503, headers: { 'retry-after': '42' } });
    const exporter = newExporter();
    exportNow(exporter, gauges(1));
    await runUntil(clock, idle(exporter));
    expect(times[1]! - times[0]!).toBe(42_000);
  });

  it('waits for the reset when a success says the rate-limit window is spent', async () => {
    const times: number[] = [];
    fake.onRequest(() => times.push(clock.now()));
    fake.fail('/api/v2/series', { status: 202, body: { errors: [] }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '9' } });
    const exporter = newExporter({ limits: { maxPoints: 1 } });
    exportNow(exporter, gauges(2));
    await runUntil(clock, idle(exporter));
    expect(times[1]! - times[0]!).toBe(9_000);
  });

  it('retries 500s with backoff (5 s, 7.5 s, 11.25 s) and delivers', async () => {
    const times: number[] = [];
    fake.onRequest(() => times.push(clock.now()));
    fake.fail('/api/v2/series', { status: 500 }, { status: 502 }, { status: 503 });
    const exporter = newExporter();
    exportNow(exporter, gauges(3));
    await runUntil(clock, idle(exporter), 250);
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([5_000, 7_500, 11_250]);
    expect(exporter.stats()).toMatchObject({ sentPoints: 3, retries: 3, breakerState: 'closed' });
    expect(fake.acceptedSeries()).toHaveLength(3);
  });

  it('retries after connection resets', async () => {
    fake.fail('/api/v2/series', { reset: true }, { reset: true });
    const exporter = newExporter();
    exportNow(exporter, gauges(2));
    await runUntil(clock, idle(exporter));
    expect(fake.requests.filter((r) => r.outcome === 'reset')).toHaveLength(2);
    expect(exporter.stats()).toMatchObject({ sentPoints: 2, retries: 2 });
  });

  it('abandons a slow attempt at the per-attempt timeout and retries', async () => {
    fake.fail('/api/v2/series', { delayMs: 3_000 });
    clock = new ManualClock(Date.now()); // only to stamp the points: this exporter runs on the real clock
    const exporter = newExporter({ clock: undefined, retry: { attemptTimeoutMs: 200, initialIntervalMs: 10, maxIntervalMs: 10 } });
    exportNow(exporter, gauges(1));
    await exporter.forceFlush();
    expect(exporter.stats()).toMatchObject({ sentPoints: 1, retries: 1 });
    expect(fake.acceptedSeries()).toHaveLength(1);
  });

  it('drops and counts a batch the API rejects with 400, without retrying', async () => {
    fake.fail('/api/v2/series', { status: 400, body: { errors: ['Invalid metric'] } });
    const exporter = newExporter();
    exportNow(exporter, gauges(4));
    await exporter.forceFlush();
    expect(exporter.stats()).toMatchObject({ sentPoints: 0, retries: 0, droppedBatches: 1 });
    expect(exporter.stats().dropped.rejected).toBe(4);
  });

  it('gives up on a batch that keeps failing after 5 min of retries while the breaker stays closed', async () => {
    // 429s are backpressure, not ill health: the breaker stays closed and the budget runs out.
    fake.setHandler(() => ({ status: 429 }));
    const exporter = newExporter();
    exportNow(exporter, gauges(2));
    await runUntil(clock, idle(exporter), 5_000);
    expect(exporter.stats().dropped['retries-exhausted']).toBe(2);
    expect(exporter.stats().breakerState).toBe('closed');
  });
});

describe('a ten-minute outage on a fake clock', () => {
  async function outage(options: Partial<DatadogExporterOptions> & { metrics?: (i: number) => ReturnType<typeof gauges> }) {
    const { metrics = (i: number) => gauges(1, i), ...exporterOptions } = options;
    const outageEnd = clock.now() + 600_000;
    const states = new Set<string>();
    fake.setHandler(() => (clock.now() < outageEnd ? { status: 503 } : undefined));
    const exporter = newExporter(exporterOptions);
    for (let i = 0; i < 60; i += 1) {
      exportNow(exporter, metrics(i));
      await runFor(clock, 10_000, idle(exporter));
      states.add(exporter.stats().breakerState);
    }
    // The breaker holds calls back: 5 failures in the first ~41 s, then one trial per 30 s.
    const attemptsDuringOutage = fake.requests.filter((r) => r.outcome === 503).length;
    await runUntil(clock, idle(exporter));
    const received = fake.acceptedSeries().map((s) => s.points[0]!.value);
    return { exporter, received, states, attemptsDuringOutage };
  }

  it('loses nothing when the queue holds the outage', async () => {
    const { exporter, received, states, attemptsDuringOutage } = await outage({ queueSize: 100 });
    expect(attemptsDuringOutage).toBeGreaterThanOrEqual(20);
    expect(attemptsDuringOutage).toBeLessThanOrEqual(25);
    expect(received).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(states.has('open')).toBe(true);
    const stats = exporter.stats();
    expect(stats.sentPoints).toBe(60);
    expect(Object.values(stats.dropped).every((n) => n === 0)).toBe(true);
    expect(stats.breakerState).toBe('closed');
  });

  it('drops exactly the oldest batches beyond the bound with drop-oldest', async () => {
    const { exporter, received } = await outage({ queueSize: 20, overflow: 'drop-oldest' });
    // Batch 0 is in flight through the outage; the queue keeps the 20 newest.
    expect(received).toEqual([0, ...Array.from({ length: 20 }, (_, i) => 40 + i)]);
    expect(exporter.stats().dropped['queue-full']).toBe(39);
    expect(exporter.stats().droppedBatches).toBe(39);
    expect(exporter.stats().sentPoints + exporter.stats().dropped['queue-full']).toBe(60);
  });

  it('bounds the queue in bytes as well as batches, and counts what the byte bound drops by points', async () => {
    // Each export is one batch of 20 series; the byte bound holds 5 of them.
    const one = 64 + 20 * (200 + 2 * ('queue.depth'.length + 'service:checkout'.length + 'shard:0'.length) + 48);
    const { exporter } = await outage({ queueSize: 1_000, queueMaxBytes: one * 5 + 100, metrics: (i) => gauges(20, i) });
    expect(exporter.stats().dropped['queue-full']).toBeGreaterThanOrEqual(20 * 50);
    expect(exporter.stats().sentPoints + exporter.stats().dropped['queue-full']).toBe(60 * 20);
  });

  it('drops exactly the newest batches beyond the bound with drop-newest', async () => {
    const { exporter, received } = await outage({ queueSize: 20, overflow: 'drop-newest' });
    expect(received).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(exporter.stats().dropped['queue-full']).toBe(39);
  });
});

describe('spill to disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-dd-spill-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the queue across a restart during an outage and resends it', async () => {
    fake.setHandler(() => ({ status: 503 }));
    const first = newExporter({ spillDirectory: dir, flushTimeoutMs: 20_000 });
    for (let i = 0; i < 5; i += 1) {
      exportNow(first, gauges(2, 10 * i));
      await runFor(clock, 10_000, idle(first));
    }
    let shutDown = false;
    void first.shutdown().then(() => (shutDown = true));
    await runUntil(clock, () => shutDown);
    const lines = (await readFile(join(dir, SPILL_FILE), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(Object.values(first.stats().dropped).every((n) => n === 0)).toBe(true);
    expect(fake.acceptedSeries()).toHaveLength(0);

    fake.setHandler(undefined);
    const second = newExporter({ spillDirectory: dir });
    // Waits on events, not on real time: forceFlush() waits for the spill to load and the queue to
    // drain (its deadline is on the fake clock, which stands still), shutdown() for the file writes.
    await second.forceFlush();
    expect(fake.acceptedSeries().map((s) => s.points[0]!.value).sort((a, b) => a - b)).toEqual([0, 1, 10, 11, 20, 21, 30, 31, 40, 41]);
    await second.shutdown();
    expect(existsSync(join(dir, SPILL_FILE))).toBe(false);
    expect(second.stats().sentPoints).toBe(10);
  });

  it('skips damaged spill lines, counts their points, moves the file aside and never crashes', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const t = clock.now() / 1000;
      const point = (value: number) => ({ timestamp: t, value });
      const good = { id: 'good', createdAt: clock.now(), series: [{ metric: 'kept', type: 'gauge', tags: [], points: [point(1), point(2)] }] };
      const lines = [
        JSON.stringify(good),
        '{"id":"y","series":[null],"createdAt":0}',
        JSON.stringify({ id: 'z', createdAt: 0, series: [{ metric: 'no.points', type: 'count', tags: [] }] }),
        // One good series kept, one with a non-numeric value (3 points) skipped.
        JSON.stringify({ id: 'm', createdAt: clock.now(), series: [{ metric: 'mixed', type: 'count', tags: [], interval: 10, points: [point(5)] }, { metric: 'bad', type: 'gauge', tags: [], points: [point(1), point(2), { timestamp: t, value: 'x' }] }] }),
        // Cut off by a crash in the middle of a line: 2 points.
        `{"id":"w","series":[{"metric":"cut","type":"gauge","tags":[],"points":[{"timestamp":${t},"value":1},{"timestamp":${t},`,
        '[1,2,3]',
      ];
      await writeFile(join(dir, SPILL_FILE), lines.join('\n') + '\n');
      const exporter = newExporter({ spillDirectory: dir });
      await waitForReal(() => fake.storedSeries().length === 2);
      await waitForReal(() => exporter.stats().queuedBatches === 0);
      expect(fake.storedSeries().map((s) => s.metric).sort()).toEqual(['kept', 'mixed']);
      expect(exporter.stats().dropped['corrupt-spill']).toBe(5);
      expect(exporter.stats().sentPoints).toBe(3);
      const files = await readdir(dir);
      expect(files.filter((f) => f.startsWith(`${SPILL_FILE}.corrupt-`))).toHaveLength(1);
      // A restart reads a clean queue: nothing damaged is counted twice.
      const again = newExporter({ spillDirectory: dir });
      await waitForReal(() => again.stats().queuedBatches === 0);
      expect(again.stats().dropped['corrupt-spill']).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('appends one batch per export during an outage instead of rewriting the queue file', async () => {
    fake.setHandler(() => ({ status: 503 }));
    const exporter = newExporter({ spillDirectory: dir });
    const file = join(dir, SPILL_FILE);
    const lineCount = (): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);
    let before: { ino: number; text: string } | undefined;
    for (let i = 1; i <= 6; i += 1) {
      exportNow(exporter, gauges(50, 100 * i));
      await runFor(clock, 10_000, idle(exporter));
      await waitForReal(() => lineCount() === i);
      const now = { ino: statSync(file).ino, text: readFileSync(file, 'utf8') };
      if (before) {
        // The same file, grown at the end: nothing already written was rewritten.
        expect(now.ino).toBe(before.ino);
        expect(now.text.startsWith(before.text)).toBe(true);
      }
      before = now;
    }
  });

  it('acknowledges each batch as it is sent, so a kill during the drain resends only the batch in flight', async () => {
    fake.setHandler(() => ({ status: 503 }));
    const first = newExporter({ spillDirectory: dir });
    for (let i = 0; i < 5; i += 1) {
      exportNow(first, gauges(1, i));
      await runFor(clock, 10_000, idle(first));
    }
    // The API comes back, takes three batches, then hangs on the fourth: the process is killed there.
    let answered = 0;
    fake.setHandler(() => (answered++ < 3 ? { delayMs: 50 } : { until: new Promise(() => {}) }));
    const storedValues = (): number[] => fake.storedSeries().flatMap((s) => s.points.map((p) => p.value)).sort((a, b) => a - b);
    await runUntil(clock, () => storedValues().length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const killed = await mkdtemp(join(tmpdir(), 'vigil-dd-killed-'));
    try {
      await cp(dir, killed, { recursive: true });
      fake.setHandler(undefined);
      const second = newExporter({ spillDirectory: killed });
      await waitForReal(() => storedValues().length === 5);
      await waitForReal(() => second.stats().queuedBatches === 0);
      expect(storedValues()).toEqual([0, 1, 2, 3, 4]);
      // Batch 3 was in flight (at least once), batch 4 queued; the three sent ones stay sent.
      expect(second.stats().sentPoints).toBe(2);
    } finally {
      await rm(killed, { recursive: true, force: true });
    }
  });

  it('counts points that left the window once, even when the process is killed right after counting them', async () => {
    fake.setHandler(() => ({ status: 503 }));
    const first = newExporter({ spillDirectory: dir });
    for (let i = 0; i < 3; i += 1) {
      exportNow(first, gauges(2, 10 * i));
      await runFor(clock, 10_000, idle(first));
    }
    // A kill at the very moment the first too-old drop is counted: the directory is copied then.
    const killed = await mkdtemp(join(tmpdir(), 'vigil-dd-killed-'));
    let countedBeforeKill: number | undefined;
    const onWarn = (message: string): void => {
      if (countedBeforeKill !== undefined || !message.includes('(too-old)')) return;
      countedBeforeKill = first.stats().dropped['too-old'];
      cpSync(dir, killed, { recursive: true });
    };
    const quiet = (): void => {};
    diag.setLogger({ warn: onWarn, error: quiet, info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.WARN);
    try {
      await runUntil(clock, () => countedBeforeKill !== undefined, 10_000, 7_200_000);
    } finally {
      diag.disable();
    }
    try {
      fake.setHandler(undefined);
      const second = newExporter({ spillDirectory: killed });
      await second.forceFlush();
      const stats = second.stats();
      // 6 points: each counted once, by the first process or the second, or sent; none counted twice.
      expect(countedBeforeKill).toBe(2);
      expect(countedBeforeKill! + stats.dropped['too-old'] + stats.sentPoints).toBe(6);
    } finally {
      await rm(killed, { recursive: true, force: true });
    }
  });

  it('replaces a spilled batch whose points partly left the window before counting them, and leaves no orphan on disk', async () => {
    const t = clock.now() / 1000;
    const batch = {
      id: 'mixed',
      createdAt: clock.now(),
      series: [
        { metric: 'stale', type: 'count', tags: [], interval: 10, points: [{ timestamp: t - 7_200, value: 4 }] },
        { metric: 'fresh', type: 'count', tags: [], interval: 10, points: [{ timestamp: t, value: 6 }] },
      ],
    };
    await writeFile(join(dir, SPILL_FILE), JSON.stringify(batch) + '\n');
    const killed = await mkdtemp(join(tmpdir(), 'vigil-dd-killed-'));
    let copied = false;
    const quiet = (): void => {};
    diag.setLogger(
      {
        warn: (message: string) => {
          if (copied || !message.includes('(too-old)')) return;
          copied = true;
          cpSync(dir, killed, { recursive: true });
        },
        error: quiet,
        info: quiet,
        debug: quiet,
        verbose: quiet,
      },
      DiagLogLevel.WARN,
    );
    try {
      const first = newExporter({ spillDirectory: dir });
      await first.forceFlush();
      diag.disable();
      expect(first.stats().dropped['too-old']).toBe(1);
      expect(fake.storedTotal('fresh')).toBe(6);
      await first.shutdown();
      expect(existsSync(join(dir, SPILL_FILE))).toBe(false);
      // Killed at the count: the copy holds the replacement only, so nothing is counted twice.
      const second = newExporter({ spillDirectory: killed });
      await second.forceFlush();
      expect(second.stats().dropped['too-old']).toBe(0);
      expect(second.stats().sentPoints).toBe(1);
    } finally {
      diag.disable();
      await rm(killed, { recursive: true, force: true });
    }
  });

  it('counts what it drops at shutdown when there is no spill directory', async () => {
    fake.setHandler(() => ({ status: 503 }));
    const exporter = newExporter({ flushTimeoutMs: 20_000 });
    exportNow(exporter, gauges(3));
    let shutDown = false;
    void exporter.shutdown().then(() => (shutDown = true));
    await runUntil(clock, () => shutDown);
    expect(exporter.stats().dropped.shutdown).toBe(3);
    let after: ExportResult | undefined;
    exporter.export(gauges(1), (r) => (after = r));
    expect(after?.code).toBe(ExportResultCode.FAILED);
  });
});

describe('self-metrics', () => {
  it('shows a refused API key on the Prometheus endpoint, apart from Datadog', async () => {
    await fake.close();
    fake = await startFakeDatadog({ apiKey: 'the-right-key' });
    const endpoint = createPrometheusEndpoint({ port: 0, host: '127.0.0.1' });
    const selfProvider = new MeterProvider({ readers: [endpoint.reader] });
    try {
      const { port } = await endpoint.listen();
      const exporter = newExporter({ apiKey: 'a-revoked-key', meter: selfProvider.getMeter('vigil-datadog') });
      exportNow(exporter, gauges(3));
      await exporter.forceFlush();
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/^vigil_datadog_export_dropped_points\w*\{[^}]*reason="rejected"[^}]*\} 3$/m);
      expect(text).toMatch(/^vigil_datadog_export_breaker_state\w*\{[^}]*state="closed"[^}]*\} 1$/m);
    } finally {
      await selfProvider.shutdown();
      await endpoint.shutdown();
    }
  });

  it('records sent, retried, dropped by reason, queued and breaker state on the given meter', async () => {
    const memory = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter: memory, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    fake.fail('/api/v2/series', { status: 500 }, { status: 400 });
    const exporter = newExporter({ meter: provider.getMeter('vigil-self'), limits: { maxPoints: 2 } });
    exportNow(exporter, gauges(4));
    await runUntil(clock, idle(exporter));
    await reader.forceFlush();
    const metrics = memory.getMetrics().at(-1)!.scopeMetrics[0]!.metrics;
    const byName = new Map(metrics.map((m) => [m.descriptor.name, m.dataPoints]));
    expect(byName.get('vigil_datadog_export_sent_points')?.[0]?.value).toBe(2);
    expect(byName.get('vigil_datadog_export_retries')?.[0]?.value).toBe(1);
    expect(byName.get('vigil_datadog_export_dropped_points')?.map((p) => [p.attributes.reason, p.value])).toEqual([['rejected', 2]]);
    expect(byName.get('vigil_datadog_export_queued_batches')?.[0]?.value).toBe(0);
    expect(byName.get('vigil_datadog_export_breaker_state')?.find((p) => p.attributes.state === 'closed')?.value).toBe(1);
    await provider.shutdown();
  });
});

describe('points Datadog keeps (one value per series and second, the last written)', () => {
  it('the fake API keeps the last value per series and timestamp, as Datadog does', async () => {
    const exporter = newExporter();
    const t = clock.now();
    exportNow(exporter, resourceMetrics([gauge('queue.depth', [{ value: 4, startMs: t, endMs: t }])]));
    await exporter.forceFlush();
    exportNow(exporter, resourceMetrics([gauge('queue.depth', [{ value: 9, startMs: t, endMs: t + 200 }])]));
    await exporter.forceFlush();
    expect(fake.acceptedSeries()).toHaveLength(2);
    expect(fake.storedSeries()).toEqual([expect.objectContaining({ metric: 'queue.depth', points: [{ timestamp: t / 1000, value: 9 }] })]);
  });

  it('loses no counter increments when two collections fall in one second', async () => {
    const exporter = newExporter();
    const t = clock.now();
    const orders = (value: number, end: number) => resourceMetrics([sum('orders.placed', [{ value, attributes: { region: 'eu' }, startMs: t, endMs: end }])]);
    // A periodic export, then forceFlush, then the shutdown's collection, all in the same second.
    exportNow(exporter, orders(5, t + 100));
    await exporter.forceFlush();
    exportNow(exporter, orders(8, t + 400));
    await exporter.forceFlush();
    exportNow(exporter, orders(12, t + 900));
    await exporter.forceFlush();
    expect(fake.storedTotal('orders.placed')).toBe(12);
    const stamps = fake.storedSeries().flatMap((s) => s.points.map((p) => p.timestamp));
    expect(new Set(stamps).size).toBe(stamps.length);
  });

  it('counts the count points stamped ahead of the clock when collections come faster than one a second', async () => {
    const exporter = newExporter();
    const t = clock.now();
    // Three collections in one second, then one a second later: the carried points catch up.
    for (const [value, end] of [[1, t], [2, t + 300], [3, t + 600], [4, t + 1_000], [5, t + 5_000]] as const) {
      await clock.advance(end - clock.now());
      exportNow(exporter, resourceMetrics([sum('ticks', [{ value, startMs: t, endMs: end }]), gauge('level', [{ value, startMs: t, endMs: end }])]));
    }
    await exporter.forceFlush();
    // Stamped t, t+1 s (ahead at t+300 ms), t+2 s (ahead at t+600 ms), t+3 s (ahead at t+1 s), t+5 s; gauges never count.
    expect(exporter.stats().aheadOfClockPoints).toBe(3);
    expect(fake.storedTotal('ticks')).toBe(5);
  });

  it('loses no histogram count, sum or bucket increments when two collections fall in one second', async () => {
    const exporter = newExporter();
    const t = clock.now();
    const latency = (counts: number[], total: number, end: number) =>
      resourceMetrics([histogram('checkout.duration', [{ value: { boundaries: [1], counts, sum: total }, startMs: t, endMs: end }])]);
    exportNow(exporter, latency([2, 1], 3, t + 100));
    await exporter.forceFlush();
    exportNow(exporter, latency([5, 3], 9, t + 600));
    await exporter.forceFlush();
    expect(fake.storedTotal('checkout.duration.count')).toBe(8);
    expect(fake.storedTotal('checkout.duration.sum')).toBe(9);
    expect(fake.storedTotal('checkout.duration.bucket', (tags) => tags.includes('upper_bound:1'))).toBe(5);
    expect(fake.storedTotal('checkout.duration.bucket', (tags) => tags.includes('upper_bound:inf'))).toBe(3);
  });

  it('loses no increments between a forceFlush and the shutdown of a real MeterProvider', async () => {
    const reader = createDatadogReader({ apiKey: 'k', baseUrl: fake.url, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const counter = provider.getMeter('t').createCounter('jobs.done');
    counter.add(3);
    await provider.forceFlush();
    counter.add(4);
    await provider.shutdown();
    expect(fake.storedTotal('jobs.done')).toBe(7);
  });
});

describe('the breaker follows the design figures whatever the backoff and timeouts (5 failures in 60 s, a trial every 30 s, 3 successes)', () => {
  /** Attempt start times as the API saw them, and breaker states sampled each virtual second. */
  async function outageRun(options: Partial<DatadogExporterOptions>, outageMs: number, failure: FakeFailure) {
    const start = clock.now();
    const outageEnd = start + outageMs;
    const arrivals: number[] = [];
    fake.onRequest(() => arrivals.push(clock.now() - start));
    fake.setHandler(() => (clock.now() < outageEnd ? failure : undefined));
    const exporter = newExporter(options);
    let openedAt: number | undefined;
    for (let i = 0; i * 10_000 < outageMs; i += 1) {
      exportNow(exporter, gauges(1, i));
      for (let s = 0; s < 10; s += 1) {
        await runFor(clock, 1_000, idle(exporter));
        if (openedAt === undefined && exporter.stats().breakerState === 'open') openedAt = clock.now() - start;
      }
    }
    await runUntil(clock, idle(exporter));
    return { exporter, arrivals, openedAt };
  }

  it('opens within 60 s and tries every 30 s with high jitter on immediate 503s', async () => {
    const { exporter, arrivals, openedAt } = await outageRun({ random: () => 0.999, retry: { jitter: 0.9 } }, 300_000, { status: 503 });
    expect(openedAt).toBeDefined();
    expect(openedAt!).toBeLessThanOrEqual(60_000);
    expect(arrivals[4]! - arrivals[0]!).toBeLessThan(60_000);
    // After the fifth failure: one trial per 30 s, start to start, until the outage ends.
    const trials = arrivals.slice(5).filter((t) => t < 300_000);
    expect(trials.length).toBeGreaterThanOrEqual(7);
    // (Arrivals are stamped when the request reaches the API, up to one driver step late.)
    for (const gap of trials.slice(1).map((t, i) => t - trials[i]!)) expect(Math.abs(gap - 30_000)).toBeLessThanOrEqual(1_000);
    expect(Object.values(exporter.stats().dropped).every((n) => n === 0)).toBe(true);
    expect(exporter.stats().sentPoints).toBe(30);
  });

  it('opens within 60 s on attempts that time out, trials every 30 s, and batches wait for it instead of being given up', async () => {
    // A hanging API, with the per-attempt timeout (5 s) on the fake clock.
    const timeoutSignal = (ms: number): AbortSignal => {
      const controller = new AbortController();
      void clock.sleep(ms).then(() => controller.abort(new DOMException('timeout', 'TimeoutError')));
      return controller.signal;
    };
    const { exporter, arrivals, openedAt } = await outageRun({ timeoutSignal, random: () => 0.999, retry: { jitter: 0.9 } }, 420_000, { delayMs: 20_000 });
    expect(openedAt).toBeDefined();
    expect(openedAt!).toBeLessThanOrEqual(65_000);
    const trials = arrivals.slice(5).filter((t) => t < 420_000);
    const gaps = trials.slice(1).map((t, i) => t - trials[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(8);
    for (const gap of gaps) expect(Math.abs(gap - 30_000)).toBeLessThanOrEqual(1_000);
    // Past the 5-minute retry budget, nothing was given up: the batches waited for the breaker.
    expect(exporter.stats().dropped['retries-exhausted']).toBe(0);
    expect(exporter.stats().sentPoints).toBe(42);
  });
});

describe('a slow API (answers after 7 s, the attempt timeout is 5 s)', () => {
  it('adapts the attempt timeout so the queue moves, and a timed-out batch that was accepted costs no increment', async () => {
    const timeoutSignal = (ms: number): AbortSignal => {
      const controller = new AbortController();
      void clock.sleep(ms).then(() => controller.abort(new DOMException('timeout', 'TimeoutError')));
      return controller.signal;
    };
    fake.setHandler(() => ({ until: clock.sleep(7_000) }));
    const exporter = newExporter({ timeoutSignal });
    const t = clock.now();
    for (let i = 1; i <= 10; i += 1) {
      exportNow(exporter, resourceMetrics([sum('jobs.done', [{ value: 10 * i, startMs: t, endMs: clock.now() }])]));
      await runFor(clock, 10_000, idle(exporter), 500);
    }
    await runUntil(clock, idle(exporter), 500, 600_000);
    // Every increment is in Datadog once: the copy sent again after the first timeout has the same
    // series, second and value, so Datadog's last-write-wins keeps one.
    expect(fake.storedTotal('jobs.done')).toBe(100);
    expect(exporter.stats().sentPoints).toBe(10);
    // One timed-out attempt, then the timeout fits the API: no batch is sent over and over.
    expect(fake.requests.filter((r) => r.path === '/api/v2/series').length).toBeLessThanOrEqual(12);
    expect(Object.values(exporter.stats().dropped).every((n) => n === 0)).toBe(true);
  });
});

describe('shutdown within a deadline', () => {
  it('forceFlush then shutdown during an outage take well under 30 s with the defaults', async () => {
    fake.setHandler(() => ({ status: 503 }));
    const exporter = newExporter();
    exportNow(exporter, gauges(3));
    await runFor(clock, 60_000, idle(exporter));
    expect(exporter.stats().breakerState).toBe('open');
    const start = clock.now();
    let done = false;
    void exporter.forceFlush().then(() => exporter.shutdown()).then(() => (done = true));
    await runUntil(clock, () => done, 500);
    expect(clock.now() - start).toBeLessThanOrEqual(10_000);
    expect(exporter.stats().dropped.shutdown).toBe(3);
  });

  it('aborts a request in flight at the shutdown deadline and spills its batch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-dd-shutdown-'));
    try {
      fake.setHandler(() => ({ until: new Promise(() => {}) }));
      const exporter = new DatadogMetricExporter({ apiKey: 'k', baseUrl: fake.url, spillDirectory: dir, shutdownTimeoutMs: 200 });
      clock = new ManualClock(Date.now()); // only to stamp the points: this exporter runs on the real clock
      exportNow(exporter, gauges(4));
      await waitForReal(() => fake.requests.length === 1);
      const started = Date.now();
      await exporter.shutdown();
      expect(Date.now() - started).toBeLessThan(2_000);
      const spilled = (await readFile(join(dir, SPILL_FILE), 'utf8')).trim().split('\n');
      expect(spilled).toHaveLength(1);
      expect(exporter.stats().dropped.shutdown).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parallel senders', () => {
  it('sends other batches while one request is slow', async () => {
    let first = true;
    fake.setHandler(() => {
      if (!first) return undefined;
      first = false;
      return { until: clock.sleep(4_000) };
    });
    const exporter = newExporter({ senders: 2, limits: { maxPoints: 1 } });
    exportNow(exporter, gauges(2, 10));
    await waitForReal(() => fake.storedSeries().flatMap((s) => s.points).length === 1);
    // The second batch went through while the first still waits for its answer.
    await waitForReal(() => exporter.stats().queuedBatches === 1);
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(0);
    await runUntil(clock, idle(exporter));
    expect(fake.storedSeries().flatMap((s) => s.points.map((p) => p.value)).sort()).toEqual([10, 11]);
  });

  it('sends a batch queued while the other senders are idle and one request is slow', async () => {
    let release = (): void => {};
    let first = true;
    fake.setHandler(() => {
      if (!first) return undefined;
      first = false;
      return { until: new Promise<void>((resolve) => (release = resolve)) };
    });
    const exporter = newExporter({ senders: 2 });
    exportNow(exporter, gauges(1, 10));
    await waitForReal(() => fake.requests.length === 1);
    // The second sender found the queue empty and stopped; this batch must not wait for the slow one.
    exportNow(exporter, gauges(1, 20));
    await waitForReal(() => fake.acceptedSeries().length === 1);
    expect(fake.acceptedSeries()[0]!.points[0]!.value).toBe(20);
    release();
    await exporter.forceFlush();
    expect(fake.acceptedSeries().map((s) => s.points[0]!.value).sort()).toEqual([10, 20]);
  });

  it('lets one trial through at a time when half-open', async () => {
    fake.setHandler(() => ({ status: 503 }));
    const exporter = newExporter({ senders: 3, limits: { maxPoints: 1 } });
    exportNow(exporter, gauges(6));
    await runFor(clock, 60_000, idle(exporter));
    expect(exporter.stats().breakerState).toBe('open');
    const arrivals: number[] = [];
    fake.onRequest(() => arrivals.push(clock.now()));
    await runFor(clock, 65_000, idle(exporter));
    // Two trials in 65 s, one request each: the other senders waited for the breaker.
    expect(arrivals).toHaveLength(2);
  });
});
