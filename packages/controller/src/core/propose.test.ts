import { describe, expect, it } from 'vitest';
import { initialParameterState } from './bounds.js';
import { AUTOPILOT_DEFAULTS, type KpiDefinition, type ParameterDefinition } from './config.js';
import { estimateSlopes, predictedKpiChanges, slopeOptimizer, weightedScore, type EffectObservation } from './propose.js';
import { createRng } from './rng.js';

const kpis: KpiDefinition[] = [
  { name: 'conversion', query: 'q1', direction: 'higher-is-better', weight: 2, role: 'must-not-degrade', kind: 'ratio', nonInferiorityMargin: 0, minimumDetectableEffect: 0.05 },
  { name: 'latency', query: 'q2', direction: 'lower-is-better', weight: 1, role: 'must-not-degrade', kind: 'distribution', nonInferiorityMargin: 0, minimumDetectableEffect: 0.05 },
];
const defs: ParameterDefinition[] = [
  { name: 'a', path: 'x.a', type: 'float', initialBounds: { min: 0, max: 1 }, limits: { min: 0, max: 1 }, step: 0.1 },
  { name: 'b', path: 'x.b', type: 'float', initialBounds: { min: 0, max: 1 }, limits: { min: 0, max: 1 }, step: 0.1 },
  { name: 'c', path: 'x.c', type: 'int', initialBounds: { min: 0, max: 10 }, limits: { min: 0, max: 10 }, step: 1 },
];
const definitions = new Map(defs.map((d) => [d.name, d]));

/** History where moving `a` up by a step raises conversion 2% and moving `b` up lowers it 1%. */
function history(n: number): EffectObservation[] {
  const rng = createRng(3);
  return Array.from({ length: n }, (_, i) => {
    const da = (rng.next() < 0.5 ? -1 : 1) * 0.1;
    const db = (rng.next() < 0.5 ? -1 : 1) * 0.1;
    return { at: i, parameterDeltas: { a: da, b: db }, kpiChanges: { conversion: 0.2 * da - 0.1 * db, latency: 0 } };
  });
}

describe('weightedScore', () => {
  it('signs by direction and weights', () => {
    expect(weightedScore(kpis, { conversion: 0.03, latency: 0.03 })).toBeCloseTo((2 * 0.03 - 0.03) / 3, 12);
  });
});

describe('estimateSlopes', () => {
  it('separates parameters moved together (joint regression)', () => {
    const slopes = estimateSlopes(defs, kpis, history(12), 1e-9);
    expect(slopes.get('a')!.kpiSlopes['conversion']).toBeCloseTo(0.02, 9);
    expect(slopes.get('b')!.kpiSlopes['conversion']).toBeCloseTo(-0.01, 9);
    expect(slopes.get('c')!.points).toBe(0);
  });
});

describe('slopeOptimizer', () => {
  const parameters = defs.map((d) => initialParameterState(d, d.type === 'int' ? 5 : 0.5, 0));
  const base = { parameters, definitions, kpis, boundsConfig: AUTOPILOT_DEFAULTS.slidingBounds, maxChanges: 3 };
  it('explores with a half step when there is no history', () => {
    const changes = slopeOptimizer().propose({ ...base, history: [], rng: createRng(1) });
    expect(changes).toHaveLength(3);
    for (const c of changes) {
      expect(c.changeType).toBe('exploration');
      expect(c.predictedKpiChanges).toEqual({});
    }
    expect(Math.abs(changes.find((c) => c.parameter === 'a')!.newValue - 0.5)).toBeCloseTo(0.05, 12);
    expect(Math.abs(changes.find((c) => c.parameter === 'c')!.newValue - 5)).toBe(1);
  });
  it('moves in the direction history says improves the score, with a predicted effect', () => {
    const changes = slopeOptimizer().propose({ ...base, history: history(12), rng: createRng(1) });
    const a = changes.find((c) => c.parameter === 'a')!;
    const b = changes.find((c) => c.parameter === 'b')!;
    expect(a.changeType).toBe('optimization');
    expect(a.newValue).toBeCloseTo(0.6, 12);
    expect(b.newValue).toBeCloseTo(0.4, 12);
    expect(predictedKpiChanges([a, b])['conversion']).toBeGreaterThan(0.025);
    expect(a.confidence).toBeGreaterThan(0.9);
  });
  it('never proposes outside the bounds and leaves frozen parameters alone', () => {
    const pinned = parameters.map((p) => (p.name === 'a' ? { ...p, value: 1, bounds: { min: 0.5, max: 1 } } : p.name === 'b' ? { ...p, rollbackCount: 3 } : p));
    const changes = slopeOptimizer().propose({ ...base, parameters: pinned, history: history(12), rng: createRng(2) });
    const a = changes.find((c) => c.parameter === 'a')!;
    expect(a.newValue).toBe(1);
    expect(a.clamped).toBe(true);
    expect(changes.some((c) => c.parameter === 'b')).toBe(false);
  });
});
