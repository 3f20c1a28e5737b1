// Benchmarks Vigil's Prometheus /metrics serialization, all in one run (after `npx tsc -b`):
//  - Vigil's endpoint handler (OpenTelemetry reader + the OpenTelemetry exporter's serializer,
//    behind auth and error handling) against its peers measured interleaved in the same run:
//    the plain OpenTelemetry PrometheusExporter's request handler on the same MeterProvider, and
//    prom-client's `registry.metrics()` on a registry holding the same series;
//  - the prom-client bridge: the same prom-client registry served through Vigil's endpoint
//    (prom-client -> OpenTelemetry MetricData -> Prometheus text) against `registry.metrics()`;
//  - memory per series: heap kept by the OpenTelemetry SDK (with Vigil's reader, after a scrape)
//    and by prom-client for the same series.
// Series are counters: 100 metric names x (N / 100) label sets each (OpenTelemetry caps an
// instrument at 2,000 series per reader by default). These machines are noisy: read the ratios.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Counter, Registry } from 'prom-client';
import { createPrometheusEndpoint, createPromClientProducer } from '@vigil/exporters';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const METRICS = 100;
const SIZES = [10_000, 100_000];
const started = performance.now();

/** A fake GET request and a response that resolves with the body written to it. */
function scrapeWith(handle) {
  return new Promise((resolve, reject) => {
    const res = {
      statusCode: 200,
      headersSent: false,
      writableEnded: false,
      destroyed: false,
      setHeader() {},
      writeHead(status) {
        this.statusCode = status;
        return this;
      },
      end(body) {
        if (this.statusCode !== 200) reject(new Error(`status ${this.statusCode}`));
        else resolve(body);
      },
      destroy() {
        reject(new Error('destroyed'));
      },
    };
    handle({ method: 'GET', url: '/metrics', headers: {} }, res);
  });
}

function recordOtel(provider, series) {
  const perMetric = series / METRICS;
  for (let m = 0; m < METRICS; m++) {
    const counter = provider.getMeter('bench').createCounter(`bench.requests.${m}`, { description: 'Requests served' });
    for (let i = 0; i < perMetric; i++) counter.add(i + 1, { route: `/route/${i}`, code: '200' });
  }
}

