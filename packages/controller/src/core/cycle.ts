/**
 * The autopilot cycle as a pure state machine: `step(context, state, event) -> { state, actions }`.
 *
 * The edges feed events (clock ticks, fetched data, gate results, operator commands) and execute
 * the returned actions, which are plain data. The phases are
 *   idle -> analyzing -> validating -> canary -> idle
 * with every exit recorded as a {@link CycleRecord}.
 *
 * Crash recovery rule. The edges persist the returned state before executing its actions, and every
 * action is idempotent (writing a candidate, starting or reverting a canary, promoting a version).
 * A decision (promote or roll back) is stored in the state, and a `RecordCycle` action emitted,
 * before the action that carries it out. On a `started` event:
 *   - a cycle left in analysis or validation is abandoned (its candidate discarded);
 *   - a cycle left in its canary with a recorded decision has that decision re-issued;
 *   - a cycle left in its canary without a decision has its canary reverted.
 * Recovered cycles count as stability issues for triage, not as rollbacks for drift.
 */
import {
  applyAntiWindup,
  applyPromotion,
  contractAfterRollback,
  expandStableBounds,
  initialParameterState,
  type BoundsAdjustment,
  type ParameterState,
} from './bounds.js';
import { assertNever, type AutopilotConfig, type KpiDefinition, type ParameterDefinition } from './config.js';
import { analyzeWindow, validateCandidate, type BenchmarkResult, type GoldenSetResult, type KpiWindow } from './decide.js';
import { checkDrift, type DriftMetrics, type DriftPauseState } from './drift.js';
import { judgeCanary, watchCanary, type CanaryJudgement, type KpiObservation, type KpiVerdict, type WatchObservation } from './judge/judge.js';
import { predictedKpiChanges, weightedScore, type EffectObservation, type Optimizer, type ProposedChange } from './propose.js';
import { boundsNotice, canaryNotice, operatorNotice, type CanaryOutcome, type NoticeName, type OperatorCommand } from './notices.js';
import type { CycleOutcome, CycleRecord, FailureCategory, FailureInstance } from './records.js';
import { createRng } from './rng.js';
import { buildTriageReport, renderTriageJson, renderTriageMarkdown } from './triage.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Everything fixed for the life of the process: parsed config, definitions, optimiser. */
export interface AutopilotContext {
  config: AutopilotConfig;
  parameters: readonly ParameterDefinition[];
  kpis: readonly KpiDefinition[];
  optimizer: Optimizer;
}

/** The phase of the current cycle. */
export type CyclePhase = 'idle' | 'analyzing' | 'validating' | 'canary';

/** A decision recorded before it is acted on. */
export interface RecordedDecision {
  /** `revert` undoes the canary without judging the change (inconclusive, aborted, recovered). */
  kind: 'promote' | 'rollback' | 'revert';
  outcome: CycleOutcome;
  reason: string;
  at: number;
  realisedKpiChanges: Record<string, number>;
  score?: number;
  /** Every KPI's verdict with its statistic, p-value, interval, effect size and query. */
  verdicts?: KpiVerdict[];
  failure?: FailureCategory;
}

/** The running cycle. */
export interface ActiveCycle {
  cycleId: string;
  startedAt: number;
  phaseStartedAt: number;
  changes: ProposedChange[];
  predictedKpiChanges: Record<string, number>;
  canaryStartedAt?: number;
  resultRequested?: boolean;
  /** Consecutive canary looks that lacked data for a must-not-degrade KPI. */
  failedLooks?: number;
  decision?: RecordedDecision;
}

/** All the core remembers; the edges persist it between steps. */
export interface AutopilotState {
  phase: CyclePhase;
  cycle?: ActiveCycle;
  parameters: ParameterState[];
  history: EffectObservation[];
  cycles: CycleRecord[];
  failures: FailureInstance[];
  boundsHistory: BoundsAdjustment[];
  drift: DriftPauseState;
  /** Set by an operator command; the config flag works too. */
  emergencyPause: boolean;
  manualOverrideUntil?: number;
  /** Set by an inconclusive canary under the `pause` policy: cycles wait for an operator's resume. */
  awaitingPerson?: string;
  lastCycleSlot?: number;
  lastTriageSlot?: number;
  cycleCounter: number;
  seed: number;
}

