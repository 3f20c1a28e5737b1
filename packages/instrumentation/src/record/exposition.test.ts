import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { createPromClientProducer, createPrometheusEndpoint, type PrometheusEndpointOptions } from '@vigil/exporters';
import fc from 'fast-check';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, seriesStoreOf } from '../create-metrics.js';
import { VigilMetricProducer } from './vigil-producer.js';

/** A reader that only collects, for the reference path (MetricData through the OpenTelemetry serializer). */
class ManualReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

const HOSTILE = ['plain', 'quote "q"', 'back\\slash', 'new\nline', 'unicode ✓ é 日本 🚀', 'all "\\\n" mixed\\n', ''];
const BUCKETS = [0.1, 1, 10];

const catalog = {
  metrics: {
    orders: { name: 'shop.orders', type: 'counter', unit: '1', description: 'Orders "placed"\nto\\day', labels: { method: {}, region: {} } },
    queue: { name: 'shop.queue.depth', type: 'updowncounter', unit: '{order}', description: 'Orders waiting', labels: { method: {} } },
    stock: { name: 'shop.stock.ratio', type: 'gauge', unit: '1', description: 'Stock left', labels: { warehouse: {} } },
    latency: { name: 'shop.checkout.duration_seconds', type: 'histogram', unit: 's', description: 'Checkout time', labels: { step: {} }, buckets: BUCKETS },
    bare: { name: 'shop.restarts', type: 'counter', unit: '', description: '', labels: {} },
    silent: { name: 'shop.never.recorded', type: 'gauge', unit: '1', description: 'nothing yet', labels: {} },
  },
} as const;

/** Scrapes a handler with `headers`: status, headers and body bytes. */
function scrape(handler: (req: IncomingMessage, res: ServerResponse) => void, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let sent: Record<string, unknown> = {};
    const res = {
      headersSent: false,
      writableEnded: false,
      destroyed: false,
      writeHead(code: number, h: Record<string, unknown>) {
        status = code;
        sent = h ?? {};
        return res;
      },
      end(body?: Buffer | string) {
        resolve({ status, headers: sent, body: Buffer.from(body ?? '') });
      },
      destroy() {
        reject(new Error('destroyed'));
      },
    };
    handler({ method: 'GET', url: '/metrics', headers } as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
}

interface Setup {
  endpoint: ReturnType<typeof createPrometheusEndpoint>;
  reference: ManualReader;
  provider: MeterProvider;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/**
 * The same kinds of series three ways (OpenTelemetry SDK instruments, Vigil's handles, a
 * prom-client registry through the bridge), read by Vigil's endpoint and by a plain reader.
 */
function setup(options: PrometheusEndpointOptions, values: readonly string[] = HOSTILE): Setup {
  const producer = new VigilMetricProducer();
  const metrics = createMetrics(catalog, producer);
  const registry = new Registry();
  const bridge = createPromClientProducer(registry);
  const endpoint = createPrometheusEndpoint({ ...options, metricProducers: [producer, bridge], onError: () => undefined });
  const reference = new ManualReader({ metricProducers: [producer, bridge] });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop', 'service.namespace': 'a"b\\c', 'deploy.id': 'x\ny' }),
    readers: [endpoint.reader, reference],
  });
  const meter = provider.getMeter('shop', '1.2.0');
  const otelCounter = meter.createCounter('otel.orders', { description: 'SDK orders' });
  const otelUpDown = meter.createUpDownCounter('otel.queue', { description: 'SDK queue', unit: 'By' });
  const otelGauge = meter.createGauge('otel.ratio', { description: 'SDK ratio' });
  const otelHistogram = meter.createHistogram('otel.latency', { description: 'SDK latency', unit: 's', advice: { explicitBucketBoundaries: BUCKETS } });
  const promCounter = new Counter({ name: 'legacy_jobs_total', help: 'Jobs "done"', labelNames: ['kind'], registers: [registry] });
  const promGauge = new Gauge({ name: 'legacy_temperature', help: 'Temperature', labelNames: ['room'], registers: [registry] });
  const promHistogram = new Histogram({ name: 'legacy_wait_seconds', help: 'Wait', labelNames: ['queue'], buckets: BUCKETS, registers: [registry] });
  const promHistogram2 = new Histogram({ name: 'legacy_size_bytes', help: 'Size', labelNames: ['queue', 'n'], buckets: [10, 100], registers: [registry] });
  const promSummary = new Summary({ name: 'legacy_delay_seconds', help: 'Delay', labelNames: ['queue'], percentiles: [0.5, 0.99], registers: [registry] });
  new Summary({ name: 'legacy_unused_seconds', help: 'Never observed', registers: [registry] });
  new Histogram({ name: 'legacy_empty_seconds', help: 'Never observed', buckets: BUCKETS, registers: [registry] });
  values.forEach((value, i) => {
    metrics.orders.add(i + 1, { method: value, region: i % 2 === 0 ? 'eu' : value });
    metrics.queue.add(i - 3, { method: value });
    metrics.stock.record(i / 7, { warehouse: value });
    metrics.latency.record(i * 0.9, { step: value });
    metrics.latency.record(i * 4.5, { step: value });
    otelCounter.add(i + 0.5, { method: value, n: i });
    otelUpDown.add(-i, { method: value });
    otelGauge.record(i * 1e21, { where: value });
    otelHistogram.record(i * 0.9, { step: value });
    promCounter.inc({ kind: value }, i + 1);
    promGauge.set({ room: value }, -i / 3);
    promHistogram.observe({ queue: value }, i * 0.4);
    promHistogram2.observe({ queue: value, n: i }, i * 30);
    promSummary.observe({ queue: value }, i * 0.3);
    promSummary.observe({ queue: value }, i * 0.7);
  });
  metrics.bare.add(2);
  seriesStoreOf(metrics.stock).withholdGauge({ warehouse: 'plain' });
  cleanups.push(async () => {
    await endpoint.shutdown();
    await provider.shutdown();
  });
  return { endpoint, reference, provider };
}

