import { describe, expect, it } from 'vitest';
import { AUTOPILOT_DEFAULTS, type KpiDefinition } from './config.js';
import { planCanary } from './plan.js';

const errorGuard: KpiDefinition = { name: 'error_rate', query: 'q', direction: 'lower-is-better', weight: 1, role: 'must-not-degrade', kind: 'ratio', nonInferiorityMargin: 0, minimumDetectableEffect: 0.1 };

describe('planCanary (finding 8)', () => {
  it('warns that a 1% error-rate guard cannot decide at 20 req/s with the defaults, and can at 140 req/s', () => {
    const [slow] = planCanary([errorGuard], AUTOPILOT_DEFAULTS, [{ kpi: 'error_rate', kind: 'counts', exposurePerMinute: 1200, rate: 0.01 }]);
    expect(slow!.canDecide).toBe(false);
    expect(slow!.canarySize).toBe(14_400);
    // (1.96 + 0.84)² · 0.0099 · 1.25 / 0.001² ≈ 97,000 canary requests: about 135 req/s in all.
    expect(slow!.requiredCanarySize / 0.2 / 60 / 60).toBeGreaterThan(130);
    expect(slow!.requiredCanarySize / 0.2 / 60 / 60).toBeLessThan(140);
    expect(slow!.minimumDetectableEffect).toBeGreaterThan(0.25);
    expect(slow!.note).toMatch(/cannot reach/);
    const [fast] = planCanary([errorGuard], AUTOPILOT_DEFAULTS, [{ kpi: 'error_rate', kind: 'counts', exposurePerMinute: 140 * 60, rate: 0.01 }]);
    expect(fast!.canDecide).toBe(true);
    expect(fast!.minimumDetectableEffect).toBeLessThan(0.1);
  });
  it('counts clustered traffic at its effective size: at 140 req/s a users split with a design effect of 3 can no longer decide', () => {
    const traffic = [{ kpi: 'error_rate', kind: 'counts' as const, exposurePerMinute: 140 * 60, rate: 0.01 }];
    const [users] = planCanary([errorGuard], { ...AUTOPILOT_DEFAULTS, judge: { ...AUTOPILOT_DEFAULTS.judge, designEffect: 3 } }, traffic);
    expect(users!.canarySize).toBeCloseTo((140 * 60 * 0.2 * 60) / 3, 6);
    expect(users!.canDecide).toBe(false);
  });
  it('says what it could not estimate instead of guessing', () => {
    const [plan] = planCanary([errorGuard], AUTOPILOT_DEFAULTS, []);
    expect(plan).toMatchObject({ canDecide: false, note: expect.stringMatching(/not estimated/) });
  });
});
