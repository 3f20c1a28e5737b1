// Benchmarks the Datadog push exporter against the fake Datadog API (run `npx tsc -b` first):
//  - Vigil: DatadogMetricExporter.export() of one collection of 10,000 series (5,000 counters,
//    5,000 gauges, 3 attributes each + resource tags) until forceFlush() resolves: conversion to
//    deltas, splitting at the API limits, gzip (Node zlib) and POST /api/v2/series;
//  - peer, same run: the official @datadog/datadog-api-client alone (its default HTTP library,
//    pako gzip) posting the same 10,000 series already in wire form via MetricsApi.submitMetrics;
//  - the conversion alone (toDatadogSeries), to show where the time goes.
//  - a long outage with spill: 300 collections of 1,000 series against an API answering 503,
//    with a spill directory, one export every 50 ms: event-loop delay (monitorEventLoopDelay,
//    outside the export() calls themselves, whose conversion is the same with or without an
//    outage), the spill file's size, and the heap each queued batch holds (after a GC).
// Median of 7 after 2 warm-ups; bytes per point compressed and uncompressed. Read the ratios:
// these machines are noisy.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { setTimeout as sleep } from 'node:timers/promises';
import { runInNewContext } from 'node:vm';
import { client, v2 } from '@datadog/datadog-api-client';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { DatadogMetricExporter, DeltaTracker, startFakeDatadog, toDatadogSeries } from '@vigil/exporters';

const SERIES = 10_000;
const RUNS = 7;
const WARMUPS = 2;

function collection(nowMs) {
  const start = [Math.floor((nowMs - 10_000) / 1000), 0];
  const end = [Math.floor(nowMs / 1000), 0];
  const points = (n, value) =>
    Array.from({ length: n }, (_, i) => ({
      value: value(i),
      attributes: { route: `/api/v1/items/${i % 50}`, region: ['eu-west-1', 'us-east-1'][i % 2], shard: `shard-${i}` },
      startTime: start,
      endTime: end,
    }));
  const descriptor = (name) => ({ name, description: '', unit: '', valueType: ValueType.DOUBLE });
  return {
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '2.4.0', 'deployment.environment.name': 'prod' }),
    scopeMetrics: [
      {
        scope: { name: 'bench' },
        metrics: [
          { descriptor: descriptor('http.server.requests'), aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.SUM, isMonotonic: true, dataPoints: points(SERIES / 2, (i) => 1000 + i) },
          { descriptor: descriptor('queue.depth'), aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints: points(SERIES / 2, (i) => (i * 37) % 1000) },
        ],
      },
    ],
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const fake = await startFakeDatadog();
try {
  const vigil = [];
  const peer = [];
  const convertOnly = [];
  let wire;
  for (let run = 0; run < WARMUPS + RUNS; run += 1) {
    // Vigil's exporter, a fresh instance per run so every run sends the full first points.
    const records = [];
    const exporter = new DatadogMetricExporter({ apiKey: 'bench', baseUrl: fake.url, onRequest: (r) => records.push(r) });
    const metrics = collection(Date.now());
    const t0 = performance.now();
    exporter.export(metrics, () => {});
    await exporter.forceFlush();
    const t1 = performance.now();
    const stats = exporter.stats();
    await exporter.shutdown();
    if (stats.sentPoints !== SERIES) throw new Error(`sent ${stats.sentPoints} points, expected ${SERIES}`);

    // Conversion alone.
    const toConvert = collection(Date.now());
    const c0 = performance.now();
    const converted = toDatadogSeries(toConvert, new DeltaTracker(), Date.now());
    const c1 = performance.now();

    // Peer: the official client with its default HTTP library (pako gzip), same series.
    wire ??= converted.series.map((s) => ({ metric: s.metric, type: s.type === 'count' ? 1 : 3, points: s.points, tags: s.tags, ...(s.interval ? { interval: s.interval } : {}) }));
    const api = new v2.MetricsApi(
      client.createConfiguration({ authMethods: { apiKeyAuth: 'bench' }, baseServer: new client.BaseServerConfiguration(fake.url, {}) }),
    );
    const p0 = performance.now();
    await api.submitMetrics({ body: { series: wire }, contentEncoding: 'gzip' });
    const p1 = performance.now();

    if (run >= WARMUPS) {
      vigil.push({ ms: t1 - t0, requests: records.length, compressed: records.reduce((n, r) => n + r.bodyBytes, 0), uncompressed: records.reduce((n, r) => n + r.uncompressedBytes, 0) });
      peer.push({ ms: p1 - p0, compressed: fake.requests.at(-1).bodyBytes, uncompressed: fake.requests.at(-1).decodedBytes });
      convertOnly.push(c1 - c0);
    }
    fake.clearRequests();
  }
  const v = vigil[Math.floor(RUNS / 2)];
  const vigilMs = median(vigil.map((r) => r.ms));
  const peerMs = median(peer.map((r) => r.ms));
  const p = peer[0];
  console.log(`Datadog export of ${SERIES.toLocaleString('en')} series to the fake API (median of ${RUNS}, Node ${process.version})`);
  console.table([
    { case: 'Vigil exporter: export() -> forceFlush()', 'ms': vigilMs.toFixed(1), 'requests': v.requests, 'B/point gzip': (v.compressed / SERIES).toFixed(1), 'B/point raw': (v.uncompressed / SERIES).toFixed(1), 'vs peer': (vigilMs / peerMs).toFixed(2) },
    { case: 'peer: datadog-api-client submitMetrics (pako)', 'ms': peerMs.toFixed(1), 'requests': 1, 'B/point gzip': (p.compressed / SERIES).toFixed(1), 'B/point raw': (p.uncompressed / SERIES).toFixed(1), 'vs peer': '1.00' },
    { case: 'Vigil conversion only (toDatadogSeries)', 'ms': median(convertOnly).toFixed(1), 'requests': 0, 'B/point gzip': '', 'B/point raw': '', 'vs peer': (median(convertOnly) / peerMs).toFixed(2) },
  ]);
} finally {
  await fake.close();
}

