/**
 * The autopilot's edges around the pure core: feeds events to `step`, persists the returned
 * state BEFORE executing its actions (the core's crash-recovery rule), and executes the actions
 * against the real world (PromQL, the parameters file, gate commands, SQLite, events). Every
 * action is idempotent, so re-running one after a crash is safe.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Autopilot } from '@vigil/compiler';
import type { ParameterDefinition } from '../core/config.js';
import { initialAutopilotState, step, type Action, type AutopilotContext, type AutopilotEvent, type AutopilotState } from '../core/cycle.js';
import type { BenchmarkResult, GoldenSetResult } from '../core/decide.js';
import type { NoticeName } from '../core/notices.js';
import type { CycleOutcome } from '../core/records.js';
import { assertNever } from '@vigil/conventions';
import { autopilotContext } from './autopilot-context.js';

/** Re-exported: the runner's tests and callers built contexts from here before it had its own file. */
export { autopilotContext };
import { TriageForge, type OpenedIssue } from './forge.js';
import { KpiFetcher } from './kpi-fetch.js';
import { parameterAt, ParametersStore } from './parameters-store.js';
import { PromQlClient } from './promql-client.js';
import { StateDb, type CycleStatus } from './state-db.js';

/** How each outcome shows in the `autopilot_cycles.status` column of the design. */
const CYCLE_STATUS: Record<CycleOutcome, CycleStatus> = {
  promoted: 'completed',
  'rolled-back': 'rolled_back',
  'early-stopped': 'rolled_back',
  'not-improved': 'rolled_back',
  'canary-inconclusive': 'inconclusive',
  'analysis-inconclusive': 'inconclusive',
  'no-change': 'completed',
  'validation-failed': 'failed',
  timeout: 'failed',
  'action-failed': 'failed',
  aborted: 'failed',
  'query-errors': 'failed',
  recovered: 'recovered',
};

/** When the parameter history was last pruned (epoch ms). */
const PRUNE_KEY = 'last-prune';

/** The parameters history entry (version id and time) the core's state was last reconciled with. */
const RECONCILED_KEY = 'reconciled-version';

/** Where the autopilot's state lives in the key-value table. */
const STATE_KEY = 'autopilot';
/** Issues opened on the forge, by triage report id (so a report never opens two). */
const FORGE_KEY = 'forge-issues';

/** An event for people and other systems (Datadog events, logs). */
export interface AutopilotNotice {
  name: NoticeName;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  attributes: Record<string, string | number | boolean>;
}

/** Options of {@link AutopilotRunner}. */
export interface AutopilotRunnerOptions {
  autopilot: Autopilot;
  /** Directory relative paths of the definitions are resolved against (the repository root). */
  root: string;
  /** The clock (epoch ms), injected for tests and simulations. */
  now?: () => number;
  /** Receives every notice (the CLI logs them and posts Datadog events). */
  notify?: (notice: AutopilotNotice) => void | Promise<void>;
  /** Sees each step's persisted state and the actions about to run (the controller's metrics). */
  onStep?: (state: AutopilotState, actions: readonly Action[]) => void;
  /** Overrides for tests: a PromQL client, a state database, a parameters store. */
  client?: PromQlClient;
  db?: StateDb;
  store?: ParametersStore;
  /** Seed of the core's random source (proposals explore with it). */
  seed?: number;
  /** Decide and explain without writing the parameters file or its candidate (default: the definitions' `dry_run`). */
  dryRun?: boolean;
}


