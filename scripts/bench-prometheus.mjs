// Benchmarks Vigil's Prometheus /metrics exposition, all in one run (after `npm run build`),
// every peer on the same series (100 counter names x N/100 label sets {route, code}):
//  - Vigil's endpoint serving series recorded through Vigil's handles (the fast path: text
//    written straight from the cells, label blocks cached per series), against the plain
//    OpenTelemetry PrometheusExporter's request handler serving the same series recorded through
//    OpenTelemetry SDK counters, and prom-client's `registry.metrics()` on a registry holding them;
//  - Vigil's endpoint serving the OpenTelemetry SDK counters (its MetricData writer);
//  - the prom-client bridge: that registry served through Vigil's endpoint, against `registry.metrics()`;
//  - OpenMetrics and gzip (`Accept-Encoding: gzip`) on the fast path: time and bytes;
//  - memory per series kept after a scrape (V8 heap plus array buffers, which hold the cells):
//    Vigil's handles, prom-client, and the OpenTelemetry SDK behind Vigil's reader.
// Cases run interleaved, each round starting at the next case; these machines are noisy: read
// the ratios (the min is the least disturbed by load).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Buffer } from 'node:buffer';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Counter, Histogram, Registry } from 'prom-client';
import { createPrometheusEndpoint, createPromClientProducer } from '@vigil/exporters';
import { createMetrics, VigilMetricProducer } from '@vigil/instrumentation';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const METRICS = 100;
const SIZES = [10_000, 100_000];
const started = performance.now();

/** A fake GET request with `headers` and a response that resolves with the body written to it. */
function scrapeWith(handle, headers = {}) {
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
    handle({ method: 'GET', url: '/metrics', headers }, res);
  });
}

