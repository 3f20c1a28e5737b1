/**
 * What `vigil autopilot status | history | explain` print: one view per command, built from the
 * state and the records (pure), rendered either as aligned tables for people or as JSON for
 * machines. Every time is ISO-8601 in both forms; the core's epoch milliseconds stop here.
 */
import type { AutopilotState, RecordedDecision } from './core/cycle.js';
import type { ProposedChange } from './core/propose.js';
import type { ParameterVersion } from './edges/parameters-store.js';
import type { CanaryRecord, CycleRecord } from './edges/state-db.js';

/** An epoch-ms time as ISO-8601; undefined stays undefined. */
function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** One parameter in {@link StatusView}. */
export interface ParameterView {
  name: string;
  value: number;
  min: number;
  max: number;
  /** Absent until a scheduler pass saved the state: before that there is no history to date it from. */
  stableSince?: string;
  lastAdjustedAt?: string;
  rollbackCount: number;
}

/** A cycle as history and status show it. */
export interface CycleSummary {
  cycleId: string;
  status: string;
  startedAt: string;
  completedAt?: string;
  outcome?: string;
  score?: number;
  reason?: string;
}

/** `vigil autopilot status`, field names stable for `--json`. */
export interface StatusView {
  service: string;
  phase: string;
  cycleId?: string;
  cycleStartedAt?: string;
  emergencyPause: boolean;
  awaitingPerson?: string;
  driftPausedUntil?: string;
  manualOverrideUntil?: string;
  parameters: ParameterView[];
  lastCycle?: CycleSummary;
}

/** `vigil autopilot history`, field names stable for `--json`. */
export interface HistoryView {
  cycles: CycleSummary[];
  versions: { id: string; createdAt: string; author: string; outcome?: string; rationale: string; changes: number }[];
}

/** `vigil autopilot explain CYCLE`, field names stable for `--json`. */
export interface ExplainView {
  cycle: CycleSummary & { phase: string; errorMessage?: string };
  decision?: Omit<RecordedDecision, 'at'> & { at: string };
  changes: ProposedChange[];
  metricsAnalysis?: unknown;
  canaries: (Omit<CanaryRecord, 'controlMetrics' | 'canaryMetrics'> & { controlMetrics?: unknown; canaryMetrics?: unknown })[];
}

function decisionOf(record: CycleRecord): Partial<RecordedDecision> | undefined {
  const decision = record.decision;
  return decision !== null && typeof decision === 'object' ? (decision as Partial<RecordedDecision>) : undefined;
}

/** A cycle record in a line: status, times, outcome and why. */
export function cycleSummary(record: CycleRecord): CycleSummary {
  const decision = decisionOf(record);
  return {
    cycleId: record.cycleId,
    status: record.status,
    startedAt: record.startedAt,
    ...(record.completedAt ? { completedAt: record.completedAt } : {}),
    ...(decision?.outcome ? { outcome: decision.outcome } : {}),
    ...(typeof decision?.score === 'number' ? { score: decision.score } : {}),
    ...(decision?.reason ? { reason: decision.reason } : {}),
  };
}

/** The status view of a state and the last recorded cycle. */
export function statusView(service: string, state: AutopilotState, last: CycleRecord | undefined, saved = true): StatusView {
  return {
    service,
    phase: state.phase,
    ...(state.cycle ? { cycleId: state.cycle.cycleId, cycleStartedAt: iso(state.cycle.startedAt) } : {}),
    emergencyPause: state.emergencyPause,
    ...(state.awaitingPerson ? { awaitingPerson: state.awaitingPerson } : {}),
    ...(state.drift.pausedUntil !== undefined ? { driftPausedUntil: iso(state.drift.pausedUntil) } : {}),
    ...(state.manualOverrideUntil !== undefined ? { manualOverrideUntil: iso(state.manualOverrideUntil) } : {}),
    parameters: state.parameters.map((p) => ({
      name: p.name,
      value: p.value,
      min: p.bounds.min,
      max: p.bounds.max,
      ...(saved ? { stableSince: iso(p.stableSince) as string, lastAdjustedAt: iso(p.lastAdjustedAt) as string } : {}),
      rollbackCount: p.rollbackCount,
    })),
    ...(last ? { lastCycle: cycleSummary(last) } : {}),
  };
}

/** The history view: cycles and parameter versions, newest first, as given. */
export function historyView(cycles: readonly CycleRecord[], versions: readonly ParameterVersion[]): HistoryView {
  return {
    cycles: cycles.map(cycleSummary),
    versions: versions.map((v) => ({
      id: v.id,
      createdAt: v.createdAt,
      author: v.author,
      ...(v.outcome ? { outcome: v.outcome } : {}),
      rationale: v.rationale,
      changes: v.changes.length,
    })),
  };
}

