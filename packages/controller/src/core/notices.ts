/**
 * The closed set of notices the autopilot emits (logged, counted by the controller's metrics and,
 * for some, posted as Datadog events). Names are never built from strings: each family maps its
 * own closed set (outcomes, bounds adjustments, operator commands) through an exhaustive switch,
 * so a renamed outcome fails to compile instead of silently losing its event.
 */
import { assertNever } from '@vigil/conventions';
import type { BoundsAdjustment } from './bounds.js';
import type { CycleOutcome } from './records.js';

/** Outcomes a decision on a running canary can have (the rest end a cycle before its canary). */
export type CanaryOutcome = Extract<CycleOutcome, 'promoted' | 'not-improved' | 'rolled-back' | 'early-stopped' | 'canary-inconclusive' | 'recovered' | 'aborted' | 'action-failed' | 'query-errors'>;

/** Operator commands (`vigil autopilot pause|resume`, a person's change of the parameters). */
export type OperatorCommand = 'emergency-pause' | 'resume' | 'manual-override';

/** Every notice name. */
export type NoticeName =
  | 'autopilot-started'
  | 'event-ignored'
  | 'cycle-recovered'
  | 'cycle-timeout'
  | 'cycle-skipped'
  | 'decision-unconfirmed'
  | 'analysis-inconclusive'
  | 'validation-failed'
  | 'bounds-expansion'
  | 'bounds-contraction'
  | 'bounds-anti-windup'
  | 'canary-promoted'
  | 'canary-not-improved'
  | 'canary-rolled-back'
  | 'canary-early-stopped'
  | 'canary-inconclusive'
  | 'canary-recovered'
  | 'canary-aborted'
  | 'canary-action-failed'
  | 'canary-query-errors'
  | 'canary-look-failed'
  | 'canary-dry-run'
  | 'canary-needs-review'
  | 'drift-detected'
  | 'action-failed'
  | 'operator-emergency-pause'
  | 'operator-resume'
  | 'operator-manual-override'
  | 'parameter-reconciled'
  | 'autopilot-paused'
  | 'history-pruned'
  | 'temporaries-removed'
  | 'triage-issue-opened'
  | 'triage-issue-failed';

/** The notice of a decision on a canary. */
export function canaryNotice(outcome: CanaryOutcome): NoticeName {
  switch (outcome) {
    case 'promoted':
      return 'canary-promoted';
    case 'not-improved':
      return 'canary-not-improved';
    case 'rolled-back':
      return 'canary-rolled-back';
    case 'early-stopped':
      return 'canary-early-stopped';
    case 'canary-inconclusive':
      return 'canary-inconclusive';
    case 'recovered':
      return 'canary-recovered';
    case 'aborted':
      return 'canary-aborted';
    case 'action-failed':
      return 'canary-action-failed';
    case 'query-errors':
      return 'canary-query-errors';
    default:
      return assertNever(outcome);
  }
}

/** The notice of a bounds adjustment. */
export function boundsNotice(kind: BoundsAdjustment['kind']): NoticeName {
  switch (kind) {
    case 'expansion':
      return 'bounds-expansion';
    case 'contraction':
      return 'bounds-contraction';
    case 'anti-windup':
      return 'bounds-anti-windup';
    default:
      return assertNever(kind);
  }
}

/** The notice of an operator command. */
export function operatorNotice(command: OperatorCommand): NoticeName {
  switch (command) {
    case 'emergency-pause':
      return 'operator-emergency-pause';
    case 'resume':
      return 'operator-resume';
    case 'manual-override':
      return 'operator-manual-override';
    default:
      return assertNever(command);
  }
}

/**
 * Whether a notice reaches people as an event (Datadog) whatever its severity: promotions,
 * rollbacks, reverts that need a look, pauses, drift, failures and operator actions. Routine
 * notices are only logged (critical ones are always posted).
 */
export function isPostedNotice(name: NoticeName): boolean {
  switch (name) {
    case 'canary-promoted':
    case 'canary-rolled-back':
    case 'canary-early-stopped':
    case 'canary-needs-review':
    case 'canary-aborted':
    case 'canary-action-failed':
    case 'canary-query-errors':
    case 'canary-recovered':
    case 'autopilot-paused':
    case 'drift-detected':
    case 'validation-failed':
    case 'operator-emergency-pause':
    case 'operator-resume':
    case 'operator-manual-override':
    case 'parameter-reconciled':
    case 'cycle-timeout':
    case 'action-failed':
    case 'triage-issue-failed':
      return true;
    case 'autopilot-started':
    case 'event-ignored':
    case 'cycle-recovered':
    case 'cycle-skipped':
    case 'decision-unconfirmed':
    case 'analysis-inconclusive':
    case 'bounds-expansion':
    case 'bounds-contraction':
    case 'bounds-anti-windup':
    case 'canary-not-improved':
    case 'canary-inconclusive':
    case 'canary-look-failed':
    case 'canary-dry-run':
    case 'history-pruned':
    case 'temporaries-removed':
    case 'triage-issue-opened':
      return false;
    default:
      return assertNever(name);
  }
}
