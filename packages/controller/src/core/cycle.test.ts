import { describe, expect, it } from 'vitest';
import { AUTOPILOT_DEFAULTS, type KpiDefinition, type ParameterDefinition } from './config.js';
import { initialAutopilotState, lastSlot, step, type Action, type AutopilotContext, type AutopilotEvent, type AutopilotState } from './cycle.js';
import type { KpiObservation, WatchObservation } from './judge/judge.js';
import type { Optimizer, ProposedChange } from './propose.js';

const MIN = 60_000;
const DAY = 86_400_000;
// 2026-03-02 is a Monday; 03:00 UTC is the daily slot.
const monday = Date.UTC(2026, 2, 2);
const slot = monday + 3 * 3_600_000;

const parameters: ParameterDefinition[] = [{ name: 'boost', path: 'ranking.boost', type: 'float', initialBounds: { min: 0.2, max: 0.6 }, limits: { min: 0, max: 1 }, step: 0.05 }];
const kpis: KpiDefinition[] = [{ name: 'conversion', query: 'q', direction: 'higher-is-better', weight: 1, role: 'must-not-degrade', kind: 'ratio', nonInferiorityMargin: 0, minimumDetectableEffect: 0.05 }];

/** An optimiser stub: always proposes boost + 0.05 (the seam is the interface, not the default). */
const upOptimizer: Optimizer = {
  name: 'up',
  propose: (input) =>
    input.parameters.map((p): ProposedChange => ({
      parameter: p.name,
      path: 'ranking.boost',
      oldValue: p.value,
      newValue: Math.min(p.bounds.max, p.value + 0.05),
      desiredValue: p.value + 0.05,
      clamped: p.value + 0.05 > p.bounds.max,
      changeType: 'optimization',
      confidence: 0.9,
      predictedKpiChanges: { conversion: 0.02 },
      rationale: 'test',
    })),
};

const context: AutopilotContext = { config: AUTOPILOT_DEFAULTS, parameters, kpis, optimizer: upOptimizer };

function run(state: AutopilotState, events: AutopilotEvent[]): { state: AutopilotState; actions: Action[] } {
  const actions: Action[] = [];
  for (const e of events) {
    const r = step(context, state, e);
    state = r.state;
    actions.push(...r.actions);
  }
  return { state, actions };
}

const types = (actions: Action[]): string[] => actions.filter((a) => a.type !== 'EmitEvent').map((a) => a.type);
const fresh = (): AutopilotState => initialAutopilotState(context, { boost: 0.4 }, monday - 30 * DAY, 1);
const cycleId = (s: AutopilotState): string => s.cycle!.cycleId;
const window = (coverage = 1) => ({ start: slot - DAY, end: slot, values: [{ kpi: 'conversion', value: 0.1, coverage }] });
const counts = (controlEvents: number, canaryEvents: number): KpiObservation => ({
  kpi: 'conversion',
  data: 'counts',
  control: { events: controlEvents, exposure: 1_600_000 },
  canary: { events: canaryEvents, exposure: 400_000 },
  query: { expr: 'q', range: { start: slot, end: slot + 60 * MIN }, stepSeconds: 60 },
});

/** Drives a fresh state to a running canary. */
function toCanary(): AutopilotState {
  let s = run(fresh(), [{ type: 'tick', now: slot }]).state;
  s = run(s, [{ type: 'analysis-ready', now: slot + MIN, cycleId: cycleId(s), window: window() }]).state;
  return run(s, [{ type: 'validation-ready', now: slot + 2 * MIN, cycleId: cycleId(s), golden: { passed: true, failures: [] }, benchmarks: [] }]).state;
}

describe('schedule', () => {
  it('finds the last daily and weekly slots', () => {
    expect(lastSlot(slot + 5 * MIN, { hour: 3, minute: 0 })).toBe(slot);
    expect(lastSlot(slot - MIN, { hour: 3, minute: 0 })).toBe(slot - DAY);
    // Sunday 02:00 before Monday 2026-03-02 is 2026-03-01T02:00Z.
    expect(lastSlot(slot, { hour: 2, minute: 0, dayOfWeek: 0 })).toBe(Date.UTC(2026, 2, 1, 2));
  });
  it('starts one cycle per daily slot and asks for the analysis window', () => {
    const r = run(fresh(), [{ type: 'tick', now: slot }]);
    expect(types(r.actions)).toEqual(['PublishTriage', 'RecordCycle', 'RequestAnalysis']);
    expect(r.state.phase).toBe('analyzing');
    expect(types(run(r.state, [{ type: 'tick', now: slot + MIN }]).actions)).toEqual([]);
  });
  it('asks for the configured analysis window, the last 24 h by default', () => {
    const analysis = (config: AutopilotContext['config']) => step({ ...context, config }, fresh(), { type: 'tick', now: slot }).actions.find((a) => a.type === 'RequestAnalysis');
    expect(analysis(AUTOPILOT_DEFAULTS)).toMatchObject({ window: { start: slot - DAY, end: slot } });
    expect(analysis({ ...AUTOPILOT_DEFAULTS, analysisWindowMinutes: 90 })).toMatchObject({ window: { start: slot - 90 * MIN, end: slot } });
  });
  it('skips a slot missed by more than the cycle limit instead of catching up', () => {
    const r = run(fresh(), [{ type: 'tick', now: slot + 6 * 3_600_000 }]);
    expect(r.state.phase).toBe('idle');
  });
});

