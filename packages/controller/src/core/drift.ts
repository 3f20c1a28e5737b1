/**
 * Drift guards: the autopilot's model of the service is checked against what happened. When its
 * predictions miss by too much (mean absolute relative error of the predicted vs the realised change
 * of the weighted KPI score, one error per cycle that made a prediction)
 * or too many canaries roll back, it pauses, contracts the bounds of the parameters involved and
 * asks for triage. Pauses double on repeat, up to the maximum.
 */
import type { DriftConfig, KpiDefinition } from './config.js';
import { weightedScore } from './propose.js';
import { isDecided, isRollback, type CycleRecord } from './records.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The design's drift event types (the two the core measures). */
export type DriftEventType = 'prediction-error-high' | 'rollback-rate-high';

/** Measured drift metrics. */
export interface DriftMetrics {
  /** Mean absolute relative error, %, over cycles with a prediction and a measurement (NaN if none). */
  predictionErrorPct: number;
  /** Share of decided cycles rolled back, % (NaN if none). */
  rollbackRatePct: number;
  decidedCycles: number;
  predictedCycles: number;
  window: { start: number; end: number };
}

/** Pause bookkeeping kept in the autopilot state. */
export interface DriftPauseState {
  pausedUntil?: number;
  /** Drift pauses in a row (a repeat is a new drift within a window of the last pause's end). */
  consecutivePauses: number;
  lastPauseEndsAt?: number;
}

/** What the drift check decided. */
export interface DriftDecision {
  metrics: DriftMetrics;
  events: DriftEventType[];
  /** Set when drift was found. */
  pause?: { until: number; durationHours: number };
  /** Parameters whose bounds contract (changed by a rolled-back or mispredicted cycle in the window). */
  contractParameters: string[];
  triggerTriage: boolean;
  pauseState: DriftPauseState;
}

/**
 * Relative error of one prediction, symmetric and bounded: |p - a| / max(|p|, |a|, floor).
 * The floor (1% KPI change) keeps two near-zero changes from counting as a 100% miss.
 */
export function relativePredictionError(predicted: number, realised: number, floor = 0.01): number {
  return Math.abs(predicted - realised) / Math.max(Math.abs(predicted), Math.abs(realised), floor);
}

/**
 * Prediction error of one cycle: the relative error of its predicted weighted-score change against
 * the measured one, over the KPIs it predicted and measured. Undefined without both.
 */
export function cyclePredictionError(kpis: readonly KpiDefinition[], c: CycleRecord): number | undefined {
  const shared = Object.keys(c.predictedKpiChanges).filter((k) => Number.isFinite(c.realisedKpiChanges[k]));
  if (!shared.length) return undefined;
  const pick = (r: Record<string, number>): Record<string, number> => Object.fromEntries(shared.map((k) => [k, r[k]!]));
  return relativePredictionError(weightedScore(kpis, pick(c.predictedKpiChanges)), weightedScore(kpis, pick(c.realisedKpiChanges)));
}

/** Measures drift over the window (never reaching back before the end of the last pause). */
export function measureDrift(kpis: readonly KpiDefinition[], cycles: readonly CycleRecord[], now: number, config: DriftConfig, pause: DriftPauseState): DriftMetrics {
  const start = Math.max(now - config.monitoringWindowDays * DAY_MS, pause.lastPauseEndsAt ?? -Infinity);
  const inWindow = cycles.filter((c) => c.completedAt > start && c.completedAt <= now);
  const decided = inWindow.filter((c) => isDecided(c.outcome));
  const rollbacks = decided.filter((c) => isRollback(c.outcome)).length;
  const errors: number[] = [];
  for (const c of decided) {
    const e = cyclePredictionError(kpis, c);
    if (e !== undefined) errors.push(e);
  }
  return {
    predictionErrorPct: errors.length ? (100 * errors.reduce((x, y) => x + y, 0)) / errors.length : Number.NaN,
    rollbackRatePct: decided.length ? (100 * rollbacks) / decided.length : Number.NaN,
    decidedCycles: decided.length,
    predictedCycles: errors.length,
    window: { start, end: now },
  };
}

/**
 * Decided cycles the rollback rate needs before it counts. After a pause the window restarts
 * empty, and at the minimum of 5 one false alarm (5% of A/A canaries) is a 20% rate: it doubled
 * the next pause. So after a pause the rate waits for enough cycles that one rollback alone cannot
 * exceed the threshold (10 at the design's 10%); the 10% rule itself is unchanged.
 */
export function rollbackRateMinimum(config: DriftConfig, pause: DriftPauseState): number {
  if (pause.lastPauseEndsAt === undefined || !(config.rollbackRateThresholdPct > 0)) return config.minimumCycles;
  return Math.max(config.minimumCycles, Math.ceil(100 / config.rollbackRateThresholdPct));
}

/** Checks for drift and decides the pause, the contraction and the triage. */
export function checkDrift(kpis: readonly KpiDefinition[], cycles: readonly CycleRecord[], now: number, config: DriftConfig, pause: DriftPauseState): DriftDecision {
  const metrics = measureDrift(kpis, cycles, now, config, pause);
  const events: DriftEventType[] = [];
  if (metrics.predictedCycles >= config.minimumCycles && metrics.predictionErrorPct > config.predictionErrorThresholdPct) events.push('prediction-error-high');
  if (metrics.decidedCycles >= rollbackRateMinimum(config, pause) && metrics.rollbackRatePct > config.rollbackRateThresholdPct) events.push('rollback-rate-high');
  if (!events.length) return { metrics, events, contractParameters: [], triggerTriage: false, pauseState: pause };
  const repeat = pause.lastPauseEndsAt !== undefined && now - pause.lastPauseEndsAt <= config.monitoringWindowDays * DAY_MS;
  const consecutivePauses = repeat ? pause.consecutivePauses + 1 : 1;
  const durationHours = Math.min(config.pauseDurationHours * 2 ** (consecutivePauses - 1), config.maxPauseDurationDays * 24);
  const until = now + durationHours * HOUR_MS;
  const involved = new Set<string>();
  for (const c of cycles) {
    if (c.completedAt <= metrics.window.start || c.completedAt > now) continue;
    const mispredicted = (cyclePredictionError(kpis, c) ?? 0) * 100 > config.predictionErrorThresholdPct;
    if (isRollback(c.outcome) || mispredicted) for (const change of c.changes) involved.add(change.parameter);
  }
  return {
    metrics,
    events,
    pause: { until, durationHours },
    contractParameters: [...involved].sort(),
    triggerTriage: true,
    pauseState: { pausedUntil: until, consecutivePauses, lastPauseEndsAt: until },
  };
}
