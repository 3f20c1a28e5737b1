/**
 * The autopilot on an accelerated clock, for `vigil up --demo`: the same runner, core and judge,
 * with the windows of the definitions scaled down so a cycle (analysis, proposal, canary watched
 * every few seconds, judgement, promote or roll back) completes in minutes instead of a day, and
 * a new cycle starts shortly after the last one closed instead of at the daily slot. Its metrics
 * are served on a loopback /metrics endpoint whose file_sd file Prometheus reads.
 *
 * Only the timing changes; every statistical setting (confidence, effect sizes, Holm, the
 * must-not-degrade guards) stays the definitions'. Inconclusive canaries notify instead of
 * pausing, so the demo keeps cycling.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Autopilot } from '@vigil/compiler/core';
import { writeFileAtomically } from '@vigil/conventions/atomic-file';
import { startTelemetry } from '@vigil/instrumentation';
import { initialAutopilotState, step } from '../core/cycle.js';
import { autopilotContext } from './autopilot-context.js';
import { ControllerMetrics } from './controller-metrics.js';
import { AutopilotRunner, type AutopilotNotice } from './runner.js';

/** The accelerated timing (seconds). */
export interface AcceleratedTiming {
  /** The analysis window before a proposal (the definitions' `analysis_window`). */
  analysisWindowSeconds: number;
  /** The canary window (the definitions' `canary.duration`). */
  canarySeconds: number;
  /** Warm-up before the watcher's first look (the definitions' `canary.initial_delay`). */
  initialDelaySeconds: number;
  /** Pause between a cycle's end and the next cycle's start (the definitions' daily slot). */
  gapSeconds: number;
  /** How often the scheduler runs a pass (the daemon's minute). */
  tickSeconds: number;
  /**
   * How often a running canary is looked at: each look reads `increase()` since the canary
   * started, which needs two scrapes (the demo's generated scrape interval is 30 s).
   */
  lookSeconds: number;
}

/** The demo's timing: a cycle of about four minutes. */
export const DEMO_TIMING: AcceleratedTiming = { analysisWindowSeconds: 60, canarySeconds: 120, initialDelaySeconds: 60, gapSeconds: 30, tickSeconds: 5, lookSeconds: 30 };

/** Options of {@link startAcceleratedAutopilot}. */
export interface AcceleratedAutopilotOptions {
  /** The definitions' autopilot. */
  autopilot: Autopilot;
  /** The project root (relative paths resolve against it). */
  root: string;
  prometheusUrl: string;
  /** The state database and the card the runner writes (absolute). */
  stateFile: string;
  parametersFile: string;
  /** The file_sd file of the controller's metrics job (absolute), written once it listens. */
  targetsFile?: string;
  timing?: AcceleratedTiming;
  /** When the first cycle may start (epoch ms): once Prometheus holds an analysis window. */
  firstCycleAt: number;
  onLog: (line: string) => void;
}

/** A running accelerated autopilot. */
export interface AcceleratedAutopilot {
  /** The controller's /metrics URL, when it listens. */
  metricsUrl: string | undefined;
  /** The seed its proposals explore with. */
  seed: number;
  stop(): Promise<void>;
}

/**
 * A seed whose first proposal moves every parameter it changes up (asked of the pure core, as the
 * autopilot integration test does): with the demo's response model (up is better) the first
 * cycle is a good change. Falls back to 1.
 */
export function upwardSeed(autopilot: Autopilot): number {
  const context = autopilotContext(autopilot);
  const now = Date.UTC(2026, 0, 5, autopilot.daily.hour, autopilot.daily.minute);
  const values = Object.fromEntries(autopilot.parameters.map((p) => [p.name, (p.bounds.min + p.bounds.max) / 2]));
  for (let seed = 1; seed <= 200; seed++) {
    const started = step(context, initialAutopilotState(context, values, now, seed), { type: 'tick', now });
    const cycleId = started.state.cycle?.cycleId ?? '';
    const window = { start: now - autopilot.analysisWindowSeconds * 1000, end: now, values: context.kpis.map((k) => ({ kpi: k.name, value: 1, coverage: 1 })) };
    const analysed = step(context, started.state, { type: 'analysis-ready', now, cycleId, window });
    const candidate = analysed.actions.find((a) => a.type === 'WriteCandidate');
    if (candidate?.type === 'WriteCandidate' && candidate.changes.length > 0 && candidate.changes.every((c) => c.newValue > c.oldValue)) return seed;
  }
  return 1;
}

