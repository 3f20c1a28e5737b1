/**
 * Proposals: which parameters to move, by how much, and what the move is expected to do.
 * The optimiser is pluggable ({@link Optimizer}); the default, {@link slopeOptimizer}, moves each
 * chosen parameter by bounded steps in the direction its recorded history says improves the
 * weighted KPI score, and explores with a small step when it has no history.
 */
import { clampProposal, isFrozen, type ParameterState } from './bounds.js';
import type { KpiDefinition, ParameterDefinition, SlidingBoundsConfig } from './config.js';
import { normalSf } from './judge/normal.js';
import type { Rng } from './rng.js';

/** One measured outcome: parameter moves and the relative KPI changes they went with. */
export interface EffectObservation {
  at: number;
  /** Parameter deltas in the parameter's unit. */
  parameterDeltas: Readonly<Record<string, number>>;
  /** Relative KPI change per KPI, (canary - control) / |control|, as the judge measured it. */
  kpiChanges: Readonly<Record<string, number>>;
}

/** Why a parameter moved (the design's ChangeType). */
export type ChangeType = 'optimization' | 'exploration' | 'rollback';

/** One proposed parameter change. */
export interface ProposedChange {
  parameter: string;
  path: string;
  oldValue: number;
  newValue: number;
  /** What the optimiser wanted before the bounds clamped it. */
  desiredValue: number;
  clamped: boolean;
  changeType: ChangeType;
  /** 0..1: the optimiser's confidence in the direction. */
  confidence: number;
  /** Predicted relative change per KPI from this move; empty when exploring without history. */
  predictedKpiChanges: Record<string, number>;
  rationale: string;
}

/** Everything an optimiser may look at. All plain data; randomness comes from the seeded `rng`. */
export interface OptimizerInput {
  parameters: readonly ParameterState[];
  definitions: ReadonlyMap<string, ParameterDefinition>;
  kpis: readonly KpiDefinition[];
  history: readonly EffectObservation[];
  boundsConfig: SlidingBoundsConfig;
  maxChanges: number;
  rng: Rng;
}

/** The optimiser seam: a pure function from input to changes (before bounds validation). */
export interface Optimizer {
  readonly name: string;
  propose(input: OptimizerInput): ProposedChange[];
}

/** One parameter's slopes from {@link estimateSlopes}. */
export interface ParameterSlope {
  parameter: string;
  points: number;
  /** Relative KPI change per base step, per KPI. */
  kpiSlopes: Record<string, number>;
  /** Weighted, direction-signed score change per base step (> 0: increasing helps). */
  scoreSlope: number;
  /** |t| of the score slope (0 when fewer than 2 points). */
  tStatistic: number;
}

/** Weighted, direction-signed score of relative KPI changes: > 0 is better. */
export function weightedScore(kpis: readonly KpiDefinition[], changes: Readonly<Record<string, number>>): number {
  let total = 0;
  let weights = 0;
  for (const kpi of kpis) {
    const change = changes[kpi.name];
    if (change === undefined || !Number.isFinite(change)) continue;
    total += kpi.weight * (kpi.direction === 'higher-is-better' ? change : -change);
    weights += kpi.weight;
  }
  return weights === 0 ? 0 : total / weights;
}

/**
 * Joint ridge regression (through the origin) of the KPI changes on all parameters' moves, in base
 * steps: several parameters move in one cycle, so per-parameter slopes would confound them. Solves
 * (XᵀX + λI) β = Xᵀy for the weighted score and for each KPI; |t| uses the residual variance and
 * the diagonal of (XᵀX + λI)⁻¹. λ (in steps²) keeps the system solvable with few observations.
 */
export function estimateSlopes(
  parameters: readonly { name: string; step: number }[],
  kpis: readonly KpiDefinition[],
  history: readonly EffectObservation[],
  ridge = 1,
): Map<string, ParameterSlope> {
  const p = parameters.length;
  const rows = history.filter((h) => parameters.some((q) => (h.parameterDeltas[q.name] ?? 0) !== 0));
  const x = rows.map((h) => parameters.map((q) => (h.parameterDeltas[q.name] ?? 0) / q.step));
  const gram = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => x.reduce((a, r) => a + r[i]! * r[j]!, 0) + (i === j ? ridge : 0)));
  const inverse = invert(gram);
  const solve = (y: readonly number[]): number[] => {
    const xty = parameters.map((_, i) => x.reduce((a, r, k) => a + r[i]! * y[k]!, 0));
    return inverse.map((row) => row.reduce((a, v, j) => a + v * xty[j]!, 0));
  };
  const scores = rows.map((h) => weightedScore(kpis, h.kpiChanges));
  const beta = solve(scores);
  const residual = rows.length > p ? scores.reduce((a, y, k) => a + (y - x[k]!.reduce((b, v, i) => b + v * beta[i]!, 0)) ** 2, 0) / (rows.length - p) : Number.NaN;
  const kpiBetas = new Map(kpis.map((kpi) => [kpi.name, solve(rows.map((h) => (Number.isFinite(h.kpiChanges[kpi.name]) ? h.kpiChanges[kpi.name]! : 0)))]));
  const result = new Map<string, ParameterSlope>();
  parameters.forEach((q, i) => {
    const points = x.filter((r) => r[i] !== 0).length;
    const se = Math.sqrt(residual * inverse[i]![i]!);
    const kpiSlopes: Record<string, number> = {};
    if (points > 0) for (const [k, b] of kpiBetas) kpiSlopes[k] = b[i]!;
    result.set(q.name, {
      parameter: q.name,
      points,
      kpiSlopes,
      scoreSlope: points > 0 ? beta[i]! : 0,
      tStatistic: points > 0 && se > 0 ? Math.abs(beta[i]!) / se : 0,
    });
  });
  return result;
}

