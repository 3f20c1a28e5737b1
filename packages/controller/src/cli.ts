/**
 * `vigil autopilot ...`: status, history, explain, rollback, pause, resume, run-once and the
 * daemon, as a commander command that the `vigil` CLI (@vigil/cli) loads on demand and adds to
 * its program, so `vigil autopilot --help` is commander's own. Failures are the typed errors of
 * @vigil/conventions; the CLI alone turns them into exit codes.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { CommandFailedError, InvalidDefinitionsError, UsageError } from '@vigil/conventions';
// Loaded on use, so `status`, `history` and `explain` answer in well under a second: the
// compiler's light entry (only when the CLI did not pass its own `loadModel`), and the Datadog
// client, telemetry and the scheduler only in the commands that use them.
import type { Autopilot, loadModel, SourceText } from '@vigil/compiler/core';
import type { DatadogEventPoster } from '@vigil/exporters';
import type { Catalog, Telemetry } from '@vigil/instrumentation';
import { isPostedNotice } from './core/notices.js';
import { AutopilotRunner, type AutopilotNotice } from './edges/runner.js';
import { explainView, formatExplain, formatHistory, formatStatus, historyView, statusView } from './cli-views.js';

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
  /**
   * The compiler's `loadModel`, when the caller has it loaded already (the bundled `vigil` CLI):
   * importing the compiler a second time, unbundled, costs a third of `status`'s time.
   */
  loadModel?: typeof loadModel;
  /**
   * The autopilot of a running `vigil up --demo` stack of this project, if any: the commands that
   * read or act on state (status, history, explain, rollback, pause, resume) use its state file
   * and card by default, and say so.
   */
  runningStack?: () => Promise<{ stateFile: string; parametersFile: string; prometheusUrl: string } | undefined>;
}

async function loadAutopilot(context: AutopilotCliContext, service: string | undefined): Promise<Autopilot> {
  const project = context.project();
  const root = resolve(project.root);
  const sources = await context.readDefinitions(resolve(root, project.definitions), root);
  const load = context.loadModel ?? (await import('@vigil/compiler/core')).loadModel;
  const model = load(sources);
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
  // The Datadog client is a second of module loading: loaded on the first notice to post.
  let made: Promise<DatadogEventPoster> | undefined;
  const poster = apiKey
    ? () =>
        (made ??= import('@vigil/exporters').then(
          ({ DatadogEventPoster }) =>
            new DatadogEventPoster({ apiKey, ...(context.env.DD_SITE ? { site: context.env.DD_SITE } : {}), ...(context.env.DD_API_URL ? { baseUrl: context.env.DD_API_URL } : {}) }),
        ))
    : undefined;
  return async (notice) => {
    context.io.out(`${JSON.stringify({ time: new Date().toISOString(), service, ...notice })}\n`);
    if (poster && (isPostedNotice(notice.name) || notice.severity === 'critical')) {
      await (await poster()).post({
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
    .option('--state <file>', "the state database to read (default: the definitions' state_file, or the running `vigil up --demo` stack's .vigil/autopilot.db)")
    .option('--metrics-port <port>', "port of the controller's /metrics (run-once, daemon; default: the port of the service owning the catalog's <metrics_prefix>_* metrics)")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const root = () => resolve(context.project().root);
  const openService = async () => {
    const options = program.opts<{ service?: string; state?: string }>();
    const loaded = await loadAutopilot(context, options.service);
    let autopilot = loaded;
    if (options.state !== undefined) autopilot = { ...loaded, stateFile: resolve(options.state) };
    else {
      const stack = await context.runningStack?.();
      if (stack) {
        autopilot = { ...loaded, ...stack };
        io.err(`vigil autopilot: reading the running demo stack's autopilot (${stack.stateFile}; --state to choose another)\n`);
      }
    }
    return { service: autopilot.service, runner: new AutopilotRunner({ autopilot, root: root(), notify: notifier(context, autopilot.service) }) };
  };
  const open = async () => (await openService()).runner;

  /**
   * A runner whose steps and notices feed the controller's metrics, served on /metrics for
   * Prometheus. Without a port (none given, none in the definitions) or when it cannot listen,
   * the runner works without metrics: the autopilot matters more than its gauges.
   */
  const openMetered = async (flags: { dryRun?: boolean }): Promise<{ runner: AutopilotRunner; telemetry: Telemetry<Catalog> | undefined; dryRun: boolean }> => {
    const options = program.opts<{ service?: string; metricsPort?: string; state?: string }>();
    const declared = await loadAutopilot(context, options.service);
    const loaded = options.state !== undefined ? { ...declared, stateFile: resolve(options.state) } : declared;
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
        const { startTelemetry } = await import('@vigil/instrumentation');
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
    const [{ ControllerMetrics }, { autopilotContext }] = await Promise.all([import('./edges/controller-metrics.js'), import('./edges/autopilot-context.js')]);
    const metrics = new ControllerMetrics({ meter: telemetry.meter, prefix: autopilot.metricsPrefix, context: autopilotContext(autopilot) });
    const runner = new AutopilotRunner({ autopilot, root: root(), notify: metrics.notifier(notify), onStep: (state, actions) => metrics.observe(state, actions) });
    metrics.prime(await runner.state());
    return { runner, telemetry, dryRun: autopilot.dryRun };
  };

  program
    .command('status')
    .description('phase, pauses, parameters and their bounds, the last cycle (reads the state file; queries nothing)')
    .option('--json', 'as JSON (ISO-8601 times)')
    .action(async (options: { json?: boolean }) => {
      const { runner, service } = await openService();
      try {
        const [last] = runner.db.listCycles(1);
        const view = statusView(service, await runner.state(), last, runner.hasSavedState());
        io.out(options.json ? `${JSON.stringify(view, null, 2)}\n` : formatStatus(view));
      } finally {
        runner.db.close();
      }
    });

  program
    .command('history')
    .description('cycles and parameter versions, newest first')
    .option('--limit <n>', 'how many of each', '20')
    .option('--json', 'as JSON (ISO-8601 times)')
    .action(async (options: { limit: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit must be a positive integer, got ${options.limit}`);
      const runner = await open();
      try {
        // Record the file as it is now, so a hand edit shows in the history.
        await runner.store.current();
        const view = historyView(runner.db.listCycles(limit), await runner.store.history(limit));
        io.out(options.json ? `${JSON.stringify(view, null, 2)}\n` : formatHistory(view));
      } finally {
        runner.db.close();
      }
    });

  program
    .command('explain')
    .description('every number behind a cycle: the KPI window, the proposal with predictions, each verdict with its test')
    .argument('<cycle>', 'cycle id (from history)')
    .option('--json', 'as JSON, every number (ISO-8601 times)')
    .action(async (cycleId: string, options: { json?: boolean }) => {
      const runner = await open();
      try {
        const cycle = runner.db.getCycle(cycleId);
        if (!cycle) throw new UsageError(`autopilot: no cycle ${cycleId}`);
        const view = explainView(cycle, runner.db.canariesOf(cycleId));
        io.out(options.json ? `${JSON.stringify(view, null, 2)}\n` : formatExplain(view));
      } finally {
        runner.db.close();
      }
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
      const [{ formatPlan, parseLookback, planMeasuredTraffic }, { PromQlClient }, { autopilotContext }] = await Promise.all([
        import('./edges/measured-plan.js'),
        import('./edges/promql-client.js'),
        import('./edges/autopilot-context.js'),
      ]);
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
      const { Cron } = await import('croner');
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
