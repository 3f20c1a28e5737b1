/**
 * The controller's own metrics (`<prefix>_cycles`, `<prefix>_paused`, ...; the list is
 * `AUTOPILOT_METRICS` of `@vigil/compiler`, which the definitions check compares with the
 * catalog), recorded from what the runner already produces: the state and actions of each step
 * and the notices. Nothing here changes what the autopilot does.
 */
import type { Attributes, Counter, Gauge, Histogram, Meter } from '@opentelemetry/api';
import { AUTOPILOT_METRICS, type AutopilotMetricSpec } from '@vigil/compiler/core';
import type { Action, AutopilotContext, AutopilotState } from '../core/cycle.js';
import { measureDrift } from '../core/drift.js';
import type { CycleOutcome, CycleRecord } from '../core/records.js';
import type { AutopilotNotice } from './runner.js';

type Status = 'completed' | 'failed' | 'rolled_back';
type FailureReason = 'validation_failure' | 'canary_failure' | 'timeout' | 'other';

/**
 * How each outcome counts. A rolled-back canary is the design's CanaryFailure; an operator's abort
 * fails the cycle but pages nobody; a revert that was judged safe but not better completed.
 */
const OUTCOMES: Record<CycleOutcome, { status: Status; failure?: FailureReason; canary?: 'proceed' | 'rollback' | 'inconclusive'; rollback?: 'canary_degradation' | 'kpi_gate' }> = {
  promoted: { status: 'completed', canary: 'proceed' },
  'not-improved': { status: 'completed', canary: 'proceed' },
  'no-change': { status: 'completed' },
  'analysis-inconclusive': { status: 'completed' },
  'canary-inconclusive': { status: 'completed', canary: 'inconclusive' },
  'rolled-back': { status: 'rolled_back', failure: 'canary_failure', canary: 'rollback', rollback: 'kpi_gate' },
  'early-stopped': { status: 'rolled_back', failure: 'canary_failure', canary: 'rollback', rollback: 'canary_degradation' },
  'validation-failed': { status: 'failed', failure: 'validation_failure' },
  timeout: { status: 'failed', failure: 'timeout' },
  'action-failed': { status: 'failed', failure: 'other' },
  recovered: { status: 'failed', failure: 'other' },
  aborted: { status: 'failed' },
  'query-errors': { status: 'failed', failure: 'other', canary: 'inconclusive' },
};

const PAUSE_REASONS = ['drift', 'validation_failure', 'emergency', 'manual_override'] as const;

/** Options of {@link ControllerMetrics}. */
export interface ControllerMetricsOptions {
  /** Where the instruments are created (e.g. `startTelemetry(...).meter`, or a test provider's meter). */
  meter: Meter;
  /** Metric name prefix: the definitions' `autopilot.metrics_prefix`. */
  prefix: string;
  /** The runner's context (KPI weights and drift settings, for the prediction error). */
  context: AutopilotContext;
  /** The clock (epoch ms); the runner's. */
  now?: () => number;
}

type Instrument = Counter | Gauge | Histogram;

/** Records the autopilot controller's metrics from its steps and notices. */
export class ControllerMetrics {
  private readonly instruments = new Map<string, Instrument>();
  private readonly now: () => number;
  private previous: AutopilotState | undefined;

  constructor(private readonly options: ControllerMetricsOptions) {
    this.now = options.now ?? Date.now;
    for (const spec of AUTOPILOT_METRICS) {
      const instrument = create(options.meter, options.prefix, spec);
      this.instruments.set(spec.suffix, instrument);
      // Every counter series starts at 0, so that `increase()` sees the first event (an alert on
      // the first rollback would otherwise miss it: a series born at 1 has no increase).
      if (spec.type === 'counter') for (const attributes of combinations(spec.labels)) (instrument as Counter).add(0, attributes);
    }
  }

