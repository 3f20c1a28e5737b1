/**
 * `vigil autopilot ...`: status, history, explain, rollback, pause, resume, run-once and the
 * daemon, as a commander command that the `vigil` CLI (@vigil/cli) loads on demand and adds to
 * its program, so `vigil autopilot --help` is commander's own. Failures are the typed errors of
 * @vigil/conventions; the CLI alone turns them into exit codes.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { CommandFailedError, InvalidDefinitionsError, UsageError } from '@vigil/conventions';
import { Cron } from 'croner';
import { loadModel, type Autopilot, type SourceText } from '@vigil/compiler';
import { DatadogEventPoster } from '@vigil/exporters';
import { startTelemetry, type Catalog, type Telemetry } from '@vigil/instrumentation';
import { isPostedNotice } from './core/notices.js';
import { ControllerMetrics } from './edges/controller-metrics.js';
import { autopilotContext } from './edges/autopilot-context.js';
import { formatPlan, parseLookback, planMeasuredTraffic } from './edges/measured-plan.js';
import { PromQlClient } from './edges/promql-client.js';
import { AutopilotRunner, type AutopilotNotice } from './edges/runner.js';

/** Where the CLI writes. */
export interface AutopilotIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** What the autopilot commands get from the `vigil` program. */
export interface AutopilotCliContext {
  /** The project root and definitions directory: the `vigil` options, read when a command runs. */
  project: () => { root: string; definitions: string };
  io: AutopilotIo;
  env: NodeJS.ProcessEnv;
  /** Reads the definitions directory (the CLI's reader: this package does not walk the project). */
  readDefinitions: (dir: string, root: string) => Promise<SourceText[]>;
}

async function loadAutopilot(context: AutopilotCliContext, service: string | undefined): Promise<Autopilot> {
  const project = context.project();
  const root = resolve(project.root);
  const sources = await context.readDefinitions(resolve(root, project.definitions), root);
  const model = loadModel(sources);
  if (!model.ok) throw new InvalidDefinitionsError(model.issues);
  const autopilots = model.value.autopilots;
  const chosen = service === undefined && autopilots.length === 1 ? autopilots[0] : autopilots.find((a) => a.service === service);
  if (!chosen) {
    const known = autopilots.map((a) => a.service).join(', ') || '(none declared)';
    throw new UsageError(`autopilot: ${service === undefined ? 'several autopilots: pass --service' : `no autopilot for ${service}`}; declared: ${known}`);
  }
  return chosen;
}

/** Logs notices and, with `DD_API_KEY` set, posts them as Datadog events (never failing the run). */
function notifier(context: AutopilotCliContext, service: string): (notice: AutopilotNotice) => Promise<void> {
  const apiKey = context.env.DD_API_KEY;
  const poster = apiKey
    ? new DatadogEventPoster({ apiKey, ...(context.env.DD_SITE ? { site: context.env.DD_SITE } : {}), ...(context.env.DD_API_URL ? { baseUrl: context.env.DD_API_URL } : {}) })
    : undefined;
  return async (notice) => {
    context.io.out(`${JSON.stringify({ time: new Date().toISOString(), service, ...notice })}\n`);
    if (poster && (isPostedNotice(notice.name) || notice.severity === 'critical')) {
      await poster.post({
        title: `vigil autopilot ${service}: ${notice.name}`,
        text: notice.message,
        tags: [`service:${service}`, 'source:vigil-autopilot', ...Object.entries(notice.attributes).map(([k, v]) => `${k}:${String(v)}`)],
        alertType: notice.severity === 'critical' ? 'error' : notice.severity === 'warning' ? 'warning' : 'info',
        aggregationKey: `vigil-autopilot-${service}`,
      });
    }
  };
}

/** Help of `--dry-run` (run-once, daemon): the definitions' `dry_run: true` for one process. */
const DRY_RUN_HELP = "decide and explain without writing the parameters file or its candidate (the definitions' dry_run: true, for this process)";

/**
 * A command whose subcommands' actions fail only with typed errors: anything else a subcommand
 * throws (an unreachable Prometheus, a locked state file) becomes a {@link CommandFailedError}
 * carrying it, so the CLI reports it in one line with exit 1 instead of a stack trace.
 */
class AutopilotCommand extends Command {
  override createCommand(name?: string): Command {
    return new AutopilotCommand(name);
  }

  // `any[]` is commander's own signature for action arguments.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override action(fn: (this: this, ...args: any[]) => void | Promise<void>): this {
    return super.action(async (...args: unknown[]) => {
      try {
        await fn.apply(this, args);
      } catch (error) {
        const typed = error instanceof UsageError || error instanceof InvalidDefinitionsError || error instanceof CommandFailedError;
        throw typed ? error : new CommandFailedError(`autopilot: ${(error as Error).message}`, { cause: error });
      }
    });
  }
}