/** Events the edges feed in. */
export type AutopilotEvent =
  | { type: 'started'; now: number }
  | { type: 'tick'; now: number }
  | { type: 'analysis-ready'; now: number; cycleId: string; window: KpiWindow }
  | { type: 'validation-ready'; now: number; cycleId: string; golden: GoldenSetResult; benchmarks: BenchmarkResult[] }
  | { type: 'canary-look'; now: number; cycleId: string; observations: WatchObservation[] }
  | { type: 'canary-result'; now: number; cycleId: string; observations: KpiObservation[] }
  | { type: 'action-completed'; now: number; cycleId: string; action: 'Promote' | 'Rollback' }
  | { type: 'action-failed'; now: number; cycleId: string; action: Action['type']; error: string }
  | { type: 'operator'; now: number; command: OperatorCommand }
  /**
   * The parameters file as the edges read it at a start or a tick, after it changed since they
   * last looked. `changedByPerson` is true when any version since then was written by a person
   * (a hand edit or an operator rollback), which starts the manual override.
   */
  | { type: 'parameters-observed'; now: number; values: Readonly<Record<string, number>>; changedByPerson: boolean };

/** Severity of an emitted event. */
export type Severity = 'info' | 'warning' | 'critical';

/** Actions the edges execute, in order. */
export type Action =
  | { type: 'RecordCycle'; record: CycleRecord | { cycleId: string; status: 'running'; startedAt: number; decision?: RecordedDecision } }
  | { type: 'RequestAnalysis'; cycleId: string; window: { start: number; end: number }; kpis: string[] }
  | { type: 'WriteCandidate'; cycleId: string; changes: ProposedChange[] }
  | { type: 'DiscardCandidate'; cycleId: string }
  | { type: 'RequestValidation'; cycleId: string; changes: ProposedChange[] }
  | { type: 'StartCanary'; cycleId: string; changes: ProposedChange[]; trafficShare: number; durationMinutes: number }
  | { type: 'RequestCanaryResult'; cycleId: string; range: { start: number; end: number } }
  | { type: 'Promote'; cycleId: string; changes: ProposedChange[] }
  | { type: 'Rollback'; cycleId: string; changes: ProposedChange[]; reason: string }
  | { type: 'Pause'; until: number; reason: string }
  | { type: 'PublishTriage'; reportId: string; markdown: string; json: string }
  | { type: 'EmitEvent'; name: NoticeName; severity: Severity; message: string; attributes: Record<string, string | number | boolean> };

/** Result of one step. */
export interface StepResult {
  state: AutopilotState;
  actions: Action[];
}

/** The first state, from the definitions and the parameters' current values. */
export function initialAutopilotState(context: AutopilotContext, values: Readonly<Record<string, number>>, now: number, seed: number): AutopilotState {
  return {
    phase: 'idle',
    parameters: context.parameters.map((d) => initialParameterState(d, values[d.name] ?? (d.initialBounds.min + d.initialBounds.max) / 2, now)),
    history: [],
    cycles: [],
    failures: [],
    boundsHistory: [],
    drift: { consecutivePauses: 0 },
    emergencyPause: false,
    cycleCounter: 0,
    seed,
  };
}

/** The most recent instant <= now at hour:minute UTC (on `dayOfWeek` if given). */
export function lastSlot(now: number, at: { hour: number; minute: number; dayOfWeek?: number }): number {
  const d = new Date(now);
  let slot = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), at.hour, at.minute);
  if (at.dayOfWeek !== undefined) slot -= ((d.getUTCDay() - at.dayOfWeek + 7) % 7) * DAY_MS;
  while (slot > now) slot -= at.dayOfWeek !== undefined ? 7 * DAY_MS : DAY_MS;
  return slot;
}

/** Why new cycles are blocked right now, if they are. */
export function blockedReason(context: AutopilotContext, state: AutopilotState, now: number): string | undefined {
  if (!context.config.enabled) return 'autopilot disabled';
  if (context.config.emergencyPause || state.emergencyPause) return 'emergency pause';
  if (state.awaitingPerson !== undefined) return `waiting for a person: ${state.awaitingPerson}`;
  if (state.manualOverrideUntil !== undefined && now < state.manualOverrideUntil) return `manual override until ${new Date(state.manualOverrideUntil).toISOString()}`;
  if (state.drift.pausedUntil !== undefined && now < state.drift.pausedUntil) return `drift pause until ${new Date(state.drift.pausedUntil).toISOString()}`;
  return undefined;
}

/** Advances the state machine by one event. Pure. */
export function step(context: AutopilotContext, state: AutopilotState, event: AutopilotEvent): StepResult {
  switch (event.type) {
    case 'started':
      return recover(context, state, event.now);
    case 'tick':
      return tick(context, state, event.now);
    case 'analysis-ready':
      return onAnalysis(context, state, event);
    case 'validation-ready':
      return onValidation(context, state, event);
    case 'canary-look':
      return onLook(context, state, event);
    case 'canary-result':
      return onResult(context, state, event);
    case 'action-completed':
      return onActionCompleted(context, state, event);
    case 'action-failed':
      return onActionFailed(context, state, event);
    case 'operator':
      return onOperator(context, state, event);
    case 'parameters-observed':
      return onParametersObserved(context, state, event);
    default:
      return assertNever(event);
  }
}

