import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance } from 'node:perf_hooks';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Counter, Histogram, Registry } from 'prom-client';
import { createPrometheusEndpoint, createPromClientProducer } from '@vigil/exporters';
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
function scrapeWith(handle, headers = {}) {
  return new Promise((resolve, reject) => {
    const res = { statusCode: 200, headersSent: false, writableEnded: false, destroyed: false, setHeader() {}, writeHead(s) { this.statusCode = s; return this; }, end(body) { resolve(body); }, destroy() { reject(new Error('x')); } };
    handle({ method: 'GET', url: '/metrics', headers }, res);
  });
}
const series = Number(process.argv[2] ?? 10000);
const hist = process.argv[3] === 'hist';
const registry = new Registry();
for (let m = 0; m < 100; m++) {
  if (hist) {
    const h = new Histogram({ name: `bench_latency_${m}`, help: 'Latency', labelNames: ['route', 'code'], registers: [registry] });
    for (let i = 0; i < series / 100; i++) h.observe({ route: `/route/${i}`, code: '200' }, i / 100);
  } else {
    const c = new Counter({ name: `bench_requests_${m}_total`, help: 'Requests served', labelNames: ['route', 'code'], registers: [registry] });
    for (let i = 0; i < series / 100; i++) c.inc({ route: `/route/${i}`, code: '200' }, i + 1);
  }
}
const bridged = createPrometheusEndpoint({ metricProducers: [createPromClientProducer(registry)], withoutTargetInfo: true });
new MeterProvider({ readers: [bridged.reader] });
const s = { bridge: [], prom: [] };
for (let r = 0; r < 30; r++) {
  for (const [k, f] of (r % 2 ? [['bridge', () => scrapeWith(bridged.handler)], ['prom', () => registry.metrics()]] : [['prom', () => registry.metrics()], ['bridge', () => scrapeWith(bridged.handler)]])) {
    gc(); const t = performance.now(); await f(); const ms = performance.now() - t; if (r >= 4) s[k].push(ms);
  }
}
const st = (a) => { a.sort((x, y) => x - y); return { med: a[a.length >> 1], min: a[0] }; };
const b = st(s.bridge), p = st(s.prom);
console.log(series, hist ? 'hist' : 'counter', 'bridge', b.med.toFixed(1), b.min.toFixed(1), 'prom', p.med.toFixed(1), p.min.toFixed(1), 'ratio med', (b.med / p.med).toFixed(2), 'min', (b.min / p.min).toFixed(2));
