/**
 * The controller's state in SQLite (`better-sqlite3`): the tables the VVTV autopilot document
 * lists (cycles, bounds, canaries, drift events, triage reports) plus a small key-value table
 * for pauses and overrides. Migrations are numbered and run in a transaction on open, so a
 * database written by an older controller is upgraded in place and a crash mid-migration leaves
 * the previous schema. Structured fields are JSON text, as in the document.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** Ordered migrations; `PRAGMA user_version` records how many have run. Append, never edit. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE autopilot_cycles (
     cycle_id TEXT PRIMARY KEY,
     started_at TEXT NOT NULL,
     completed_at TEXT,
     status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'rolled_back', 'inconclusive', 'recovered')),
     phase TEXT NOT NULL DEFAULT 'analyze',
     metrics_analysis TEXT,
     proposed_changes TEXT,
     decision TEXT,
     deployment_result TEXT,
     error_message TEXT
   );
   CREATE INDEX autopilot_cycles_started ON autopilot_cycles (started_at);
   CREATE TABLE parameter_bounds (
     parameter_name TEXT PRIMARY KEY,
     min_value REAL NOT NULL,
     max_value REAL NOT NULL,
     current_value REAL NOT NULL,
     stability_days INTEGER NOT NULL DEFAULT 0,
     rollback_count INTEGER NOT NULL DEFAULT 0,
     last_updated TEXT NOT NULL,
     bounds_history TEXT NOT NULL DEFAULT '[]',
     CHECK (min_value <= max_value)
   );
   CREATE TABLE canary_deployments (
     canary_id TEXT PRIMARY KEY,
     cycle_id TEXT NOT NULL REFERENCES autopilot_cycles (cycle_id),
     started_at TEXT NOT NULL,
     completed_at TEXT,
     traffic_percentage REAL NOT NULL,
     control_metrics TEXT,
     canary_metrics TEXT,
     verdicts TEXT,
     statistical_significance REAL,
     recommendation TEXT CHECK (recommendation IN ('proceed', 'rollback', 'inconclusive'))
   );
   CREATE TABLE drift_events (
     event_id TEXT PRIMARY KEY,
     event_type TEXT NOT NULL,
     detected_at TEXT NOT NULL,
     metrics TEXT,
     action_taken TEXT NOT NULL,
     resolved_at TEXT
   );
   CREATE TABLE triage_reports (
     report_id TEXT PRIMARY KEY,
     generated_at TEXT NOT NULL,
     analysis_period_start TEXT NOT NULL,
     analysis_period_end TEXT NOT NULL,
     failure_categories TEXT,
     patch_suggestions TEXT,
     github_issues TEXT,
     markdown TEXT
   );
   CREATE TABLE controller_state (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );`,
];

/** The schema version a database opened by this controller ends at. */
export const STATE_SCHEMA_VERSION = MIGRATIONS.length;

export type CycleStatus = 'running' | 'completed' | 'failed' | 'rolled_back' | 'inconclusive' | 'recovered';

/** A row of `autopilot_cycles`, JSON fields parsed. */
export interface CycleRecord {
  cycleId: string;
  startedAt: string;
  completedAt?: string;
  status: CycleStatus;
  phase: string;
  metricsAnalysis?: unknown;
  proposedChanges?: unknown;
  decision?: unknown;
  deploymentResult?: unknown;
  errorMessage?: string;
}

/** A row of `parameter_bounds`. */
export interface BoundsRecord {
  parameterName: string;
  minValue: number;
  maxValue: number;
  currentValue: number;
  stabilityDays: number;
  rollbackCount: number;
  lastUpdated: string;
  boundsHistory: unknown[];
}

/** A row of `canary_deployments`. */
export interface CanaryRecord {
  canaryId: string;
  cycleId: string;
  startedAt: string;
  completedAt?: string;
  trafficPercentage: number;
  controlMetrics?: unknown;
  canaryMetrics?: unknown;
  verdicts?: unknown;
  statisticalSignificance?: number;
  recommendation?: 'proceed' | 'rollback' | 'inconclusive';
}

/** A row of `drift_events`. */
export interface DriftRecord {
  eventId: string;
  eventType: string;
  detectedAt: string;
  metrics?: unknown;
  actionTaken: string;
  resolvedAt?: string;
}

/** A row of `triage_reports`. */
export interface TriageRecord {
  reportId: string;
  generatedAt: string;
  periodStart: string;
  periodEnd: string;
  failureCategories?: unknown;
  patchSuggestions?: unknown;
  githubIssues?: unknown;
  markdown?: string;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
const parse = (text: unknown): unknown => (typeof text === 'string' ? (JSON.parse(text) as unknown) : undefined);
const optional = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

type Row = Record<string, unknown>;

/** The controller's SQLite state. One process owns a database file (WAL, busy timeout). */
export class StateDb {
  private readonly db: Database.Database;

