import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { v1 } from '@datadog/datadog-api-client';
import { DatadogEventPoster, postDatadogEvent } from './events.js';
import { startFakeDatadog } from './testing/fake-datadog.js';
import type { FakeDatadog } from './testing/fake-datadog.js';
import { createDatadogConfiguration, FetchTransport } from './transport.js';

let fake: FakeDatadog;
beforeEach(async () => {
  fake = await startFakeDatadog();
});
afterEach(async () => {
  await fake.close();
});

const fastRetry = { initialIntervalMs: 1, maxIntervalMs: 2, maxServerWaitMs: 5 };

describe('Datadog events', () => {
  it('posts an event with title, text, tags, alert type and aggregation key', async () => {
    const result = await postDatadogEvent(
      { apiKey: 'k', baseUrl: fake.url },
      { title: 'Rollback of checkout 2.4.0', text: 'canary failed the KPI gate', tags: ['service:checkout', 'env:prod'], alertType: 'warning', aggregationKey: 'rollout-42', happenedAt: 1_767_225_600_000 },
    );
    expect(result).toEqual({ ok: true, attempts: 1, id: 1 });
    expect(fake.acceptedEvents()).toEqual([
      { title: 'Rollback of checkout 2.4.0', text: 'canary failed the KPI gate', tags: ['service:checkout', 'env:prod'], alert_type: 'warning', aggregation_key: 'rollout-42', date_happened: 1_767_225_600 },
    ]);
  });

  it('retries 5xx, 429 (Retry-After) and resets, then succeeds', async () => {
    fake.fail('/api/v1/events', { status: 503 }, { status: 429, headers: { 'retry-after': '1' } }, { reset: true });
    const poster = new DatadogEventPoster({ apiKey: 'k', baseUrl: fake.url, maxAttempts: 4, retry: fastRetry });
    const result = await poster.post({ title: 'Autopilot paused', text: 'drift detected' });
    expect(result).toMatchObject({ ok: true, attempts: 4 });
    expect(fake.acceptedEvents()).toHaveLength(1);
  });

  it('returns failures as values and never throws', async () => {
    fake.fail('/api/v1/events', { status: 400, body: { errors: ['bad title'] } });
    const poster = new DatadogEventPoster({ apiKey: 'k', baseUrl: fake.url, retry: fastRetry });
    await expect(poster.post({ title: '', text: 'x' })).resolves.toMatchObject({ ok: false, status: 400, attempts: 1 });
    fake.setHandler(() => ({ status: 500 }));
    await expect(poster.post({ title: 't', text: 'x' })).resolves.toMatchObject({ ok: false, status: 500, attempts: 4 });
    await fake.close();
    const unreachable = await poster.post({ title: 't', text: 'x' });
    expect(unreachable.ok).toBe(false);
    fake = await startFakeDatadog();
  });
});

describe('the fake Datadog API', () => {
  function configuration() {
    return createDatadogConfiguration({ apiKey: 'k', appKey: 'a', baseUrl: fake.url }, new FetchTransport({ attemptTimeoutMs: 5_000 }));
  }

  it('stores monitors by id through the real API client', async () => {
    const monitors = new v1.MonitorsApi(configuration());
    const created = await monitors.createMonitor({ body: { name: 'slow checkout', type: 'metric alert', query: 'avg(last_5m):avg:checkout.duration.max{*} > 2', message: 'm' } });
    expect(created.id).toBe(1000);
    await monitors.updateMonitor({ monitorId: created.id!, body: { name: 'slower checkout' } });
    const read = await monitors.getMonitor({ monitorId: created.id! });
    expect(read.name).toBe('slower checkout');
    expect((await monitors.listMonitors()).map((m) => m.id)).toEqual([1000]);
    expect(fake.requests.at(-1)?.headers['dd-application-key']).toBe('a');
  });

  it('stores dashboards by id', async () => {
    const dashboards = new v1.DashboardsApi(configuration());
    const created = await dashboards.createDashboard({ body: { title: 'Checkout', layoutType: 'ordered', widgets: [] } });
    expect(fake.dashboards.get(created.id!)?.title).toBe('Checkout');
    await dashboards.updateDashboard({ dashboardId: created.id!, body: { title: 'Checkout v2', layoutType: 'ordered', widgets: [] } });
    expect((await dashboards.getDashboard({ dashboardId: created.id! })).title).toBe('Checkout v2');
  });

  it('accepts deflated distribution points and answers 413 over its limit', async () => {
    const metrics = new v1.MetricsApi(configuration());
    await metrics.submitDistributionPoints({ body: { series: [{ metric: 'lat', points: [[1_767_225_600, [0.1, 0.2]]], tags: ['a:b'] }] }, contentEncoding: 'deflate' });
    expect(fake.requests.at(-1)?.headers['content-encoding']).toBe('deflate');
    expect(fake.acceptedDistributions()).toMatchObject([{ metric: 'lat', points: [[1_767_225_600, [0.1, 0.2]]] }]);
    await fake.close();
    fake = await startFakeDatadog({ maxUncompressedBytes: 50 });
    const small = new v1.MetricsApi(configuration());
    await expect(small.submitDistributionPoints({ body: { series: [{ metric: 'lat', points: [[1_767_225_600, [0.1, 0.2, 0.3, 0.4]]] }] } })).rejects.toMatchObject({ status: 413 });
  });

  it('refuses requests without an API key', async () => {
    const response = await fetch(`${fake.url}/api/v2/series`, { method: 'POST', body: '{"series":[]}' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ errors: ['Forbidden'] });
  });
});
