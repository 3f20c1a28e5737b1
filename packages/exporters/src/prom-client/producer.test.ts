import { spawnSync } from 'node:child_process';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { missingBinaries } from '../../../../test/support/binaries.js';
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
});
