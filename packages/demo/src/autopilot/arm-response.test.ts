import { describe, expect, it } from 'vitest';
import type { Autopilot } from '@vigil/compiler/core';
import { armResponse, BAD_CHANGE_FACTOR, BASE_ERROR_SHARE, liftOf, LIFT_PER_STEP, numberAt } from './arm-response.js';

const autopilot: Pick<Autopilot, 'parameters' | 'kpis'> = {
  parameters: [
    { name: 'w', path: 'selection.w', type: 'float', bounds: { min: 0, max: 1 }, limits: { min: 0, max: 1 }, step: 0.02 },
    { name: 'budget', path: 'curator.budget', type: 'int', bounds: { min: 20, max: 60 }, limits: { min: 5, max: 120 }, step: 2 },
  ],
  kpis: [
    { name: 'entropy', direction: 'higher-is-better', weight: 1, role: 'must-not-degrade', margin: 0, minDetectableEffect: 0.1, queries: { kind: 'gauge', value: 'avg by (variant) (e)' } },
    { name: 'used', direction: 'lower-is-better', weight: 1, role: 'must-not-degrade', margin: 0, minDetectableEffect: 0.1, queries: { kind: 'gauge', value: 'avg by (variant) (u)' } },
    { name: 'errors', direction: 'lower-is-better', weight: 1, role: 'must-not-degrade', margin: 0, minDetectableEffect: 0.1, queries: { kind: 'ratio', numerator: 'a', denominator: 'b' } },
  ],
};
const card = { selection: { w: 0.4 }, curator: { budget: 40 } };

describe('the demo response model', () => {
  it('reads numbers at dotted paths', () => {
    expect(numberAt(card, 'curator.budget')).toBe(40);
    expect(numberAt(card, 'curator.missing')).toBeUndefined();
  });

  it('lifts an arm by its moves in steps: up is better, down is worse', () => {
    expect(liftOf(autopilot.parameters, card, card)).toBe(0);
    expect(liftOf(autopilot.parameters, card, { selection: { w: 0.41 }, curator: { budget: 41 } })).toBeCloseTo(LIFT_PER_STEP, 10);
    const up = armResponse(autopilot, card, { selection: { w: 0.41 }, curator: { budget: 40 } }, 'canary', false);
    expect(up.gaugeFactor.entropy).toBeGreaterThan(1);
    expect(up.gaugeFactor.used).toBeLessThan(1);
    const down = armResponse(autopilot, card, { selection: { w: 0.39 }, curator: { budget: 40 } }, 'canary', false);
    expect(down.gaugeFactor.entropy).toBeLessThan(1);
    expect(up.errorShare).toBe(BASE_ERROR_SHARE);
    expect(Object.keys(up.gaugeFactor)).toEqual(['entropy', 'used']);
  });

  it('makes only the canary arm worse under the bad-change scenario', () => {
    const candidate = { selection: { w: 0.41 }, curator: { budget: 40 } };
    const canary = armResponse(autopilot, card, candidate, 'canary', true);
    const control = armResponse(autopilot, card, card, 'control', true);
    expect(canary.errorShare).toBeCloseTo(BASE_ERROR_SHARE * BAD_CHANGE_FACTOR, 10);
    expect(canary.gaugeFactor.entropy).toBeLessThan(1);
    expect(canary.gaugeFactor.used).toBeGreaterThan(1);
    expect(control).toEqual({ gaugeFactor: { entropy: 1, used: 1 }, errorShare: BASE_ERROR_SHARE });
  });
});
