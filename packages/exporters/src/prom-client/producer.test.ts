import { spawnSync } from 'node:child_process';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { missingBinaries } from '../../../../test/support/binaries.js';
import { DatadogMetricExporter } from '../datadog/exporter.js';
import { startFakeDatadog } from '../datadog/testing/fake-datadog.js';
import { ManualClock } from '../datadog/testing/manual-clock.js';
import { createPrometheusEndpoint } from '../prometheus/endpoint.js';
import { createPromClientProducer } from './producer.js';

const skipPromtool = missingBinaries('promtool');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A service's existing prom-client registry with one metric of each type. */
function legacyRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'legacy' });
  new Counter({ name: 'legacy_requests_total', help: 'Requests', labelNames: ['code'], registers: [registry] }).inc({ code: '200' }, 4);
  new Counter({ name: 'legacy_retries', help: 'Retries', registers: [registry] }).inc(2);
  new Gauge({ name: 'legacy_inflight', help: 'In flight', registers: [registry], collect() { this.set(3); } });
  const histogram = new Histogram({ name: 'legacy_latency_seconds', help: 'Latency', buckets: [0.1, 0.5, 1], registers: [registry] });
  for (const v of [0.05, 0.2, 0.3, 0.7, 2]) histogram.observe(v);
  const summary = new Summary({ name: 'legacy_payload_bytes', help: 'Payload size', percentiles: [0.5, 0.9], registers: [registry] });
  for (const v of [100, 200, 300]) summary.observe(v);
  return registry;
}