function emit(name: NoticeName, severity: Severity, message: string, attributes: Record<string, string | number | boolean> = {}): Action {
  return { type: 'EmitEvent', name, severity, message, attributes };
}

function isCurrent(state: AutopilotState, cycleId: string, phase: CyclePhase): state is AutopilotState & { cycle: ActiveCycle } {
  return state.phase === phase && state.cycle?.cycleId === cycleId;
}

function ignored(state: AutopilotState, event: { type: string; now: number } & { cycleId?: string }): StepResult {
  return { state, actions: [emit('event-ignored', 'info', `${event.type} for ${event.cycleId ?? '-'} does not match the current phase ${state.phase}`)] };
}

function recover(context: AutopilotContext, state: AutopilotState, now: number): StepResult {
  const cycle = state.cycle;
  if (!cycle || state.phase === 'idle') return { state, actions: [emit('autopilot-started', 'info', 'no cycle to recover')] };
  if (state.phase === 'canary' && cycle.decision) {
    // The state already reflects the decision (parameters, bounds); only the act remains.
    return { state, actions: [emit('cycle-recovered', 'warning', `re-issuing recorded ${cycle.decision.kind} of ${cycle.cycleId}`), actOn(cycle, cycle.decision)] };
  }
  if (state.phase === 'canary') {
    const recovered = decideCanary(context, state, cycle, now, 'revert', 'recovered', 'recovered after restart: canary reverted', {}, undefined, 'stability-issues');
    return { state: recovered.state, actions: [emit('cycle-recovered', 'warning', `cycle ${cycle.cycleId} left in its canary; reverting`), ...recovered.actions] };
  }
  const done = finish(state, cycle, now, 'recovered', `recovered after restart in phase ${state.phase}`, {}, 'stability-issues');
  return { state: done.state, actions: [emit('cycle-recovered', 'warning', `cycle ${cycle.cycleId} left in ${state.phase}; abandoned`), done.record, { type: 'DiscardCandidate', cycleId: cycle.cycleId }] };
}

function tick(context: AutopilotContext, state: AutopilotState, now: number): StepResult {
  const { config } = context;
  const actions: Action[] = [];
  let next = state;
  // Weekly triage runs whatever the phase.
  const triageSlot = lastSlot(now, config.triage.weeklySchedule);
  if (next.lastTriageSlot === undefined || next.lastTriageSlot < triageSlot) {
    next = { ...next, lastTriageSlot: triageSlot };
    actions.push(triage(context, next, now));
  }
  if (next.cycle && next.phase !== 'idle') {
    const cycle = next.cycle;
    if ((next.phase === 'analyzing' || next.phase === 'validating') && now - cycle.phaseStartedAt > config.maxExecutionMinutes * MINUTE_MS) {
      const done = finish(next, cycle, now, 'timeout', `${next.phase} exceeded ${config.maxExecutionMinutes} minutes`, {}, 'stability-issues');
      return { state: done.state, actions: [...actions, done.record, { type: 'DiscardCandidate', cycleId: cycle.cycleId }, emit('cycle-timeout', 'critical', `cycle ${cycle.cycleId} timed out in ${next.phase}`)] };
    }
    if (next.phase === 'canary' && cycle.decision && now - cycle.decision.at > config.maxExecutionMinutes * MINUTE_MS && now - cycle.phaseStartedAt > config.maxExecutionMinutes * MINUTE_MS) {
      // The decided act was never confirmed: re-issue it (acts are idempotent) at most once per limit.
      next = { ...next, cycle: { ...cycle, phaseStartedAt: now } };
      return { state: next, actions: [...actions, emit('decision-unconfirmed', 'warning', `re-issuing ${cycle.decision.kind} of ${cycle.cycleId}`), actOn(cycle, cycle.decision)] };
    }
    if (next.phase === 'canary' && cycle.canaryStartedAt !== undefined && !cycle.decision) {
      const end = cycle.canaryStartedAt + config.canaryDurationMinutes * MINUTE_MS;
      if (now >= end + config.maxExecutionMinutes * MINUTE_MS) {
        const reverted = decideCanary(context, next, cycle, now, 'revert', 'canary-inconclusive', 'no canary result within the execution limit after the canary window', {}, undefined, 'stability-issues');
        return { state: reverted.state, actions: [...actions, ...reverted.actions] };
      }
      if (now >= end && !cycle.resultRequested) {
        next = { ...next, cycle: { ...cycle, resultRequested: true } };
        actions.push({ type: 'RequestCanaryResult', cycleId: cycle.cycleId, range: { start: cycle.canaryStartedAt, end } });
      }
    }
    return { state: next, actions };
  }
  const slot = lastSlot(now, config.dailySchedule);
  if (next.lastCycleSlot !== undefined && next.lastCycleSlot >= slot) return { state: next, actions };
  next = { ...next, lastCycleSlot: slot };
  // A slot missed by more than the cycle limit (process down, first start) is skipped, not caught up.
  if (now - slot > config.maxExecutionMinutes * MINUTE_MS) return { state: next, actions: [...actions, emit('cycle-skipped', 'info', `missed the ${new Date(slot).toISOString()} slot`)] };
  const blocked = blockedReason(context, next, now);
  if (blocked) return { state: next, actions: [...actions, emit('cycle-skipped', 'info', blocked)] };
  const counter = next.cycleCounter + 1;
  const cycleId = `cycle-${new Date(slot).toISOString().slice(0, 10)}-${counter}`;
  const cycle: ActiveCycle = { cycleId, startedAt: now, phaseStartedAt: now, changes: [], predictedKpiChanges: {} };
  next = { ...next, cycleCounter: counter, phase: 'analyzing', cycle };
  return {
    state: next,
    actions: [
      ...actions,
      { type: 'RecordCycle', record: { cycleId, status: 'running', startedAt: now } },
      { type: 'RequestAnalysis', cycleId, window: { start: now - config.analysisWindowMinutes * MINUTE_MS, end: now }, kpis: context.kpis.map((k) => k.name) },
    ],
  };
}

