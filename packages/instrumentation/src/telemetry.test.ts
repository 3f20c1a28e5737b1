import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, MetricReader, PeriodicExportingMetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { startFakeDatadog } from '@vigil/exporters';
import { describe, expect, it } from 'vitest';
import type { Catalog } from './catalog.js';
import { startTelemetry } from './telemetry.js';

class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const catalog = {
  service: 'shop',
  metrics: {
    orders: { name: 'shop_orders', type: 'counter', unit: '1', description: 'Orders', labels: { channel: { values: ['web', 'app'] } } },
    latency: { name: 'shop_latency_seconds', type: 'histogram', unit: 's', description: 'Latency', labels: {}, buckets: [1, 5] },
  },
} as const satisfies Catalog;

function metricsOf(exporter: InMemoryMetricExporter): Map<string, MetricData> {
  return new Map(exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)).map((m) => [m.descriptor.name, m]));
}

describe('startTelemetry', () => {
  it('sets the resource, attaches the producer to every reader and flushes on shutdown', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const periodic = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const manual = new TestReader();
    const telemetry = await startTelemetry({
      service: { name: 'shop', version: '1.2.3', environment: 'staging' },
      catalog,
      readers: [periodic, manual],
      shutdownSignals: [],
      registerGlobal: false,
    });
    telemetry.metrics.orders.add(2, { channel: 'web' });
    telemetry.metrics.latency.record(3);
    telemetry.meter.createCounter('own_counter').add(1);

    const { resourceMetrics } = await manual.collect();
    expect(resourceMetrics.resource.attributes).toMatchObject({
      'service.name': 'shop',
      'service.version': '1.2.3',
      'deployment.environment': 'staging',
      'deployment.environment.name': 'staging',
    });
    const names = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
    expect(names.sort()).toEqual(['own_counter', 'shop_latency_seconds', 'shop_orders']);

    expect(exporter.getMetrics()).toEqual([]);
    await telemetry.shutdown();
    await telemetry.shutdown(); // idempotent
    const exported = metricsOf(exporter);
    expect(exported.get('shop_orders')?.dataPoints[0]?.value).toBe(2);
    expect(exported.get('own_counter')?.dataPoints[0]?.value).toBe(1);
  });

  it('uses an existing MeterProvider: attaches to the readers passed, and does not shut the provider down', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const telemetry = await startTelemetry({ service: { name: 'shop' }, catalog, meterProvider: provider, readers: [reader], shutdownSignals: [] });
    expect(telemetry.producer).toBeDefined();
    telemetry.metrics.orders.add(1, { channel: 'app' });
    await telemetry.shutdown();
    const { resourceMetrics } = await reader.collect(); // still running: the provider is not Vigil's
    const orders = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'shop_orders');
    expect(orders?.dataPoints[0]?.value).toBe(1);
    await provider.shutdown();
  });

  it('works with the MeterProvider of @opentelemetry/sdk-node', async () => {
    const { NodeSDK } = await import('@opentelemetry/sdk-node');
    const { metrics: api } = await import('@opentelemetry/api');
    const reader = new TestReader();
    const sdk = new NodeSDK({ serviceName: 'shop', metricReaders: [reader], instrumentations: [], autoDetectResources: false });
    sdk.start();
    try {
      const telemetry = await startTelemetry({ service: { name: 'shop' }, catalog, meterProvider: api.getMeterProvider(), readers: [reader], shutdownSignals: [] });
      telemetry.metrics.orders.bind({ channel: 'web' }).add(4);
      const { resourceMetrics } = await reader.collect();
      expect(resourceMetrics.resource.attributes['service.name']).toBe('shop');
      const orders = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'shop_orders');
      expect(orders?.dataPoints[0]?.value).toBe(4);
    } finally {
      await sdk.shutdown();
      api.disable();
    }
  });

  it('with an existing MeterProvider and no readers, records through its meter', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const telemetry = await startTelemetry({ service: { name: 'shop' }, catalog, meterProvider: provider, shutdownSignals: [] });
    expect(telemetry.producer).toBeUndefined();
    telemetry.metrics.latency.record(2);
    const { resourceMetrics } = await reader.collect();
    const latency = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'shop_latency_seconds');
    expect(latency?.dataPoints[0]?.value).toMatchObject({ count: 1, buckets: { boundaries: [1, 5], counts: [0, 1, 0] } });
    await provider.shutdown();
  });

  it('rejects exporter options on a provider it does not own, and a missing service name', async () => {
    await expect(startTelemetry({ service: { name: 'x' }, meterProvider: new MeterProvider(), prometheus: {}, shutdownSignals: [] })).rejects.toThrow(/existing meterProvider/);
    await expect(startTelemetry({ service: { name: '' }, shutdownSignals: [] })).rejects.toThrow(/service.name/);
  });

  it('prometheus and datadog options go through @vigil/exporters and see the handles', async () => {
    const datadog = await startFakeDatadog();
    try {
      const telemetry = await startTelemetry({
        service: { name: 'shop', environment: 'test' },
        catalog,
        prometheus: { port: 0, host: '127.0.0.1' },
        datadog: { apiKey: 'test-key', baseUrl: datadog.url, exportIntervalMillis: 3_600_000 },
        shutdownSignals: [],
        registerGlobal: false,
      });
      telemetry.metrics.orders.bind({ channel: 'web' }).add(3);
      const scrape = await (await fetch(`http://127.0.0.1:${telemetry.prometheus?.port}/metrics`)).text();
      expect(scrape).toMatch(/^shop_orders_total\{channel="web",otel_scope_name="@vigil\/instrumentation",otel_scope_version="[^"]+"\} 3$/m);
      await telemetry.shutdown();
      const series = datadog.acceptedSeries().filter((s) => s.metric.startsWith('shop_orders'));
      expect(series.length).toBeGreaterThan(0);
      expect(series.flatMap((s) => s.tags ?? [])).toContain('channel:web');
    } finally {
      await datadog.close();
    }
  });

  it('on SIGTERM flushes what was recorded, then the process exits by the signal', async () => {
    const dist = new URL('../dist/index.js', import.meta.url).href;
    const script = `
      import { startTelemetry } from ${JSON.stringify(dist)};
      import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
      import { writeSync } from 'node:fs';
      const exporter = {
        export(resourceMetrics, done) {
          const points = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).flatMap((m) => m.dataPoints);
          writeSync(1, 'exported ' + JSON.stringify(points.map((p) => p.value)) + '\\n');
          done({ code: 0 });
        },
        async forceFlush() {},
        async shutdown() {},
      };
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3600000 });
      const telemetry = await startTelemetry({ service: { name: 'shop' }, catalog: ${JSON.stringify(catalog)}, readers: [reader] });
      telemetry.metrics.orders.add(7, { channel: 'web' });
      setInterval(() => {}, 1000);
      process.stdout.write('ready\\n');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n') && !child.killed) child.kill('SIGTERM');
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    expect(out).toContain('exported [7]');
    expect(signal).toBe('SIGTERM');
    expect(code).toBeNull();
  });
});