/** The reference: the same series collected as MetricData and written by the OpenTelemetry serializer. */
async function referenceText(reference: ManualReader, options: PrometheusEndpointOptions): Promise<string> {
  const { resourceMetrics } = await reference.collect();
  return new PrometheusSerializer(options.prefix, false, options.withResourceConstantLabels, options.withoutTargetInfo, options.withoutScopeInfo).serialize(resourceMetrics);
}

/** Families of a text body: per family name its HELP, TYPE and UNIT lines, and its samples (series -> value). */
function parse(text: string): Map<string, { meta: string[]; samples: Map<string, string> }> {
  const families = new Map<string, { meta: string[]; samples: Map<string, string> }>();
  let current: { meta: string[]; samples: Map<string, string> } | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE|UNIT) (\S+)/.exec(line);
    if (meta) {
      const name = meta[2] as string;
      current = families.get(name) ?? { meta: [], samples: new Map() };
      families.set(name, current);
      current.meta.push(line);
      continue;
    }
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    current?.samples.set(line.slice(0, space), line.slice(space + 1));
  }
  return families;
}

const OPTION_SETS: [string, PrometheusEndpointOptions][] = [
  ['defaults', {}],
  ['prefix, no scope labels', { prefix: 'app', withoutScopeInfo: true }],
  ['resource constant labels, no target_info', { withResourceConstantLabels: /^service\./, withoutTargetInfo: true }],
];

describe('the fast exposition path against the OpenTelemetry serializer', () => {
  for (const [what, options] of OPTION_SETS) {
    it(`writes the same families, series, labels and values (${what})`, async () => {
      const { endpoint, reference } = setup(options);
      const served = await scrape(endpoint.handler);
      expect(served.status).toBe(200);
      expect(served.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const expected = await referenceText(reference, options);
      const ours = parse(served.body.toString('utf8'));
      const theirs = parse(expected);
      expect([...ours.keys()]).toEqual([...theirs.keys()]);
      for (const [name, family] of theirs) {
        expect(ours.get(name)?.meta, name).toEqual(family.meta);
        expect([...(ours.get(name)?.samples ?? [])], name).toEqual([...family.samples]);
      }
      // Series by series agreed; the bytes do too (order, blank lines, the end).
      expect(served.body.toString('utf8')).toBe(expected);
      // Hostile values were really there, escaped.
      expect(served.body.toString('utf8')).toContain('method="all \\"\\\\\\n\\" mixed\\\\n"');
    });
  }

  it('stays identical for any label values (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 12 }), { minLength: 1, maxLength: 6 }), async (values) => {
        const { endpoint, reference } = setup({}, values);
        const served = await scrape(endpoint.handler);
        expect(served.body.toString('utf8')).toBe(await referenceText(reference, {}));
        for (const c of cleanups.splice(0)) await c();
      }),
      { numRuns: 25 },
    );
  });

  it('rebuilds a series label block after the series is withdrawn', async () => {
    const producer = new VigilMetricProducer();
    const metrics = createMetrics(catalog, producer);
    const endpoint = createPrometheusEndpoint({ metricProducers: [producer], withoutTargetInfo: true, withoutScopeInfo: true });
    const provider = new MeterProvider({ readers: [endpoint.reader] });
    cleanups.push(() => provider.shutdown());
    metrics.orders.add(1, { method: 'a', region: 'eu' });
    expect((await scrape(endpoint.handler)).body.toString()).toContain('shop_orders_total{method="a",region="eu"} 1\n');
    seriesStoreOf(metrics.orders).clear();
    metrics.orders.add(5, { method: 'b', region: 'us' });
    const text = (await scrape(endpoint.handler)).body.toString();
    expect(text).toContain('shop_orders_total{method="b",region="us"} 5\n');
    expect(text).not.toContain('method="a"');
  });
});
