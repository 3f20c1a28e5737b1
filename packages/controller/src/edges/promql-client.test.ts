import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../../../../test/support/binaries.js';
import { freePort, startMetricsEndpoint, startPrometheus, waitFor, type MetricsEndpoint, type RunningPrometheus } from '../../../../test/support/servers.js';
import { PromQlClient } from './promql-client.js';

const skip = missingBinaries('prometheus');

/** A local server answering every request with `handler`, to play a faulty Prometheus. */
async function fakeServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.skipIf(skip)('PromQlClient against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let target: MetricsEndpoint;
  let client: PromQlClient;

  beforeAll(async () => {
    target = await startMetricsEndpoint();
    target.set('# TYPE kpi_conversions_total counter\nkpi_conversions_total{variant="control"} 40\nkpi_conversions_total{variant="canary"} 12\n');
    prometheus = await startPrometheus(
      `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: app\n    static_configs: [{ targets: ['127.0.0.1:${target.port}'] }]\n`,
      {},
    );
    client = new PromQlClient({ baseUrl: prometheus.url });
    await waitFor(async () => {
      const answer = await client.instant('kpi_conversions_total');
      return answer.ok && answer.value.length === 2 ? true : undefined;
    }, 30_000, 'the first scrape');
  });
  afterAll(async () => {
    await prometheus?.stop();
    await target?.close();
  });

  it('reads instant vectors with their labels, scalars and special values', async () => {
    const vector = await client.instant('sum by (variant) (kpi_conversions_total)');
    expect(vector.ok).toBe(true);
    if (!vector.ok) return;
    const byVariant = Object.fromEntries(vector.value.map((s) => [s.labels.variant, s.value]));
    expect(byVariant).toEqual({ control: 40, canary: 12 });

    const scalar = await client.instant('scalar(sum(kpi_conversions_total)) / 0');
    expect(scalar.ok && scalar.value[0]?.value).toBe(Number.POSITIVE_INFINITY);
  });

  it('reads a range as time-ordered points at the step', async () => {
    const now = Date.now() / 1000;
    const answer = await client.range('sum(kpi_conversions_total)', { start: now - 3, end: now, stepSeconds: 0.5 });
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const points = answer.value[0]?.points ?? [];
    expect(points.length).toBeGreaterThan(0);
    expect(points.every(([, v]) => v === 52)).toBe(true);
    expect(points.map(([t]) => t)).toEqual([...points.map(([t]) => t)].sort((a, b) => a - b));
  });

  it('returns a bad query as a Prometheus failure with its message', async () => {
    const answer = await client.instant('sum(rate(kpi_conversions_total[5m])');
    expect(answer).toMatchObject({ ok: false, kind: 'prometheus', status: 400, query: 'sum(rate(kpi_conversions_total[5m])' });
    if (!answer.ok) expect(answer.message).toMatch(/bad_data/);
  });
});

describe('PromQlClient faults', () => {
  it('reports a server that is down as unreachable', async () => {
    const port = await freePort();
    const answer = await new PromQlClient({ baseUrl: `http://127.0.0.1:${port}` }).instant('up');
    expect(answer).toMatchObject({ ok: false, kind: 'unreachable' });
  });

  it('reports a slow server as a timeout', async () => {
    const server = await fakeServer(() => {
      /* never answers */
    });
    try {
      const answer = await new PromQlClient({ baseUrl: server.url, timeoutMs: 200 }).instant('up');
      expect(answer).toMatchObject({ ok: false, kind: 'timeout' });
    } finally {
      await server.close();
    }
  });

  it('reports HTTP errors and non-Prometheus bodies', async () => {
    let reply: { status: number; body: string } = { status: 503, body: 'overloaded' };
    const server = await fakeServer((_req, res) => res.writeHead(reply.status).end(reply.body));
    try {
      const client = new PromQlClient({ baseUrl: server.url });
      expect(await client.instant('up')).toMatchObject({ ok: false, kind: 'http', status: 503 });
      reply = { status: 200, body: '<html>proxy login</html>' };
      expect(await client.instant('up')).toMatchObject({ ok: false, kind: 'bad_response' });
      reply = { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }) };
      expect(await client.instant('up')).toMatchObject({ ok: false, kind: 'bad_response' });
      reply = { status: 200, body: JSON.stringify({ status: 'success', warnings: ['partial'], data: { resultType: 'vector', result: [] } }) };
      expect(await client.instant('up')).toMatchObject({ ok: true, value: [], warnings: ['partial'] });
    } finally {
      await server.close();
    }
  });
});