/** Gauss-Jordan inverse with partial pivoting (the matrices here are small and positive definite). */
function invert(matrix: readonly (readonly number[])[]): number[][] {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    const d = a[c]![c]!;
    for (let j = 0; j < 2 * n; j++) a[c]![j]! /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      if (f !== 0) for (let j = 0; j < 2 * n; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((row) => row.slice(n));
}

/**
 * The default optimiser. Parameters with at least `minPoints` observations (moves in history) and a non-zero score
 * slope move one base step (plus momentum when continuing in the same direction) the way the slope
 * points; the best `maxChanges` by expected gain are kept, and free slots explore the least
 * observed parameters with a small step (`explorationStepFraction` of a base step, at least 1 for
 * integers) in a random direction, small enough to sit inside the KPIs' non-inferiority margins.
 */
export function slopeOptimizer(options: { minPoints: number; explorationStepFraction: number } = { minPoints: 3, explorationStepFraction: 0.5 }): Optimizer {
  return {
    name: 'slope',
    propose(input: OptimizerInput): ProposedChange[] {
      const candidates: { gain: number; change: ProposedChange }[] = [];
      const slopes = estimateSlopes(
        input.parameters.flatMap((state) => {
          const d = input.definitions.get(state.name);
          return d ? [{ name: state.name, step: d.step }] : [];
        }),
        input.kpis,
        input.history,
      );
      const unexplored: { points: number; tie: number; state: ParameterState; definition: ParameterDefinition }[] = [];
      for (const state of input.parameters) {
        const definition = input.definitions.get(state.name);
        if (!definition || isFrozen(state, input.boundsConfig)) continue;
        const slope = slopes.get(state.name)!;
        if (slope.points >= options.minPoints && slope.scoreSlope !== 0) {
          const direction = Math.sign(slope.scoreSlope);
          const steps = 1 + (direction === state.lastDirection ? state.momentum : 0);
          const desired = state.value + direction * steps * definition.step;
          const clamp = clampProposal(definition, state, desired);
          const moved = (clamp.value - state.value) / definition.step;
          const predictedKpiChanges = Object.fromEntries(Object.entries(slope.kpiSlopes).map(([k, b]) => [k, b * moved]));
          candidates.push({
            gain: Math.abs(slope.scoreSlope * moved),
            change: {
              parameter: state.name,
              path: definition.path,
              oldValue: state.value,
              newValue: clamp.value,
              desiredValue: desired,
              clamped: clamp.clamped,
              changeType: 'optimization',
              confidence: 1 - 2 * normalSf(slope.tStatistic),
              predictedKpiChanges,
              rationale: `score slope ${slope.scoreSlope.toExponential(2)} per step over ${slope.points} observations; ${steps} step(s) ${direction > 0 ? 'up' : 'down'}`,
            },
          });
        } else {
          unexplored.push({ points: slope.points, tie: input.rng.next(), state, definition });
        }
      }
      // Clamped-to-nothing moves still go back to the caller (anti-windup needs to see them).
      candidates.sort((a, b) => b.gain - a.gain);
      const chosen = candidates.slice(0, input.maxChanges).map((c) => c.change);
      const moving = chosen.filter((c) => c.newValue !== c.oldValue).length;
      unexplored.sort((a, b) => a.points - b.points || a.tie - b.tie);
      for (const { state, definition } of unexplored.slice(0, Math.max(0, input.maxChanges - moving))) {
        const direction = input.rng.next() < 0.5 ? -1 : 1;
        const size = definition.type === 'int' ? Math.max(1, Math.round(definition.step * options.explorationStepFraction)) : definition.step * options.explorationStepFraction;
        const desired = state.value + direction * size;
        const clamp = clampProposal(definition, state, desired);
        chosen.push({
          parameter: state.name,
          path: definition.path,
          oldValue: state.value,
          newValue: clamp.value,
          desiredValue: desired,
          clamped: clamp.clamped,
          changeType: 'exploration',
          confidence: 0,
          predictedKpiChanges: {},
          rationale: `not enough history: exploring ${size} ${direction > 0 ? 'up' : 'down'}`,
        });
      }
      return chosen;
    },
  };
}

/** Sum of the predicted relative KPI changes of several moves (additive model). */
export function predictedKpiChanges(changes: readonly ProposedChange[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const c of changes) for (const [k, v] of Object.entries(c.predictedKpiChanges)) total[k] = (total[k] ?? 0) + v;
  return total;
}
