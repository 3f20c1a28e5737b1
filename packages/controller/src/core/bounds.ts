/**
 * Sliding bounds: the range each parameter may move in, which only widens with evidence.
 *
 * - Widening: after `stabilityThresholdDays` without a rollback, and then after each further full
 *   week, the range widens by `expansionRatePerWeek` of its width (half on each side), never past
 *   the parameter's hard limits.
 * - Contraction: a rollback narrows the range by `contractionRateAfterRollback` of its width,
 *   towards the value the parameter was rolled back to (which therefore stays inside), restarts the
 *   stability clock and counts the rollback. No widening happens until the parameter is stable
 *   again; after `rollbackThreshold` unforgiven rollbacks it is frozen (not proposed) until then.
 * - Anti-windup, precisely: a parameter's momentum (how many base steps its next move adds, grown
 *   by consecutive promoted moves in one direction) is set to zero whenever a proposal for it is
 *   clamped by a bound, and is never increased by a clamped move. A parameter pinned at a bound thus
 *   accumulates no pressure: when the bound widens, its first move past the old bound is at most one
 *   base step, not the sum of all the steps it was denied.
 */
import type { ParameterDefinition, SlidingBoundsConfig } from './config.js';

const DAY_MS = 86_400_000;

/** A closed range. */
export interface Range {
  min: number;
  max: number;
}

/** What the core remembers about one parameter between cycles (persisted by the edges). */
export interface ParameterState {
  name: string;
  value: number;
  bounds: Range;
  /** Epoch ms of the last rollback (or of creation): the stability clock. */
  stableSince: number;
  /** Epoch ms of the last widening, contraction or creation: widening needs a full week since. */
  lastAdjustedAt: number;
  /** Rollbacks since the parameter was last stable for the threshold. */
  rollbackCount: number;
  /** Extra base steps the next move in `lastDirection` takes. */
  momentum: number;
  /** Direction of the last promoted move. */
  lastDirection: -1 | 0 | 1;
}

/** A change of bounds or an anti-windup event, recorded in history (the design's BoundsAdjustment). */
export type BoundsAdjustment =
  | { kind: 'expansion'; parameter: string; oldRange: Range; newRange: Range; at: number }
  | { kind: 'contraction'; parameter: string; oldRange: Range; newRange: Range; at: number }
  | { kind: 'anti-windup'; parameter: string; reason: string; at: number };

/** The starting state of a parameter. The value is clamped into the initial bounds. */
export function initialParameterState(definition: ParameterDefinition, value: number, now: number): ParameterState {
  const bounds = intersect(definition.initialBounds, definition.limits);
  return {
    name: definition.name,
    value: clampToBounds(definition, bounds, value, value),
    bounds,
    stableSince: now,
    lastAdjustedAt: now,
    rollbackCount: 0,
    momentum: 0,
    lastDirection: 0,
  };
}