function recordPromClient(registry, series) {
  const perMetric = series / METRICS;
  for (let m = 0; m < METRICS; m++) {
    const counter = new Counter({ name: `bench_requests_${m}_total`, help: 'Requests served', labelNames: ['route', 'code'], registers: [registry] });
    for (let i = 0; i < perMetric; i++) counter.inc({ route: `/route/${i}`, code: '200' }, i + 1);
  }
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/**
 * Runs each case once per round, in turn, so drift hits all alike, starting each round at the
 * next case so none always follows the same neighbour's garbage; returns stats per case.
 */
async function interleaved(cases, rounds, warmup) {
  const entries = Object.entries(cases);
  const samples = Object.fromEntries(entries.map(([k]) => [k, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (let i = 0; i < entries.length; i++) {
      const [name, run] = entries[(round + i) % entries.length];
      gc(); // each run pays for its own garbage only
      const t0 = performance.now();
      const body = await run();
      const ms = performance.now() - t0;
      if (typeof body !== 'string' || body.length === 0) throw new Error(`${name} produced no text`);
      if (round >= warmup) samples[name].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
}

/** Heap kept (bytes per series) by whatever `build` returns, measured around it with GC. */
async function heapPerSeries(series, build) {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = await build();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (!kept) throw new Error('nothing kept');
  return (after - before) / series;
}

const fmt = (ms) => ms.toFixed(1);
const rows = [];
const ratios = [];
const memory = [];

for (const series of SIZES) {
  const rounds = series >= 100_000 ? 12 : 32;
  const warmup = series >= 100_000 ? 1 : 4;

  // One MeterProvider read by both Vigil's endpoint and the plain exporter: same data, same run.
  const endpoint = createPrometheusEndpoint({ onError: (message, error) => console.error(message, error) });
  const plain = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [endpoint.reader, plain] });
  recordOtel(provider, series);
  const registry = new Registry();
  recordPromClient(registry, series);
  // The bridge alone: the prom-client registry through Vigil's endpoint, no SDK instruments.
  const bridged = createPrometheusEndpoint({ metricProducers: [createPromClientProducer(registry)], withoutTargetInfo: true });
  const bridgeProvider = new MeterProvider({ readers: [bridged.reader] });

  // Same number of samples in each text (the scope and target_info lines aside).
  const lines = (text) => text.split('\n').filter((l) => l && !l.startsWith('#')).length;
  const counts = {
    vigil: lines(await scrapeWith(endpoint.handler)),
    plain: lines(await scrapeWith((req, res) => plain.getMetricsRequestHandler(req, res))),
    promClient: lines(await registry.metrics()),
    bridge: lines(await scrapeWith(bridged.handler)),
  };
  if (counts.promClient !== series || counts.bridge !== series || counts.vigil < series || counts.plain < series) {
    throw new Error(`unexpected sample counts ${JSON.stringify(counts)} for ${series} series`);
  }

  const result = await interleaved(
    {
      vigil: () => scrapeWith(endpoint.handler),
      plain: () => scrapeWith((req, res) => plain.getMetricsRequestHandler(req, res)),
      promClient: () => registry.metrics(),
      bridge: () => scrapeWith(bridged.handler),
    },
    rounds,
    warmup,
  );
  const label = series.toLocaleString('en');
  rows.push([`${label} series: Vigil endpoint (OTel SDK)`, result.vigil]);
  rows.push([`${label} series: plain OTel PrometheusExporter`, result.plain]);
  rows.push([`${label} series: prom-client registry.metrics()`, result.promClient]);
  rows.push([`${label} series: prom-client via Vigil bridge`, result.bridge]);
  for (const stat of ['median', 'min']) {
    ratios.push([`${label} series (${stat})`, result.vigil[stat] / result.plain[stat], result.vigil[stat] / result.promClient[stat], result.bridge[stat] / result.promClient[stat]]);
  }

  await endpoint.shutdown();
  await bridged.shutdown();
  await provider.shutdown();
  await bridgeProvider.shutdown();

  memory.push([
    label,
    await heapPerSeries(series, async () => {
      const e = createPrometheusEndpoint();
      const p = new MeterProvider({ readers: [e.reader] });
      recordOtel(p, series);
      await scrapeWith(e.handler); // a reader keeps its cumulative state from the first collection
      return p;
    }),
    await heapPerSeries(series, () => {
      const r = new Registry();
      recordPromClient(r, series);
      return r;
    }),
  ]);
}

const header = ['case', 'median ms', 'min ms', 'max ms', 'runs'];
const table = rows.map(([name, s]) => [name, fmt(s.median), fmt(s.min), fmt(s.max), String(s.n)]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
console.log(`\nVigil Prometheus /metrics benchmark (node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)})\n`);
console.log(line(header));
console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const r of table) console.log(line(r));
console.log('\nRatios (same run; the min is the least disturbed by load; < 1 means Vigil is faster):');
for (const [label, vsPlain, vsPromClient, bridge] of ratios) {
  console.log(`  ${label.padEnd(24)}: Vigil / plain OTel exporter ${vsPlain.toFixed(2)}x   Vigil / prom-client ${vsPromClient.toFixed(2)}x   bridge / prom-client ${bridge.toFixed(2)}x`);
}
console.log('\nHeap kept per series (bytes):');
for (const [label, otel, prom] of memory) {
  console.log(`  ${label.padStart(7)} series: OpenTelemetry SDK + Vigil reader ${otel.toFixed(0)}   prom-client ${prom.toFixed(0)}   ratio ${(otel / prom).toFixed(2)}x`);
}
console.log(`(bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