describe('createPromClientProducer', () => {
  it('feeds prom-client metrics into an OpenTelemetry reader with the SDK metrics', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, metricProducers: [createPromClientProducer(legacyRegistry())] });
    const provider = new MeterProvider({ readers: [reader] });
    cleanups.push(() => provider.shutdown());
    provider.getMeter('shop').createCounter('shop.orders').add(1);
    await reader.forceFlush();
    const [exported] = exporter.getMetrics();
    const byScope = Object.fromEntries((exported?.scopeMetrics ?? []).map((s) => [s.scope.name, s.metrics]));
    expect(byScope['shop']?.map((m) => m.descriptor.name)).toEqual(['shop.orders']);
    const bridged = Object.fromEntries((byScope['prom-client'] ?? []).map((m) => [m.descriptor.name, m]));
    expect(Object.keys(bridged).sort()).toEqual([
      'legacy_inflight',
      'legacy_latency_seconds',
      'legacy_payload_bytes',
      'legacy_payload_bytes_quantile',
      'legacy_requests_total',
      'legacy_retries',
    ]);
    const requests = bridged['legacy_requests_total'];
    expect(requests?.dataPointType).toBe(DataPointType.SUM);
    expect(requests?.dataPoints[0]).toMatchObject({ attributes: { code: '200', app: 'legacy' }, value: 4 });
    expect(bridged['legacy_inflight']?.dataPoints[0]?.value).toBe(3);
    expect(bridged['legacy_latency_seconds']?.dataPoints[0]?.value).toEqual({
      buckets: { boundaries: [0.1, 0.5, 1], counts: [1, 2, 1, 1] },
      sum: 3.25,
      count: 5,
    });
    expect(bridged['legacy_payload_bytes_quantile']?.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ app: 'legacy', quantile_level: '0.5' }, 200],
      [{ app: 'legacy', quantile_level: '0.9' }, 300],
    ]);
  });

  it('reports a failing prom-client collect as a collection error, not a failed collection', async () => {
    const registry = new Registry();
    new Gauge({ name: 'broken', help: 'b', registers: [registry], collect() { throw new Error('collect broke'); } });
    const { errors, resourceMetrics } = await createPromClientProducer(registry).collect();
    expect(errors.map(String)).toEqual(['Error: collect broke']);
    expect(resourceMetrics.scopeMetrics).toEqual([]);
  });

  it.skipIf(skipPromtool !== undefined)('serves OpenTelemetry and prom-client metrics in one scrape that passes promtool check metrics', async () => {
    const errors: unknown[] = [];
    const endpoint = createPrometheusEndpoint({
      port: 0,
      host: '127.0.0.1',
      metricProducers: [createPromClientProducer(legacyRegistry())],
      onError: (_m, e) => errors.push(e),
    });
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'shop' }), readers: [endpoint.reader] });
    cleanups.push(async () => {
      await endpoint.shutdown();
      await provider.shutdown();
    });
    const meter = provider.getMeter('shop');
    meter.createCounter('shop.orders').add(2, { 'payment.method': 'card' });
    meter.createHistogram('shop.checkout.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.5, 1] } }).record(0.7);
    const { port } = await endpoint.listen();
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(errors).toEqual([]);
    for (const line of [
      'shop_orders_total{payment_method="card",otel_scope_name="shop"} 2',
      'shop_checkout_duration_bucket{otel_scope_name="shop",le="1"} 1',
      'legacy_requests_total{code="200",app="legacy",otel_scope_name="prom-client"} 4',
      // prom-client wrote `legacy_retries`; counters get `_total` through OpenTelemetry.
      'legacy_retries_total{app="legacy",otel_scope_name="prom-client"} 2',
      'legacy_inflight{app="legacy",otel_scope_name="prom-client"} 3',
      'legacy_latency_seconds_bucket{app="legacy",otel_scope_name="prom-client",le="0.5"} 3',
      'legacy_latency_seconds_bucket{app="legacy",otel_scope_name="prom-client",le="+Inf"} 5',
      'legacy_latency_seconds_count{app="legacy",otel_scope_name="prom-client"} 5',
      'legacy_payload_bytes_sum{app="legacy",otel_scope_name="prom-client"} 600',
      'legacy_payload_bytes_count{app="legacy",otel_scope_name="prom-client"} 3',
      'legacy_payload_bytes_quantile{app="legacy",quantile_level="0.9",otel_scope_name="prom-client"} 300',
    ]) {
      expect(body).toContain(line);
    }
    const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({ status: 0, output: '' });
  });

  describe('resets reach a cumulative-to-delta consumer (finding 8: 50 sent for 150)', () => {
    /** A registry bridged into the Datadog exporter on a fake clock; `collect()` is one export. */
    async function bridged() {
      const fake = await startFakeDatadog();
      const clock = new ManualClock();
      const exporter = new DatadogMetricExporter({ apiKey: 'k', baseUrl: fake.url, clock });
      cleanups.push(async () => {
        await exporter.shutdown();
        await fake.close();
      });
      const registry = new Registry();
      // The bridge's clock is the fake one too, so each collection has its own second.
      const producer = createPromClientProducer(registry, { now: () => [Math.floor(clock.now() / 1000), (clock.now() % 1000) * 1e6] });
      const collect = async (): Promise<void> => {
        const { resourceMetrics } = await producer.collect();
        exporter.export(resourceMetrics, () => {});
        await exporter.forceFlush();
        await clock.advance(10_000);
      };
      return { fake, registry, collect };
    }

    it('counts every increment after resetMetrics() and growth past the old value', async () => {
      const { fake, registry, collect } = await bridged();
      const jobs = new Counter({ name: 'jobs_total', help: 'Jobs', registers: [registry] });
      const latency = new Histogram({ name: 'job_seconds', help: 'Job time', buckets: [1], registers: [registry] });
      jobs.inc(100);
      latency.observe(0.5);
      await collect();
      registry.resetMetrics();
      jobs.inc(150);
      for (let i = 0; i < 3; i += 1) latency.observe(0.5);
      await collect();
      expect(fake.storedTotal('jobs_total')).toBe(250);
      expect(fake.storedTotal('job_seconds.count')).toBe(4);
    });

    it('counts a series removed and created again past its old value, apart from the others', async () => {
      const { fake, registry, collect } = await bridged();
      const jobs = new Counter({ name: 'jobs_total', help: 'Jobs', labelNames: ['queue'], registers: [registry] });
      jobs.inc({ queue: 'a' }, 100);
      jobs.inc({ queue: 'b' }, 10);
      await collect();
      jobs.remove({ queue: 'a' });
      jobs.inc({ queue: 'a' }, 150);
      jobs.inc({ queue: 'b' }, 5);
      await collect();
      // Absent from a collection, then back: still counted from zero, once.
      jobs.remove('a');
      await collect();
      jobs.inc({ queue: 'a' }, 200);
      await collect();
      await collect();
      expect(fake.storedTotal('jobs_total')).toBe(100 + 10 + 150 + 5 + 200);
    });

    it('counts a metric registered again under the same name from zero', async () => {
      const { fake, registry, collect } = await bridged();
      new Counter({ name: 'jobs_total', help: 'Jobs', registers: [registry] }).inc(100);
      await collect();
      registry.removeSingleMetric('jobs_total');
      new Counter({ name: 'jobs_total', help: 'Jobs', registers: [registry] }).inc(150);
      await collect();
      expect(fake.storedTotal('jobs_total')).toBe(250);
    });
  });
});