/** The definitions' autopilot with the accelerated timing and the demo's paths, its daily slot at `now`'s minute. */
function accelerated(options: AcceleratedAutopilotOptions, timing: AcceleratedTiming, now: number): Autopilot {
  const at = new Date(now);
  const { autopilot } = options;
  return {
    ...autopilot,
    prometheusUrl: options.prometheusUrl,
    stateFile: options.stateFile,
    parametersFile: options.parametersFile,
    daily: { hour: at.getUTCHours(), minute: at.getUTCMinutes() },
    analysisWindowSeconds: timing.analysisWindowSeconds,
    canary: { ...autopilot.canary, durationSeconds: timing.canarySeconds, initialDelaySeconds: timing.initialDelaySeconds, onInconclusive: 'notify' },
  };
}

/**
 * Starts the accelerated autopilot: a scheduler pass every `tickSeconds`, a new cycle
 * `gapSeconds` after the previous one closed (the first at `firstCycleAt`).
 */
export async function startAcceleratedAutopilot(options: AcceleratedAutopilotOptions): Promise<AcceleratedAutopilot> {
  const timing = options.timing ?? DEMO_TIMING;
  const seed = upwardSeed(options.autopilot);
  await mkdir(dirname(options.stateFile), { recursive: true });
  const telemetry = await startTelemetry({
    service: { name: options.autopilot.metricsEndpoint?.service ?? `${options.autopilot.service}-autopilot`, environment: 'demo' },
    prometheus: { port: 0, host: '127.0.0.1' },
    registerGlobal: false,
    shutdownSignals: [],
  });
  const port = telemetry.prometheus?.port;
  const metricsUrl = port === undefined ? undefined : `http://127.0.0.1:${port}/metrics`;
  const log = (notice: AutopilotNotice) => {
    if (notice.name === 'event-ignored') return;
    options.onLog(`${notice.severity === 'info' ? '' : `${notice.severity}: `}${notice.name}: ${notice.message}`);
  };
  let metrics: ControllerMetrics | undefined;
  const open = (now: number): AutopilotRunner => {
    const autopilot = accelerated(options, timing, now);
    metrics ??= new ControllerMetrics({ meter: telemetry.meter, prefix: autopilot.metricsPrefix, context: autopilotContext(autopilot) });
    const meter = metrics;
    return new AutopilotRunner({ autopilot, root: options.root, seed, notify: meter.notifier(log), onStep: (state, actions) => meter.observe(state, actions) });
  };
  let runner = open(options.firstCycleAt);
  metrics?.prime(await runner.state());
  await runner.start();
  if (options.targetsFile && port !== undefined) {
    await writeFileAtomically(options.targetsFile, `${JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: {} }])}\n`);
  }
  options.onLog(
    `accelerated clock: analysis ${timing.analysisWindowSeconds}s, canary ${timing.canarySeconds}s (initial delay ${timing.initialDelaySeconds}s), a new cycle ${timing.gapSeconds}s after the last, a pass every ${timing.tickSeconds}s (a canary look every ${timing.lookSeconds}s); first cycle at ${new Date(options.firstCycleAt).toISOString()}`,
  );

  let nextCycleAt = options.firstCycleAt;
  let lastLook = 0;
  let stopped = false;
  let passing: Promise<void> = Promise.resolve();
  const pass = async () => {
    const now = Date.now();
    const state = await runner.state();
    if (state.phase === 'idle') {
      if (now < nextCycleAt) return;
      // A new slot: the runner's daily time moves to this minute, so its next pass starts a cycle.
      runner.db.close();
      runner = open(now);
    }
    if (state.phase === 'canary') {
      if (now - lastLook < timing.lookSeconds * 1000) return;
      lastLook = now;
    }
    await runner.tick();
    const after = await runner.state();
    if (state.phase !== 'idle' && after.phase === 'idle') nextCycleAt = now + timing.gapSeconds * 1000;
    if (state.phase === 'idle' && after.phase === 'idle') nextCycleAt = now + timing.gapSeconds * 1000;
  };
  const timer = setInterval(() => {
    if (stopped) return;
    passing = passing.then(pass).catch((error: unknown) => options.onLog(`pass failed: ${(error as Error).message}`));
  }, timing.tickSeconds * 1000);
  return {
    metricsUrl,
    seed,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await passing;
      runner.db.close();
      await telemetry.shutdown();
    },
  };
}