function numbersAt(values: Record<string, unknown>, parameters: readonly ParameterDefinition[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of parameters) {
    let node: unknown = values;
    for (const key of p.path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    if (typeof node === 'number' && Number.isFinite(node)) out[p.name] = node;
  }
  return out;
}

/** Runs a gate command with a deadline; resolves with its exit code and output, never rejects. */
function runCommand(command: readonly string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const [file, ...args] = command;
    const child = spawn(file as string, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-64_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => resolve({ code: null, output: error.message }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The autopilot for one service: state, edges and the core's step function. */
export class AutopilotRunner {
  readonly context: AutopilotContext;
  readonly db: StateDb;
  readonly store: ParametersStore;
  /** The KPI fetch stage (also used by `vigil autopilot plan`). */
  readonly fetcher: KpiFetcher;
  private readonly now: () => number;
  private readonly notify: (notice: AutopilotNotice) => void | Promise<void>;
  /** Opens issues for triage reports with patch suggestions, when the definitions name a forge. */
  private readonly forge: TriageForge | undefined;
  private readonly queue: AutopilotEvent[] = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly options: AutopilotRunnerOptions) {
    const { autopilot, root } = options;
    const resolve = (path: string) => (isAbsolute(path) ? path : join(root, path));
    this.context = autopilotContext(autopilot);
    this.db = options.db ?? new StateDb(resolve(autopilot.stateFile));
    this.store = options.store ?? new ParametersStore({ file: resolve(autopilot.parametersFile) });
    this.fetcher = new KpiFetcher(options.client ?? new PromQlClient({ baseUrl: autopilot.prometheusUrl }), autopilot);
    this.now = options.now ?? Date.now;
    this.notify = options.notify ?? (() => undefined);
    const forge = autopilot.triage.forge;
    const issues = () => this.db.getState<Record<string, OpenedIssue>>(FORGE_KEY) ?? {};
    this.forge = forge
      ? new TriageForge(
          { url: forge.url, repository: forge.repository, tokenFile: resolve(forge.tokenFile) },
          { get: (reportId) => issues()[reportId], put: (issue) => this.db.setState(FORGE_KEY, { ...issues(), [issue.reportId]: issue }, new Date(this.now()).toISOString()) },
          autopilot.service,
        )
      : undefined;
  }

  /** The persisted state, or the first one built from the parameters file. */
  /** Whether a scheduler pass has saved the state yet (before that, {@link state} is derived, as of now). */
  hasSavedState(): boolean {
    return this.db.getState<AutopilotState>(STATE_KEY) !== undefined;
  }

  async state(): Promise<AutopilotState> {
    const saved = this.db.getState<AutopilotState>(STATE_KEY);
    if (saved) return saved;
    const { values } = await this.store.current();
    return initialAutopilotState(this.context, numbersAt(values, this.context.parameters), this.now(), this.options.seed ?? 1);
  }

  /**
   * Feeds one event and everything it leads to (fetched data, gate results, confirmations),
   * until the core asks for nothing more. Events are processed one at a time.
   */
  async dispatch(event: AutopilotEvent): Promise<void> {
    this.queue.push(event);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
    await this.draining;
  }

  /**
   * On start: remove temporary files a crash left, recover a cycle left running, and reconcile
   * with the parameters file (a person's edit or rollback starts the manual override).
   */
  async start(): Promise<void> {
    const removed = await this.store.removeStaleTemporaries();
    if (removed.length > 0) {
      await this.notify({ name: 'temporaries-removed', severity: 'info', message: `removed ${removed.length} temporary file(s) left by an interrupted write`, attributes: { removed: removed.length } });
    }
    await this.reconcile();
    await this.dispatch({ type: 'started', now: this.now() });
  }

  /**
   * Feeds the parameters file to the core when it changed since the last reconciliation, with
   * whether a person changed it in between (judged from the history, so a command that read the
   * file first, such as `history`, cannot hide an edit).
   */
  private async reconcile(): Promise<void> {
    const current = await this.store.current();
    const seen = this.db.getState<{ id: string; createdAt: string }>(RECONCILED_KEY);
    const values = numbersAt(current.values, this.context.parameters);
    const sameEntry = seen?.id === current.version.id && seen.createdAt === current.version.createdAt;
    // The same file can still differ from memory (a dry run decided without writing).
    if (sameEntry && (await this.state()).parameters.every((p) => values[p.name] === undefined || values[p.name] === p.value)) return;
    const changedByPerson = sameEntry ? false : seen === undefined ? current.changedByPerson : await this.store.changedByPersonSince(seen);
    await this.dispatch({ type: 'parameters-observed', now: this.now(), values, changedByPerson });
    this.db.setState(RECONCILED_KEY, { id: current.version.id, createdAt: current.version.createdAt }, new Date(this.now()).toISOString());
  }

  /** A clock tick: starts the daily cycle, watches a running canary, runs the weekly triage. */
  async tick(): Promise<void> {
    await this.reconcile();
    await this.dispatch({ type: 'tick', now: this.now() });
    const state = await this.state();
    if (state.phase === 'canary' && state.cycle?.canaryStartedAt !== undefined && !state.cycle.decision) {
      const observations = await this.fetcher.look(state.cycle.canaryStartedAt, this.now());
      await this.dispatch({ type: 'canary-look', now: this.now(), cycleId: state.cycle.cycleId, observations });
    }
    if (state.phase === 'idle') await this.pruneDaily();
  }

  /** Prunes parameter versions past the retention, at most once a day and never mid-cycle. */
  private async pruneDaily(): Promise<void> {
    const now = this.now();
    const last = this.db.getState<number>(PRUNE_KEY);
    if (last !== undefined && now - last < 86_400_000) return;
    const removed = await this.store.prune(this.options.autopilot.historyRetentionSeconds / 86_400);
    this.db.setState(PRUNE_KEY, now, new Date(now).toISOString());
    if (removed.length > 0) {
      await this.notify({ name: 'history-pruned', severity: 'info', message: `removed ${removed.length} parameter version(s) past retention`, attributes: { removed: removed.length } });
    }
  }

  private async drain(): Promise<void> {
    for (let event = this.queue.shift(); event; event = this.queue.shift()) {
      const before = await this.state();
      const { state, actions } = step(this.context, before, event);
      // Persist first: a crash while acting leaves a state whose actions are re-issued on start.
      this.db.setState(STATE_KEY, state, new Date(this.now()).toISOString());
      this.options.onStep?.(state, actions);
      for (const action of actions) {
        const followUp = await this.execute(action, state);
        if (followUp) this.queue.push(followUp);
      }
    }
  }

  /** In a dry run, what an action that writes would have done (undefined: the action writes nothing). */
  private dryRunNotice(action: Action): AutopilotNotice | undefined {
    const moves = (changes: readonly { path: string; oldValue: number; newValue: number }[]) => changes.map((c) => `${c.path} ${c.oldValue} -> ${c.newValue}`).join(', ');
    switch (action.type) {
      case 'WriteCandidate':
        return { name: 'canary-dry-run', severity: 'info', message: `dry run: would write the candidate ${moves(action.changes)}`, attributes: { cycleId: action.cycleId } };
      case 'DiscardCandidate':
        return { name: 'canary-dry-run', severity: 'info', message: 'dry run: would remove the candidate', attributes: { cycleId: action.cycleId } };
      case 'Promote':
        return { name: 'canary-dry-run', severity: 'info', message: `dry run: would promote ${moves(action.changes)}`, attributes: { cycleId: action.cycleId } };
      case 'Rollback':
        return { name: 'canary-dry-run', severity: 'info', message: `dry run: would revert the candidate (${action.reason})`, attributes: { cycleId: action.cycleId } };
      case 'RecordCycle':
      case 'RequestAnalysis':
      case 'RequestValidation':
      case 'StartCanary':
      case 'RequestCanaryResult':
      case 'Pause':
      case 'PublishTriage':
      case 'EmitEvent':
        return undefined;
      default:
        return assertNever(action);
    }
  }

  private async execute(action: Action, state: AutopilotState): Promise<AutopilotEvent | undefined> {
    const now = this.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const dryRun = this.options.dryRun ?? this.options.autopilot.dryRun;
    const wouldWrite = dryRun ? this.dryRunNotice(action) : undefined;
    if (wouldWrite) {
      // Decided and explained, not written: the parameters file and its candidate stay as they are.
      await this.notify(wouldWrite);
      return action.type === 'Promote' || action.type === 'Rollback' ? { type: 'action-completed', now: this.now(), cycleId: action.cycleId, action: action.type } : undefined;
    }
    try {
      switch (action.type) {
        case 'RecordCycle': {
          const record = action.record;
          if (!this.db.getCycle(record.cycleId)) this.db.startCycle(record.cycleId, iso(record.startedAt));
          if ('outcome' in record) {
            this.db.updateCycle(record.cycleId, {
              status: CYCLE_STATUS[record.outcome],
              completedAt: iso(record.completedAt),
              proposedChanges: record.changes,
              // Keep the recorded decision (with the judge's verdicts) and add how the cycle ended.
              decision: {
                ...((this.db.getCycle(record.cycleId)?.decision as Record<string, unknown> | undefined) ?? {}),
                outcome: record.outcome,
                reason: record.reason,
                score: record.score,
                predicted: record.predictedKpiChanges,
                realised: record.realisedKpiChanges,
              },
            });
          } else if (record.decision) {
            this.db.updateCycle(record.cycleId, { decision: record.decision });
          }
          return undefined;
        }
        case 'RequestAnalysis': {
          const window = await this.fetcher.window(action.window.start, action.window.end);
          this.db.updateCycle(action.cycleId, { phase: 'analyze', metricsAnalysis: window });
          return { type: 'analysis-ready', now: this.now(), cycleId: action.cycleId, window };
        }
        case 'WriteCandidate':
          await this.store.writeCandidate(Object.fromEntries(action.changes.map((c) => [c.path, c.newValue])));
          this.db.updateCycle(action.cycleId, { phase: 'validate', proposedChanges: action.changes });
          return undefined;
        case 'DiscardCandidate':
          await this.store.removeCandidate();
          return undefined;
        case 'RequestValidation': {
          const golden = await this.golden();
          const benchmarks = await this.benchmarks();
          return { type: 'validation-ready', now: this.now(), cycleId: action.cycleId, golden, benchmarks };
        }
        case 'StartCanary':
          // The candidate file is in place; services read it for their canary share.
          this.db.updateCycle(action.cycleId, { phase: 'canary' });
          this.db.putCanary({ canaryId: `${action.cycleId}-canary`, cycleId: action.cycleId, startedAt: iso(now), trafficPercentage: action.trafficShare * 100 });
          return undefined;
        case 'RequestCanaryResult': {
          const observations = await this.fetcher.result(action.range.start, action.range.end);
          this.db.putCanary({
            canaryId: `${action.cycleId}-canary`,
            cycleId: action.cycleId,
            startedAt: iso(action.range.start),
            completedAt: iso(action.range.end),
            trafficPercentage: this.context.config.canaryTrafficShare * 100,
            controlMetrics: observations.map((o) => ({ kpi: o.kpi, data: o.data, control: o.data === 'counts' ? o.control : Array.from(o.control).length, query: o.query })),
            canaryMetrics: observations.map((o) => ({ kpi: o.kpi, canary: o.data === 'counts' ? o.canary : Array.from(o.canary).length })),
          });
          return { type: 'canary-result', now: this.now(), cycleId: action.cycleId, observations };
        }
        case 'Promote': {
          // Idempotent: a promotion re-issued after a crash finds its version already in the file.
          const current = await this.store.current();
          const written = current.version.author === 'autopilot' && action.changes.every((c) => parameterAt(current.values, c.path) === c.newValue);
          const version = written
            ? current.version
            : await this.store.write(
                Object.fromEntries(action.changes.map((c) => [c.path, c.newValue])),
                action.changes.map((c) => c.rationale).join('; ') || 'promoted by the autopilot',
              );
          await this.store.setOutcome(version.id, 'promoted');
          await this.store.removeCandidate();
          return { type: 'action-completed', now: this.now(), cycleId: action.cycleId, action: 'Promote' };
        }
        case 'Rollback':
          // The current parameters were never changed: dropping the candidate ends the canary.
          await this.store.removeCandidate();
          return { type: 'action-completed', now: this.now(), cycleId: action.cycleId, action: 'Rollback' };
        case 'Pause':
          this.db.putDrift({ eventId: `pause-${now}`, eventType: 'pause', detectedAt: iso(now), actionTaken: `paused until ${iso(action.until)}: ${action.reason}` });
          await this.notify({ name: 'autopilot-paused', severity: 'warning', message: action.reason, attributes: { until: iso(action.until) } });
          return undefined;
        case 'PublishTriage': {
          // The forge never throws: a failed issue is a notice, never a failed cycle.
          const issue = await this.forge?.publish(action);
          if (issue?.status === 'opened') await this.notify({ name: 'triage-issue-opened', severity: 'info', message: `${action.reportId}: ${issue.url}`, attributes: { reportId: action.reportId, issue: issue.number } });
          if (issue?.status === 'failed') await this.notify({ name: 'triage-issue-failed', severity: 'warning', message: `${action.reportId}: ${issue.error}`, attributes: { reportId: action.reportId } });
          this.db.putTriage({
            reportId: action.reportId,
            generatedAt: iso(now),
            periodStart: iso(now - this.context.config.triage.analysisWindowDays * 86_400_000),
            periodEnd: iso(now),
            failureCategories: JSON.parse(action.json) as unknown,
            markdown: action.markdown,
            ...(issue && 'url' in issue ? { githubIssues: [{ number: issue.number, url: issue.url }] } : {}),
          });
          return undefined;
        }
        case 'EmitEvent':
          await this.notify({ name: action.name, severity: action.severity, message: action.message, attributes: action.attributes });
          return undefined;
        default:
          // A new action must be carried out here: it fails to compile until it is.
          return assertNever(action);
      }
    } catch (error) {
      const cycleId = 'cycleId' in action ? action.cycleId : state.cycle?.cycleId;
      await this.notify({ name: 'action-failed', severity: 'critical', message: `${action.type}: ${(error as Error).message}`, attributes: { action: action.type } });
      return cycleId ? { type: 'action-failed', now: this.now(), cycleId, action: action.type, error: (error as Error).message } : undefined;
    }
  }

  private async golden(): Promise<GoldenSetResult> {
    const gate = this.options.autopilot.gates.golden;
    if (!gate) return { passed: true, failures: [] };
    const run = await runCommand(gate.command, this.options.root, gate.timeoutSeconds * 1000);
    return run.code === 0 ? { passed: true, failures: [] } : { passed: false, failures: [`${gate.command.join(' ')} exited ${run.code ?? 'on a signal'}: ${run.output.trim().split('\n').slice(-5).join(' | ')}`] };
  }

  private async benchmarks(): Promise<BenchmarkResult[]> {
    const gate = this.options.autopilot.gates.benchmark;
    if (!gate) return [];
    const run = await runCommand(gate.command, this.options.root, gate.timeoutSeconds * 1000);
    const baselinePath = isAbsolute(gate.baselineFile) ? gate.baselineFile : join(this.options.root, gate.baselineFile);
    const parse = (text: string) => JSON.parse(text) as Record<string, number>;
    let candidate: Record<string, number>;
    let baseline: Record<string, number>;
    try {
      candidate = parse(run.output.trim().split('\n').at(-1) ?? '{}');
      baseline = parse(await readFile(baselinePath, 'utf8'));
    } catch (error) {
      // A benchmark that cannot be read blocks like a regression: never promote blind.
      return [{ name: `benchmark unreadable: ${(error as Error).message}`, baseline: 1, candidate: Number.POSITIVE_INFINITY, direction: 'lower-is-better' }];
    }
    return Object.entries(baseline).map(([name, seconds]) => ({ name, baseline: seconds, candidate: candidate[name] ?? Number.POSITIVE_INFINITY, direction: 'lower-is-better' }));
  }
}
