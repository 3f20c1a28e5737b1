import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { CommandFailedError, InvalidDefinitionsError, UsageError } from '@vigil/conventions';
import { EXIT, exitDecision } from './exit-codes.js';
import { promtoolPath } from './check/promtool.js';
import { amtoolPath } from './check/amtool.js';
import { isGeneratedText, loadModel } from '@vigil/compiler/core';
import { loadTargets, targetNamesFor } from '@vigil/compiler/core';
import { emitGeneration, type Generation } from '@vigil/compiler/core';
import { definitionsJsonSchema } from '@vigil/compiler/core';
import { recoverInterruptedWrite, staleGeneratedFiles, writeFileAtomically, writeOutputsAtomically, type WriteStepHook } from './io/write-outputs.js';
import { readDefinitionsDir } from './io/read-definitions.js';
import { DEFAULT_LOCK_OPTIONS, withProjectLock, type LockOptions } from './io/project-lock.js';
import { addScenarioCommand } from './scenario/scenario-command.js';
import type { LintFinding, UserRuleFile } from '@vigil/compiler/lint';
import type { autopilotCommand as AutopilotBuilder } from '@vigil/controller/cli';

/** Where hand-written rule files live; they are linted and loaded beside the generated ones. */
const USER_RULES_DIR = 'prometheus/rules';
const VERSION = '0.1.0';

/** Where the CLI writes: injected so it is testable without a process. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

interface CommonOptions {
  root: string;
  definitions: string;
}

async function compile(options: CommonOptions): Promise<{ root: string; generation: Generation }> {
  const root = resolve(options.root);
  const sources = await readDefinitionsDir(resolve(root, options.definitions), root);
  if (sources.length === 0) throw new InvalidDefinitionsError([{ file: options.definitions, line: 1, column: 1, message: 'no definitions found: expected *.yaml files' }]);
  const model = loadModel(sources);
  if (!model.ok) throw new InvalidDefinitionsError(model.issues);
  // Only the emitters this project's outputs need are loaded.
  return { root, generation: emitGeneration(model.value, await loadTargets(targetNamesFor(model.value.settings))) };
}

async function readCommitted(root: string, paths: readonly string[]): Promise<Map<string, string>> {
  const entries = await Promise.all(
    paths.map(async (path) => [path, await readFile(join(root, path), 'utf8').catch(() => undefined)] as const),
  );
  return new Map(entries.filter((e): e is readonly [string, string] => e[1] !== undefined));
}

/** Runs the amtool route tests when the definitions declare notifications; false when one fails. */
async function routeTests(generation: Generation, amtool: string, io: Io): Promise<boolean> {
  const notifications = generation.model.notifications;
  if (!notifications) return true;
  const { formatRouteTests, testAlertRoutes } = await import('./check/amtool.js');
  const results = await testAlertRoutes(generation, amtool);
  io.out(formatRouteTests(results, notifications.defaultReceiver));
  return results.every((result) => !result.defaultOnly);
}

/** `vigil generate`: compiles, parses every generated expression, writes the outputs, reports. */
async function generate(options: CommonOptions, io: Io, env: NodeJS.ProcessEnv): Promise<Generation> {
  const { root, generation } = await compile(options);
  // Nothing is written that promtool would reject: every generated expression is parsed first.
  const { parseGeneratedExpressions } = await import('./check/validate.js');
  const syntax = parseGeneratedExpressions(generation);
  if (syntax.length > 0) throw new InvalidDefinitionsError(syntax);
  // One run at a time stages and applies a write: two generates share `.vigil-staging/`.
  const { written, unchanged, removed } = await withProjectLock(root, () => writeOutputsAtomically(root, generation.outputs, undefined, killHook(env)), lockOptions(env));
  const rules = generation.rules.reduce((n, f) => n + f.groups.reduce((m, g) => m + g.rules.length, 0), 0);
  const covered = generation.coverage.filter((c) => c.covered).length;
  io.out(`vigil: wrote ${written} files, ${unchanged} unchanged (${rules} rules; ${covered}/${generation.coverage.length} alerts tested)${removed.length ? `, removed ${removed.join(', ')}` : ''}\n`);
  for (const gap of generation.coverage.filter((c) => !c.covered)) {
    io.err(`${gap.source ? `${gap.source.file}:${gap.source.line}:${gap.source.column}: ` : ''}warning: no generated test for ${gap.alert}: ${gap.reason}\n`);
  }
  return generation;
}

