/**
 * Monte Carlo check of the judge under repeated looks: a canary watched every minute by
 * {@link watchCanary} and judged at the end by {@link judgeCanary}, on simulated Bernoulli traffic
 * drawn from a seeded generator. Used by the tests (false-alarm rate and power) and printed by
 * `scripts/simulate-autopilot.mjs`.
 */
import type { JudgeConfig, KpiDefinition } from '../config.js';
import { betaVariateByCorrelation, binomialVariate, createRng, poissonVariate, type Rng } from '../rng.js';
import { judgeCanary, watchCanary } from './judge.js';
import type { Counts } from './rate-tests.js';

/** One Monte Carlo scenario. */
export interface CanaryScenario {
  runs: number;
  minutes: number;
  requestsPerMinute: number;
  canaryTrafficShare: number;
  /** Control conversion probability. */
  baselineRate: number;
  /** Relative change of the canary's rate (-0.05 = 5% fewer conversions; 0 = A/A). */
  canaryRelativeChange: number;
  kpi: KpiDefinition;
  config: JudgeConfig;
  seed: number;
  /**
   * Traffic split by user instead of by request: each user sends a Poisson number of requests
   * (mean `requestsPerUser`) spread uniformly over the window and converts with its own
   * probability, drawn from a beta of the scenario's rate and `intraClusterCorrelation`. With
   * `sessionMinutes` a user's requests fall within that many minutes from a random start (a
   * session) instead of anywhere in the window.
   */
  users?: { requestsPerUser: number; intraClusterCorrelation: number; sessionMinutes?: number };
  /**
   * Hand the watcher and the judge the per-minute counts, as the fetch stage does, so they can
   * estimate the dispersion (default true).
   */
  buckets?: boolean;
}

/** Outcome counts of a scenario. */
export interface CanaryScenarioResult {
  runs: number;
  /** Runs stopped early by the watcher. */
  earlyStops: number;
  /** Runs not stopped early whose final judgement was a rollback. */
  finalRollbacks: number;
  /** Runs that ended in a rollback either way. */
  rollbacks: number;
  /** Share of runs rolled back. */
  rollbackRate: number;
  /** Mean minute of the early stops. */
  meanStopMinute: number;
  /** Wilson 95% interval of {@link rollbackRate}: an A/A scenario shows its level only when the upper end is at most alpha. */
  interval: [number, number];
}

/**
 * Wilson score interval for `k` successes in `n` runs (95% by default). Used for the simulation
 * table: a Monte Carlo rate is a sample, and 1,000 runs cannot show a true 3.5% under 5% (the
 * upper end sits near 4.8%), so A/A scenarios take the runs their bound needs.
 */
export function wilsonInterval(k: number, n: number, z = 1.959963984540054): [number, number] {
  if (n <= 0) return [0, 1];
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Runs a scenario. Deterministic for a given seed. */
export function simulateCanaryRuns(s: CanaryScenario): CanaryScenarioResult {
  const rng = createRng(s.seed);
  const canaryPerMinute = Math.round(s.requestsPerMinute * s.canaryTrafficShare);
  const controlPerMinute = s.requestsPerMinute - canaryPerMinute;
  const canaryRate = s.baselineRate * (1 + s.canaryRelativeChange);
  let earlyStops = 0;
  let finalRollbacks = 0;
  let stopMinutes = 0;
  for (let run = 0; run < s.runs; run++) {
    const minutes = s.users ? userTraffic(rng, s, canaryRate) : undefined;
    const control = { kind: 'counts' as const, events: 0, exposure: 0 };
    const canary = { kind: 'counts' as const, events: 0, exposure: 0 };
    const buckets = { control: [] as Counts[], canary: [] as Counts[] };
    const withBuckets = s.buckets ?? true;
    let stopped = false;
    for (let minute = 1; minute <= s.minutes; minute++) {
      const m = minutes
        ? minutes[minute - 1]!
        : { control: { events: binomialVariate(rng, controlPerMinute, s.baselineRate), exposure: controlPerMinute }, canary: { events: binomialVariate(rng, canaryPerMinute, canaryRate), exposure: canaryPerMinute } };
      control.events += m.control.events;
      control.exposure += m.control.exposure;
      canary.events += m.canary.events;
      canary.exposure += m.canary.exposure;
      buckets.control.push(m.control);
      buckets.canary.push(m.canary);
      if (watchCanary([s.kpi], [{ kpi: s.kpi.name, control, canary, ...(withBuckets ? { buckets } : {}) }], s.config).alarm) {
        earlyStops++;
        stopMinutes += minute;
        stopped = true;
        break;
      }
    }
    if (stopped) continue;
    const judgement = judgeCanary({
      kpis: [s.kpi],
      observations: [{ kpi: s.kpi.name, data: 'counts', control, canary, query: { expr: s.kpi.query, range: { start: 0, end: s.minutes * 60_000 }, stepSeconds: 60 }, ...(withBuckets ? { buckets } : {}) }],
      canaryTrafficShare: s.canaryTrafficShare,
      config: s.config,
    });
    if (judgement.decision === 'rollback') finalRollbacks++;
  }
  const rollbacks = earlyStops + finalRollbacks;
  return { runs: s.runs, earlyStops, finalRollbacks, rollbacks, rollbackRate: rollbacks / s.runs, meanStopMinute: earlyStops ? stopMinutes / earlyStops : Number.NaN, interval: wilsonInterval(rollbacks, s.runs) };
}

/** One run's per-minute counts when users, not requests, are split (see {@link CanaryScenario.users}). */
function userTraffic(rng: Rng, s: CanaryScenario, canaryRate: number): { control: { events: number; exposure: number }; canary: { events: number; exposure: number } }[] {
  const users = s.users!;
  const minutes = Array.from({ length: s.minutes }, () => ({ control: { events: 0, exposure: 0 }, canary: { events: 0, exposure: 0 } }));
  const count = Math.round((s.requestsPerMinute * s.minutes) / users.requestsPerUser);
  for (let u = 0; u < count; u++) {
    const onCanary = rng.next() < s.canaryTrafficShare;
    const p = betaVariateByCorrelation(rng, onCanary ? canaryRate : s.baselineRate, users.intraClusterCorrelation);
    const requests = poissonVariate(rng, users.requestsPerUser);
    // A session starts anywhere such that it ends within the window (or spans the whole window).
    const span = Math.min(s.minutes, users.sessionMinutes ?? s.minutes);
    const first = Math.floor(rng.next() * (s.minutes - span + 1));
    for (let r = 0; r < requests; r++) {
      const cell = minutes[first + Math.floor(rng.next() * span)]!;
      const group = onCanary ? cell.canary : cell.control;
      group.exposure++;
      if (rng.next() < p) group.events++;
    }
  }
  return minutes;
}