describe('analysis and validation', () => {
  it('missing or partial data is inconclusive, never a decision', () => {
    let s = run(fresh(), [{ type: 'tick', now: slot }]).state;
    const r = run(s, [{ type: 'analysis-ready', now: slot + MIN, cycleId: cycleId(s), window: window(0.5) }]);
    s = r.state;
    expect(s.phase).toBe('idle');
    expect(types(r.actions)).toEqual(['RecordCycle']);
    expect(s.cycles.at(-1)!.outcome).toBe('analysis-inconclusive');
  });
  it('blocks on a golden-set failure, discards the candidate and pauses', () => {
    let s = run(fresh(), [{ type: 'tick', now: slot }]).state;
    s = run(s, [{ type: 'analysis-ready', now: slot + MIN, cycleId: cycleId(s), window: window() }]).state;
    const r = run(s, [{ type: 'validation-ready', now: slot + 2 * MIN, cycleId: cycleId(s), golden: { passed: false, failures: ['#3'] }, benchmarks: [] }]);
    expect(types(r.actions)).toEqual(['RecordCycle', 'DiscardCandidate', 'Pause']);
    expect(r.state.cycles.at(-1)!.outcome).toBe('validation-failed');
    expect(run(r.state, [{ type: 'tick', now: slot + DAY }]).state.phase).toBe('idle');
  });
  it('blocks on a benchmark regression above 20%, not below', () => {
    const bench = (candidate: number) => [{ name: 'b', baseline: 100, candidate, direction: 'lower-is-better' as const }];
    let s = run(fresh(), [{ type: 'tick', now: slot }]).state;
    s = run(s, [{ type: 'analysis-ready', now: slot + MIN, cycleId: cycleId(s), window: window() }]).state;
    expect(run(s, [{ type: 'validation-ready', now: slot + 2 * MIN, cycleId: cycleId(s), golden: { passed: true, failures: [] }, benchmarks: bench(121) }]).state.phase).toBe('idle');
    expect(run(s, [{ type: 'validation-ready', now: slot + 2 * MIN, cycleId: cycleId(s), golden: { passed: true, failures: [] }, benchmarks: bench(119) }]).state.phase).toBe('canary');
  });
  it('times out a phase that exceeds the 10-minute limit', () => {
    const s = run(fresh(), [{ type: 'tick', now: slot }]).state;
    const r = run(s, [{ type: 'tick', now: slot + 11 * MIN }]);
    expect(r.state.cycles.at(-1)!.outcome).toBe('timeout');
    expect(r.actions.some((a) => a.type === 'EmitEvent' && a.severity === 'critical')).toBe(true);
  });
});

