import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { access, mkdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Metric, Model } from '@vigil/compiler/core';
import { writeFileAtomically } from '@vigil/conventions/atomic-file';
import { type Catalog, type CatalogLabel, startTelemetry, type Telemetry } from '@vigil/instrumentation';
import { AUTOPILOT_BAD_CHANGE, withAutopilotScenario } from '../scenarios/autopilot-bad-change.js';
import { type AutopilotArms, startAutopilotArms } from '../autopilot/autopilot-arms.js';
import { loadProjectModel } from '../model/load-project-model.js';
import { defaultControlFile, readScenarioControl } from '../scenarios/control-file.js';
import { deriveScenarios } from '../scenarios/derive-scenarios.js';
import type { Scenario } from '../scenarios/scenario.js';
import type { ActiveEffects } from '../traffic/effect.js';
import { healthyPlan } from '../traffic/healthy-plan.js';
import { seededRandom } from '../traffic/signal.js';
import type { MetricPlan } from '../traffic/plan.js';
import { type RecordingHandle, Simulator } from '../traffic/simulator.js';

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** The project root (the control file defaults to `<projectDir>/.vigil/scenario.json`). */
  projectDir: string;
  /** The definitions directory (every `*.yaml` in it, recursively). */
  definitionsDir: string;
  /** Where one Prometheus file_sd file per job is written (`<job>.json`). */
  targetsDir: string;
  onLog?: (line: string) => void;
  /** The scenario control file the demo watches. */
  scenarioControlFile?: string;
  /** The clock (ms since the epoch); tests pass their own. Default `Date.now`. */
  clock?: () => number;
  /** Seconds of a demo day: 86400 is real time, the default 3600 shows a whole day in an hour. */
  dayLengthSeconds?: number;
  /** Milliseconds between recording steps. Default 1000. */
  stepMs?: number;
  /** The random seed. Default 1. */
  seed?: number;
  /**
   * The business logic card the autopilot's service reads (absolute). Default: the autopilot's
   * `parameters_file`, relative to `projectDir`. `vigil up --demo` passes a copy under `.vigil/`.
   */
  autopilotParametersFile?: string;
}

/** A running demo. */
export interface RunningDemo {
  /** One per scrape job: the job name and its `/metrics` URL. */
  services: Array<{ job: string; url: string }>;
  /** Stops recording and closes every endpoint. */
  stop(): Promise<void>;
}

/** A service's runtime: telemetry, the public server and its simulator. */
interface DemoService {
  job: string;
  server: Server;
  port: number;
  telemetry: Telemetry<Catalog>;
  simulator: Simulator;
  metricNames: Set<string>;
  handles: ReadonlyMap<string, RecordingHandle>;
}

function catalogOf(job: string, plans: readonly MetricPlan[]): Catalog {
  const metrics: Record<string, Catalog['metrics'][string]> = {};
  for (const { metric } of plans) {
    const labels: Record<string, CatalogLabel> = {};
    for (const label of metric.labels) {
      labels[label.name] = label.allowedValues ? { values: label.allowedValues } : { maxCardinality: label.maxCardinality ?? 100 };
    }
    metrics[metric.name] = {
      name: metric.name,
      type: metric.type,
      unit: metric.unit,
      description: metric.description,
      labels,
      ...(metric.buckets ? { buckets: metric.buckets } : {}),
      promName: metric.promName,
    };
  }
  return { service: job, metrics };
}