// A long outage with spill: does queueing and spilling hold the service's event loop?
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const OUTAGE_BATCHES = 300;
const OUTAGE_SERIES = 1_000;
const outageFake = await startFakeDatadog();
const spillDirectory = await mkdtemp(join(tmpdir(), 'vigil-bench-dd-'));
try {
  outageFake.setHandler(() => ({ status: 503 }));
  const exporter = new DatadogMetricExporter({
    apiKey: 'bench',
    baseUrl: outageFake.url,
    spillDirectory,
    queueMaxBytes: 4 * 1024 ** 3,
    // Compressed time: the breaker opens within a second and tries every 2 s.
    retry: { initialIntervalMs: 50, maxIntervalMs: 200 },
    breaker: { openDurationMs: 2_000 },
  });
  const template = (now) => {
    const c = collection(now);
    c.scopeMetrics[0].metrics = c.scopeMetrics[0].metrics.map((m) => ({ ...m, dataPoints: m.dataPoints.slice(0, OUTAGE_SERIES / 2) }));
    return c;
  };
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const exportMs = [];
  let worstGapMs = 0;
  let lateGaps = 0;
  for (let i = 0; i < OUTAGE_BATCHES; i += 1) {
    const t0 = performance.now();
    exporter.export(template(Date.now()), () => {});
    exportMs.push(performance.now() - t0);
    // Event-loop delay between exports: what the queue and the spill cost the service.
    delay.enable();
    const gapStart = performance.now();
    await sleep(50);
    const late = performance.now() - gapStart - 50;
    worstGapMs = Math.max(worstGapMs, late);
    if (late > 20) lateGaps += 1;
    delay.disable();
  }
  await sleep(500);
  const stats = exporter.stats();
  gc();
  const heapPerBatch = (process.memoryUsage().heapUsed - heapBefore) / stats.queuedBatches;
  const spillBytes = (await stat(join(spillDirectory, 'datadog-queue.jsonl'))).size;
  const ms = (ns) => (ns / 1e6).toFixed(1);
  console.log(`\nOutage with spill: ${OUTAGE_BATCHES} exports of ${OUTAGE_SERIES.toLocaleString('en')} series, API answering 503 (target: event-loop delay under 20 ms at 300 queued batches)`);
  console.table([
    {
      'queued batches': stats.queuedBatches,
      'spill file MB': (spillBytes / 1e6).toFixed(1),
      'loop delay p50 ms': ms(delay.percentile(50)),
      'loop delay p99 ms': ms(delay.percentile(99)),
      'loop delay max ms': ms(delay.max),
      'worst timer lateness ms': worstGapMs.toFixed(1),
      'gaps late > 20 ms': `${lateGaps}/${OUTAGE_BATCHES}`,
      'export() median ms': median(exportMs).toFixed(1),
      'heap per queued batch MB': (heapPerBatch / 1e6).toFixed(2),
      'breaker': stats.breakerState,
    },
  ]);
  await exporter.shutdown();
} finally {
  await outageFake.close();
  await rm(spillDirectory, { recursive: true, force: true });
}
