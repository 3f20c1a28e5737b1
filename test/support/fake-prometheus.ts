import { createServer, type Server } from 'node:http';
import { freePort } from './servers.js';

/** Definitions of the `shop` autopilot the fake answers for (add `prometheus_url` after `state_file`). */
export const SHOP_DEFINITIONS = `apiVersion: vigil.dev/v1
services:
  - { name: shop, team: web }
metrics:
  - { name: shop.orders, type: counter, description: Orders, service: shop, labels: { variant: { values: [control, canary] }, status: { values: [ok, failed] } } }
  - { name: shop.basket.value, type: gauge, description: Basket value, service: shop, labels: { variant: { values: [control, canary] } } }
autopilot:
  service: shop
  parameters_file: card.yaml
  state_file: state.db
  parameters:
    - { name: discount, path: pricing.discount, bounds: { min: 0.05, max: 0.2 }, step: 0.01 }
  kpis:
    - name: failed_orders
      direction: lower
      ratio: { numerator: { metric: shop.orders, matchers: { status: failed } }, denominator: { metric: shop.orders } }
    - { name: basket_value, direction: higher, gauge: { metric: shop.basket.value } }
`;

/** What a simulated service's canary does to the KPIs of the controller tests' `shop`. */
export interface ShopScenario {
  /** Failed orders of the canary (out of 1,000,000; the control fails 40,000 of 4,000,000). */
  canaryFailed: number;
  /** Mean basket value of the canary (the control's is about 52). */
  canaryBasket: number;
}

/** A running fake of the Prometheus HTTP API. */
export interface FakePrometheus {
  url: string;
  /** Every query received, in order. */
  queries: string[];
  close(): Promise<void>;
}

/**
 * A Prometheus HTTP API answering the controller's KPI queries for the `shop` definitions of its
 * tests (`shop_orders_total` by `status`, `shop_basket_value`) from a scenario: for tests of the
 * controller's own logic (the PromQL client and the end-to-end test run a real Prometheus).
 */
export async function fakePrometheus(scenario: () => ShopScenario): Promise<FakePrometheus> {
  const queries: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const query = params.get('query') ?? '';
      queries.push(query);
      const s = scenario();
      const reply = (resultType: string, result: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType, result } }));
      if (req.url?.startsWith('/api/v1/query_range')) {
        const start = Number(params.get('start'));
        const end = Number(params.get('end'));
        const stepSeconds = Number(params.get('step'));
        const points = (value: (i: number) => number) => {
          const values: [number, string][] = [];
          for (let t = start, i = 0; t <= end; t += stepSeconds, i++) values.push([t, String(value(i))]);
          return values;
        };
        if (query.startsWith('avg by (variant)')) {
          return reply('matrix', [
            { metric: { variant: 'control' }, values: points((i) => 50 + (i % 5)) },
            { metric: { variant: 'canary' }, values: points((i) => s.canaryBasket + (i % 5)) },
          ]);
        }
        return reply('matrix', [{ metric: {}, values: points(() => 10) }]);
      }
      const failed = query.includes('status="failed"');
      return reply('vector', [
        { metric: { variant: 'control' }, value: [0, String(failed ? 40_000 : 4_000_000)] },
        { metric: { variant: 'canary' }, value: [0, String(failed ? s.canaryFailed : 1_000_000)] },
      ]);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, queries, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