describe('canary', () => {
  it('reverts a canary whose guard KPIs have no data for 3 looks in a row, never running it unwatched (finding 7)', () => {
    let s = toCanary();
    const id = cycleId(s);
    const good: WatchObservation = { kpi: 'conversion', control: { kind: 'counts', events: 1000, exposure: 10_000 }, canary: { kind: 'counts', events: 250, exposure: 2_500 } };
    // Two failed looks, then one with data: the count starts again.
    s = run(s, [3, 4].map((m) => ({ type: 'canary-look' as const, now: slot + m * MIN, cycleId: id, observations: [] }))).state;
    s = run(s, [{ type: 'canary-look', now: slot + 5 * MIN, cycleId: id, observations: [good] }]).state;
    s = run(s, [6, 7].map((m) => ({ type: 'canary-look' as const, now: slot + m * MIN, cycleId: id, observations: [] }))).state;
    expect(s.cycle?.decision).toBeUndefined();
    const r = run(s, [{ type: 'canary-look', now: slot + 8 * MIN, cycleId: id, observations: [] }]);
    expect(types(r.actions)).toEqual(['RecordCycle', 'Rollback']);
    expect(r.state.cycle?.decision).toMatchObject({ kind: 'revert', outcome: 'query-errors' });
  });

  it('requests the result at the end of the window, records the decision before promoting, and closes on confirmation', () => {
    let s = toCanary();
    expect(s.phase).toBe('canary');
    const id = cycleId(s);
    let r = run(s, [{ type: 'tick', now: slot + 63 * MIN }]);
    expect(types(r.actions)).toEqual(['RequestCanaryResult']);
    r = run(r.state, [{ type: 'canary-result', now: slot + 64 * MIN, cycleId: id, observations: [counts(160_000, 41_000)] }]);
    expect(types(r.actions)).toEqual(['RecordCycle', 'Promote']);
    s = r.state;
    expect(s.phase).toBe('canary');
    expect(s.cycle!.decision!.kind).toBe('promote');
    expect(s.parameters[0]!.value).toBeCloseTo(0.45, 12);
    r = run(s, [{ type: 'action-completed', now: slot + 65 * MIN, cycleId: id, action: 'Promote' }]);
    expect(r.state.phase).toBe('idle');
    expect(r.state.cycles.at(-1)!.outcome).toBe('promoted');
    expect(r.state.history).toHaveLength(1);
  });
  it('rolls back a degraded canary and contracts the bounds by 25%', () => {
    const s = toCanary();
    const r = run(s, [{ type: 'canary-result', now: slot + 64 * MIN, cycleId: cycleId(s), observations: [counts(160_000, 38_000)] }]);
    expect(types(r.actions)).toEqual(['RecordCycle', 'Rollback']);
    const p = r.state.parameters[0]!;
    expect(p.value).toBe(0.4);
    const before = s.parameters[0]!.bounds;
    // 0.4 wide, widened 5% at analysis (stable for 30 days), then contracted 25%.
    expect(before.max - before.min).toBeCloseTo(0.42, 12);
    expect(p.bounds.max - p.bounds.min).toBeCloseTo(0.75 * 0.42, 12);
    expect(p.rollbackCount).toBe(1);
  });
  it('reverts a safe change that measured worse on the weighted score', () => {
    const s = toCanary();
    const r = run(s, [{ type: 'canary-result', now: slot + 64 * MIN, cycleId: cycleId(s), observations: [counts(160_000, 39_900)] }]);
    expect(s.parameters[0]!.value).toBe(0.4);
    expect(r.state.cycle!.decision!.outcome).toBe('not-improved');
    expect(types(r.actions)).toEqual(['RecordCycle', 'Rollback']);
  });
  /** Runs a canary to an inconclusive result (no observations) and confirms the revert. */
  function inconclusive(config: AutopilotContext['config']): AutopilotState {
    const ctx = { ...context, config };
    const s = toCanary();
    let r = step(ctx, s, { type: 'canary-result', now: slot + 64 * MIN, cycleId: cycleId(s), observations: [] });
    expect(r.state.cycle!.decision!.outcome).toBe('canary-inconclusive');
    r = step(ctx, r.state, { type: 'action-completed', now: slot + 65 * MIN, cycleId: cycleId(s), action: 'Rollback' });
    return r.state;
  }
  it('records an inconclusive canary for the weekly triage (finding 9)', () => {
    const s = inconclusive({ ...AUTOPILOT_DEFAULTS, onInconclusive: 'revert' });
    expect(s.failures.at(-1)).toMatchObject({ category: 'stability-issues', detail: expect.stringMatching(/no KPI had enough data/) });
  });
  it('pauses for a person after an inconclusive canary by default, until resumed', () => {
    const s = inconclusive(AUTOPILOT_DEFAULTS);
    expect(step(context, s, { type: 'tick', now: slot + DAY }).state.phase).toBe('idle');
    const resumed = step(context, s, { type: 'operator', now: slot + DAY, command: 'resume' }).state;
    expect(step(context, resumed, { type: 'tick', now: slot + DAY }).state.phase).toBe('analyzing');
    // With the revert policy the next day's cycle starts on its own.
    const reverting = { ...context, config: { ...AUTOPILOT_DEFAULTS, onInconclusive: 'revert' as const } };
    expect(step(reverting, inconclusive(reverting.config), { type: 'tick', now: slot + DAY }).state.phase).toBe('analyzing');
  });
  it('does not look at the canary during its initial delay', () => {
    const ctx = { ...context, config: { ...AUTOPILOT_DEFAULTS, canaryInitialDelayMinutes: 15 } };
    const s = toCanary();
    const look: WatchObservation = { kpi: 'conversion', control: { kind: 'counts', events: 16_000, exposure: 160_000 }, canary: { kind: 'counts', events: 3_200, exposure: 40_000 } };
    expect(step(ctx, s, { type: 'canary-look', now: slot + 12 * MIN, cycleId: cycleId(s), observations: [look] }).state.cycle!.decision).toBeUndefined();
    expect(step(ctx, s, { type: 'canary-look', now: slot + 18 * MIN, cycleId: cycleId(s), observations: [look] }).state.cycle!.decision!.outcome).toBe('early-stopped');
  });
  it('stops early when the watcher sees a degradation', () => {
    const s = toCanary();
    const look: WatchObservation = { kpi: 'conversion', control: { kind: 'counts', events: 16_000, exposure: 160_000 }, canary: { kind: 'counts', events: 3_200, exposure: 40_000 } };
    const r = run(s, [{ type: 'canary-look', now: slot + 12 * MIN, cycleId: cycleId(s), observations: [look] }]);
    expect(r.state.cycle!.decision!.outcome).toBe('early-stopped');
    expect(types(r.actions)).toEqual(['RecordCycle', 'Rollback']);
  });
  it('ignores events for another cycle', () => {
    const s = toCanary();
    const r = run(s, [{ type: 'canary-result', now: slot + 64 * MIN, cycleId: 'other', observations: [] }]);
    expect(r.state).toBe(s);
  });
});

