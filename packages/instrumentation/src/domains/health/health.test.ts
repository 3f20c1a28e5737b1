import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestMetrics, histogramOf, pointsOf, valueOf, type TestMetrics } from '../shared/test-reader.js';
import { CHORUS_HEALTH_NAMING, HealthRegistry, SCHOLAR_HEALTH_NAMING, createHealthHandler, startHealthServer, type HealthCheck } from './index.js';

let test: TestMetrics;
beforeEach(() => {
  test = createTestMetrics();
});
afterEach(() => test.shutdown());

const healthy: HealthCheck = { name: 'database', run: () => ({ status: 'healthy', details: { pool: 4 } }) };
const degraded: HealthCheck = { name: 'performance', run: () => ({ status: 'degraded', reason: 'p95 1.2s above 1s' }) };
const hanging: HealthCheck = { name: 'services', timeoutMs: 50, run: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))) };
const throwing: HealthCheck = { name: 'services', run: () => Promise.reject(new Error('redis: ECONNREFUSED')) };

function registry(checks: HealthCheck[]) {
  return new HealthRegistry({ checks, naming: SCHOLAR_HEALTH_NAMING, meter: test.meter });
}

describe('health endpoints over real HTTP', () => {
  it('answers 200 when healthy or degraded, 503 when a check fails or times out', async () => {
    const server = await startHealthServer(registry([healthy, degraded, hanging]), { port: 0 });
    try {
      const all = await fetch(`${server.url}/health`);
      expect(all.status).toBe(503);
      expect(all.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await all.json()) as { status: string; checks: { name: string; status: string; reason?: string }[] };
      expect(body.status).toBe('unhealthy');
      expect(body.checks.find((c) => c.name === 'services')).toMatchObject({ status: 'unhealthy', reason: 'timed out after 50 ms' });

      const database = await fetch(`${server.url}/health/database`);
      expect(database.status).toBe(200);
      expect(await database.json()).toMatchObject({ name: 'database', status: 'healthy', details: { pool: 4 } });

      const performance = await fetch(`${server.url}/health/performance`);
      expect(performance.status).toBe(200);
      expect(await performance.json()).toMatchObject({ status: 'degraded', reason: 'p95 1.2s above 1s' });

      expect((await fetch(`${server.url}/health/nope`)).status).toBe(404);
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${server.url}/health`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
    const got = await test.collect();
    expect(valueOf(got, 'scholar_health_check_up', { check: 'database' })).toBe(1);
    expect(valueOf(got, 'scholar_health_check_up', { check: 'performance' })).toBe(1);
    expect(valueOf(got, 'scholar_health_check_up', { check: 'services' })).toBe(0);
    expect(valueOf(got, 'scholar_health_check_up', { check: 'comprehensive' })).toBe(0);
    expect(valueOf(got, 'scholar_health_check_status', { check: 'performance', status: 'degraded' })).toBe(1);
    expect(valueOf(got, 'scholar_health_check_status', { check: 'performance', status: 'healthy' })).toBe(0);
    expect(histogramOf(got, 'scholar_health_check_duration_seconds', { check: 'database' })?.count).toBe(2);
  });

  it('mounts on the service own server and leaves other routes to it', async () => {
    const handle = createHealthHandler(registry([healthy, throwing]));
    const server = createServer((request, response) => {
      void handle(request, response).then((handled) => {
        if (!handled) response.end('app');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/api`)).text()).toBe('app');
      const services = await fetch(`http://127.0.0.1:${port}/health/services`);
      expect(services.status).toBe(503);
      expect(await services.json()).toMatchObject({ status: 'unhealthy', reason: 'threw Error' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('feeds Chorus component health, one-hot by status, without an aggregate series', async () => {
    const health = new HealthRegistry({
      naming: CHORUS_HEALTH_NAMING,
      meter: test.meter,
      checks: [
        { name: 'redis_trust_store', run: () => ({ status: 'degraded', reason: 'in-memory fallback active' }) },
        { name: 'gemini_client', run: () => undefined },
      ],
    });
    expect((await health.runAll()).status).toBe('degraded');
    const got = await test.collect();
    expect(valueOf(got, 'chorus_system_health', { component: 'redis_trust_store', status: 'degraded' })).toBe(1);
    expect(valueOf(got, 'chorus_system_health', { component: 'redis_trust_store', status: 'healthy' })).toBe(0);
    expect(valueOf(got, 'chorus_system_health', { component: 'gemini_client', status: 'healthy' })).toBe(1);
    expect(pointsOf(got, 'chorus_system_health')).toHaveLength(6);
  });

  it('rejects check names outside the catalog', () => {
    expect(() => registry([{ name: 'cache', run: () => undefined }])).toThrow(/not in the naming's checks/);
  });
});
