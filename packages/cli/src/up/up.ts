// `vigil up` and `vigil down`: the project's generated configuration, rules and routing running
// locally on loopback ports, state under `.vigil/`, and everything stopped with nothing left.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { access, copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Generation } from '@vigil/compiler/core';
import { CommandFailedError, InvalidDefinitionsError, ToolError, UsageError } from '@vigil/conventions';
import { writeFileAtomically } from '@vigil/conventions/atomic-file';
import { parse } from 'yaml';
import { EXIT } from '../exit-codes.js';
import type { DemoStack } from './demo-contract.js';
import { loadDemo } from './load-demo.js';
import { localAlertmanagerConfig, localPrometheusConfig, staticTargets, targetsFile } from './local-config.js';
import { processStartTime } from '../io/process-identity.js';
import { BINARIES, answers, findBinary, logTail, signalGroup, startProcess, stopProcess, type StackProcess, waitUntil } from './processes.js';
import { type StackFile, liveProcesses, readStackFile, removeStackFile, stackFilePath, writeStackFile } from './stack-file.js';
import { freeLoopbackPorts } from './ports.js';
import { type Sink, startSink } from './sink.js';
import { type DemoAutopilot, demoAutopilotPaths, startDemoAutopilot } from './demo-autopilot.js';

/** Where `vigil up` prints. */
export interface UpOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The options of `vigil up`, parsed. */
export interface UpOptions {
  /** The project root and its definitions directory (absolute). */
  root: string;
  definitionsDir: string;
  /** The state directory (absolute; `<root>/.vigil` by default). */
  dir: string;
  detach: boolean;
  demo: boolean;
  /** Prometheus on this port, Alertmanager on the next, the sink on the one after; free ports otherwise. */
  portBase?: number;
}

/** What `vigil up` needs from the CLI. */
export interface UpContext {
  io: UpOutput;
  env: NodeJS.ProcessEnv;
  /** Generates and writes the outputs, as `vigil generate` does. */
  generate: () => Promise<Generation>;
  /** The command that runs `vigil` again (node and the bin), for `--detach`. */
  self: readonly string[];
  /** The global options to pass on to a detached `vigil up`. */
  globalArgs: readonly string[];
  /** Chooses `count` free loopback ports; {@link freeLoopbackPorts} by default (tests hand out a taken one). */
  freePorts?: (count: number) => Promise<number[]>;
}

/** Set in the environment of the detached `vigil up` that supervises the stack. */
const SUPERVISED_ENV = 'VIGIL_UP_SUPERVISED';
const READY_TIMEOUT_MS = 60_000;

/** Parses `--port-base`: a port with two more above it. */
export function parsePortBase(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1024 || port > 65_533) throw new UsageError(`up: --port-base ${raw}: expected a port from 1024 to 65533`);
  return port;
}

function describeStack(stack: StackFile): string {
  const pages = stack.dashboardPages;
  return [
    `  Prometheus    ${stack.urls.prometheus}`,
    `  Alertmanager  ${stack.urls.alertmanager}`,
    `  Notifications ${stack.urls.sink}  (JSON: ${stack.urls.sink}/api/notifications)`,
    `  Dashboards    ${stack.urls.dashboards}<uid>.html (${pages.length}${pages.length ? `: ${pages.slice(0, 4).map((p) => p.uid).join(', ')}${pages.length > 4 ? ', ...' : ''}` : ''})`,
    ...(pages[0] ? [`                e.g. ${pages[0].url}`] : []),
    ...(stack.autopilot
      ? [
          `  Autopilot     ${stack.autopilot.service}, accelerated (demo only): ${stack.autopilot.timing}`,
          `                card ${stack.autopilot.parametersFile} (a copy; the committed card is not edited)`,
          `                state ${stack.autopilot.stateFile}; \`vigil autopilot status|history\` read it while the stack runs`,
        ]
      : []),
    `  State         ${stackFilePath(stack.dir)}`,
    '',
  ].join('\n');
}

