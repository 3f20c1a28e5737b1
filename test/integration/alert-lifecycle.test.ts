import { generate } from '@vigil/compiler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../support/binaries.js';
import { type MetricsEndpoint, type RunningPrometheus, startMetricsEndpoint, startPrometheus, waitFor } from '../support/servers.js';

const skip = missingBinaries('prometheus');

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}

function definitions(target: string): string {
  return `apiVersion: vigil.dev/v1
settings: { scrape_interval: 1s, evaluation_interval: 1s, alertmanagers: [] }
services:
  - { name: shop, team: web, targets: ["${target}"] }
metrics:
  - { name: shop_queue_depth, type: gauge, description: Orders waiting, service: shop }
alerts:
  - name: ShopQueueDeep
    severity: warning
    summary: "Queue depth {{ $value }} is above 100"
    runbook: https://runbooks.example/shop/queue
    condition: { kind: threshold, metric: shop_queue_depth, above: 100, for: 4s }
`;
}

describe.skipIf(skip !== undefined)('generated rules in a real Prometheus', () => {
  let metrics: MetricsEndpoint;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    metrics = await startMetricsEndpoint();
    metrics.set('# TYPE shop_queue_depth gauge\nshop_queue_depth 12\n');
    const result = generate([{ path: 'definitions/shop.yaml', text: definitions(`127.0.0.1:${metrics.port}`) }]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    // The generated prometheus.yml loads rules/*.yml beside it, as in the repository.
    const files = Object.fromEntries(
      result.value.outputs.filter((o) => o.path.startsWith('prometheus/rules/')).map((o) => [o.path.slice('prometheus/'.length), o.content]),
    );
    const config = result.value.outputs.find((o) => o.path === 'prometheus/prometheus.yml')?.content as string;
    prometheus = await startPrometheus(config, files);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await metrics?.close();
  });

  const alerts = async (): Promise<ApiAlert[]> => {
    const body = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as { data: { alerts: ApiAlert[] } };
    return body.data.alerts.filter((a) => a.labels.alertname === 'ShopQueueDeep');
  };

  it('stays quiet while healthy, then goes pending and firing with its labels and summary', async () => {
    await waitFor(
      async () => {
        const body = (await (await fetch(`${prometheus.url}/api/v1/query?query=shop_queue_depth`)).json()) as {
          data: { result: unknown[] };
        };
        return body.data.result.length > 0 ? true : undefined;
      },
      20_000,
      'the first scrape',
    );
    await new Promise((r) => setTimeout(r, 2000));
    expect(await alerts()).toEqual([]);

    metrics.set('# TYPE shop_queue_depth gauge\nshop_queue_depth 150\n');
    const pending = await waitFor(async () => (await alerts()).find((a) => a.state === 'pending'), 20_000, 'a pending alert');
    expect(pending.labels).toMatchObject({ alertname: 'ShopQueueDeep', severity: 'warning', service: 'shop', team: 'web' });

    const firing = await waitFor(async () => (await alerts()).find((a) => a.state === 'firing'), 20_000, 'a firing alert');
    expect(firing.labels).toMatchObject({ alertname: 'ShopQueueDeep', severity: 'warning', service: 'shop', team: 'web' });
    expect(firing.annotations.summary).toBe('Queue depth 150 is above 100');
    expect(firing.annotations.runbook_url).toBe('https://runbooks.example/shop/queue');
  }, 60_000);
});