  /** Opens (creating if needed) and migrates the database at `path` (`:memory:` for tests). */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  /** The schema version of the open database. */
  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    const from = this.schemaVersion;
    if (from > MIGRATIONS.length) {
      throw new Error(`state database schema ${from} is newer than this controller (${MIGRATIONS.length}); upgrade Vigil`);
    }
    const run = this.db.transaction(() => {
      for (let index = from; index < MIGRATIONS.length; index++) {
        this.db.exec(MIGRATIONS[index] as string);
        this.db.pragma(`user_version = ${index + 1}`);
      }
    });
    run.immediate();
  }

  close(): void {
    this.db.close();
  }

  /** Runs `work` in one transaction: all of its writes land, or none. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  startCycle(cycleId: string, startedAt: string): void {
    this.db.prepare(`INSERT INTO autopilot_cycles (cycle_id, started_at, status, phase) VALUES (?, ?, 'running', 'analyze')`).run(cycleId, startedAt);
  }

  /** Updates the given fields of a cycle; the decision is written here before it is acted on. */
  updateCycle(cycleId: string, fields: Partial<Omit<CycleRecord, 'cycleId' | 'startedAt'>>): void {
    const columns: Record<string, unknown> = {
      completed_at: fields.completedAt,
      status: fields.status,
      phase: fields.phase,
      metrics_analysis: fields.metricsAnalysis === undefined ? undefined : json(fields.metricsAnalysis),
      proposed_changes: fields.proposedChanges === undefined ? undefined : json(fields.proposedChanges),
      decision: fields.decision === undefined ? undefined : json(fields.decision),
      deployment_result: fields.deploymentResult === undefined ? undefined : json(fields.deploymentResult),
      error_message: fields.errorMessage,
    };
    const set = Object.entries(columns).filter(([, value]) => value !== undefined);
    if (set.length === 0) return;
    const result = this.db
      .prepare(`UPDATE autopilot_cycles SET ${set.map(([column]) => `${column} = ?`).join(', ')} WHERE cycle_id = ?`)
      .run(...set.map(([, value]) => value), cycleId);
    if (result.changes !== 1) throw new Error(`no cycle ${cycleId}`);
  }

