import { describe, expect, it } from 'vitest';
import { loadModel } from '../compile.js';

const base = `apiVersion: vigil.dev/v1
services:
  - { name: shop, team: web }
metrics:
  - { name: shop.orders, type: counter, description: Orders, service: shop, labels: { variant: { values: [control, canary] }, status: { values: [ok, failed] } } }
  - { name: shop.checkout.duration, type: histogram, unit: s, description: Checkout time, service: shop, buckets: [0.1, 1], labels: { variant: { values: [control, canary] } } }
  - { name: shop.basket.size, type: gauge, description: Basket size, service: shop }
`;

const autopilot = (kpis: string) => `autopilot:
  service: shop
  parameters_file: card.yaml
  parameters:
    - { name: discount, path: pricing.discount, bounds: { min: 0.05, max: 0.2 }, step: 0.01 }
  kpis:
${kpis}`;

function load(text: string) {
  return loadModel([{ path: 'defs.yaml', text }]);
}

describe('autopilot definitions', () => {
  it("resolves KPIs to PromQL by variant, with the document's defaults", () => {
    const result = load(
      base +
        autopilot(`    - { name: failed_orders, direction: lower, ratio: { numerator: { metric: shop.orders, matchers: { status: failed } }, denominator: { metric: shop.orders } } }
    - { name: checkout_time, direction: lower, distribution: { metric: shop.checkout.duration } }
`),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [pilot] = result.value.autopilots;
    expect(pilot).toMatchObject({
      service: 'shop',
      daily: { hour: 3, minute: 0 },
      canary: { durationSeconds: 3600, trafficPercent: 20, confidence: 0.95, initialDelaySeconds: 0, onInconclusive: 'pause', maxQueryErrors: 3, randomization: { unit: 'requests', requestsPerUnit: 1, intraClusterCorrelation: 0 } },
      dryRun: false,
      maxCycleSeconds: 600,
      manualOverrideSeconds: 86_400,
      slidingBounds: { expansionPerWeek: 0.05, contractionAfterRollback: 0.25, stabilityDays: 7, rollbackThreshold: 3, antiWindup: true },
      drift: { predictionErrorPercent: 30, rollbackRatePercent: 10, windowSeconds: 14 * 86_400, pauseSeconds: 48 * 3600, maxPauseSeconds: 7 * 86_400 },
      triage: { weekly: { dayOfWeek: 0, hour: 2, minute: 0 }, windowSeconds: 7 * 86_400, patchAfter: 3 },
      parameters: [{ name: 'discount', limits: { min: 0.05, max: 0.2 } }],
    });
    expect(pilot?.kpis.map((k) => k.queries)).toEqual([
      {
        kind: 'ratio',
        numerator: 'sum by (variant) (increase(shop_orders_total{status="failed"}[$__range]))',
        denominator: 'sum by (variant) (increase(shop_orders_total[$__range]))',
      },
      { kind: 'distribution', buckets: 'sum by (variant, le) (increase(shop_checkout_duration_bucket[$__range]))' },
    ]);
  });

  it('reports KPIs the canary cannot compare, at their lines', () => {
    const result = load(
      base +
        autopilot(`    - { name: basket, direction: higher, gauge: { metric: shop.basket.size } }
    - { name: orders, direction: higher, distribution: { metric: shop.orders } }
    - { name: missing, direction: higher, gauge: { metric: shop.visits } }
`),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => `${i.line}: ${i.message}`)).toEqual([
      expect.stringMatching(/^14: shop.basket.size has no variant label: add `variant: \{ values: \[control, canary\] \}`/),
      expect.stringMatching(/^15: a distribution KPI needs a histogram; shop.orders is a counter/),
      expect.stringMatching(/^16: unknown metric shop.visits/),
    ]);
  });

  it('rejects bounds outside their limits', () => {
    const result = load(`${base}autopilot:
  service: cart
  parameters_file: card.yaml
  parameters:
    - { name: discount, path: pricing.discount, bounds: { min: 0.05, max: 0.2 }, limits: { min: 0.1, max: 1 }, step: 0.01 }
  kpis:
    - { name: orders, direction: higher, promql: 'sum by (variant) (rate(shop_orders_total[$__range]))', kind: gauge }
`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.message)).toEqual([expect.stringMatching(/limits must contain the bounds/)]);
  });

  it('declares the unit of randomization per canary: users need their requests per unit, and take the default intra-cluster correlation', () => {
    const kpis = `    - { name: failed_orders, direction: lower, ratio: { numerator: { metric: shop.orders, matchers: { status: failed } }, denominator: { metric: shop.orders } } }
`;
    const withUnit = (canary: string) => load(base + autopilot(kpis).replace('  kpis:', `  canary: ${canary}\n  kpis:`));
    const users = withUnit('{ unit: users, requests_per_unit: 21 }');
    expect(users.ok && users.value.autopilots[0]?.canary.randomization).toEqual({ unit: 'users', requestsPerUnit: 21, intraClusterCorrelation: 0.1 });
    const sessions = withUnit('{ unit: sessions, requests_per_unit: 4, intra_cluster_correlation: 0.2 }');
    expect(sessions.ok && sessions.value.autopilots[0]?.canary.randomization).toEqual({ unit: 'sessions', requestsPerUnit: 4, intraClusterCorrelation: 0.2 });
    const missing = withUnit('{ unit: users }');
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    expect(missing.issues.map((i) => i.message)).toEqual([expect.stringMatching(/needs requests_per_unit/)]);
  });
});
