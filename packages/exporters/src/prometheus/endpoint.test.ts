import { networkInterfaces } from 'node:os';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { missingBinaries } from '../../../../test/support/binaries.js';
import { createPrometheusEndpoint, type PrometheusEndpoint, type PrometheusEndpointOptions } from './endpoint.js';

const skipPromtool = missingBinaries('promtool');

/** `promtool check metrics` on a scrape body: exit status and what it printed. */
function promtoolCheck(body: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface Harness {
  endpoint: PrometheusEndpoint;
  provider: MeterProvider;
  errors: { message: string; error: unknown }[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function harness(options: PrometheusEndpointOptions = {}): Harness {
  const errors: Harness['errors'] = [];
  const endpoint = createPrometheusEndpoint({ port: 0, host: '127.0.0.1', onError: (message, error) => errors.push({ message, error }), ...options });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    readers: [endpoint.reader],
  });
  const meter = provider.getMeter('shop', '1.2.0');
  meter.createCounter('shop.orders', { description: 'Orders placed' }).add(3, { 'payment.method': 'card' });
  meter.createUpDownCounter('shop.queue.depth', { description: 'Orders waiting' }).add(5);
  meter.createHistogram('shop.checkout.duration', { description: 'Checkout time', unit: 's' }).record(0.2, { step: 'pay' });
  meter.createObservableGauge('shop.stock.ratio', { description: 'Stock left' }).addCallback((r) => r.observe(0.75, { warehouse: 'eu-1' }));
  cleanups.push(async () => {
    await endpoint.shutdown();
    await provider.shutdown();
  });
  return { endpoint, provider, errors };
}

/** The service's own server: /health and /orders, plus /metrics mounted with the endpoint's handler. */
async function serviceServer(endpoint: PrometheusEndpoint): Promise<string> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/metrics') return endpoint.handler(req, res);
    if (path === '/health') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createPrometheusEndpoint', () => {
  it('serves the metrics on the service server next to its other routes', async () => {
    const { endpoint } = harness();
    const base = await serviceServer(endpoint);
    const health = await fetch(`${base}/health`);
    expect(await health.json()).toEqual({ ok: true });
    const scrape = await fetch(`${base}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const body = await scrape.text();
    expect(body).toContain('shop_orders_total{payment_method="card",otel_scope_name="shop",otel_scope_version="1.2.0"} 3');
    expect(body).toContain('# TYPE shop_queue_depth gauge');
    expect(body).toContain('shop_checkout_duration_bucket{step="pay",otel_scope_name="shop",otel_scope_version="1.2.0",le="5"} 1');
    expect(body).toContain('shop_stock_ratio{warehouse="eu-1"');
    expect(body).toContain('target_info{service_name="shop"');
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });

  it('opens its own port: port 0 gives the real port, only the configured path is served', async () => {
    const { endpoint } = harness({ endpoint: '/internal/metrics', withoutScopeInfo: true, withoutTargetInfo: true });
    const { port } = await endpoint.listen();
    expect(port).toBeGreaterThan(0);
    expect(await endpoint.listen()).toEqual({ port });
    const body = await (await fetch(`http://127.0.0.1:${port}/internal/metrics?x=1`)).text();
    expect(body).toContain('shop_orders_total{payment_method="card"} 3');
    expect(body).not.toContain('otel_scope_name');
    expect(body).not.toContain('target_info');
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    const head = await fetch(`http://127.0.0.1:${port}/internal/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/internal/metrics`, { method: 'POST' })).status).toBe(405);
    await endpoint.shutdown();
    await expect(fetch(`http://127.0.0.1:${port}/internal/metrics`)).rejects.toThrow();
  });

  it('rejects a port already in use without crashing', async () => {
    const first = harness();
    const { port } = await first.endpoint.listen();
    const second = harness({ port });
    await expect(second.endpoint.listen()).rejects.toThrow(/EADDRINUSE/);
  });

  it('requires the bearer token when configured: 200 with it, 401 with a challenge without or wrong', async () => {
    const { endpoint } = harness({ auth: { bearerToken: 'tok-123' } });
    const base = await serviceServer(endpoint);
    const missing = await fetch(`${base}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await missing.text()).not.toContain('shop_orders');
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer tok-124' } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer tok-123' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('shop_orders_total');
  });

  it('requires basic credentials when configured, on its own port too', async () => {
    const { endpoint } = harness({ auth: { basic: { username: 'prometheus', password: 'pw' } } });
    const { port } = await endpoint.listen();
    const url = `http://127.0.0.1:${port}/metrics`;
    const auth = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });
    const missing = await fetch(url);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Basic realm="metrics", charset="UTF-8"');
    expect((await fetch(url, { headers: auth('prometheus', 'wrong') })).status).toBe(401);
    expect((await fetch(url, { headers: auth('prometheus', 'pw') })).status).toBe(200);
  });

  it('answers 500 and logs when collection fails, then serves again once it recovers', async () => {
    let failing = true;
    const flaky: MetricProducer = {
      collect: () => (failing ? Promise.reject(new Error('registry exploded')) : Promise.resolve({ resourceMetrics: { resource: resourceFromAttributes({}), scopeMetrics: [] }, errors: [] })),
    };
    const { endpoint, errors } = harness({ metricProducers: [flaky] });
    const base = await serviceServer(endpoint);
    const failed = await fetch(`${base}/metrics`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('failed to collect metrics\n');
    expect(errors).toHaveLength(1);
    expect(String(errors[0]?.error)).toContain('registry exploded');
    // The service is still up: other routes and the next scrape work.
    expect((await fetch(`${base}/health`)).status).toBe(200);
    failing = false;
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
  });

  it('still answers 500 when the error log itself throws', async () => {
    const failing: MetricProducer = { collect: () => Promise.reject(new Error('down')) };
    const { endpoint } = harness({
      metricProducers: [failing],
      onError: () => {
        throw new Error('logger broken');
      },
    });
    const base = await serviceServer(endpoint);
    expect((await fetch(`${base}/metrics`)).status).toBe(500);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('serves the rest and logs when one callback fails', async () => {
    const { endpoint, provider, errors } = harness();
    provider.getMeter('broken').createObservableGauge('broken.gauge').addCallback(() => {
      throw new Error('callback failed');
    });
    const base = await serviceServer(endpoint);
    const scrape = await fetch(`${base}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('shop_orders_total');
    expect(errors.map((e) => e.message)).toEqual(['1 error(s) while collecting; serving the rest']);
  });

  it('answers 500 when the reader is not registered on a MeterProvider', async () => {
    const errors: unknown[] = [];
    const endpoint = createPrometheusEndpoint({ onError: (_m, e) => errors.push(e) });
    cleanups.push(() => endpoint.shutdown());
    const base = await serviceServer(endpoint);
    expect((await fetch(`${base}/metrics`)).status).toBe(500);
    expect(String(errors[0])).toContain('not bound');
  });

  it('caps series per instrument at cardinalityLimit, the rest in one overflow series', async () => {
    const { endpoint, provider } = harness({ cardinalityLimit: 3, withoutScopeInfo: true });
    const users = provider.getMeter('shop').createCounter('shop.logins');
    for (const user of ['a', 'b', 'c', 'd', 'e']) users.add(1, { user });
    const body = await (await fetch(`${await serviceServer(endpoint)}/metrics`)).text();
    const logins = body.split('\n').filter((l) => l.startsWith('shop_logins_total{'));
    expect(logins).toEqual(['shop_logins_total{user="a"} 1', 'shop_logins_total{user="b"} 1', 'shop_logins_total{otel_metric_overflow="true"} 3']);
  });

  it('collects through reader.collect at scrape time, so a wrapper added later (attachProducer) is read', async () => {
    const { endpoint } = harness({ withoutScopeInfo: true });
    const collect = endpoint.reader.collect.bind(endpoint.reader);
    endpoint.reader.collect = async (options) => {
      const result = await collect(options);
      result.resourceMetrics.scopeMetrics = result.resourceMetrics.scopeMetrics.filter((s) => s.scope.name !== 'shop');
      return result;
    };
    const body = await (await fetch(`${await serviceServer(endpoint)}/metrics`)).text();
    expect(body).not.toContain('shop_orders_total');
  });

  it('refuses bad options at construction', () => {
    expect(() => createPrometheusEndpoint({ cardinalityLimit: 0 })).toThrow(/cardinalityLimit/);
    expect(() => createPrometheusEndpoint({ port: 70000 })).toThrow(/port/);
    expect(() => createPrometheusEndpoint({ endpoint: 'metrics' })).toThrow(/endpoint/);
    expect(() => createPrometheusEndpoint({ auth: { bearerToken: '' } })).toThrow(/bearerToken/);
  });

  it('listens on loopback without auth, and refuses a wider address without auth unless told the network guards it', async () => {
    const local = createPrometheusEndpoint({ port: 0 });
    const provider = new MeterProvider({ readers: [local.reader] });
    cleanups.push(async () => {
      await local.shutdown();
      await provider.shutdown();
    });
    const { port } = await local.listen();
    const nonLoopback = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4')?.address;
    // Reachable on loopback; not on another interface of this machine (when it has one).
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    if (nonLoopback) await expect(fetch(`http://${nonLoopback}:${port}/metrics`)).rejects.toThrow();
    expect(() => createPrometheusEndpoint({ host: '0.0.0.0' })).toThrow(/without auth/);
    expect(() => createPrometheusEndpoint({ host: '::' })).toThrow(/without auth/);
    expect(() => createPrometheusEndpoint({ host: '10.1.2.3' })).toThrow(/allowUnauthenticated/);
    expect(() => createPrometheusEndpoint({ host: '0.0.0.0', allowUnauthenticated: true })).not.toThrow();
    expect(() => createPrometheusEndpoint({ host: '0.0.0.0', auth: { bearerToken: 't' } })).not.toThrow();
    expect(() => createPrometheusEndpoint({ host: 'localhost' })).not.toThrow();
  });

  it.skipIf(skipPromtool !== undefined)('serves a scrape that passes promtool check metrics', async () => {
    const { endpoint } = harness();
    const { port } = await endpoint.listen();
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(promtoolCheck(body)).toEqual({ status: 0, output: '' });
    // The check can fail: a duplicated label is rejected.
    expect(promtoolCheck('# TYPE w gauge\nw{a_b="1",a_b="2"} 3\n').status).not.toBe(0);
  });
});