/**
 * For the crash test only: `VIGIL_TEST_KILL_AT_STEP=N` kills the process with SIGKILL after the
 * writer's N-th durable step, so a test can show every crash point leaves one whole generation.
 */
function killHook(env: NodeJS.ProcessEnv): WriteStepHook | undefined {
  const at = Number(env.VIGIL_TEST_KILL_AT_STEP);
  if (!Number.isInteger(at) || at < 1) return undefined;
  return (step) => {
    if (step === at) process.kill(process.pid, 'SIGKILL');
  };
}

/** The project lock's waits; `VIGIL_LOCK_WAIT_MS` shortens or lengthens how long a second run waits for the first. */
function lockOptions(env: NodeJS.ProcessEnv): LockOptions {
  const text = env.VIGIL_LOCK_WAIT_MS;
  const wait = Number(text);
  return text && Number.isFinite(wait) && wait >= 0 ? { ...DEFAULT_LOCK_OPTIONS, waitMs: wait } : DEFAULT_LOCK_OPTIONS;
}

const AUTOPILOT_DESCRIPTION = "the controller's autopilot: status, history, explain, rollback, pause, resume, run-once, daemon";

/**
 * Builds the `vigil` program; `io` is injected so the CLI is testable without a process. With
 * `autopilot` (the controller's command builder) the autopilot commands are the real ones.
 */
