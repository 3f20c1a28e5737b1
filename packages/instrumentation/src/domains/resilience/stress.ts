import type { IBreaker } from 'cockatiel';
import { breakerStateName, type ResilienceMetrics } from './protected-call.js';
import type { BreakerStateName } from './catalog.js';
import type { Clock } from './clock.js';

/** A stress run's shape. Defaults are 000 P7's `llm_stress` block. */
export interface StressConfig {
  /** Calls in flight at once. Default 1000. */
  concurrentCalls: number;
  /** Calls per timeout scenario. Default 1000. */
  totalCalls: number;
  /** Timeout of each scenario in ms. Default 1 s, 5 s, 30 s. */
  timeoutScenariosMs: readonly number[];
  /** Share of calls that fail with an error. Default 0.1. */
  failureRate: number;
  /** Share of calls that hang past the scenario's timeout. Default 0.05 (ours). */
  hangRate: number;
  /** Latency of a healthy call, drawn uniformly in ms. Default 100 to 900 (ours). */
  latencyMs: { min: number; max: number };
  /** Pause of each caller between two calls in ms, so a run spans the breaker's half-open delay. Default 0. */
  thinkTimeMs: number;
}

/** 000 P7: 1000 concurrent calls, 10% failures, timeouts of 1 s, 5 s and 30 s. */
export const DEFAULT_STRESS_CONFIG: StressConfig = {
  concurrentCalls: 1000,
  totalCalls: 1000,
  timeoutScenariosMs: [1_000, 5_000, 30_000],
  failureRate: 0.1,
  hangRate: 0.05,
  latencyMs: { min: 100, max: 900 },
  thinkTimeMs: 0,
};

/** A breaker transition seen during a scenario, at ms since the scenario started. */
export interface BreakerTransition {
  atMs: number;
  to: BreakerStateName;
}

/** The result of one timeout scenario (000's StressTestResult). */
export interface StressScenarioResult {
  timeoutMs: number;
  totalCalls: number;
  successfulCalls: number;
  failedCalls: number;
  timedOutCalls: number;
  rejectedCalls: number;
  fallbackActivations: number;
  fallbackActivationRate: number;
  p95LatencyMs: number;
  breakerTransitions: BreakerTransition[];
}

/** Inputs of {@link runStressTest}: the clock and randomness are injected so runs are reproducible. */
export interface StressOptions {
  resilience: ResilienceMetrics;
  clock: Clock;
  /** Uniform [0, 1) source; pass a seeded one (see {@link seededRandom}) for reproducible runs. */
  random: () => number;
  config?: Partial<StressConfig>;
  /** Breaker factory per scenario (each scenario starts closed). Default: the module's default. */
  breaker?: () => IBreaker;
  halfOpenAfterMs?: number;
}

/** Mulberry32: a small seeded PRNG, enough for failure injection. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest-rank percentile of a sample (0 for an empty one). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

class InjectedFailure extends Error {
  override readonly name = 'InjectedFailure';
}

const FALLBACK = Symbol('fallback');

/**
 * Drives a protected call with injected failures and hangs, once per timeout scenario, and
 * reports p95 latency, breaker transitions and the fallback rate. Latency is measured on the
 * injected clock, so on virtual time a 30 s scenario takes no real 30 s.
 */
export async function runStressTest(options: StressOptions): Promise<StressScenarioResult[]> {
  const config = { ...DEFAULT_STRESS_CONFIG, ...options.config };
  const { clock, random } = options;
  const results: StressScenarioResult[] = [];
  for (const timeoutMs of config.timeoutScenariosMs) {
    let fallbackActivations = 0;
    const call = options.resilience.protect<string | typeof FALLBACK>({
      timeoutMs,
      ...(options.breaker ? { breaker: options.breaker() } : {}),
      ...(options.halfOpenAfterMs !== undefined ? { halfOpenAfterMs: options.halfOpenAfterMs } : {}),
      fallback: () => {
        fallbackActivations++;
        return FALLBACK;
      },
    });
    const started = clock.now();
    const breakerTransitions: BreakerTransition[] = [];
    const subscription = call.breaker.onStateChange((state) =>
      breakerTransitions.push({ atMs: clock.now() - started, to: breakerStateName(state) }),
    );
    const latencies: number[] = [];
    const counts = { success: 0, error: 0, timeout: 0, rejected: 0 };
    let next = 0;
    const worker = async () => {
      while (next < config.totalCalls) {
        next++;
        const draw = random();
        const fails = draw < config.failureRate;
        const hangs = !fails && draw < config.failureRate + config.hangRate;
        const latency = hangs
          ? timeoutMs * 2
          : config.latencyMs.min + random() * (config.latencyMs.max - config.latencyMs.min);
        let ran = false;
        const callStarted = clock.now();
        const result = await call.execute(async (signal) => {
          ran = true;
          await clock.sleep(latency, signal);
          if (fails) throw new InjectedFailure('injected failure');
          return 'ok';
        });
        latencies.push(clock.now() - callStarted);
        // The fallback answers every failed call, so the outcome is read from what was injected;
        // a call that never ran was rejected by the open breaker.
        if (result !== FALLBACK) counts.success++;
        else if (!ran) counts.rejected++;
        else if (hangs) counts.timeout++;
        else counts.error++;
        if (config.thinkTimeMs > 0) await clock.sleep(config.thinkTimeMs);
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrentCalls, config.totalCalls) }, worker));
    subscription.dispose();
    const total = config.totalCalls;
    results.push({
      timeoutMs,
      totalCalls: total,
      successfulCalls: counts.success,
      failedCalls: counts.error,
      timedOutCalls: counts.timeout,
      rejectedCalls: counts.rejected,
      fallbackActivations,
      fallbackActivationRate: total === 0 ? 0 : fallbackActivations / total,
      p95LatencyMs: percentile(latencies, 95),
      breakerTransitions,
    });
  }
  return results;
}