function intersect(a: Range, b: Range): Range {
  return { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
}

/** Whole days the parameter has been without a rollback. */
export function stabilityDays(state: ParameterState, now: number): number {
  return Math.floor((now - state.stableSince) / DAY_MS);
}

/** Whether the parameter may be proposed: not frozen by too many unforgiven rollbacks. */
export function isFrozen(state: ParameterState, config: SlidingBoundsConfig): boolean {
  return state.rollbackCount >= config.rollbackThreshold;
}

/**
 * Clamps a value into the bounds; for integer parameters, onto the integers inside them. When the
 * bounds hold no integer, the fallback (the current value) is kept.
 */
export function clampToBounds(definition: ParameterDefinition, bounds: Range, value: number, fallback: number): number {
  if (definition.type === 'int') {
    const lo = Math.ceil(bounds.min);
    const hi = Math.floor(bounds.max);
    if (lo > hi) return fallback;
    return Math.min(hi, Math.max(lo, Math.round(value)));
  }
  return Math.min(bounds.max, Math.max(bounds.min, value));
}

/** A proposal after clamping. */
export interface ClampedProposal {
  value: number;
  /** True when the bounds changed the desired value (the anti-windup trigger). */
  clamped: boolean;
}

/** Clamps a desired value for a parameter into its current bounds. */
export function clampProposal(definition: ParameterDefinition, state: ParameterState, desired: number): ClampedProposal {
  const value = clampToBounds(definition, state.bounds, desired, state.value);
  const reference = definition.type === 'int' ? Math.round(desired) : desired;
  return { value, clamped: Math.abs(value - reference) > 1e-12 * Math.max(1, Math.abs(reference)) };
}

/** Applies anti-windup after a clamped proposal: momentum to zero (when enabled). */
export function applyAntiWindup(state: ParameterState, config: SlidingBoundsConfig, now: number): { state: ParameterState; adjustment?: BoundsAdjustment } {
  if (!config.antiWindupEnabled || state.momentum === 0) return { state };
  return {
    state: { ...state, momentum: 0 },
    adjustment: { kind: 'anti-windup', parameter: state.name, reason: `proposal clamped at a bound; momentum ${state.momentum} reset`, at: now },
  };
}

/** Records a promoted move: the new value, and momentum grown for an unclamped move in the same direction. */
export function applyPromotion(state: ParameterState, newValue: number, clamped: boolean, config: SlidingBoundsConfig): ParameterState {
  const direction = Math.sign(newValue - state.value) as -1 | 0 | 1;
  if (direction === 0) return state;
  let momentum = 0;
  if (!(clamped && config.antiWindupEnabled) && direction === state.lastDirection) momentum = Math.min(config.maxMomentum, state.momentum + 1);
  return { ...state, value: newValue, momentum, lastDirection: direction };
}

/**
 * Contracts a parameter's bounds after a rollback, towards the value it was rolled back to
 * (`state.value`), and restarts its stability clock.
 */
export function contractAfterRollback(state: ParameterState, config: SlidingBoundsConfig, now: number): { state: ParameterState; adjustment: BoundsAdjustment } {
  const keep = 1 - config.contractionRateAfterRollback;
  const v = state.value;
  const newRange = { min: v - (v - state.bounds.min) * keep, max: v + (state.bounds.max - v) * keep };
  return {
    state: { ...state, bounds: newRange, stableSince: now, lastAdjustedAt: now, rollbackCount: state.rollbackCount + 1, momentum: 0, lastDirection: 0 },
    adjustment: { kind: 'contraction', parameter: state.name, oldRange: state.bounds, newRange, at: now },
  };
}

/**
 * Widens the bounds of every parameter that has earned it (stable for the threshold and a full
 * week since its last adjustment) and forgives the rollbacks of those stable for the threshold.
 */
export function expandStableBounds(
  states: readonly ParameterState[],
  definitions: ReadonlyMap<string, ParameterDefinition>,
  config: SlidingBoundsConfig,
  now: number,
): { states: ParameterState[]; adjustments: BoundsAdjustment[] } {
  const adjustments: BoundsAdjustment[] = [];
  const next = states.map((state) => {
    const definition = definitions.get(state.name);
    if (!definition) return state;
    const stable = now - state.stableSince >= config.stabilityThresholdDays * DAY_MS;
    if (!stable) return state;
    let updated = state.rollbackCount > 0 ? { ...state, rollbackCount: 0 } : state;
    const weekSinceAdjustment = now - state.lastAdjustedAt >= 7 * DAY_MS;
    if (!weekSinceAdjustment) return updated;
    const width = state.bounds.max - state.bounds.min;
    const grow = (width * config.expansionRatePerWeek) / 2;
    const newRange = intersect({ min: state.bounds.min - grow, max: state.bounds.max + grow }, definition.limits);
    updated = { ...updated, lastAdjustedAt: now };
    if (newRange.min !== state.bounds.min || newRange.max !== state.bounds.max) {
      updated = { ...updated, bounds: newRange };
      adjustments.push({ kind: 'expansion', parameter: state.name, oldRange: state.bounds, newRange, at: now });
    }
    return updated;
  });
  return { states: next, adjustments };
}