export function buildProgram(io: Io, env: NodeJS.ProcessEnv, autopilot?: typeof AutopilotBuilder): Command {
  const program = new Command('vigil')
    .description('Compile Vigil definitions into Prometheus rules, promtool tests and configuration.')
    .option('--root <dir>', 'project root', '.')
    .option('--definitions <dir>', 'definitions directory, relative to the root', 'definitions')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('init')
    .description('start using Vigil here: definitions, a CI step, an instrumented service skeleton, .gitignore lines')
    .option('--service <name>', 'the service to declare and scaffold', 'shop')
    .option('--ci <kind>', 'the CI step: github (workflow), gitlab (job) or script', 'github')
    .option('--dry-run', 'list what would be written, write nothing', false)
    .option('--force', 'replace existing files', false)
    .action(async (options: { service: string; ci: string; dryRun: boolean; force: boolean }) => {
      const { root, definitions } = program.opts<CommonOptions>();
      const { parseInitOptions, planInit, writeInit } = await import('./init/init.js');
      const plan = planInit(parseInitOptions(options, definitions, VERSION));
      const result = await writeInit(resolve(root), plan, { force: options.force, dryRun: options.dryRun });
      const verb = options.dryRun ? 'would write' : 'wrote';
      for (const path of result.written) io.out(`vigil init: ${verb} ${path}\n`);
      for (const path of result.appended) io.out(`vigil init: ${options.dryRun ? 'would add' : 'added'} lines to ${path}\n`);
      for (const path of result.unchanged) io.out(`vigil init: ${path} is already current\n`);
      if (!options.dryRun) io.out('vigil init: next, `vigil generate`, then commit the definitions and the outputs\n');
    });

  program
    .command('generate')
    .description('write prometheus/rules, prometheus/tests, prometheus/prometheus.yml and the JSON Schema')
    .action(async () => {
      await generate(program.opts<CommonOptions>(), io, env);
    });

  program
    .command('up')
    .description('run the project locally: generate, then Prometheus, Alertmanager, a notification sink and the HTML dashboards on loopback ports')
    .option('--detach', 'start in the background and return once ready (`vigil down` stops it)', false)
    .option('--demo', 'also run simulated services (the @vigil/demo package) that Prometheus scrapes', false)
    .option('--dir <dir>', 'state directory (data, local configuration, stack.json), relative to the root', '.vigil')
    .option('--port-base <port>', 'Prometheus on this port, Alertmanager on the next, the sink on the one after (default: free ports)')
    .action(async (options: { detach: boolean; demo: boolean; dir: string; portBase?: string }) => {
      const common = program.opts<CommonOptions>();
      const root = resolve(common.root);
      const { parsePortBase, runUp } = await import('./up/up.js');
      const portBase = parsePortBase(options.portBase);
      await runUp(
        { root, definitionsDir: resolve(root, common.definitions), dir: resolve(root, options.dir), detach: options.detach, demo: options.demo, ...(portBase !== undefined ? { portBase } : {}) },
        {
          io,
          env,
          generate: () => generate(common, io, env),
          // The detached stack is this same bin, run again: node and the script it was started with.
          self: [process.execPath, process.argv[1] ?? ''],
          globalArgs: ['--root', root, '--definitions', common.definitions],
        },
      );
    });

  program
    .command('down')
    .description('stop the stack `vigil up --detach` started (what .vigil/stack.json lists)')
    .option('--dir <dir>', 'state directory, relative to the root', '.vigil')
    .action(async (options: { dir: string }) => {
      const { runDown } = await import('./up/down.js');
      await runDown(resolve(program.opts<CommonOptions>().root, options.dir), io);
    });

  program
    .command('check')
    .description('regenerate in memory and fail when the outputs on disk do not match the definitions; summarize what the change does')
    .option('--diff', 'print full unified diffs (default: generated JSON and HTML summarized by changed value)', false)
    .action(async (options: { diff: boolean }) => {
      const { root, generation } = await compile(program.opts<CommonOptions>());
      // A generate that crashed is completed (or undone) first, so the outputs are one generation;
      // under the lock, so a running generate is neither undone nor read half-applied.
      const { committed, stale } = await withProjectLock(root, async () => {
        await recoverInterruptedWrite(root);
        const committed = await readCommitted(root, [...generation.outputs.map((o) => o.path), ...(await staleGeneratedFiles(root, []))]);
        return { committed, stale: await staleGeneratedFiles(root, generation.outputs) };
      }, lockOptions(env));
      const { compareOutputs, formatChangeReport } = await import('./check/compare.js');
      const report = compareOutputs(generation.outputs, committed, stale, generation.coverage);
      io.out(formatChangeReport(report, { fullDiff: options.diff }));
      // Route tests: every generated alert must reach a receiver other than the default one.
      const routed = await routeTests(generation, amtoolPath(env), io);
      if (report.stale.length > 0 || !routed) throw new CommandFailedError('check failed', { reported: true });
    });

  program
    .command('validate')
    .description('schema, PromQL parsing, then promtool check rules, test rules and check config')
    .option('-q, --quiet', 'no progress lines on stderr (results still go to stdout)', false)
    .action(async (options: { quiet: boolean }) => {
      // Progress on stderr as each step starts, results on stdout: `promtool test rules` alone
      // can take a minute, and the results stay clean for scripts.
      const progress = (step: string) => {
        if (!options.quiet) io.err(`validate: ${step}...\n`);
      };
      progress('schema and PromQL');
      const { root, generation } = await compile(program.opts<CommonOptions>());
      const { parseGeneratedExpressions, validateWithPromtool } = await import('./check/validate.js');
      // Like check and lint: a write a crash interrupted is completed or undone first (the user's rule tests are read from the tree).
      await withProjectLock(root, () => recoverInterruptedWrite(root), lockOptions(env));
      const syntax = parseGeneratedExpressions(generation);
      if (syntax.length > 0) throw new InvalidDefinitionsError(syntax);
      io.out('schema and PromQL: ok\n');
      // Honest power from the definitions: KPIs with declared traffic the canary cannot decide on.
      if (generation.model.autopilots.length > 0) {
        const { declaredPowerWarnings } = await import('@vigil/controller/plan');
        for (const warning of declaredPowerWarnings(generation.model.autopilots)) io.out(`warning: ${warning}\n`);
      }
      const steps = await validateWithPromtool(root, generation, promtoolPath(env), amtoolPath(env), progress);
      for (const step of steps) io.out(`${step.step}: ${step.ok ? 'ok' : 'FAILED'}\n${step.ok ? '' : step.output}`);
      if (steps.some((s) => !s.ok)) throw new CommandFailedError('validation failed', { reported: true });
    });

  program
    .command('lint')
    .description('lint generated and hand-written rules against the catalog (in the manner of pint)')
    .option('--format <format>', 'text, json or sarif', 'text')
    .action(async (options: { format: string }) => {
      const { root, generation } = await compile(program.opts<CommonOptions>());
      const { formatJson, formatSarif, formatText, lintRules, parseUserRules } = await import('@vigil/compiler/lint');
      const generatedPaths = new Set(generation.outputs.map((o) => o.path));
      const userSources = await withProjectLock(root, async () => {
        await recoverInterruptedWrite(root);
        return (await readDefinitionsDir(join(root, USER_RULES_DIR), root, { missing: 'empty', limits: false })).filter(
          (source) => !generatedPaths.has(source.path) && !isGeneratedText(source.text),
        );
      }, lockOptions(env));
      const user: UserRuleFile[] = [];
      const invalid: LintFinding[] = [];
      // A file that does not parse is a finding; the other files are still linted.
      for (const source of userSources) {
        const parsed = parseUserRules(source);
        if (parsed.ok) user.push(parsed.value);
        else invalid.push(...parsed.issues.map((issue) => ({ ...issue, check: 'file/invalid' as const, severity: 'error' as const })));
      }
      const findings = [...invalid, ...lintRules({ model: generation.model, generated: generation.rules, user })];
      const format = options.format;
      if (format === 'json') io.out(formatJson(findings));
      else if (format === 'sarif') io.out(formatSarif(findings, VERSION));
      else if (format === 'text') io.out(findings.length === 0 ? 'vigil lint: no findings\n' : formatText(findings));
      else throw new UsageError(`unknown format ${format}: expected text, json or sarif`);
      if (findings.some((f) => f.severity === 'error')) throw new CommandFailedError('lint found errors', { reported: true });
    });

  const importer = program.command('import').description('convert SLO specs of other tools into Vigil definitions');
  // Loaded on use, so `generate` does not pay for the importers, the linter or the differ at start-up.
  const converters = {
    sloth: async () => (await import('@vigil/compiler/import')).importSloth,
    openslo: async () => (await import('@vigil/compiler/import')).importOpenSlo,
  };
  for (const format of ['sloth', 'openslo'] as const) {
    importer
      .command(`${format} <file>`)
      .description(`convert a ${format === 'sloth' ? 'Sloth prometheus/v1' : 'OpenSLO v1'} spec into definitions`)
      .option('-o, --out <file>', 'write the definitions to this file (atomically) instead of stdout')
      .action(async (file: string, options: { out?: string }) => {
        const root = resolve(program.opts<CommonOptions>().root);
        const text = await readFile(resolve(file), 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new UsageError(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.code ?? error.message}`);
        });
        const result = (await converters[format]())(text, file);
        if (!result.ok) throw new InvalidDefinitionsError(result.issues);
        if (options.out === undefined) {
          io.out(result.value);
          return;
        }
        const out = resolve(options.out);
        await writeFileAtomically(out, result.value);
        io.out(`vigil: wrote ${out.startsWith(root) ? out.slice(root.length + 1) : out}\n`);
      });
  }

  program
    .command('codegen')
    .description('write a TypeScript catalog module (typed metric handles for @vigil/instrumentation)')
    .option('--service <name>', 'only this service\'s metrics (default: every metric)')
    .requiredOption('-o, --out <file>', 'the .ts file to write (atomically)')
    .action(async (options: { service?: string; out: string }) => {
      const { root, generation } = await compile(program.opts<CommonOptions>());
      const { model } = generation;
      if (options.service !== undefined && !model.services.some((s) => s.name === options.service)) {
        throw new UsageError(`unknown service ${options.service}: expected one of ${model.services.map((s) => s.name).join(', ')}`);
      }
      const { emitTypeScriptCatalog } = await import('@vigil/compiler/codegen');
      const out = resolve(options.out);
      await writeFileAtomically(out, emitTypeScriptCatalog(model, { service: options.service }));
      io.out(`vigil: wrote ${out.startsWith(root) ? out.slice(root.length + 1) : out}\n`);
    });

  if (autopilot) {
    program.addCommand(
      autopilot({
        project: () => program.opts<CommonOptions>(),
        io,
        env,
        readDefinitions: readDefinitionsDir,
        loadModel,
        // The demo stack's autopilot (`vigil up --demo`), while it runs from <root>/.vigil.
        runningStack: async () => {
          const { readStackFile, liveProcesses } = await import('./up/stack-file.js');
          const stack = await readStackFile(join(resolve(program.opts<CommonOptions>().root), '.vigil'));
          return stack?.autopilot && liveProcesses(stack).length > 0 ? { stateFile: stack.autopilot.stateFile, parametersFile: stack.autopilot.parametersFile, prometheusUrl: stack.urls.prometheus } : undefined;
        },
      }),
    );
  } else {
    // Listed in `vigil --help`; the real command is added when the arguments name it.
    program.command('autopilot').description(AUTOPILOT_DESCRIPTION).allowUnknownOption().allowExcessArguments();
  }

  addScenarioCommand(program, io, () => program.opts<CommonOptions>());

  program
    .command('datadog')
    .description('Datadog monitors and dashboards from the same definitions')
    .command('sync')
    .description('create or update the generated monitors and dashboards in Datadog (dry run unless --apply)')
    .option('--apply', 'change Datadog (default: only print the plan)', false)
    .option('--only <kind>', 'monitors or dashboards')
    .action(async (options: { apply: boolean; only?: string }) => {
      const only = options.only === undefined ? undefined : ({ monitors: 'monitor', dashboards: 'dashboard' } as const)[options.only as 'monitors' | 'dashboards'];
      if (options.only !== undefined && only === undefined) throw new UsageError(`unknown --only ${options.only}: expected monitors or dashboards`);
      const { connectionFromEnv, datadogApi, runDatadogSync } = await import('./datadog/sync.js');
      const connection = connectionFromEnv(env);
      if (typeof connection === 'string') throw new UsageError(`datadog: ${connection}`);
      const { generation } = await compile(program.opts<CommonOptions>());
      await runDatadogSync(generation, { apply: options.apply, ...(only ? { only } : {}) }, datadogApi(connection), io);
    });

  program
    .command('schema')
    .description('print the JSON Schema of the definitions (also written by generate)')
    .action(() => {
      io.out(`${JSON.stringify(definitionsJsonSchema(), null, 2)}\n`);
    });

  return program;
}

/** Runs the CLI and returns its exit code; the one place errors become exit codes. */
export async function runCli(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  // Only `vigil autopilot ...` loads the controller (and its native SQLite binding), and then its
  // command joins the program, so `vigil autopilot --help` lists the real subcommands.
  const autopilot = argv.includes('autopilot') ? (await import('@vigil/controller/cli')).autopilotCommand : undefined;
  const program = buildProgram(io, env, autopilot);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    const decision = exitDecision(error);
    if (decision === undefined) throw error;
    if (decision.message !== undefined) io.err(`${decision.message}\n`);
    return decision.code;
  }
}