/**
 * The `autopilot` command and its subcommands, for `program.addCommand`. Errors are typed
 * ({@link UsageError}, {@link InvalidDefinitionsError}, {@link CommandFailedError}); any other
 * error of a subcommand (an unreachable Prometheus) becomes a {@link CommandFailedError}.
 */
export function autopilotCommand(context: AutopilotCliContext): Command {
  const { io } = context;
  const program = new AutopilotCommand('autopilot')
    .description("the controller's autopilot: status, history, explain, rollback, pause, resume, run-once, daemon")
    .option('--service <name>', 'the autopilot to act on (default: the only one declared)')
    .option('--metrics-port <port>', "port of the controller's /metrics (run-once, daemon; default: the port of the service owning the catalog's <metrics_prefix>_* metrics)")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const root = () => resolve(context.project().root);
  const open = async () => {
    const autopilot = await loadAutopilot(context, program.opts<{ service?: string }>().service);
    return new AutopilotRunner({ autopilot, root: root(), notify: notifier(context, autopilot.service) });
  };

  /**
   * A runner whose steps and notices feed the controller's metrics, served on /metrics for
   * Prometheus. Without a port (none given, none in the definitions) or when it cannot listen,
   * the runner works without metrics: the autopilot matters more than its gauges.
   */
  const openMetered = async (flags: { dryRun?: boolean }): Promise<{ runner: AutopilotRunner; telemetry: Telemetry<Catalog> | undefined; dryRun: boolean }> => {
    const options = program.opts<{ service?: string; metricsPort?: string }>();
    const loaded = await loadAutopilot(context, options.service);
    // --dry-run turns the definitions' `dry_run` on for this process; without it the definitions decide.
    const autopilot = flags.dryRun ? { ...loaded, dryRun: true } : loaded;
    const port = options.metricsPort === undefined ? autopilot.metricsEndpoint?.port : Number(options.metricsPort);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65_536)) {
      throw new UsageError(`--metrics-port must be a port number, got ${options.metricsPort ?? ''}`);
    }
    const notify = notifier(context, autopilot.service);
    let telemetry: Telemetry<Catalog> | undefined;
    if (port !== undefined) {
      try {
        telemetry = await startTelemetry<Catalog>({
          service: { name: autopilot.metricsEndpoint?.service ?? `${autopilot.service}-autopilot` },
          prometheus: { port },
          registerGlobal: false,
          shutdownSignals: [],
        });
      } catch (error) {
        io.err(`vigil autopilot: metrics endpoint on port ${port} not started: ${(error as Error).message}\n`);
      }
    }
    if (!telemetry) return { runner: new AutopilotRunner({ autopilot, root: root(), notify }), telemetry, dryRun: autopilot.dryRun };
    const metrics = new ControllerMetrics({ meter: telemetry.meter, prefix: autopilot.metricsPrefix, context: autopilotContext(autopilot) });
    const runner = new AutopilotRunner({ autopilot, root: root(), notify: metrics.notifier(notify), onStep: (state, actions) => metrics.observe(state, actions) });
    metrics.prime(await runner.state());
    return { runner, telemetry, dryRun: autopilot.dryRun };
  };

  program
    .command('status')
    .description('phase, pauses, parameters and their bounds, the last cycle')
    .option('--json', 'as JSON')
    .action(async (options: { json?: boolean }) => {
      const runner = await open();
      const state = await runner.state();
      const [last] = runner.db.listCycles(1);
      const status = {
        phase: state.phase,
        cycle: state.cycle?.cycleId,
        emergencyPause: state.emergencyPause,
        driftPausedUntil: state.drift.pausedUntil ? new Date(state.drift.pausedUntil).toISOString() : undefined,
        manualOverrideUntil: state.manualOverrideUntil ? new Date(state.manualOverrideUntil).toISOString() : undefined,
        parameters: state.parameters,
        lastCycle: last,
      };
      if (options.json) io.out(`${JSON.stringify(status, null, 2)}\n`);
      else {
        io.out(`phase: ${status.phase}${status.cycle ? ` (${status.cycle})` : ''}\n`);
        if (status.emergencyPause) io.out('emergency pause: on\n');
        if (status.driftPausedUntil) io.out(`drift pause until ${status.driftPausedUntil}\n`);
        if (status.manualOverrideUntil) io.out(`manual override until ${status.manualOverrideUntil}\n`);
        for (const p of state.parameters) io.out(`${JSON.stringify(p)}\n`);
        if (last) io.out(`last cycle: ${last.cycleId} ${last.status} ${last.completedAt ?? ''}\n`);
      }
      runner.db.close();
    });

  program
    .command('history')
    .description('cycles and parameter versions, newest first')
    .option('--limit <n>', 'how many of each', '20')
    .action(async (options: { limit: string }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit must be a positive integer, got ${options.limit}`);
      const runner = await open();
      // Record the file as it is now, so a hand edit shows in the history.
      await runner.store.current();
      for (const cycle of runner.db.listCycles(limit)) {
        const decision = cycle.decision as { reason?: string; score?: number } | undefined;
        io.out(`cycle ${cycle.cycleId} ${cycle.status} started ${cycle.startedAt}${decision?.reason ? `: ${decision.reason}` : ''}\n`);
      }
      for (const version of await runner.store.history(limit)) {
        io.out(`version ${version.id.slice(0, 12)} ${version.createdAt} ${version.author}${version.outcome ? ` (${version.outcome})` : ''}: ${version.rationale}\n`);
      }
      runner.db.close();
    });

  program
    .command('explain')
    .description('every number behind a cycle: the KPI window, the proposal with predictions, each verdict with its test')
    .argument('<cycle>', 'cycle id (from history)')
    .action(async (cycleId: string) => {
      const runner = await open();
      const cycle = runner.db.getCycle(cycleId);
      if (!cycle) {
        runner.db.close();
        throw new UsageError(`autopilot: no cycle ${cycleId}`);
      }
      io.out(`${JSON.stringify({ ...cycle, canaries: runner.db.canariesOf(cycleId) }, null, 2)}\n`);
      runner.db.close();
    });

  program
    .command('rollback')
    .description('make a stored version of the parameters file current again')
    .argument('<version>', 'version id or a prefix of at least 8 hex digits')
    .action(async (version: string) => {
      const runner = await open();
      try {
        const restored = await runner.store.rollback(version, `operator rollback to ${version}`);
        io.out(`restored ${restored.id.slice(0, 12)} (${restored.changes.length} change(s))\n`);
        // A person changed the parameters: the autopilot keeps off for the override period.
        await runner.start();
      } catch (error) {
        throw new CommandFailedError(`autopilot: ${(error as Error).message}`, { cause: error });
      } finally {
        runner.db.close();
      }
    });

  // `plan`: the smallest effect each KPI can detect at the measured traffic (finding 8).
  program
    .command('plan')
    .description("the smallest effect each KPI can detect within the canary window at the traffic Prometheus measured over the lookback, with a warning when the defaults cannot decide")
    .option('--prometheus <url>', "the Prometheus to measure the traffic on (default: the definitions' prometheus_url)")
    .option('--lookback <duration>', 'span the traffic is measured over: 1h, 1d, 7d...', '1d')
    .option('--json', 'as JSON')
    .action(async (options: { prometheus?: string; lookback: string; json?: boolean }) => {
      const lookbackMs = parseLookback(options.lookback);
      const autopilot = await loadAutopilot(context, program.opts<{ service?: string }>().service);
      const client = new PromQlClient({ baseUrl: options.prometheus ?? autopilot.prometheusUrl });
      const plan = await planMeasuredTraffic(autopilot, client, Date.now(), lookbackMs);
      if (options.json) io.out(`${JSON.stringify(plan, null, 2)}\n`);
      else io.out(formatPlan(plan, autopilotContext(autopilot).config.canaryDurationMinutes));
    });

  for (const [name, command, description] of [
    ['pause', 'emergency-pause', 'stop starting cycles until resumed (a running canary is reverted on its next step)'],
    ['resume', 'resume', 'lift an emergency pause'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .action(async () => {
        const runner = await open();
        await runner.dispatch({ type: 'operator', now: Date.now(), command });
        io.out(`autopilot ${name}d\n`);
        runner.db.close();
      });
  }

  program
    .command('run-once')
    .description('one scheduler pass: recover, start the daily cycle if due, watch or finish a canary, weekly triage')
    .option('--dry-run', DRY_RUN_HELP)
    .action(async (flags: { dryRun?: boolean }) => {
      const { runner, telemetry, dryRun } = await openMetered(flags);
      try {
        await runner.start();
        await runner.tick();
        const state = await runner.state();
        io.out(`phase: ${state.phase}${state.cycle ? ` (${state.cycle.cycleId})` : ''}${dryRun ? ' [dry run: the parameters file is not written]' : ''}\n`);
      } finally {
        runner.db.close();
        await telemetry?.shutdown();
      }
    });

  program
    .command('daemon')
    .description('run the scheduler: a pass every minute (UTC), until SIGTERM or SIGINT')
    .option('--dry-run', DRY_RUN_HELP)
    .action(async (flags: { dryRun?: boolean }) => {
      const { runner, telemetry, dryRun } = await openMetered(flags);
      if (dryRun) io.err('vigil autopilot: dry run: decisions are explained (canary-dry-run notices), the parameters file is not written\n');
      if (telemetry?.prometheus?.port !== undefined) io.err(`vigil autopilot: metrics on :${telemetry.prometheus.port}/metrics\n`);
      await runner.start();
      // `protect` skips a pass while the previous one still runs (a slow Prometheus).
      const job = new Cron('* * * * *', { timezone: 'UTC', protect: true }, async () => {
        try {
          await runner.tick();
        } catch (error) {
          io.err(`vigil autopilot: pass failed: ${(error as Error).message}\n`);
        }
      });
      await new Promise<void>((done) => {
        const stop = () => {
          job.stop();
          done();
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      runner.db.close();
      await telemetry?.shutdown();
    });

  return program;
}