function onAnalysis(context: AutopilotContext, state: AutopilotState, event: Extract<AutopilotEvent, { type: 'analysis-ready' }>): StepResult {
  if (!isCurrent(state, event.cycleId, 'analyzing')) return ignored(state, event);
  const { config } = context;
  const now = event.now;
  const analysis = analyzeWindow(context.kpis, event.window, config);
  if (analysis.status === 'inconclusive') {
    const done = finish(state, state.cycle, now, 'analysis-inconclusive', analysis.reason, {}, 'stability-issues');
    return { state: done.state, actions: [done.record, emit('analysis-inconclusive', 'warning', analysis.reason, { missing: analysis.missing.join(',') })] };
  }
  const definitions = definitionMap(context);
  const expanded = expandStableBounds(state.parameters, definitions, config.slidingBounds, now);
  let parameters = expanded.states;
  const boundsHistory = [...state.boundsHistory, ...expanded.adjustments];
  const proposals = context.optimizer.propose({
    parameters,
    definitions,
    kpis: context.kpis,
    history: state.history,
    boundsConfig: config.slidingBounds,
    maxChanges: config.maxParametersPerCycle,
    rng: createRng((state.seed ^ Math.imul(state.cycleCounter, 0x9e3779b1)) >>> 0),
  });
  for (const p of proposals.filter((c) => c.clamped)) {
    const i = parameters.findIndex((s) => s.name === p.parameter);
    if (i < 0) continue;
    const aw = applyAntiWindup(parameters[i]!, config.slidingBounds, now);
    parameters = parameters.map((s, j) => (j === i ? aw.state : s));
    if (aw.adjustment) boundsHistory.push(aw.adjustment);
  }
  const changes = proposals.filter((c) => c.newValue !== c.oldValue);
  let next: AutopilotState = { ...state, parameters, boundsHistory };
  const cycle = { ...state.cycle, changes, predictedKpiChanges: predictedKpiChanges(changes) };
  if (!changes.length) {
    const done = finish(next, cycle, now, 'no-change', 'no parameter could move within its bounds', {});
    return { state: done.state, actions: [done.record, ...expansionEvents(expanded.adjustments)] };
  }
  next = { ...next, phase: 'validating', cycle: { ...cycle, phaseStartedAt: now } };
  return {
    state: next,
    actions: [...expansionEvents(expanded.adjustments), { type: 'WriteCandidate', cycleId: cycle.cycleId, changes }, { type: 'RequestValidation', cycleId: cycle.cycleId, changes }],
  };
}

function expansionEvents(adjustments: readonly BoundsAdjustment[]): Action[] {
  return adjustments.map((a) => emit(boundsNotice(a.kind), 'info', `${a.parameter}: ${a.kind}`, { parameter: a.parameter }));
}