describe('crash recovery', () => {
  it('reverts a canary left running without a decision', () => {
    const s = toCanary();
    const r = run(s, [{ type: 'started', now: slot + 30 * MIN }]);
    expect(types(r.actions)).toEqual(['RecordCycle', 'Rollback']);
    expect(r.state.cycle!.decision!.outcome).toBe('recovered');
  });
  it('re-issues a recorded decision', () => {
    const s = toCanary();
    const decided = run(s, [{ type: 'canary-result', now: slot + 64 * MIN, cycleId: cycleId(s), observations: [counts(160_000, 41_000)] }]).state;
    const r = run(decided, [{ type: 'started', now: slot + 70 * MIN }]);
    expect(types(r.actions)).toEqual(['Promote']);
    expect(r.state.parameters).toEqual(decided.parameters);
  });
  it('re-issues a decided act that was never confirmed, once per cycle limit', () => {
    const s = toCanary();
    const decided = run(s, [{ type: 'canary-result', now: slot + 64 * MIN, cycleId: cycleId(s), observations: [counts(160_000, 41_000)] }]).state;
    expect(types(run(decided, [{ type: 'tick', now: slot + 70 * MIN }]).actions)).toEqual([]);
    const r = run(decided, [{ type: 'tick', now: slot + 80 * MIN }]);
    expect(types(r.actions)).toEqual(['Promote']);
    expect(types(run(r.state, [{ type: 'tick', now: slot + 81 * MIN }]).actions)).toEqual([]);
  });
  it('abandons a cycle left in analysis', () => {
    const s = run(fresh(), [{ type: 'tick', now: slot }]).state;
    const r = run(s, [{ type: 'started', now: slot + 2 * MIN }]);
    expect(types(r.actions)).toEqual(['RecordCycle', 'DiscardCandidate']);
    expect(r.state.phase).toBe('idle');
  });
});

describe('operators', () => {
  it('an emergency pause reverts a running canary and blocks cycles until resumed', () => {
    const s = toCanary();
    let r = run(s, [{ type: 'operator', now: slot + 5 * MIN, command: 'emergency-pause' }]);
    expect(types(r.actions)).toEqual(['RecordCycle', 'Rollback']);
    r = run(r.state, [{ type: 'action-completed', now: slot + 6 * MIN, cycleId: cycleId(s), action: 'Rollback' }, { type: 'tick', now: slot + DAY }]);
    expect(r.state.phase).toBe('idle');
    r = run(r.state, [{ type: 'operator', now: slot + DAY + MIN, command: 'resume' }, { type: 'tick', now: slot + 2 * DAY }]);
    expect(r.state.phase).toBe('analyzing');
  });
  it('a manual override holds the autopilot off for 24 hours', () => {
    let r = run(fresh(), [{ type: 'operator', now: slot - 3_600_000, command: 'manual-override' }, { type: 'tick', now: slot }]);
    expect(r.state.phase).toBe('idle');
    r = run(r.state, [{ type: 'tick', now: slot + DAY }]);
    expect(r.state.phase).toBe('analyzing');
  });
});
