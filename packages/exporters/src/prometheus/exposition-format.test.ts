import { gunzipSync } from 'node:zlib';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createPrometheusEndpoint } from './endpoint.js';
import { acceptsGzip, negotiateFormat } from './exposition-format.js';

describe('content negotiation', () => {
  it.each([
    [undefined, 'prometheus'],
    ['*/*', 'prometheus'],
    ['text/plain;version=0.0.4', 'prometheus'],
    // What Prometheus sends.
    ['application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'openmetrics'],
    ['application/openmetrics-text; version=1.0.0', 'openmetrics'],
    ['application/openmetrics-text', 'openmetrics'],
    ['application/openmetrics-text;version=2.0.0', 'prometheus'],
    ['application/openmetrics-text;q=0', 'prometheus'],
    ['text/plain;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5', 'prometheus'],
  ] as const)('Accept %s -> %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });

  it.each([
    [undefined, false],
    ['gzip', true],
    ['deflate, gzip;q=0.5', true],
    ['gzip;q=0', false],
    ['*', true],
    ['identity', false],
    ['*;q=0.1, gzip;q=0', false],
  ] as const)('Accept-Encoding %s -> gzip %s', (header, gzip) => {
    expect(acceptsGzip(header)).toBe(gzip);
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('the endpoint over HTTP', () => {
  async function serve(options: Parameters<typeof createPrometheusEndpoint>[0] = {}): Promise<string> {
    const endpoint = createPrometheusEndpoint({ port: 0, host: '127.0.0.1', ...options });
    const provider = new MeterProvider({ readers: [endpoint.reader] });
    provider.getMeter('shop').createCounter('shop.orders', { description: 'Orders' }).add(3, { method: 'card' });
    provider.getMeter('shop').createHistogram('shop.wait_seconds', { unit: 's' }).record(0.3);
    cleanups.push(async () => {
      await endpoint.shutdown();
      await provider.shutdown();
    });
    return `http://127.0.0.1:${(await endpoint.listen()).port}/metrics`;
  }

  it('gzips when asked, and the body unzips to the plain one', async () => {
    const url = await serve();
    const plain = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    const plainText = await plain.text();
    expect(plain.headers.get('content-encoding')).toBeNull();
    // node's fetch would unzip on its own: read the raw bytes with a decompress-free request.
    const { request } = await import('node:http');
    const zipped = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      request(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(parts) }));
      })
        .on('error', reject)
        .end();
    });
    expect(zipped.encoding).toBe('gzip');
    expect(gunzipSync(zipped.body).toString('utf8')).toBe(plainText);
    expect(plainText).toContain('shop_orders_total{method="card",otel_scope_name="shop"} 3\n');
  });

  it('serves OpenMetrics when asked: _total on samples only, unit when the name carries it, # EOF', async () => {
    const url = await serve({ withoutScopeInfo: true, withoutTargetInfo: true });
    const res = await fetch(url, { headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' } });
    expect(res.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE shop_orders counter\nshop_orders_total{method="card"} 3\n');
    expect(text).toContain('# TYPE shop_wait_seconds histogram\n# UNIT shop_wait_seconds seconds\n');
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('serves only the Prometheus text format with openMetrics: false', async () => {
    const url = await serve({ openMetrics: false });
    const res = await fetch(url, { headers: { accept: 'application/openmetrics-text;version=1.0.0' } });
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).not.toContain('# EOF');
  });

  it('refuses a gzip level outside 1-9', () => {
    expect(() => createPrometheusEndpoint({ gzip: 12 })).toThrow(/gzip/);
  });
});
