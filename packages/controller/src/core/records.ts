/**
 * Records the core keeps about finished cycles and failures: the data drift and triage read.
 */
import type { ProposedChange } from './propose.js';

/** How a cycle ended. */
export type CycleOutcome =
  | 'promoted'
  | 'rolled-back'
  | 'early-stopped'
  | 'not-improved'
  | 'canary-inconclusive'
  | 'analysis-inconclusive'
  | 'validation-failed'
  | 'no-change'
  | 'timeout'
  | 'recovered'
  | 'action-failed'
  | 'aborted'
  /** The canary lost its data for too many looks in a row and was reverted. */
  | 'query-errors';

/** A finished cycle (the design's `autopilot_cycles` row, as data). */
export interface CycleRecord {
  cycleId: string;
  startedAt: number;
  completedAt: number;
  outcome: CycleOutcome;
  reason: string;
  changes: ProposedChange[];
  /** Predicted relative KPI changes of the changes together (empty when only exploring). */
  predictedKpiChanges: Record<string, number>;
  /** Relative KPI changes the canary measured (empty without a judged canary). */
  realisedKpiChanges: Record<string, number>;
  /** Judge score, when judged. */
  score?: number;
}

/** The design's failure categories. */
export type FailureCategory = 'performance-degradation' | 'stability-issues' | 'validation-failures' | 'canary-rollbacks' | 'drift-detection';

/** All categories, in report order. */
export const FAILURE_CATEGORIES: readonly FailureCategory[] = ['performance-degradation', 'stability-issues', 'validation-failures', 'canary-rollbacks', 'drift-detection'];

/** One failure, attributed to the parameters the cycle changed. */
export interface FailureInstance {
  at: number;
  category: FailureCategory;
  cycleId: string;
  parameters: string[];
  detail: string;
}

/** Whether a cycle reached a canary decision (the denominator of the rollback rate). */
export function isDecided(outcome: CycleOutcome): boolean {
  return outcome === 'promoted' || outcome === 'not-improved' || outcome === 'rolled-back' || outcome === 'early-stopped';
}

/** Whether a cycle's canary was rolled back for degradation. */
export function isRollback(outcome: CycleOutcome): boolean {
  return outcome === 'rolled-back' || outcome === 'early-stopped';
}
