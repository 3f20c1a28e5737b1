import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyAntiWindup,
  applyPromotion,
  clampProposal,
  contractAfterRollback,
  expandStableBounds,
  initialParameterState,
  isFrozen,
  type ParameterState,
} from './bounds.js';
import { AUTOPILOT_DEFAULTS, type ParameterDefinition } from './config.js';

const DAY = 86_400_000;
const config = AUTOPILOT_DEFAULTS.slidingBounds;
const floatParam: ParameterDefinition = { name: 'boost', path: 'selection.boost', type: 'float', initialBounds: { min: 0.2, max: 0.6 }, limits: { min: 0, max: 1 }, step: 0.05 };
const intParam: ParameterDefinition = { name: 'batch', path: 'curator.batch', type: 'int', initialBounds: { min: 2, max: 9 }, limits: { min: 1, max: 20 }, step: 1 };
const defs = new Map([floatParam, intParam].map((d) => [d.name, d]));

describe('sliding bounds', () => {
  it('widens by 5% of the width after 7 stable days, then weekly', () => {
    let s = initialParameterState(floatParam, 0.4, 0);
    expect(expandStableBounds([s], defs, config, 6 * DAY).adjustments).toEqual([]);
    const first = expandStableBounds([s], defs, config, 7 * DAY);
    s = first.states[0]!;
    expect(s.bounds.min).toBeCloseTo(0.19, 12);
    expect(s.bounds.max).toBeCloseTo(0.61, 12);
    expect(expandStableBounds([s], defs, config, 13 * DAY).adjustments).toEqual([]);
    expect(expandStableBounds([s], defs, config, 14 * DAY).adjustments).toHaveLength(1);
  });
  it('contracts by 25% towards the rolled-back value and restarts the stability clock', () => {
    const s = initialParameterState(floatParam, 0.3, 0);
    const { state, adjustment } = contractAfterRollback(s, config, 10 * DAY);
    expect(state.bounds.min).toBeCloseTo(0.225, 12);
    expect(state.bounds.max).toBeCloseTo(0.525, 12);
    expect(state.bounds.max - state.bounds.min).toBeCloseTo(0.75 * 0.4, 12);
    expect(adjustment.kind).toBe('contraction');
    expect(expandStableBounds([state], defs, config, 16 * DAY).adjustments).toEqual([]);
  });
  it('freezes after 3 rollbacks and forgives after 7 stable days', () => {
    let s = initialParameterState(floatParam, 0.4, 0);
    for (let i = 1; i <= 3; i++) s = contractAfterRollback(s, config, i * DAY).state;
    expect(isFrozen(s, config)).toBe(true);
    s = expandStableBounds([s], defs, config, 10 * DAY).states[0]!;
    expect(isFrozen(s, config)).toBe(false);
  });
  it('clamps integer parameters onto integers inside the bounds', () => {
    const s = initialParameterState(intParam, 5, 0);
    expect(clampProposal(intParam, s, 12.4)).toEqual({ value: 9, clamped: true });
    expect(clampProposal(intParam, s, 6.6)).toEqual({ value: 7, clamped: false });
    const narrow: ParameterState = { ...s, value: 5, bounds: { min: 5.2, max: 5.8 } };
    expect(clampProposal(intParam, narrow, 9).value).toBe(5);
  });
});

type Op = { kind: 'propose'; direction: 1 | -1; promote: boolean } | { kind: 'rollback' } | { kind: 'days'; days: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('propose' as const), direction: fc.constantFrom(1 as const, -1 as const), promote: fc.boolean() }),
  fc.record({ kind: fc.constant('rollback' as const) }),
  fc.record({ kind: fc.constant('days' as const), days: fc.integer({ min: 1, max: 10 }) }),
);