/** Drops the samples (and HELP/TYPE lines) of `absent` metric families from an exposition. */
function withoutMetrics(body: string, absent: ReadonlySet<string>, metrics: readonly Metric[]): string {
  const names = metrics.filter((m) => absent.has(m.name)).map((m) => m.promName);
  if (names.length === 0) return body;
  const hidden = (line: string) => {
    const name = line.startsWith('#') ? (line.split(' ')[2] ?? '') : (line.split(/[{ ]/, 1)[0] ?? '');
    return names.some((n) => name === n || name === `${n}_bucket` || name === `${n}_sum` || name === `${n}_count` || name === `${n}_total`);
  };
  return body
    .split('\n')
    .filter((line) => !hidden(line))
    .join('\n');
}

/**
 * Serves the telemetry's exposition, minus the metrics a scenario made absent: the endpoint's
 * handler writes head and body once, which is caught here and filtered.
 */
function serve(telemetry: Telemetry<Catalog>, metrics: readonly Metric[], absent: () => ReadonlySet<string>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '/').split('?', 1)[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const hide = absent();
    const handler = telemetry.prometheus?.handler;
    if (!handler) {
      res.writeHead(503).end();
      return;
    }
    if (hide.size === 0) {
      handler(req, res);
      return;
    }
    let status = 200;
    let headers: Record<string, unknown> = {};
    const writeHead = res.writeHead.bind(res);
    const end = res.end.bind(res);
    res.writeHead = ((code: number, h?: Record<string, unknown>) => {
      status = code;
      headers = h ?? {};
      return res;
    }) as typeof res.writeHead;
    res.end = ((chunk?: unknown) => {
      const body = typeof chunk === 'string' ? withoutMetrics(chunk, hide, metrics) : chunk;
      const length = typeof body === 'string' ? { 'content-length': Buffer.byteLength(body) } : {};
      writeHead(status, { ...headers, ...length } as Record<string, string | number>);
      return end(body as string);
    }) as typeof res.end;
    handler(req, res);
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Starts one demo service per scrape job of an already loaded model. */
export async function startDemoFromModel(model: Model, options: DemoOptions): Promise<RunningDemo & { scenarios: Scenario[] }> {
  const clock = options.clock ?? Date.now;
  const log = options.onLog ?? (() => {});
  const plans = healthyPlan(model);
  const scenarios = withAutopilotScenario(model, deriveScenarios(model, plans));
  const controlFile = options.scenarioControlFile ?? defaultControlFile(options.projectDir);
  let active: (ActiveEffects & { name: string }) | undefined;
  let absent: ReadonlySet<string> = new Set();

  const services: DemoService[] = [];
  const jobs = [...new Set(model.services.map((s) => s.job))];
  try {
    for (const [index, job] of jobs.entries()) {
      const jobPlans = plans.filter((p) => p.job === job);
      const catalog = catalogOf(job, jobPlans);
      const telemetry = await startTelemetry({ service: { name: job, version: 'demo', environment: 'demo' }, catalog, prometheus: { listen: false }, shutdownSignals: [] });
      const handles = new Map<string, RecordingHandle>(Object.entries(telemetry.metrics as Record<string, RecordingHandle>));
      const simulator = new Simulator(jobPlans, handles, { dayLengthSeconds: options.dayLengthSeconds ?? 3600, seed: (options.seed ?? 1) * 1000 + index });
      const server = createServer(serve(telemetry, jobPlans.map((p) => p.metric), () => absent));
      const port = await listen(server);
      services.push({ job, server, port, telemetry, simulator, metricNames: new Set(jobPlans.map((p) => p.metric.name)), handles });
    }
    // The first step sets every gauge, so the first scrape already has every series.
    for (const service of services) service.simulator.step(clock());
    await mkdir(options.targetsDir, { recursive: true });
    for (const service of services) {
      await writeFileAtomically(join(options.targetsDir, `${service.job}.json`), `${JSON.stringify([{ targets: [`127.0.0.1:${service.port}`], labels: {} }])}\n`);
    }
  } catch (error) {
    await Promise.allSettled(services.map((s) => closeService(s)));
    throw error;
  }
  const arms: AutopilotArms[] = [];
  for (const autopilot of model.autopilots.filter((a) => a.enabled)) {
    const service = services.find((s) => s.job === autopilot.service);
    if (!service) continue;
    const file = options.autopilotParametersFile ?? (isAbsolute(autopilot.parametersFile) ? autopilot.parametersFile : resolve(options.projectDir, autopilot.parametersFile));
    if (!(await access(file).then(() => true, () => false))) {
      log(`demo: autopilot: no business logic card at ${file}; ${autopilot.service} runs without the canary split`);
      continue;
    }
    arms.push(await startAutopilotArms({ model, autopilot, parametersFile: file, plans: plans.filter((p) => p.job === service.job), handles: service.handles, random: seededRandom((options.seed ?? 1) * 7919), onLog: log }));
  }
  log(`demo: ${services.length} services, ${plans.reduce((n, p) => n + p.series.length, 0)} series, ${scenarios.length} scenarios`);

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    const now = clock();
    const control = await readScenarioControl(controlFile, now);
    const scenario = control ? scenarios.find((s) => s.name === control.scenario) : undefined;
    if (scenario?.name !== active?.name) log(scenario ? `demo: scenario ${scenario.name} started (${scenario.alerts.join(', ')})` : `demo: scenario ${active?.name} ended, back to healthy`);
    active = scenario && control ? { name: scenario.name, effects: scenario.effects, startedAtMs: control.startedAtMs } : undefined;
    absent = new Set(active?.effects.filter((e) => e.action.kind === 'absent').map((e) => e.metric) ?? []);
    for (const service of services) service.simulator.step(now, active);
    // After the simulator: the arms' KPI gauges replace its healthy readings (except the metrics a scenario drives).
    const driven = new Set(active?.effects.map((e) => e.metric) ?? []);
    for (const arm of arms) arm.step(now, active?.name === AUTOPILOT_BAD_CHANGE, driven);
  };
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(tick).catch((error: unknown) => log(`demo: step failed: ${String(error)}`));
  }, options.stepMs ?? 1000);

  return {
    services: services.map((s) => ({ job: s.job, url: `http://127.0.0.1:${s.port}/metrics` })),
    scenarios,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      for (const arm of arms) arm.close();
      await Promise.allSettled(services.map((s) => closeService(s)));
    },
  };
}

async function closeService(service: DemoService): Promise<void> {
  await new Promise<void>((resolve) => service.server.close(() => resolve()));
  service.server.closeAllConnections();
  await service.telemetry.shutdown();
}

/**
 * Starts the simulated services of a project in-process: one `/metrics` endpoint per scrape job
 * on a free 127.0.0.1 port, recording every catalog metric through `@vigil/instrumentation`
 * with healthy, varying traffic, and writes `<targetsDir>/<job>.json` (Prometheus file_sd) for
 * each. It watches the scenario control file and applies the scenario it names.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const model = await loadProjectModel(options.projectDir, options.definitionsDir);
  const demo = await startDemoFromModel(model, options);
  return { services: demo.services, stop: demo.stop };
}