function onValidation(context: AutopilotContext, state: AutopilotState, event: Extract<AutopilotEvent, { type: 'validation-ready' }>): StepResult {
  if (!isCurrent(state, event.cycleId, 'validating')) return ignored(state, event);
  const { config } = context;
  const cycle = state.cycle;
  const outcome = validateCandidate(cycle.changes, state.parameters, definitionMap(context), event.golden, event.benchmarks, config);
  if (!outcome.ok) {
    const reason = outcome.issues.map((i) => `${i.gate} ${i.subject}: ${i.message}`).join('; ');
    const category: FailureCategory = outcome.issues.some((i) => i.gate === 'benchmark') ? 'performance-degradation' : 'validation-failures';
    const until = event.now + config.drift.pauseDurationHours * HOUR_MS;
    const done = finish(state, cycle, event.now, 'validation-failed', reason, {}, category);
    const paused = { ...done.state, drift: { ...done.state.drift, pausedUntil: Math.max(until, done.state.drift.pausedUntil ?? 0) } };
    return {
      state: paused,
      actions: [done.record, { type: 'DiscardCandidate', cycleId: cycle.cycleId }, { type: 'Pause', until, reason: `validation failed: ${reason}` }, emit('validation-failed', 'warning', reason)],
    };
  }
  return {
    state: { ...state, phase: 'canary', cycle: { ...cycle, phaseStartedAt: event.now, canaryStartedAt: event.now } },
    actions: [{ type: 'StartCanary', cycleId: cycle.cycleId, changes: cycle.changes, trafficShare: config.canaryTrafficShare, durationMinutes: config.canaryDurationMinutes }],
  };
}

function onLook(context: AutopilotContext, state: AutopilotState, event: Extract<AutopilotEvent, { type: 'canary-look' }>): StepResult {
  if (!isCurrent(state, event.cycleId, 'canary') || state.cycle.decision) return ignored(state, event);
  // Warm-up: the first minutes of a canary are neither judged nor counted as query errors.
  if (state.cycle.canaryStartedAt !== undefined && event.now < state.cycle.canaryStartedAt + context.config.canaryInitialDelayMinutes * MINUTE_MS) return { state, actions: [] };
  const watch = watchCanary(context.kpis, event.observations, context.config.judge);
  if (!watch.alarm) {
    // A look without data for a guard is a query error: past the limit the canary is reverted.
    const seen = new Set(event.observations.map((o) => o.kpi));
    const blind = context.kpis.filter((k) => k.role === 'must-not-degrade' && !seen.has(k.name)).map((k) => k.name);
    const failedLooks = blind.length > 0 ? (state.cycle.failedLooks ?? 0) + 1 : 0;
    const next: AutopilotState = { ...state, cycle: { ...state.cycle, failedLooks } };
    if (failedLooks < context.config.maxConsecutiveQueryErrors) {
      return { state: next, actions: blind.length > 0 ? [emit('canary-look-failed', 'warning', `no data for ${blind.join(', ')} (${failedLooks} of ${context.config.maxConsecutiveQueryErrors} looks in a row)`, { cycleId: state.cycle.cycleId })] : [] };
    }
    const reason = `no data for ${blind.join(', ')} in ${failedLooks} consecutive looks: the canary cannot be watched`;
    return decideCanary(context, next, next.cycle!, event.now, 'revert', 'query-errors', reason, {}, undefined, 'stability-issues');
  }
  const { kpi, look } = watch.alarm;
  const reason = `early stop: ${kpi} degraded (always-valid interval [${look.confidenceSequence[0].toPrecision(4)}, ${look.confidenceSequence[1].toPrecision(4)}] on canary - control)`;
  const realised: Record<string, number> = {};
  for (const l of watch.looks) if (l.look && l.look.controlMean !== 0) realised[l.kpi] = l.look.difference / Math.abs(l.look.controlMean);
  return decideCanary(context, state, state.cycle, event.now, 'rollback', 'early-stopped', reason, realised);
}