  getCycle(cycleId: string): CycleRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM autopilot_cycles WHERE cycle_id = ?`).get(cycleId) as Row | undefined;
    return row ? cycleFromRow(row) : undefined;
  }

  /** Cycles newest first. */
  listCycles(limit = 50): CycleRecord[] {
    return (this.db.prepare(`SELECT * FROM autopilot_cycles ORDER BY started_at DESC, cycle_id DESC LIMIT ?`).all(limit) as Row[]).map(cycleFromRow);
  }

  /** Cycles still marked running: left by a crash or a kill, to recover on start. */
  runningCycles(): CycleRecord[] {
    return (this.db.prepare(`SELECT * FROM autopilot_cycles WHERE status = 'running' ORDER BY started_at`).all() as Row[]).map(cycleFromRow);
  }

  /** Cycles started in `[from, to)` (ISO times). */
  cyclesBetween(from: string, to: string): CycleRecord[] {
    return (
      this.db.prepare(`SELECT * FROM autopilot_cycles WHERE started_at >= ? AND started_at < ? ORDER BY started_at`).all(from, to) as Row[]
    ).map(cycleFromRow);
  }

  putBounds(record: BoundsRecord): void {
    this.db
      .prepare(
        `INSERT INTO parameter_bounds (parameter_name, min_value, max_value, current_value, stability_days, rollback_count, last_updated, bounds_history)
         VALUES (@parameterName, @minValue, @maxValue, @currentValue, @stabilityDays, @rollbackCount, @lastUpdated, @boundsHistory)
         ON CONFLICT (parameter_name) DO UPDATE SET min_value = excluded.min_value, max_value = excluded.max_value,
           current_value = excluded.current_value, stability_days = excluded.stability_days, rollback_count = excluded.rollback_count,
           last_updated = excluded.last_updated, bounds_history = excluded.bounds_history`,
      )
      .run({ ...record, boundsHistory: JSON.stringify(record.boundsHistory) });
  }

  getBounds(): BoundsRecord[] {
    return (this.db.prepare(`SELECT * FROM parameter_bounds ORDER BY parameter_name`).all() as Row[]).map((row) => ({
      parameterName: row.parameter_name as string,
      minValue: row.min_value as number,
      maxValue: row.max_value as number,
      currentValue: row.current_value as number,
      stabilityDays: row.stability_days as number,
      rollbackCount: row.rollback_count as number,
      lastUpdated: row.last_updated as string,
      boundsHistory: parse(row.bounds_history) as unknown[],
    }));
  }

  putCanary(record: CanaryRecord): void {
    this.db
      .prepare(
        `INSERT INTO canary_deployments (canary_id, cycle_id, started_at, completed_at, traffic_percentage, control_metrics, canary_metrics, verdicts, statistical_significance, recommendation)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (canary_id) DO UPDATE SET completed_at = excluded.completed_at, control_metrics = excluded.control_metrics,
           canary_metrics = excluded.canary_metrics, verdicts = excluded.verdicts,
           statistical_significance = excluded.statistical_significance, recommendation = excluded.recommendation`,
      )
      .run(
        record.canaryId,
        record.cycleId,
        record.startedAt,
        record.completedAt ?? null,
        record.trafficPercentage,
        json(record.controlMetrics),
        json(record.canaryMetrics),
        json(record.verdicts),
        record.statisticalSignificance ?? null,
        record.recommendation ?? null,
      );
  }

  canariesOf(cycleId: string): CanaryRecord[] {
    return (this.db.prepare(`SELECT * FROM canary_deployments WHERE cycle_id = ? ORDER BY started_at`).all(cycleId) as Row[]).map((row) => ({
      canaryId: row.canary_id as string,
      cycleId: row.cycle_id as string,
      startedAt: row.started_at as string,
      completedAt: optional(row.completed_at as string | null),
      trafficPercentage: row.traffic_percentage as number,
      controlMetrics: parse(row.control_metrics),
      canaryMetrics: parse(row.canary_metrics),
      verdicts: parse(row.verdicts),
      statisticalSignificance: optional(row.statistical_significance as number | null),
      recommendation: optional(row.recommendation as CanaryRecord['recommendation'] | null),
    }));
  }

  putDrift(record: DriftRecord): void {
    this.db
      .prepare(
        `INSERT INTO drift_events (event_id, event_type, detected_at, metrics, action_taken, resolved_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (event_id) DO UPDATE SET resolved_at = excluded.resolved_at, action_taken = excluded.action_taken`,
      )
      .run(record.eventId, record.eventType, record.detectedAt, json(record.metrics), record.actionTaken, record.resolvedAt ?? null);
  }

  driftBetween(from: string, to: string): DriftRecord[] {
    return (this.db.prepare(`SELECT * FROM drift_events WHERE detected_at >= ? AND detected_at < ? ORDER BY detected_at`).all(from, to) as Row[]).map(
      (row) => ({
        eventId: row.event_id as string,
        eventType: row.event_type as string,
        detectedAt: row.detected_at as string,
        metrics: parse(row.metrics),
        actionTaken: row.action_taken as string,
        resolvedAt: optional(row.resolved_at as string | null),
      }),
    );
  }

  putTriage(record: TriageRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO triage_reports (report_id, generated_at, analysis_period_start, analysis_period_end, failure_categories, patch_suggestions, github_issues, markdown)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.reportId,
        record.generatedAt,
        record.periodStart,
        record.periodEnd,
        json(record.failureCategories),
        json(record.patchSuggestions),
        json(record.githubIssues),
        record.markdown ?? null,
      );
  }

  latestTriage(): TriageRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM triage_reports ORDER BY generated_at DESC LIMIT 1`).get() as Row | undefined;
    if (!row) return undefined;
    return {
      reportId: row.report_id as string,
      generatedAt: row.generated_at as string,
      periodStart: row.analysis_period_start as string,
      periodEnd: row.analysis_period_end as string,
      failureCategories: parse(row.failure_categories),
      patchSuggestions: parse(row.patch_suggestions),
      githubIssues: parse(row.github_issues),
      markdown: optional(row.markdown as string | null),
    };
  }

  /** A value of the key-value state (pauses, overrides), parsed from JSON. */
  getState<T>(key: string): T | undefined {
    const row = this.db.prepare(`SELECT value FROM controller_state WHERE key = ?`).get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setState(key: string, value: unknown, now: string): void {
    this.db
      .prepare(`INSERT INTO controller_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
      .run(key, JSON.stringify(value), now);
  }

  deleteState(key: string): void {
    this.db.prepare(`DELETE FROM controller_state WHERE key = ?`).run(key);
  }
}

function cycleFromRow(row: Row): CycleRecord {
  return {
    cycleId: row.cycle_id as string,
    startedAt: row.started_at as string,
    completedAt: optional(row.completed_at as string | null),
    status: row.status as CycleStatus,
    phase: row.phase as string,
    metricsAnalysis: parse(row.metrics_analysis),
    proposedChanges: parse(row.proposed_changes),
    decision: parse(row.decision),
    deploymentResult: parse(row.deployment_result),
    errorMessage: optional(row.error_message as string | null),
  };
}