  /** The full name of a metric, e.g. `vvtv_autopilot_cycles` for `cycles`. */
  nameOf(suffix: string): string {
    return `${this.options.prefix}_${suffix}`;
  }

  /**
   * Takes the persisted state as the baseline (counters count what happens from now on) and sets
   * the gauges from it. Call once before the runner's first step.
   */
  prime(state: AutopilotState): void {
    this.previous = state;
    if (state.cycles.length) this.gauge('last_cycle_timestamp_seconds', Math.max(...state.cycles.map((c) => c.completedAt)) / 1000);
    if (state.lastTriageSlot !== undefined) this.gauge('triage_last_run_timestamp_seconds', state.lastTriageSlot / 1000);
    this.gauges(state);
  }

  /**
   * One step of the runner: the state it persisted and the actions it is about to execute.
   * Never throws: metrics must not stop the autopilot.
   */
  observe(state: AutopilotState, actions: readonly Action[] = []): void {
    try {
      this.record(state, actions);
    } catch {
      // A malformed action (e.g. triage JSON) loses a data point, nothing more.
    }
  }

  private record(state: AutopilotState, actions: readonly Action[]): void {
    const before = this.previous ?? { ...state, cycles: [], boundsHistory: [], cycle: undefined };
    this.previous = state;
    const known = new Set(before.cycles.map((c) => c.cycleId));
    for (const record of state.cycles) if (!known.has(record.cycleId)) this.cycleFinished(record, before);
    this.boundsAdjusted(before, state);
    for (const action of actions) this.action(action);
    this.gauges(state);
  }

  /** Counts what only notices tell (a failed rollback). */
  notice(notice: AutopilotNotice): void {
    if (notice.name === 'action-failed' && notice.attributes.action === 'Rollback') this.add('rollback_verification_failures', {});
  }

  /** Wraps a notifier so that every notice is also counted. */
  notifier(inner: (notice: AutopilotNotice) => void | Promise<void>): (notice: AutopilotNotice) => Promise<void> {
    return async (notice) => {
      this.notice(notice);
      await inner(notice);
    };
  }

  private cycleFinished(record: CycleRecord, before: AutopilotState): void {
    const counts = OUTCOMES[record.outcome];
    this.add('cycles', { status: counts.status });
    if (counts.failure) this.add('cycle_failures', { reason: counts.failure });
    if (counts.canary) this.add('canary_results', { recommendation: counts.canary });
    if (counts.rollback) this.add('rollbacks', { trigger: counts.rollback });
    // Working time: the canary's wait is the design's 60 minutes, not the 10-minute cycle limit.
    const active = before.cycle?.cycleId === record.cycleId ? before.cycle : undefined;
    const canaryStart = active?.canaryStartedAt;
    const seconds = canaryStart === undefined ? record.completedAt - record.startedAt : canaryStart - record.startedAt + (record.completedAt - (active?.decision?.at ?? record.completedAt));
    (this.instruments.get('cycle_duration_seconds') as Histogram).record(Math.max(0, seconds) / 1000);
    this.gauge('last_cycle_timestamp_seconds', record.completedAt / 1000);
  }

  private boundsAdjusted(before: AutopilotState, after: AutopilotState): void {
    const key = (a: AutopilotState['boundsHistory'][number]) => `${a.kind}|${a.parameter}|${a.at}`;
    const seen = new Map<string, number>();
    for (const a of before.boundsHistory) seen.set(key(a), (seen.get(key(a)) ?? 0) + 1);
    for (const a of after.boundsHistory) {
      const left = seen.get(key(a)) ?? 0;
      if (left > 0) seen.set(key(a), left - 1);
      else this.add('bounds_adjustments', { kind: a.kind === 'anti-windup' ? 'anti_windup' : a.kind });
    }
  }