/** A stack already running from this directory, or undefined (a stale stack.json is removed). */
async function runningStack(dir: string): Promise<StackFile | undefined> {
  const stack = await readStackFile(dir);
  if (stack === undefined) return undefined;
  if (liveProcesses(stack).length > 0) return stack;
  await removeStackFile(dir);
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** Signals that stop the stack, as one promise. */
function stopSignal(): { promise: Promise<NodeJS.Signals>; received: () => NodeJS.Signals | undefined; dispose: () => void } {
  let received: NodeJS.Signals | undefined;
  let fire: (signal: NodeJS.Signals) => void = () => undefined;
  const promise = new Promise<NodeJS.Signals>((resolveSignal) => (fire = resolveSignal));
  const handler = (signal: NodeJS.Signals) => {
    received ??= signal;
    fire(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, handler);
  return { promise, received: () => received, dispose: () => signals.forEach((signal) => process.off(signal, handler)) };
}

/**
 * `vigil up`: generates, then runs the stack until Ctrl-C (SIGINT/SIGTERM), or with `--detach`
 * starts it in a detached `vigil up` and returns once it is ready.
 */
export async function runUp(options: UpOptions, context: UpContext): Promise<void> {
  const { io } = context;
  await mkdir(options.dir, { recursive: true });
  const running = await runningStack(options.dir);
  if (running) {
    io.out(`vigil up: a stack is already running from ${options.dir} (started ${running.startedAt}); \`vigil down\` stops it\n${describeStack(running)}`);
    return;
  }
  if (options.detach) return detach(options, context);
  await supervise(options, context);
}

async function detach(options: UpOptions, context: UpContext): Promise<void> {
  const logFile = join(options.dir, 'up.log');
  const log = openSync(logFile, 'w');
  const args = [
    ...context.self.slice(1),
    ...context.globalArgs,
    'up',
    '--dir',
    options.dir,
    ...(options.demo ? ['--demo'] : []),
    ...(options.portBase !== undefined ? ['--port-base', String(options.portBase)] : []),
  ];
  const child = spawn(context.self[0] as string, args, { detached: true, stdio: ['ignore', log, log], env: { ...context.env, [SUPERVISED_ENV]: '1' } });
  closeSync(log);
  let exitCode: number | null | undefined;
  child.once('exit', (code, signal) => (exitCode = code ?? (signal ? 1 : null)));
  try {
    await waitUntil(
      async () => {
        const stack = await readStackFile(options.dir);
        return stack?.state === 'ready' && stack.processes.some((p) => p.role === 'vigil' && p.pid === child.pid);
      },
      () => (exitCode !== undefined ? `exited with code ${exitCode}` : undefined),
      READY_TIMEOUT_MS * 2,
      'the detached vigil up',
    );
  } catch (error) {
    context.io.err(await readFile(logFile, 'utf8').catch(() => ''));
    // Still starting after the timeout: it stops everything it started on SIGTERM.
    if (exitCode === undefined && child.pid) signalGroup(child.pid, 'SIGTERM');
    // It printed why (in the log above); its exit code is passed on.
    const reported = { reported: true, cause: error };
    if (exitCode === EXIT.toolError) throw new ToolError('up failed', reported);
    if (exitCode === EXIT.invalidDefinitions) throw new InvalidDefinitionsError([], reported);
    if (exitCode === EXIT.usage) throw new UsageError('up failed', reported);
    throw new CommandFailedError(`up: ${(error as Error).message} (log: ${logFile})`, { cause: error });
  }
  child.unref();
  context.io.out(await readFile(logFile, 'utf8'));
  context.io.out(`vigil up: running in the background (log: ${logFile}); \`vigil down\` stops it\n`);
}

/** The running parts of a stack being started, so a failure anywhere stops what did start. */
interface Parts {
  processes: StackProcess[];
  sink?: Sink;
  demo?: DemoStack;
  autopilot?: DemoAutopilot;
  /** file_sd files `vigil up` seeded, with their content, removed at stop if still ours. */
  seeded: Map<string, string>;
}

async function stopParts(parts: Parts, dir: string): Promise<void> {
  await parts.autopilot?.stop().catch(() => undefined);
  await Promise.all(parts.processes.map((proc) => stopProcess(proc)));
  await parts.demo?.stop().catch(() => undefined);
  await parts.sink?.close();
  for (const [file, content] of parts.seeded) {
    if ((await readFile(file, 'utf8').catch(() => undefined)) === content) await rm(file, { force: true });
  }
  await removeStackFile(dir);
}

/** Where one launch's servers listen. */
interface StackPorts {
  prometheus: number;
  alertmanager: number;
  sink: number;
}

/** A server of the stack that could not have its port. */
type StackServer = 'Prometheus' | 'Alertmanager' | 'the notification sink';

/** A server that found its port taken. */
interface PortConflict {
  server: StackServer;
  port: number;
}

/** Free ports are chosen again this many times when one is taken before it is bound. */
const LAUNCH_ATTEMPTS = 3;

/** Prometheus and Alertmanager logs say so when their listen address is taken. */
const BIND_FAILURE = /address already in use|bind: /i;

/** The ports of `--port-base`, else `count` free ones from `freePorts`. */
async function choosePorts(base: number | undefined, freePorts: (count: number) => Promise<number[]>): Promise<StackPorts> {
  if (base !== undefined) return { prometheus: base, alertmanager: base + 1, sink: base + 2 };
  const [prometheus, alertmanager, sink] = await freePorts(3);
  if (prometheus === undefined || alertmanager === undefined || sink === undefined) throw new CommandFailedError('up: found no three free ports on 127.0.0.1');
  return { prometheus, alertmanager, sink };
}

/** What every launch attempt shares: the generated files, binaries and directories. */
interface LaunchPlan {
  options: UpOptions;
  detached: boolean;
  binaries: { prometheus: string; alertmanager: string };
  prometheusYml: GeneratedFile;
  alertmanagerYml: GeneratedFile;
  htmlPages: readonly GeneratedFile[];
  retention: readonly string[];
  serviceJobs: readonly string[];
  dirs: { config: string; targets: string; prometheus: string; alertmanager: string };
  /** Why to give up waiting (a stop signal), if any. */
  stopped: () => string | undefined;
}

type GeneratedFile = Generation['outputs'][number];

/** Whether the Prometheus at `url` is the one started with `configFile`, not another process's on a reused port. */
async function isOurPrometheus(url: string, configFile: string): Promise<boolean> {
  const response = await fetch(`${url}/api/v1/status/flags`, { signal: AbortSignal.timeout(2000) });
  const body = (await response.json()) as { data?: Record<string, string> };
  return body.data?.['config.file'] === configFile;
}

/**
 * Whether the Alertmanager at `url` is ours: it started after `spawnedAt` (its status reports no
 * flags, and newer versions hide webhook URLs, so its configuration cannot tell).
 */
async function isOurAlertmanager(url: string, spawnedAt: number): Promise<boolean> {
  const response = await fetch(`${url}/api/v2/status`, { signal: AbortSignal.timeout(2000) });
  const body = (await response.json()) as { uptime?: string };
  // A second of slack for clocks that round.
  return body.uptime !== undefined && Date.parse(body.uptime) >= spawnedAt - 1000;
}

/**
 * One attempt at the servers on `ports`: writes the local configs for them, starts the sink,
 * Alertmanager and Prometheus (recorded in `parts`, so a failure stops them), records the stack
 * as starting, and waits until both answer as ours. A taken port is a value: what this attempt
 * started is stopped and taken out of `parts` again, so the caller can retry on other ports.
 */
async function launchServers(plan: LaunchPlan, ports: StackPorts, parts: Parts): Promise<{ ok: true; stack: StackFile } | { ok: false; conflict: PortConflict }> {
  const { options, dirs } = plan;
  const root = options.root;
  const prometheusUrl = `http://127.0.0.1:${ports.prometheus}`;
  const alertmanagerUrl = `http://127.0.0.1:${ports.alertmanager}`;
  const sinkUrl = `http://127.0.0.1:${ports.sink}`;
  const promConfig = join(dirs.config, 'prometheus.yml');
  const amConfig = join(dirs.config, 'alertmanager.yml');
  await writeFileAtomically(
    promConfig,
    localPrometheusConfig(plan.prometheusYml.content, {
      generatedDir: resolve(root, dirname(plan.prometheusYml.path)),
      prometheus: `127.0.0.1:${ports.prometheus}`,
      alertmanager: `127.0.0.1:${ports.alertmanager}`,
      serviceJobs: plan.serviceJobs,
      targetsDir: dirs.targets,
    }),
  );
  await writeFileAtomically(amConfig, localAlertmanagerConfig(plan.alertmanagerYml.content, { generatedDir: resolve(root, dirname(plan.alertmanagerYml.path)), sinkUrl }));

  const dashboardsBase = `${prometheusUrl}/user/`;
  const dashboardPages = plan.htmlPages.map((page) => ({ uid: basename(page.path, '.html'), url: `${dashboardsBase}${basename(page.path)}` }));
  const sink = await startSink({
    port: ports.sink,
    logFile: join(options.dir, 'notifications.jsonl'),
    dashboards: dashboardPages.map((page) => ({ name: page.uid, url: page.url })),
  });
  if (!sink.ok) return { ok: false, conflict: { server: 'the notification sink', port: sink.portInUse } };
  parts.sink = sink.sink;

  const alertmanagerSpawnedAt = Date.now();
  const alertmanager = startProcess(
    'alertmanager',
    plan.binaries.alertmanager,
    [
      `--config.file=${amConfig}`,
      `--storage.path=${dirs.alertmanager}`,
      `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
      `--web.external-url=${alertmanagerUrl}/`,
      '--cluster.listen-address=',
    ],
    join(options.dir, 'alertmanager.log'),
    root,
  );
  parts.processes.push(alertmanager);
  const prometheus = startProcess(
    'prometheus',
    plan.binaries.prometheus,
    [
      `--config.file=${promConfig}`,
      `--storage.tsdb.path=${dirs.prometheus}`,
      ...plan.retention,
      `--web.listen-address=127.0.0.1:${ports.prometheus}`,
      `--web.external-url=${prometheusUrl}/`,
      '--web.enable-lifecycle',
      ...(plan.htmlPages[0] ? [`--web.user-assets=${resolve(root, dirname(plan.htmlPages[0].path))}`] : []),
    ],
    join(options.dir, 'prometheus.log'),
    root,
  );
  parts.processes.push(prometheus);
  const stack: StackFile = {
    version: 1,
    state: 'starting',
    startedAt: new Date().toISOString(),
    root,
    dir: options.dir,
    detached: plan.detached,
    demo: options.demo,
    urls: { prometheus: prometheusUrl, alertmanager: alertmanagerUrl, sink: sinkUrl, dashboards: dashboardsBase },
    dashboardPages,
    processes: [
      { role: 'vigil', pid: process.pid, ...optionalStartTime(process.pid) },
      ...parts.processes.map((p) => ({ role: p.role, pid: p.pid, ...(p.startTime !== undefined ? { startTime: p.startTime } : {}) })),
    ],
  };
  await writeStackFile(options.dir, stack);

  let gone: StackProcess | undefined;
  const exitedEarly = () => {
    gone = parts.processes.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    return gone ? `${gone.role} exited (code ${gone.child.exitCode ?? gone.child.signalCode}):\n${logTail(gone.logFile, 2000, gone.logStart)}` : plan.stopped();
  };
  // Another process on the port would answer /-/ready too, until ours fails to bind and exits.
  const ready = async () =>
    (await answers(`${prometheusUrl}/-/ready`)) &&
    (await answers(`${alertmanagerUrl}/-/ready`)) &&
    (await isOurPrometheus(prometheusUrl, promConfig)) &&
    isOurAlertmanager(alertmanagerUrl, alertmanagerSpawnedAt);
  try {
    await waitUntil(ready, exitedEarly, READY_TIMEOUT_MS, 'Prometheus and Alertmanager');
  } catch (error) {
    if (!gone || !BIND_FAILURE.test(logTail(gone.logFile, 2000, gone.logStart))) throw error;
    const conflict: PortConflict = gone === prometheus ? { server: 'Prometheus', port: ports.prometheus } : { server: 'Alertmanager', port: ports.alertmanager };
    await Promise.all([prometheus, alertmanager].map((proc) => stopProcess(proc)));
    parts.processes = parts.processes.filter((proc) => proc !== prometheus && proc !== alertmanager);
    await parts.sink.close();
    delete parts.sink;
    return { ok: false, conflict };
  }
  return { ok: true, stack };
}

/**
 * Launches the servers, choosing new free ports when one was taken before it was bound (up to
 * {@link LAUNCH_ATTEMPTS} times); with `--port-base` a taken port is an error naming it.
 */
async function launchWithRetries(plan: LaunchPlan, parts: Parts, context: UpContext): Promise<StackFile> {
  const base = plan.options.portBase;
  for (let attempt = 1; ; attempt++) {
    const ports = await choosePorts(base, context.freePorts ?? freeLoopbackPorts);
    const launch = await launchServers(plan, ports, parts);
    if (launch.ok) return launch.stack;
    const { server, port } = launch.conflict;
    const taken = `${server} cannot listen on 127.0.0.1:${port}: address already in use`;
    if (base !== undefined) {
      throw new CommandFailedError(
        `up: ${taken} (--port-base ${base} puts Prometheus on ${base}, Alertmanager on ${base + 1} and the notification sink on ${base + 2}): choose another --port-base, or leave it out for free ports`,
      );
    }
    if (attempt >= LAUNCH_ATTEMPTS) throw new CommandFailedError(`up: ${taken}, and so on each of ${LAUNCH_ATTEMPTS} attempts with new free ports`);
    context.io.out(`vigil up: ${taken} (taken since it was chosen); trying new ports\n`);
  }
}

async function supervise(options: UpOptions, context: UpContext): Promise<void> {
  const { io, env } = context;
  const detached = env[SUPERVISED_ENV] === '1';
  const prometheusBinary = await findBinary(BINARIES.prometheus, env);
  const alertmanagerBinary = await findBinary(BINARIES.alertmanager, env);
  const generation = await context.generate();
  const root = options.root;
  // The paths the prometheus-config and alertmanager targets write.
  const output = (path: string) => generation.outputs.find((o) => o.path === path);
  const prometheusYml = output('prometheus/prometheus.yml');
  const alertmanagerYml = output('alertmanager/alertmanager.yml');
  if (!prometheusYml || !alertmanagerYml) {
    throw new UsageError('up: the definitions generate no prometheus.yml or alertmanager.yml: declare notifications (receivers and routes) in the definitions');
  }
  const dirs = {
    config: join(options.dir, 'config'),
    targets: join(options.dir, 'targets'),
    prometheus: join(options.dir, 'prometheus'),
    alertmanager: join(options.dir, 'alertmanager'),
  };
  for (const path of Object.values(dirs)) await mkdir(path, { recursive: true });
  const serviceJobs = generation.model.services.map((s) => s.job);

  const signal = stopSignal();
  const parts: Parts = { processes: [], seeded: new Map() };
  const plan: LaunchPlan = {
    options,
    detached,
    binaries: { prometheus: prometheusBinary, alertmanager: alertmanagerBinary },
    prometheusYml,
    alertmanagerYml,
    htmlPages: generation.outputs.filter((o) => o.path.endsWith('.html')),
    retention: retentionArgs(output('prometheus/storage.yml')?.content),
    serviceJobs,
    dirs,
    stopped: () => (signal.received() ? `stopped by ${signal.received()}` : undefined),
  };
  try {
    // In demo mode the autopilot tunes a copy of the card under the state directory, so
    // `vigil up --demo` never edits a committed file.
    const demoAutopilot = options.demo ? generation.model.autopilots.find((a) => a.enabled) : undefined;
    const autopilotPaths = demoAutopilot ? demoAutopilotPaths(options.dir, demoAutopilot) : undefined;
    if (demoAutopilot && autopilotPaths) {
      const source = resolve(root, demoAutopilot.parametersFile);
      await mkdir(dirname(autopilotPaths.parametersFile), { recursive: true });
      if (!(await exists(autopilotPaths.parametersFile)) && (await exists(source))) await copyFile(source, autopilotPaths.parametersFile);
    }
    // The demo's services listen on ports the kernel assigns, so they start once, before the
    // servers whose ports may have to be chosen again.
    if (options.demo) {
      const startDemo = await loadDemo(env);
      parts.demo = await startDemo({
        projectDir: root,
        definitionsDir: options.definitionsDir,
        targetsDir: dirs.targets,
        ...(autopilotPaths && (await exists(autopilotPaths.parametersFile)) ? { autopilotParametersFile: autopilotPaths.parametersFile } : {}),
        onLog: (line) => io.out(`demo: ${line}\n`),
      });
      io.out(`vigil up: demo services: ${parts.demo.services.map((s) => s.job).join(', ') || 'none'}\n`);
    }
    // Jobs with no file_sd file scrape what the definitions declare (a user's own running service).
    for (const [job, content] of staticTargets(prometheusYml.content, serviceJobs)) {
      const file = targetsFile(dirs.targets, job);
      if (await exists(file)) continue;
      await writeFileAtomically(file, content);
      parts.seeded.set(file, content);
    }

    const stack = await launchWithRetries(plan, parts, context);
    let readyStack = stack;
    if (demoAutopilot && autopilotPaths && (await exists(autopilotPaths.parametersFile))) {
      const metricsJob = generation.model.services.find((s) => s.name === demoAutopilot.metricsEndpoint?.service)?.job;
      parts.autopilot = await startDemoAutopilot({
        autopilot: demoAutopilot,
        root,
        prometheusUrl: stack.urls.prometheus,
        paths: autopilotPaths,
        ...(metricsJob ? { targetsFile: targetsFile(dirs.targets, metricsJob) } : {}),
        onLog: (line) => io.out(`autopilot: ${line}\n`),
      });
      readyStack = { ...stack, autopilot: parts.autopilot.entry };
    }
    io.out(`vigil up: ready${options.demo ? ' with demo traffic' : ''} (local mode: every receiver sends to the notification sink)\n${describeStack(readyStack)}`);
    io.out(detached ? 'vigil up: `vigil down` stops everything\n' : 'vigil up: Ctrl-C stops everything\n');
    // After the lines above: a detached `vigil up` prints the log once stack.json says ready
    // (writes to a file are synchronous, so they are in it by then).
    await writeStackFile(options.dir, { ...readyStack, state: 'ready' });

    const ended = await Promise.race([signal.promise.then(() => undefined), ...parts.processes.map((p) => p.exited.then(() => p))]);
    if (ended !== undefined) {
      throw new CommandFailedError(`up: ${ended.role} exited unexpectedly (code ${ended.child.exitCode ?? ended.child.signalCode}); stopping the stack\n${logTail(ended.logFile, 2000, ended.logStart)}`);
    }
    io.out(`vigil up: ${signal.received()}: stopping\n`);
  } finally {
    await stopParts(parts, options.dir);
    signal.dispose();
  }
  io.out('vigil up: stopped; no process left\n');
}

function optionalStartTime(pid: number): { startTime?: number } {
  const startTime = processStartTime(pid);
  return startTime === undefined ? {} : { startTime };
}

function retentionArgs(storageYml: string | undefined): string[] {
  if (storageYml === undefined) return [];
  const storage = parse(storageYml) as { storage?: { tsdb?: { args?: unknown } } } | null;
  const args = storage?.storage?.tsdb?.args;
  return Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string' && a.startsWith('--storage.tsdb.retention')) : [];
}