function onResult(context: AutopilotContext, state: AutopilotState, event: Extract<AutopilotEvent, { type: 'canary-result' }>): StepResult {
  if (!isCurrent(state, event.cycleId, 'canary') || state.cycle.decision) return ignored(state, event);
  const judgement = judgeCanary({ kpis: context.kpis, observations: event.observations, canaryTrafficShare: context.config.canaryTrafficShare, config: context.config.judge });
  const realised: Record<string, number> = {};
  for (const v of judgement.verdicts) if (v.verdict !== 'insufficient' && Number.isFinite(v.relativeChange)) realised[v.kpi] = v.relativeChange;
  const judged = { judgement };
  switch (judgement.decision) {
    case 'proceed': {
      // Safe is not enough: keep a change only if it measured no worse on the weighted score, so
      // moves inside the non-inferiority margins cannot ratchet the service down.
      const score = weightedScore(context.kpis, realised);
      if (score < 0) return decideCanary(context, state, state.cycle, event.now, 'revert', 'not-improved', `safe but not an improvement (weighted score change ${(score * 100).toFixed(2)}%)`, realised, judged);
      return decideCanary(context, state, state.cycle, event.now, 'promote', 'promoted', judgement.reason, realised, judged);
    }
    case 'rollback':
      return decideCanary(context, state, state.cycle, event.now, 'rollback', 'rolled-back', judgement.reason, realised, judged);
    case 'inconclusive':
      return onInconclusive(context, decideCanary(context, state, state.cycle, event.now, 'revert', 'canary-inconclusive', judgement.reason, realised, judged, 'stability-issues'), state.cycle.cycleId, judgement.reason);
    default:
      return assertNever(judgement.decision);
  }
}

/** Applies the inconclusive policy to a reverted inconclusive canary (it is recorded for triage either way). */
function onInconclusive(context: AutopilotContext, reverted: StepResult, cycleId: string, reason: string): StepResult {
  const policy = context.config.onInconclusive;
  switch (policy) {
    case 'revert':
      return reverted;
    case 'notify':
      return { state: reverted.state, actions: [...reverted.actions, emit('canary-needs-review', 'warning', `inconclusive canary ${cycleId} reverted: ${reason}`, { cycleId })] };
    case 'pause':
      return {
        state: { ...reverted.state, awaitingPerson: `inconclusive canary ${cycleId} (${reason})` },
        actions: [...reverted.actions, emit('canary-needs-review', 'warning', `inconclusive canary ${cycleId} reverted: ${reason}; no new cycle until an operator runs vigil autopilot resume`, { cycleId })],
      };
    default:
      return assertNever(policy);
  }
}

function observation(cycle: ActiveCycle, at: number, realised: Record<string, number>): EffectObservation {
  return { at, parameterDeltas: Object.fromEntries(cycle.changes.map((c) => [c.parameter, c.newValue - c.oldValue])), kpiChanges: realised };
}

/** The action that carries out a decision (idempotent, so it may be re-issued after a crash). */
function actOn(cycle: ActiveCycle, decision: RecordedDecision): Action {
  return decision.kind === 'promote'
    ? { type: 'Promote', cycleId: cycle.cycleId, changes: cycle.changes }
    : { type: 'Rollback', cycleId: cycle.cycleId, changes: cycle.changes, reason: decision.reason };
}

/**
 * Records a decision on a canary in the state (parameters, bounds and history updated), emits the
 * record, then the act. The cycle stays in its canary phase until the edges confirm the act with
 * `action-completed`, so a crash in between re-issues the act on restart.
 */
function decideCanary(
  context: AutopilotContext,
  state: AutopilotState,
  cycle: ActiveCycle,
  now: number,
  kind: RecordedDecision['kind'],
  outcome: CanaryOutcome,
  reason: string,
  realised: Record<string, number>,
  judged?: { judgement: CanaryJudgement },
  failure?: FailureCategory,
): StepResult {
  const { config } = context;
  const definitions = definitionMap(context);
  let parameters = state.parameters;
  const boundsHistory = [...state.boundsHistory];
  for (const change of kind === 'revert' ? [] : cycle.changes) {
    const i = parameters.findIndex((p) => p.name === change.parameter);
    if (i < 0 || !definitions.has(change.parameter)) continue;
    let updated = parameters[i]!;
    if (kind === 'promote') updated = applyPromotion(updated, change.newValue, change.clamped, config.slidingBounds);
    else {
      const c = contractAfterRollback(updated, config.slidingBounds, now);
      updated = c.state;
      boundsHistory.push(c.adjustment);
    }
    parameters = parameters.map((p, j) => (j === i ? updated : p));
  }
  const failureCategory: FailureCategory | undefined = failure ?? (kind === 'rollback' ? 'canary-rollbacks' : undefined);
  const decision: RecordedDecision = {
    kind,
    outcome,
    reason,
    at: now,
    realisedKpiChanges: realised,
    ...(judged ? { score: judged.judgement.score, verdicts: judged.judgement.verdicts } : {}),
    ...(failureCategory ? { failure: failureCategory } : {}),
  };
  const history = Object.keys(realised).length && cycle.changes.length ? [...state.history, observation(cycle, now, realised)] : state.history;
  const decidedCycle: ActiveCycle = { ...cycle, decision, phaseStartedAt: now };
  const decided: AutopilotState = { ...state, phase: 'canary', parameters, boundsHistory, history, cycle: decidedCycle };
  const severity: Severity = kind === 'promote' ? 'info' : 'warning';
  return {
    state: decided,
    actions: [
      { type: 'RecordCycle', record: { cycleId: cycle.cycleId, status: 'running', startedAt: cycle.startedAt, decision } },
      actOn(decidedCycle, decision),
      emit(canaryNotice(outcome), severity, reason, { cycleId: cycle.cycleId }),
    ],
  };
}