  private action(action: Action): void {
    switch (action.type) {
      case 'WriteCandidate':
        for (const change of action.changes) this.add('parameter_changes', { change_type: change.changeType });
        return;
      case 'RecordCycle': {
        const verdicts = 'outcome' in action.record ? undefined : action.record.decision?.verdicts;
        const ps = (verdicts ?? []).flatMap((v) => [v.adjustedPValue, v.improvementPValue]).filter(Number.isFinite);
        // The decisive test's confidence: how sure the strongest difference found (better or worse) is.
        if (ps.length) this.gauge('canary_confidence_ratio', 1 - Math.min(...ps));
        return;
      }
      case 'PublishTriage': {
        this.gauge('triage_last_run_timestamp_seconds', this.now() / 1000);
        const report = JSON.parse(action.json) as { patchSuggestions?: Array<{ category: string }> };
        for (const s of report.patchSuggestions ?? []) this.add('triage_patch_suggestions', { category: s.category.replaceAll('-', '_') });
        return;
      }
      case 'EmitEvent':
        if (action.name === 'drift-detected') {
          // The core names the events in its message: `prediction-error-high, rollback-rate-high (...)`.
          for (const [event] of action.message.matchAll(/prediction-error-high|rollback-rate-high/g)) this.add('drift_events', { event_type: event.replaceAll('-', '_'), action: 'pause_autopilot' });
        }
        return;
      default:
        return;
    }
  }

  private gauges(state: AutopilotState): void {
    const now = this.now();
    const { config, kpis } = this.options.context;
    const paused = state.drift.pausedUntil !== undefined && now < state.drift.pausedUntil;
    // A drift pause records its end as the last pause's; a validation failure's pause does not.
    const drift = paused && state.drift.lastPauseEndsAt === state.drift.pausedUntil;
    const reasons: Record<(typeof PAUSE_REASONS)[number], boolean> = {
      drift,
      validation_failure: paused && !drift,
      emergency: state.emergencyPause || config.emergencyPause,
      manual_override: state.manualOverrideUntil !== undefined && now < state.manualOverrideUntil,
    };
    for (const reason of PAUSE_REASONS) this.gauge('paused', reasons[reason] ? 1 : 0, { reason });
    let run = 0;
    for (let i = state.cycles.length - 1; i >= 0 && OUTCOMES[state.cycles[i]!.outcome].failure; i--) run++;
    this.gauge('consecutive_failures', run);
    for (const p of state.parameters) this.gauge('parameter_rollback_count', p.rollbackCount, { parameter: p.name });
    const error = measureDrift(kpis, state.cycles, now, config.drift, state.drift).predictionErrorPct;
    if (Number.isFinite(error)) this.gauge('prediction_error_ratio', error / 100);
  }

  private add(suffix: string, attributes: Attributes): void {
    (this.instruments.get(suffix) as Counter).add(1, attributes);
  }

  private gauge(suffix: string, value: number, attributes: Attributes = {}): void {
    (this.instruments.get(suffix) as Gauge).record(value, attributes);
  }
}

function create(meter: Meter, prefix: string, spec: AutopilotMetricSpec): Instrument {
  const name = `${prefix}_${spec.suffix}`;
  const options = { unit: spec.unit, description: spec.description };
  switch (spec.type) {
    case 'counter':
      return meter.createCounter(name, options);
    case 'gauge':
      return meter.createGauge(name, options);
    case 'histogram':
      return meter.createHistogram(name, { ...options, ...(spec.buckets ? { advice: { explicitBucketBoundaries: [...spec.buckets] } } : {}) });
    case 'updowncounter':
      return meter.createUpDownCounter(name, options);
  }
}

/** Every combination of a metric's closed label values (one empty set without labels). */
function combinations(labels: AutopilotMetricSpec['labels']): Attributes[] {
  let out: Attributes[] = [{}];
  for (const [label, values] of Object.entries(labels)) {
    if (!values) return [];
    out = out.flatMap((a) => values.map((v) => ({ ...a, [label]: v })));
  }
  return out;
}
