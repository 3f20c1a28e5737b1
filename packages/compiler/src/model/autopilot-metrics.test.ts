import { describe, expect, it } from 'vitest';
import { loadModel } from '../compile.js';

const defs = (metrics: string, prefix = '') => `apiVersion: vigil.dev/v1
services:
  - { name: shop, team: web }
  - { name: shop-autopilot, team: web, targets: ["localhost:9475"] }
metrics:
  - { name: shop.orders, type: counter, description: Orders, service: shop, labels: { variant: { values: [control, canary] } } }
${metrics}autopilot:
  service: shop
  parameters_file: card.yaml
${prefix}  parameters:
    - { name: discount, path: pricing.discount, bounds: { min: 0.05, max: 0.2 }, step: 0.01 }
  kpis:
    - { name: orders, direction: higher, ratio: { numerator: { metric: shop.orders }, denominator: { metric: shop.orders } } }
`;

const load = (text: string) => loadModel([{ path: 'defs.yaml', text }]);

describe('autopilot metrics_prefix', () => {
  it('defaults to vigil_autopilot, and finds the scrape port from the service owning the prefixed metrics', () => {
    const plain = load(defs(''));
    expect(plain.ok && plain.value.autopilots[0]).toMatchObject({ metricsPrefix: 'vigil_autopilot' });
    expect(plain.ok && plain.value.autopilots[0]?.metricsEndpoint).toBeUndefined();
    const owned = load(
      defs(
        `  - { name: shop_pilot_paused, type: gauge, description: Paused, service: shop-autopilot, labels: { reason: { values: [drift, emergency] } } }
  - { name: shop_pilot_cycles, type: counter, description: Cycles, service: shop-autopilot, labels: { status: { values: [completed] } } }
`,
        '  metrics_prefix: shop_pilot\n',
      ),
    );
    expect(owned.ok).toBe(true);
    expect(owned.ok && owned.value.autopilots[0]).toMatchObject({ metricsPrefix: 'shop_pilot', metricsEndpoint: { service: 'shop-autopilot', port: 9475 } });
  });

  it('reports prefixed catalog metrics the controller records otherwise, at their lines', () => {
    const result = load(
      defs(
        `  - { name: shop_pilot_paused, type: counter, description: Paused, service: shop-autopilot, labels: { reason: { values: [drift] } } }
  - { name: shop_pilot_cycles, type: counter, description: Cycles, service: shop-autopilot, labels: { outcome: { values: [ok] } } }
  - { name: shop_pilot_mood, type: gauge, description: Mood, service: shop-autopilot }
`,
        '  metrics_prefix: shop_pilot\n',
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => `${i.line}: ${i.message}`)).toEqual([
      '7: shop_pilot_paused is recorded by the autopilot controller as a gauge; the catalog declares a counter',
      '8: shop_pilot_cycles carries the labels [status] when the autopilot controller records it; the catalog declares [outcome]',
      expect.stringMatching(/^9: the autopilot controller records no metric shop_pilot_mood \(metrics_prefix shop_pilot\)/),
    ]);
  });
});