function onActionCompleted(context: AutopilotContext, state: AutopilotState, event: Extract<AutopilotEvent, { type: 'action-completed' }>): StepResult {
  if (!isCurrent(state, event.cycleId, 'canary') || !state.cycle.decision) return ignored(state, event);
  const { decision } = state.cycle;
  const done = finish(state, state.cycle, event.now, decision.outcome, decision.reason, decision.realisedKpiChanges, decision.failure, decision.score);
  const drift = driftCheck(context, done.state, event.now);
  return { state: drift.state, actions: [done.record, ...drift.actions] };
}

function driftCheck(context: AutopilotContext, state: AutopilotState, now: number): StepResult {
  const { config } = context;
  const drift = checkDrift(context.kpis, state.cycles, now, config.drift, state.drift);
  if (!drift.pause) return { state, actions: [] };
  let parameters = state.parameters;
  const boundsHistory = [...state.boundsHistory];
  const failures = [...state.failures, { at: now, category: 'drift-detection' as const, cycleId: state.cycles.at(-1)?.cycleId ?? '-', parameters: drift.contractParameters, detail: describeDrift(drift.events, drift.metrics) }];
  parameters = parameters.map((p) => {
    if (!drift.contractParameters.includes(p.name)) return p;
    const c = contractAfterRollback(p, config.slidingBounds, now);
    boundsHistory.push(c.adjustment);
    // A drift contraction is not a parameter rollback: keep the rollback count.
    return { ...c.state, rollbackCount: p.rollbackCount };
  });
  // The model no longer describes the service: forget what it learned and explore again.
  const next: AutopilotState = { ...state, parameters, boundsHistory, failures, history: [], drift: drift.pauseState };
  const reason = describeDrift(drift.events, drift.metrics);
  return {
    state: next,
    actions: [
      { type: 'Pause', until: drift.pause.until, reason: `drift: ${reason}; ${drift.pause.durationHours} h` },
      emit('drift-detected', 'critical', reason, { pauseHours: drift.pause.durationHours, contracted: drift.contractParameters.join(',') }),
      triage(context, next, now),
    ],
  };
}

function describeDrift(events: readonly string[], m: DriftMetrics): string {
  return `${events.join(', ')} (prediction error ${m.predictionErrorPct.toFixed(1)}% over ${m.predictedCycles} cycles, rollback rate ${m.rollbackRatePct.toFixed(1)}% over ${m.decidedCycles})`;
}

function triage(context: AutopilotContext, state: AutopilotState, now: number): Action {
  const report = buildTriageReport(state.failures, state.parameters, context.config.triage, now, context.config.slidingBounds.contractionRateAfterRollback);
  return { type: 'PublishTriage', reportId: report.reportId, markdown: renderTriageMarkdown(report), json: renderTriageJson(report) };
}

function onActionFailed(context: AutopilotContext, state: AutopilotState, event: Extract<AutopilotEvent, { type: 'action-failed' }>): StepResult {
  const cycle = state.cycle;
  if (!cycle || cycle.cycleId !== event.cycleId || state.phase === 'idle') return { state, actions: [emit('action-failed', 'critical', `${event.action} failed for ${event.cycleId}: ${event.error}`)] };
  const reason = `${event.action} failed: ${event.error}`;
  if (cycle.decision) {
    // The decided act failed: keep the decision (a restart re-issues it) and stop new cycles.
    return { state: { ...state, emergencyPause: true }, actions: [emit('action-failed', 'critical', `${reason}; emergency pause until an operator resumes`)] };
  }
  const done = finish(state, cycle, event.now, 'action-failed', reason, {}, 'stability-issues');
  if (state.phase === 'canary') {
    const reverted = decideCanary(context, state, cycle, event.now, 'revert', 'action-failed', reason, {}, undefined, 'stability-issues');
    return { state: reverted.state, actions: [...reverted.actions, emit('action-failed', 'critical', reason)] };
  }
  return { state: done.state, actions: [done.record, { type: 'DiscardCandidate', cycleId: cycle.cycleId }, emit('action-failed', 'critical', reason)] };
}

