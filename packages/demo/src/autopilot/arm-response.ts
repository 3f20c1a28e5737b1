/**
 * How the demo's KPIs respond to the autopilot's parameters (the documented response model of
 * the demo, see the package README). Pure: the arms' parameter values in, each arm's KPI levels
 * and error share out.
 *
 * - Every tuned parameter has its better direction UP: a higher diversity weight or novelty
 *   boost makes selections more varied, a larger curator budget is used in a smaller share. An
 *   arm's "lift" is the sum, over parameters, of its value minus the card's starting value in
 *   steps, times {@link LIFT_PER_STEP}; higher-is-better gauge KPIs read `level x (1 + lift)`,
 *   lower-is-better ones `level x (1 - lift)`. So the controller's half-step exploration upward
 *   improves each gauge KPI by about 2% per parameter changed, and a move down worsens them.
 * - Ratio KPIs (the LLM error rate) are the same in both arms, {@link BASE_ERROR_SHARE}, unless the
 *   `autopilot-bad-change` scenario runs: then the canary arm errs {@link BAD_CHANGE_FACTOR} times
 *   as often and its gauge KPIs lose {@link BAD_CHANGE_GAUGE_LOSS}, so the canary is rolled back.
 */
import type { Autopilot, AutopilotParameter } from '@vigil/compiler/core';

/** The two arms of a canary, as the KPIs' `variant` label names them. */
export type Arm = 'control' | 'canary';

/** Relative KPI change per step of parameter change (in the better direction). */
export const LIFT_PER_STEP = 0.04;
/** Share of LLM calls (any ratio KPI's events) that fail, in either arm, when healthy. */
export const BASE_ERROR_SHARE = 0.03;
/** How many times as often the canary arm fails under `autopilot-bad-change`. */
export const BAD_CHANGE_FACTOR = 3;
/** Relative loss of the canary arm's gauge KPIs under `autopilot-bad-change`. */
export const BAD_CHANGE_GAUGE_LOSS = 0.08;

/** The value at a dotted path of a parsed card, when it is a finite number. */
export function numberAt(values: unknown, path: string): number | undefined {
  let node = values;
  for (const key of path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return typeof node === 'number' && Number.isFinite(node) ? node : undefined;
}

/** An arm's lift: the sum of its parameters' moves from `baseline`, in steps, times {@link LIFT_PER_STEP}. */
export function liftOf(parameters: readonly AutopilotParameter[], baseline: unknown, values: unknown): number {
  let steps = 0;
  for (const p of parameters) {
    const from = numberAt(baseline, p.path);
    const to = numberAt(values, p.path);
    if (from === undefined || to === undefined || !(p.step > 0)) continue;
    steps += (to - from) / p.step;
  }
  return steps * LIFT_PER_STEP;
}

/** What one arm records this step. */
export interface ArmResponse {
  /** Multiplier of each gauge KPI's healthy level, by KPI name. */
  gaugeFactor: Record<string, number>;
  /** Share of ratio-KPI events (errors) among the arm's calls. */
  errorShare: number;
}

/** The response of one arm to its parameters; `badChange` applies only to the canary. */
export function armResponse(autopilot: Pick<Autopilot, 'parameters' | 'kpis'>, baseline: unknown, values: unknown, arm: Arm, badChange: boolean): ArmResponse {
  const lift = liftOf(autopilot.parameters, baseline, values);
  const bad = badChange && arm === 'canary';
  const gaugeFactor: Record<string, number> = {};
  for (const kpi of autopilot.kpis) {
    if (kpi.queries.kind !== 'gauge') continue;
    const better = kpi.direction === 'higher-is-better' ? 1 : -1;
    // Bounded so no level flips sign however far a parameter moves.
    const factor = Math.min(2, Math.max(0.2, 1 + better * lift - (bad ? better * BAD_CHANGE_GAUGE_LOSS : 0)));
    gaugeFactor[kpi.name] = factor;
  }
  return { gaugeFactor, errorShare: BASE_ERROR_SHARE * (bad ? BAD_CHANGE_FACTOR : 1) };
}
