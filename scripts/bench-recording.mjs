// Benchmarks recording a business metric, all peers in one run, reported as ratios:
//  - Vigil's cell handles (bound: attributes fixed once; unbound: attributes per call),
//  - the OpenTelemetry SDK's instruments (counter.add, histogram.record), the same 4 attributes,
//  - prom-client (inc with a labels object; a bound child from .labels()),
// and the heap growth over 10M bound calls (it should stay flat: the bound path does not
// allocate). Median ns/op over several rounds; these machines are noisy, so read the ratios.
// Run: npm run build && node --expose-gc scripts/bench-recording.mjs
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { createMetrics, VigilMetricProducer } from '@vigil/instrumentation';
import promClient from 'prom-client';

if (typeof globalThis.gc !== 'function') {
  // Re-run with --expose-gc so the heap figure is measured after full collections.
  const run = spawnSync(process.execPath, ['--expose-gc', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

const ROUNDS = 7;
const N = 1_000_000;
const HEAP_CALLS = 10_000_000;
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

// Four attribute sets of four labels, rotated so no peer sees a single constant object.
const ATTRS = [
  { channel: 'news', region: 'eu', outcome: 'success', variant: 'control' },
  { channel: 'sport', region: 'us', outcome: 'success', variant: 'canary' },
  { channel: 'news', region: 'us', outcome: 'error', variant: 'control' },
  { channel: 'music', region: 'eu', outcome: 'timeout', variant: 'canary' },
];
const LABELS = ['channel', 'region', 'outcome', 'variant'];

class ManualReader extends MetricReader {
  async onShutdown() {}
  async onForceFlush() {}
}

// Vigil
const producer = new VigilMetricProducer();
const labels = { channel: {}, region: {}, outcome: {}, variant: {} };
const vigil = createMetrics(
  {
    metrics: {
      selections: { name: 'bench_selections', type: 'counter', unit: '1', description: 'c', labels },
      latency: { name: 'bench_latency_seconds', type: 'histogram', unit: 's', description: 'h', labels, buckets: BUCKETS },
    },
  },
  producer,
);
const vigilBound = ATTRS.map((a) => vigil.selections.bind(a));
const vigilBoundHist = ATTRS.map((a) => vigil.latency.bind(a));

// OpenTelemetry SDK
const otelReader = new ManualReader();
const meter = new MeterProvider({ readers: [otelReader] }).getMeter('bench');
const otelCounter = meter.createCounter('otel_selections');
const otelHist = meter.createHistogram('otel_latency', { advice: { explicitBucketBoundaries: BUCKETS } });

// prom-client
const registry = new promClient.Registry();
const promCounter = new promClient.Counter({ name: 'prom_selections_total', help: 'c', labelNames: LABELS, registers: [registry] });
const promHist = new promClient.Histogram({ name: 'prom_latency_seconds', help: 'h', labelNames: LABELS, buckets: BUCKETS, registers: [registry] });
const promBound = ATTRS.map((a) => promCounter.labels(a));
const promBoundHist = ATTRS.map((a) => promHist.labels(a));

const cases = {
  'vigil bound counter': () => { for (let i = 0; i < N; i++) vigilBound[i & 3].add(1); },
  'vigil counter (attributes per call)': () => { for (let i = 0; i < N; i++) vigil.selections.add(1, ATTRS[i & 3]); },
  'vigil bound histogram': () => { for (let i = 0; i < N; i++) vigilBoundHist[i & 3].record((i & 1023) / 512); },
  'vigil histogram (attributes per call)': () => { for (let i = 0; i < N; i++) vigil.latency.record((i & 1023) / 512, ATTRS[i & 3]); },
  'otel counter.add': () => { for (let i = 0; i < N; i++) otelCounter.add(1, ATTRS[i & 3]); },
  'otel histogram.record': () => { for (let i = 0; i < N; i++) otelHist.record((i & 1023) / 512, ATTRS[i & 3]); },
  'prom-client inc(labels)': () => { for (let i = 0; i < N; i++) promCounter.inc(ATTRS[i & 3]); },
  'prom-client bound child inc': () => { for (let i = 0; i < N; i++) promBound[i & 3].inc(); },
  'prom-client observe(labels)': () => { for (let i = 0; i < N; i++) promHist.observe(ATTRS[i & 3], (i & 1023) / 512); },
  'prom-client bound child observe': () => { for (let i = 0; i < N; i++) promBoundHist[i & 3].observe((i & 1023) / 512); },
};

const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const fn of Object.values(cases)) fn(); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  // Interleaved, so drift on a noisy machine hits every peer alike.
  for (const [name, fn] of Object.entries(cases)) {
    const start = performance.now();
    fn();
    samples[name].push(((performance.now() - start) * 1e6) / N);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ns = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));

// Heap over 10M bound calls.
globalThis.gc();
globalThis.gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < HEAP_CALLS; i++) vigilBound[i & 3].add(1);
for (let i = 0; i < HEAP_CALLS; i++) vigilBoundHist[i & 3].record((i & 1023) / 512);
globalThis.gc();
globalThis.gc();
const growth = process.memoryUsage().heapUsed - before;

// Keep results observable (and the collect path exercised).
const collected = await producer.collect();
await otelReader.collect();
await registry.metrics();

const pad = (s, n) => String(s).padEnd(n);
console.log(`recording, ${N.toLocaleString('en')} calls x ${ROUNDS} rounds, median ns/op (node ${process.version})\n`);
console.log(`${pad('case', 40)}${pad('ns/op', 10)}`);
for (const [name, v] of Object.entries(ns)) console.log(`${pad(name, 40)}${pad(v.toFixed(1), 10)}`);
const ratio = (a, b) => `${(ns[b] / ns[a]).toFixed(1)}x`;
console.log('\nratios (how many times faster Vigil is; >1 is faster):');
console.log(`  bound counter   vs prom-client bound child: ${ratio('vigil bound counter', 'prom-client bound child inc')} (target >= 10x)`);
console.log(`  bound counter   vs otel counter.add:        ${ratio('vigil bound counter', 'otel counter.add')}`);
console.log(`  counter (attrs) vs prom-client inc(labels): ${ratio('vigil counter (attributes per call)', 'prom-client inc(labels)')} (target >= 1x)`);
console.log(`  counter (attrs) vs otel counter.add:        ${ratio('vigil counter (attributes per call)', 'otel counter.add')}`);
console.log(`  bound histogram vs prom-client bound child: ${ratio('vigil bound histogram', 'prom-client bound child observe')}`);
console.log(`  histogram (attrs) vs otel histogram.record: ${ratio('vigil histogram (attributes per call)', 'otel histogram.record')}`);
console.log(`  histogram (attrs) vs prom-client observe:   ${ratio('vigil histogram (attributes per call)', 'prom-client observe(labels)')}`);
console.log(`\nheap growth over ${(2 * HEAP_CALLS).toLocaleString('en')} bound calls (10M counter + 10M histogram): ${(growth / 1024).toFixed(1)} KiB`);
console.log(`series exported by Vigil's producer: ${collected.resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).reduce((n, m) => n + m.dataPoints.length, 0)}`);