function onOperator(context: AutopilotContext, state: AutopilotState, event: Extract<AutopilotEvent, { type: 'operator' }>): StepResult {
  switch (event.command) {
    case 'resume':
      return { state: { ...state, emergencyPause: false, manualOverrideUntil: undefined, awaitingPerson: undefined }, actions: [emit('operator-resume', 'info', 'autopilot resumed by an operator')] };
    case 'manual-override':
    case 'emergency-pause': {
      const next: AutopilotState =
        event.command === 'emergency-pause'
          ? { ...state, emergencyPause: true }
          : { ...state, manualOverrideUntil: event.now + context.config.manualOverrideHours * HOUR_MS };
      const actions: Action[] = [emit(operatorNotice(event.command), 'warning', `${event.command} by an operator`)];
      const cycle = state.cycle;
      if (!cycle || state.phase === 'idle' || cycle.decision) return { state: next, actions };
      if (state.phase === 'canary') {
        const aborted = decideCanary(context, next, cycle, event.now, 'revert', 'aborted', `aborted by ${event.command}`, {});
        return { state: aborted.state, actions: [...actions, ...aborted.actions] };
      }
      const done = finish(next, cycle, event.now, 'aborted', `aborted by ${event.command}`, {});
      return { state: done.state, actions: [...actions, done.record, { type: 'DiscardCandidate', cycleId: cycle.cycleId }] };
    }
    default:
      return assertNever(event.command);
  }
}

/**
 * Reconciles the state with the parameters file: the file is the truth. A value that differs
 * from the remembered one is taken from the file (so a later move starts from it and is recorded
 * from it), except a promotion decided but not yet written. A person's change also starts the
 * manual override, which aborts a running cycle.
 */
function onParametersObserved(context: AutopilotContext, state: AutopilotState, event: Extract<AutopilotEvent, { type: 'parameters-observed' }>): StepResult {
  const pendingPromotion = state.phase === 'canary' && state.cycle?.decision?.kind === 'promote' ? new Set(state.cycle.changes.map((c) => c.parameter)) : new Set<string>();
  const actions: Action[] = [];
  const parameters = state.parameters.map((p) => {
    const seen = event.values[p.name];
    if (seen === undefined || seen === p.value || pendingPromotion.has(p.name)) return p;
    actions.push(emit('parameter-reconciled', 'warning', `${p.name}: ${p.value} in memory, ${seen} in the parameters file; taking the file's value`, { parameter: p.name, remembered: p.value, file: seen }));
    // A value set from outside breaks the momentum of the autopilot's own moves.
    return { ...p, value: seen, momentum: 0, lastDirection: 0 as const };
  });
  const next: AutopilotState = { ...state, parameters };
  if (!event.changedByPerson) return { state: next, actions };
  const override = onOperator(context, next, { type: 'operator', now: event.now, command: 'manual-override' });
  return { state: override.state, actions: [...actions, ...override.actions] };
}

const RETENTION_MS = 60 * DAY_MS;

/** Closes the cycle: record, failure, back to idle; trims history to the retention window. */
function finish(
  state: AutopilotState,
  cycle: ActiveCycle,
  now: number,
  outcome: CycleOutcome,
  reason: string,
  realised: Record<string, number>,
  failure?: FailureCategory,
  score?: number,
): { state: AutopilotState; record: Action } {
  const record: CycleRecord = {
    cycleId: cycle.cycleId,
    startedAt: cycle.startedAt,
    completedAt: now,
    outcome,
    reason,
    changes: cycle.changes,
    predictedKpiChanges: cycle.predictedKpiChanges,
    realisedKpiChanges: realised,
    ...(score === undefined ? {} : { score }),
  };
  const keep = (t: number): boolean => now - t <= RETENTION_MS;
  const failures = failure ? [...state.failures, { at: now, category: failure, cycleId: cycle.cycleId, parameters: cycle.changes.map((c) => c.parameter), detail: reason }] : state.failures;
  const next: AutopilotState = {
    ...state,
    phase: 'idle',
    cycle: undefined,
    cycles: [...state.cycles.filter((c) => keep(c.completedAt)), record],
    failures: failures.filter((f) => keep(f.at)),
    history: state.history.filter((h) => keep(h.at)),
    boundsHistory: state.boundsHistory.filter((b) => keep(b.at)),
  };
  return { state: next, record: { type: 'RecordCycle', record } };
}

function definitionMap(context: AutopilotContext): Map<string, ParameterDefinition> {
  return new Map(context.parameters.map((d) => [d.name, d]));
}