const OPENMETRICS = { accept: 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1' };
const GZIP = { 'accept-encoding': 'gzip' };

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

/** Histograms for the bridge: `series` label sets over 10 names, default buckets (11 bucket lines each). */
function recordPromClientHistograms(registry, series) {
  const perMetric = series / 10;
  for (let m = 0; m < 10; m++) {
    const histogram = new Histogram({ name: `bench_latency_${m}_seconds`, help: 'Latency', labelNames: ['route', 'code'], registers: [registry] });
    for (let i = 0; i < perMetric; i++) histogram.observe({ route: `/route/${i}`, code: '200' }, (i % 100) / 50);
  }
}

/** The same series through Vigil's handles (cells), with the producer an endpoint reads. */
function recordVigil(series) {
  const perMetric = series / METRICS;
  const metrics = {};
  for (let m = 0; m < METRICS; m++) {
    metrics[`m${m}`] = { name: `bench.requests.${m}`, type: 'counter', unit: '', description: 'Requests served', labels: { route: {}, code: { values: ['200', '500'] } } };
  }
  const producer = new VigilMetricProducer();
  const handles = createMetrics({ metrics }, producer);
  for (let m = 0; m < METRICS; m++) {
    const counter = handles[`m${m}`];
    for (let i = 0; i < perMetric; i++) counter.add(i + 1, { route: `/route/${i}`, code: '200' });
  }
  return { producer, handles };
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
      if (body === undefined || body.length === 0) throw new Error(`${name} produced no text`);
      if (round >= warmup) samples[name].push(ms);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
}

/** Memory kept (bytes per series: V8 heap plus array buffers) by whatever `build` returns, measured around it with GC. */
async function memoryPerSeries(series, build) {
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  gc();
  gc();
  const before = used();
  const kept = await build();
  gc();
  gc();
  const after = used();
  if (!kept) throw new Error('nothing kept');
  return (after - before) / series;
}

const fmt = (ms) => ms.toFixed(1);
const rows = [];
const ratios = [];
const memory = [];
const sizes = [];

for (const series of SIZES) {
  const rounds = series >= 100_000 ? 12 : 32;
  const warmup = series >= 100_000 ? 2 : 4;

  // Vigil's handles behind Vigil's endpoint (its reader's MeterProvider has no instruments).
  const { producer } = recordVigil(series);
  const endpoint = createPrometheusEndpoint({ metricProducers: [producer], onError: (message, error) => console.error(message, error) });
  const vigilProvider = new MeterProvider({ readers: [endpoint.reader] });
  // The same series as OpenTelemetry SDK counters, read by the plain exporter and by Vigil's endpoint.
  const sdkEndpoint = createPrometheusEndpoint({ onError: (message, error) => console.error(message, error) });
  const plain = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [sdkEndpoint.reader, plain] });
  recordOtel(provider, series);
  const registry = new Registry();
  recordPromClient(registry, series);
  // The bridge alone: the prom-client registry through Vigil's endpoint, no SDK instruments.
  const bridged = createPrometheusEndpoint({ metricProducers: [createPromClientProducer(registry)], withoutTargetInfo: true });
  const bridgeProvider = new MeterProvider({ readers: [bridged.reader] });
  // Histograms through the bridge (a tenth of the series: each is 14 lines).
  const histRegistry = new Registry();
  recordPromClientHistograms(histRegistry, series / 10);
  const bridgedHist = createPrometheusEndpoint({ metricProducers: [createPromClientProducer(histRegistry)], withoutTargetInfo: true });
  const bridgeHistProvider = new MeterProvider({ readers: [bridgedHist.reader] });

  const plainHandler = (req, res) => plain.getMetricsRequestHandler(req, res);
  // Same number of samples in each text (the target_info line aside).
  const lines = (text) => String(text).split('\n').filter((l) => l && !l.startsWith('#')).length;
  const counts = {
    vigil: lines(await scrapeWith(endpoint.handler)),
    vigilOpenMetrics: lines(await scrapeWith(endpoint.handler, OPENMETRICS)),
    vigilSdk: lines(await scrapeWith(sdkEndpoint.handler)),
    plain: lines(await scrapeWith(plainHandler)),
    promClient: lines(await registry.metrics()),
    bridge: lines(await scrapeWith(bridged.handler)),
  };
  for (const [name, count] of Object.entries(counts)) {
    if (count < series || count > series + 1) throw new Error(`unexpected sample counts ${JSON.stringify(counts)} for ${series} series (${name})`);
  }

  const result = await interleaved(
    {
      vigil: () => scrapeWith(endpoint.handler),
      plain: () => scrapeWith(plainHandler),
      promClient: () => registry.metrics(),
      bridge: () => scrapeWith(bridged.handler),
      vigilSdk: () => scrapeWith(sdkEndpoint.handler),
      vigilOpenMetrics: () => scrapeWith(endpoint.handler, OPENMETRICS),
      vigilGzip: () => scrapeWith(endpoint.handler, GZIP),
      promClientHist: () => histRegistry.metrics(),
      bridgeHist: () => scrapeWith(bridgedHist.handler),
    },
    rounds,
    warmup,
  );
  const label = series.toLocaleString('en');
  rows.push([`${label} series: Vigil endpoint, Vigil handles`, result.vigil]);
  rows.push([`${label} series: plain OTel PrometheusExporter`, result.plain]);
  rows.push([`${label} series: prom-client registry.metrics()`, result.promClient]);
  rows.push([`${label} series: prom-client via Vigil bridge`, result.bridge]);
  rows.push([`${label} series: Vigil endpoint, OTel SDK counters`, result.vigilSdk]);
  rows.push([`${label} series: Vigil handles, OpenMetrics`, result.vigilOpenMetrics]);
  rows.push([`${label} series: Vigil handles, gzip`, result.vigilGzip]);
  const histLabel = (series / 10).toLocaleString('en');
  rows.push([`${histLabel} histogram series: prom-client registry.metrics()`, result.promClientHist]);
  rows.push([`${histLabel} histogram series: prom-client via Vigil bridge`, result.bridgeHist]);
  for (const stat of ['median', 'min']) {
    ratios.push([
      `${label} series (${stat})`,
      result.vigil[stat] / result.plain[stat],
      result.vigil[stat] / result.promClient[stat],
      result.bridge[stat] / result.promClient[stat],
      result.vigilSdk[stat] / result.plain[stat],
      result.bridgeHist[stat] / result.promClientHist[stat],
    ]);
  }
  const raw = await scrapeWith(endpoint.handler);
  const zipped = await scrapeWith(endpoint.handler, GZIP);
  const promText = await registry.metrics();
  sizes.push([label, raw.length, zipped.length, Buffer.byteLength(promText), result.vigilGzip.median / result.vigil.median]);

  await endpoint.shutdown();
  await sdkEndpoint.shutdown();
  await bridged.shutdown();
  await vigilProvider.shutdown();
  await provider.shutdown();
  await bridgeProvider.shutdown();
  await bridgedHist.shutdown();
  await bridgeHistProvider.shutdown();

  // Each kept as a service keeps it: recorded, then scraped once.
  memory.push([
    label,
    await memoryPerSeries(series, async () => {
      const { producer: p, handles } = recordVigil(series);
      const e = createPrometheusEndpoint({ metricProducers: [p] });
      const mp = new MeterProvider({ readers: [e.reader] });
      await scrapeWith(e.handler); // builds and keeps each series' label block
      return [p, handles, e, mp];
    }),
    await memoryPerSeries(series, async () => {
      const r = new Registry();
      recordPromClient(r, series);
      await r.metrics();
      return r;
    }),
    await memoryPerSeries(series, async () => {
      const e = createPrometheusEndpoint();
      const p = new MeterProvider({ readers: [e.reader] });
      recordOtel(p, series);
      await scrapeWith(e.handler); // a reader keeps its cumulative state from the first collection
      return p;
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
console.log('\nRatios (same run; < 1 means Vigil is faster; 0.50x = twice as fast):');
for (const [label, vsPlain, vsPromClient, bridge, sdk, bridgeHist] of ratios) {
  console.log(
    `  ${label.padEnd(24)}: Vigil / plain OTel exporter ${vsPlain.toFixed(2)}x   Vigil / prom-client ${vsPromClient.toFixed(2)}x   bridge / prom-client ${bridge.toFixed(2)}x (histograms ${bridgeHist.toFixed(2)}x)   Vigil on SDK counters / plain OTel ${sdk.toFixed(2)}x`,
  );
}
console.log('\nBody size (Vigil handles; gzip level 1 when the scraper sends Accept-Encoding: gzip):');
for (const [label, raw, zipped, prom, time] of sizes) {
  console.log(`  ${label.padStart(7)} series: ${(raw / 1024).toFixed(0)} KiB plain, ${(zipped / 1024).toFixed(0)} KiB gzip (${((zipped / raw) * 100).toFixed(1)}%), prom-client text ${(prom / 1024).toFixed(0)} KiB; gzip scrape takes ${time.toFixed(2)}x the plain one`);
}
console.log('\nMemory kept per series after a scrape (bytes, V8 heap + array buffers):');
for (const [label, vigil, prom, otel] of memory) {
  console.log(`  ${label.padStart(7)} series: Vigil handles ${vigil.toFixed(0)}   prom-client ${prom.toFixed(0)}   ratio ${(vigil / prom).toFixed(2)}x   (OpenTelemetry SDK + Vigil reader ${otel.toFixed(0)})`);
}
console.log(`(bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