/** The explain view of one cycle and its canaries: every number, times in ISO-8601. */
export function explainView(record: CycleRecord, canaries: readonly CanaryRecord[]): ExplainView {
  const decision = decisionOf(record);
  const changes = Array.isArray(record.proposedChanges) ? (record.proposedChanges as ProposedChange[]) : [];
  return {
    cycle: { ...cycleSummary(record), phase: record.phase, ...(record.errorMessage ? { errorMessage: record.errorMessage } : {}) },
    ...(decision ? { decision: { ...(decision as RecordedDecision), at: iso(decision.at) ?? '' } } : {}),
    changes,
    ...(record.metricsAnalysis !== undefined ? { metricsAnalysis: record.metricsAnalysis } : {}),
    canaries: canaries.map((c) => ({ ...c })),
  };
}

/** Columns padded to their widest cell, headers upper-cased; an empty table says so. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], empty = '(none)'): string {
  if (rows.length === 0) return `  ${empty}\n`;
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number))).join('  ')}`.trimEnd()).join('\n') + '\n';
}

/** A number as people read it: at most 4 significant digits, no float noise. */
function num(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return String(Number(value.toPrecision(4)));
}

function keyValues(pairs: readonly (readonly [string, string | undefined])[]): string {
  const shown = pairs.filter((p): p is readonly [string, string] => p[1] !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}\n`).join('');
}

/** `status` for people. */
export function formatStatus(view: StatusView): string {
  const cycle = view.lastCycle;
  return (
    keyValues([
      ['autopilot', view.service],
      ['phase', `${view.phase}${view.cycleId ? ` (cycle ${view.cycleId}, started ${view.cycleStartedAt})` : ''}`],
      ['emergency pause', view.emergencyPause ? 'ON' : 'off'],
      ['waiting for', view.awaitingPerson],
      ['drift pause until', view.driftPausedUntil],
      ['manual override until', view.manualOverrideUntil],
      ['last cycle', cycle ? `${cycle.cycleId} ${cycle.status}${cycle.outcome ? ` (${cycle.outcome})` : ''} ${cycle.completedAt ?? cycle.startedAt}` : 'none yet'],
    ]) +
    'parameters:\n' +
    formatTable(
      ['parameter', 'value', 'min', 'max', 'stable since', 'rollbacks'],
      view.parameters.map((p) => [p.name, num(p.value), num(p.min), num(p.max), p.stableSince ?? '- (not started)', String(p.rollbackCount)]),
    )
  );
}

/** `history` for people. */
export function formatHistory(view: HistoryView): string {
  return (
    'cycles:\n' +
    formatTable(
      ['cycle', 'status', 'started', 'completed', 'outcome', 'score', 'reason'],
      view.cycles.map((c) => [c.cycleId, c.status, c.startedAt, c.completedAt ?? '-', c.outcome ?? '-', num(c.score), c.reason ?? '']),
      'no cycle yet',
    ) +
    'parameter versions:\n' +
    formatTable(
      ['version', 'created', 'author', 'outcome', 'changes', 'rationale'],
      view.versions.map((v) => [v.id.slice(0, 12), v.createdAt, v.author, v.outcome ?? '-', String(v.changes), v.rationale]),
      'no version yet',
    )
  );
}

/** `explain` for people: the cycle, its changes, each KPI's verdict; `--json` has every number. */
export function formatExplain(view: ExplainView): string {
  const { cycle, decision } = view;
  let text = keyValues([
    ['cycle', cycle.cycleId],
    ['status', `${cycle.status} (phase ${cycle.phase})`],
    ['started', cycle.startedAt],
    ['completed', cycle.completedAt],
    ['decision', decision ? `${decision.kind} at ${decision.at}: ${decision.outcome}` : undefined],
    ['score', decision?.score === undefined ? undefined : num(decision.score)],
    ['reason', decision?.reason],
    ['error', cycle.errorMessage],
  ]);
  text +=
    'proposed changes:\n' +
    formatTable(
      ['parameter', 'from', 'to', 'wanted', 'confidence'],
      view.changes.map((c) => [c.parameter, num(c.oldValue), num(c.newValue), `${num(c.desiredValue)}${c.clamped ? ' (clamped)' : ''}`, num(c.confidence)]),
    );
  const verdicts = decision?.verdicts ?? [];
  text +=
    'KPI verdicts:\n' +
    formatTable(
      ['kpi', 'verdict', 'test', 'change', 'p (adjusted)', 'control n', 'canary n', 'reason'],
      verdicts.map((v) => [
        v.kpi,
        `${v.verdict}${v.failed ? ' FAILED' : ''}`,
        v.test,
        `${num(v.relativeChange * 100)}%`,
        num(v.adjustedPValue),
        String(v.sampleSize.control),
        String(v.sampleSize.canary),
        v.reason,
      ]),
      'no verdict recorded',
    );
  text +=
    'canaries:\n' +
    formatTable(
      ['canary', 'traffic', 'started', 'completed', 'recommendation'],
      view.canaries.map((c) => [c.canaryId, `${num(c.trafficPercentage)}%`, c.startedAt, c.completedAt ?? '-', c.recommendation ?? '-']),
    );
  return `${text}(every number, with the queries and the KPI window: --json)\n`;
}