/** Drives a parameter through random proposals, promotions, rollbacks and days passing. */
function drive(definition: ParameterDefinition, start: number, ops: Op[], check: (event: { before: ParameterState; after: ParameterState; op: Op; now: number; lastRollbackAt: number; proposed?: number; lastClamped: boolean }) => void): void {
  let now = 0;
  let state = initialParameterState(definition, start, now);
  let lastRollbackAt = -Infinity;
  let lastClamped = false;
  for (const o of ops) {
    const before = state;
    let proposed: number | undefined;
    if (o.kind === 'days') {
      now += o.days * DAY;
      state = expandStableBounds([state], defs, config, now).states[0]!;
    } else if (o.kind === 'rollback') {
      state = contractAfterRollback(state, config, now).state;
      lastRollbackAt = now;
    } else {
      const steps = 1 + (o.direction === state.lastDirection ? state.momentum : 0);
      const clamp = clampProposal(definition, state, state.value + o.direction * steps * definition.step);
      proposed = clamp.value;
      if (clamp.clamped) state = applyAntiWindup(state, config, now).state;
      if (o.promote) state = applyPromotion(state, clamp.value, clamp.clamped, config);
      check({ before, after: state, op: o, now, lastRollbackAt, proposed, lastClamped });
      lastClamped = clamp.clamped;
      continue;
    }
    check({ before, after: state, op: o, now, lastRollbackAt, lastClamped });
  }
}

describe('sliding bounds properties', () => {
  const params = fc.constantFrom(floatParam, intParam);
  it('no proposal ever leaves the bounds, and bounds never leave the hard limits', () => {
    fc.assert(
      fc.property(params, fc.double({ min: 0, max: 1, noNaN: true }), fc.array(op, { maxLength: 80 }), (definition, u, ops) => {
        const start = definition.initialBounds.min + u * (definition.initialBounds.max - definition.initialBounds.min);
        drive(definition, start, ops, ({ before, after, proposed }) => {
          if (proposed !== undefined) {
            expect(proposed).toBeGreaterThanOrEqual(before.bounds.min - 1e-12);
            expect(proposed).toBeLessThanOrEqual(before.bounds.max + 1e-12);
          }
          expect(after.value).toBeGreaterThanOrEqual(after.bounds.min - 1e-9);
          expect(after.value).toBeLessThanOrEqual(after.bounds.max + 1e-9);
          expect(after.bounds.min).toBeGreaterThanOrEqual(definition.limits.min);
          expect(after.bounds.max).toBeLessThanOrEqual(definition.limits.max);
        });
      }),
      { numRuns: 300 },
    );
  });
  it('never widens until the stability threshold has passed since the last rollback', () => {
    fc.assert(
      fc.property(params, fc.array(op, { maxLength: 80 }), (definition, ops) => {
        drive(definition, (definition.initialBounds.min + definition.initialBounds.max) / 2, ops, ({ before, after, now, lastRollbackAt }) => {
          const widened = after.bounds.min < before.bounds.min || after.bounds.max > before.bounds.max;
          if (widened) expect(now - lastRollbackAt).toBeGreaterThanOrEqual(config.stabilityThresholdDays * DAY);
        });
      }),
      { numRuns: 300 },
    );
  });
  it('anti-windup: a clamped proposal leaves zero momentum, so the next move is at most one base step', () => {
    fc.assert(
      fc.property(params, fc.array(op, { maxLength: 80 }), (definition, ops) => {
        drive(definition, definition.initialBounds.max, ops, ({ before, after, op: o, proposed, lastClamped }) => {
          if (o.kind !== 'propose' || proposed === undefined) return;
          if (lastClamped) expect(Math.abs(proposed - before.value)).toBeLessThanOrEqual(definition.step + 1e-9);
          if (proposed !== before.value && after.value === proposed && after.momentum > 0) {
            // momentum only grows on an unclamped promoted move
            expect(Math.abs(proposed - before.value)).toBeGreaterThan(0);
          }
          expect(after.momentum).toBeLessThanOrEqual(config.maxMomentum);
        });
      }),
      { numRuns: 300 },
    );
  });
  it('anti-windup: a parameter pinned at its bound for weeks steps once past the widened bound', () => {
    let s = initialParameterState(floatParam, 0.6, 0);
    s = { ...s, momentum: 3, lastDirection: 1 };
    for (let day = 1; day <= 21; day++) {
      const now = day * DAY;
      const c = clampProposal(floatParam, s, s.value + (1 + s.momentum) * floatParam.step);
      if (c.clamped) s = applyAntiWindup(s, config, now).state;
      s = applyPromotion(s, c.value, c.clamped, config);
      s = expandStableBounds([s], defs, config, now).states[0]!;
    }
    expect(s.momentum).toBeLessThanOrEqual(1);
    expect(s.value).toBeLessThanOrEqual(s.bounds.max);
  });
});
