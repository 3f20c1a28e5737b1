import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../../../../test/support/binaries.js';
import { type RunningPrometheus, startPrometheus, waitFor } from '../../../../test/support/servers.js';
import { createPromClientProducer } from '../prom-client/producer.js';
import { createPrometheusEndpoint, type PrometheusEndpoint } from './endpoint.js';

const skip = missingBinaries('prometheus');

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus scraping the endpoint with the right and wrong credentials. */
describe.skipIf(skip !== undefined)('the endpoint scraped by a real Prometheus', () => {
  let basic: PrometheusEndpoint;
  let bearer: PrometheusEndpoint;
  let provider: MeterProvider;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    const registry = new Registry();
    new Counter({ name: 'legacy_jobs_total', help: 'Jobs', registers: [registry] }).inc(5);
    basic = createPrometheusEndpoint({ port: 0, host: '127.0.0.1', auth: { basic: { username: 'prom', password: 'pw' } }, metricProducers: [createPromClientProducer(registry)] });
    bearer = createPrometheusEndpoint({ port: 0, host: '127.0.0.1', endpoint: '/internal/metrics', auth: { bearerToken: 'tok' } });
    provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'shop' }), readers: [basic.reader, bearer.reader] });
    provider.getMeter('shop').createCounter('shop.orders').add(7, { 'payment.method': 'card' });
    const basicTarget = `127.0.0.1:${(await basic.listen()).port}`;
    const bearerTarget = `127.0.0.1:${(await bearer.listen()).port}`;
    const job = (name: string, target: string, auth: string, path = '/metrics') =>
      `  - job_name: ${name}\n    metrics_path: ${path}\n${auth}    static_configs: [{ targets: ["${target}"] }]\n`;
    const config =
      'global: { scrape_interval: 1s }\nscrape_configs:\n' +
      job('basic_ok', basicTarget, '    basic_auth: { username: prom, password: pw }\n') +
      job('basic_wrong', basicTarget, '    basic_auth: { username: prom, password: nope }\n') +
      job('bearer_ok', bearerTarget, '    authorization: { credentials: tok }\n', '/internal/metrics') +
      job('bearer_missing', bearerTarget, '', '/internal/metrics');
    prometheus = await startPrometheus(config, {});
  });

  afterAll(async () => {
    await prometheus?.stop();
    await basic?.shutdown();
    await bearer?.shutdown();
    await provider?.shutdown();
  });

  const query = async (expr: string): Promise<Sample[]> => {
    const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { data: { result: Sample[] } };
    return body.data.result;
  };

  it('ingests the scrape with the right credentials and marks the wrong ones down', async () => {
    const up = await waitFor(
      async () => {
        const samples = await query('up');
        return samples.length === 4 ? Object.fromEntries(samples.map((s) => [s.metric['job'], s.value[1]])) : undefined;
      },
      30_000,
      'four scrape results',
    );
    expect(up).toEqual({ basic_ok: '1', basic_wrong: '0', bearer_ok: '1', bearer_missing: '0' });
    const orders = await query('shop_orders_total');
    expect(orders.map((s) => [s.metric['job'], s.metric['payment_method'], s.value[1]]).sort()).toEqual([
      ['basic_ok', 'card', '7'],
      ['bearer_ok', 'card', '7'],
    ]);
    const legacy = await query('legacy_jobs_total');
    expect(legacy.map((s) => [s.metric['job'], s.metric['otel_scope_name'], s.value[1]])).toEqual([['basic_ok', 'prom-client', '5']]);
  });
});
