import { describe, expect, it } from 'vitest';
import { loadModel } from '../../compile.js';
import * as build from './builders.js';

describe('model builders', () => {
  it('a model of two alerts on one service holds that service once, and both alerts point at it', () => {
    const model = build.model({ alerts: [build.alert(), build.alert({ name: 'Other' })] });
    expect(model.services).toHaveLength(1);
    expect(model.alerts.every((alert) => alert.service === model.services[0])).toBe(true);
    expect(model.metrics.map((m) => m.name)).toEqual(['shop_queue_depth']);
  });

  it('builds what the spec would: the alert of the CLI\'s basic definitions has the same shape', () => {
    const loaded = loadModel([
      {
        path: 'definitions/test.yaml',
        text: `apiVersion: vigil.dev/v1
services: [{ name: shop, team: web, targets: ["localhost:9464"] }]
metrics: [{ name: shop_queue_depth, type: gauge, description: shop_queue_depth, service: shop }]
alerts:
  - name: ShopQueueDeep
    severity: warning
    summary: "Queue depth {{ $value }} above 100"
    runbook: https://runbooks.example/shop/queue
    condition: { kind: threshold, metric: shop_queue_depth, above: 100, for: 10m }
`,
      },
    ]);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const built = build.alert();
    const parsed = loaded.value.alerts[0]!;
    const shape = (alert: typeof built) => ({ ...alert, source: undefined, service: { ...alert.service, source: undefined }, condition: alert.condition.kind });
    expect(shape(built)).toEqual(shape(parsed));
    expect(built.condition).toMatchObject({ kind: 'threshold', bound: { op: '>', value: 100 }, forSeconds: 600 });
  });
});
