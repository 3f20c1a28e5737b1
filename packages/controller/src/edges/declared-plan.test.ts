import { loadModel, type Autopilot } from '@vigil/compiler';
import { describe, expect, it } from 'vitest';
import { SHOP_DEFINITIONS } from '../../../../test/support/fake-prometheus.js';
import { declaredPowerWarnings, planDeclaredTraffic } from './declared-plan.js';

/** The shop autopilot with `expected_traffic` on its failed-orders guard. */
function shop(traffic: string, canary = ''): Autopilot {
  const text = SHOP_DEFINITIONS.replace(
    'ratio: { numerator: { metric: shop.orders, matchers: { status: failed } }, denominator: { metric: shop.orders } }',
    `ratio: { numerator: { metric: shop.orders, matchers: { status: failed } }, denominator: { metric: shop.orders } }\n      expected_traffic: ${traffic}`,
  ).replace('  state_file: state.db', `  state_file: state.db${canary}`);
  const model = loadModel([{ path: 'defs.yaml', text }]);
  if (!model.ok) throw new Error(JSON.stringify(model.issues));
  return model.value.autopilots[0] as Autopilot;
}

describe('power from the declared traffic (vigil validate)', () => {
  it('warns that a 1% failure guard cannot decide at 20 orders/s within the canary, and not at 200/s (two guards share the alpha)', () => {
    const slow = shop('{ per_minute: 1200, rate: 0.01 }');
    expect(planDeclaredTraffic(slow).map((p) => p.kpi)).toEqual(['failed_orders']);
    expect(declaredPowerWarnings([slow])).toEqual([expect.stringMatching(/^autopilot shop, KPI failed_orders: cannot reach the configured 10.0% within 60 min/)]);
    expect(declaredPowerWarnings([shop('{ per_minute: 12000, rate: 0.01 }')])).toEqual([]);
  });
  it('counts the unit of randomization: at 200/s split by users (design effect 3) it warns again', () => {
    expect(declaredPowerWarnings([shop('{ per_minute: 12000, rate: 0.01 }', '\n  canary: { unit: users, requests_per_unit: 21 }')])).toHaveLength(1);
  });
  it('says what is missing instead of guessing', () => {
    expect(declaredPowerWarnings([shop('{ per_minute: 8400 }')])).toEqual([expect.stringMatching(/not estimated: expected_traffic has no rate/)]);
  });
});
