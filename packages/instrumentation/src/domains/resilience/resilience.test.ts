import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsecutiveBreaker } from 'cockatiel';
import { createTestMetrics, histogramOf, valueOf, type TestMetrics } from '../shared/test-reader.js';
import { CHORUS_NAMING, createResilienceMetrics, percentile, runStressTest, seededRandom, systemClock } from './index.js';

// cockatiel reads Date.now and setTimeout; faking them runs breaker probes and timeouts on virtual time.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

let test: TestMetrics;
beforeEach(() => {
  test = createTestMetrics();
});
afterEach(() => test.shutdown());

async function settle<T>(promise: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  return promise;
}

describe('protected calls', () => {
  it('records outcomes, latency, breaker transitions and fallbacks under VVTV names', async () => {
    const resilience = createResilienceMetrics({ meter: test.meter });
    const call = resilience.protect<string>({
      timeoutMs: 1_000,
      breaker: new ConsecutiveBreaker(2),
      halfOpenAfterMs: 10_000,
      fallback: () => 'cached',
    });
    const fail = () => Promise.reject(new Error('boom'));
    expect(await settle(call.execute(() => systemClock.sleep(200).then(() => 'fresh')))).toBe('fresh');
    expect(await settle(call.execute(fail))).toBe('cached');
    // A hang past the 1 s timeout counts as a timeout, and the second failure opens the breaker.
    expect(await settle(call.execute((signal) => systemClock.sleep(5_000, signal).then(() => 'late')))).toBe('cached');
    expect(call.state).toBe('open');
    expect(await settle(call.execute(() => Promise.resolve('never')))).toBe('cached');
    vi.advanceTimersByTime(10_001);
    expect(await settle(call.execute(() => Promise.resolve('again')))).toBe('again');
    expect(call.state).toBe('closed');

    const got = await test.collect();
    expect(valueOf(got, 'vvtv_llm_calls', { outcome: 'success' })).toBe(2);
    expect(valueOf(got, 'vvtv_llm_calls', { outcome: 'error' })).toBe(1);
    expect(valueOf(got, 'vvtv_llm_calls', { outcome: 'timeout' })).toBe(1);
    expect(valueOf(got, 'vvtv_llm_calls', { outcome: 'rejected' })).toBe(1);
    expect(valueOf(got, 'vvtv_llm_fallback_activations')).toBe(3);
    expect(valueOf(got, 'vvtv_llm_circuit_breaker_transitions', { to_state: 'open' })).toBe(1);
    expect(valueOf(got, 'vvtv_llm_circuit_breaker_transitions', { to_state: 'half_open' })).toBe(1);
    expect(valueOf(got, 'vvtv_llm_circuit_breaker_transitions', { to_state: 'closed' })).toBe(1);
    expect(valueOf(got, 'vvtv_llm_circuit_breaker_state', { state: 'closed' })).toBe(1);
    expect(valueOf(got, 'vvtv_llm_circuit_breaker_state', { state: 'open' })).toBe(0);
    const latency = histogramOf(got, 'vvtv_llm_call_duration_seconds');
    expect(latency?.count).toBe(5);
    expect(latency?.max).toBeCloseTo(1, 3);
    expect(latency?.buckets.boundaries).toEqual([0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
  });

  it('retries with backoff and labels Chorus services', async () => {
    const resilience = createResilienceMetrics({ meter: test.meter, naming: CHORUS_NAMING });
    const call = resilience.protect<number>({ service: 'redis', retries: 2, backoff: { initialDelayMs: 1_000, maxDelayMs: 30_000 } });
    let attempts = 0;
    const value = await settle(call.execute(async () => (++attempts < 3 ? Promise.reject(new Error('down')) : 42)));
    expect(value).toBe(42);
    resilience.recordTokens({ prompt: 120, completion: 30 }, 'external_api');
    const got = await test.collect();
    expect(valueOf(got, 'chorus_retries', { service: 'redis' })).toBe(2);
    expect(valueOf(got, 'chorus_circuit_breaker_failures', { service: 'redis' })).toBe(2);
    expect(valueOf(got, 'chorus_calls', { service: 'redis', outcome: 'success' })).toBe(1);
    expect(valueOf(got, 'chorus_tokens', { service: 'external_api', token_type: 'prompt' })).toBe(120);
    expect(() => resilience.protect({ service: 'postgres' })).toThrow(/service must be one of redis/);
  });
});

describe('stress harness', () => {
  it('runs 000 P7 (1000 concurrent calls, 10% failures, 1 s / 5 s / 30 s) on virtual time', async () => {
    const resilience = createResilienceMetrics({ meter: test.meter });
    const run = runStressTest({ resilience, clock: systemClock, random: seededRandom(7) });
    const results = await settle(run);
    expect(results.map((r) => r.timeoutMs)).toEqual([1_000, 5_000, 30_000]);
    for (const result of results) {
      expect(result.totalCalls).toBe(1000);
      expect(result.successfulCalls + result.failedCalls + result.timedOutCalls + result.rejectedCalls).toBe(1000);
      // ~10% injected failures and ~5% hangs, all answered by the fallback.
      expect(result.failedCalls).toBeGreaterThan(60);
      expect(result.failedCalls).toBeLessThan(140);
      expect(result.timedOutCalls).toBeGreaterThan(20);
      expect(result.fallbackActivationRate).toBeCloseTo((1000 - result.successfulCalls) / 1000, 10);
      // Hung calls are cut at the timeout, so the p95 lands at the scenario's timeout at most.
      expect(result.p95LatencyMs).toBeLessThanOrEqual(result.timeoutMs);
    }
    const got = await test.collect();
    expect(valueOf(got, 'vvtv_llm_calls', { outcome: 'timeout' })).toBe(results.reduce((n, r) => n + r.timedOutCalls, 0));
  });

  it('reports breaker transitions and rejections when failures dominate', async () => {
    const resilience = createResilienceMetrics({ meter: test.meter });
    const run = runStressTest({
      resilience,
      clock: systemClock,
      random: seededRandom(1),
      breaker: () => new ConsecutiveBreaker(3),
      halfOpenAfterMs: 2_000,
      config: { concurrentCalls: 4, totalCalls: 200, timeoutScenariosMs: [1_000], failureRate: 0.6, hangRate: 0, thinkTimeMs: 100 },
    });
    const [result] = await settle(run);
    expect(result?.breakerTransitions[0]?.to).toBe('open');
    expect(result?.breakerTransitions.some((t) => t.to === 'half_open')).toBe(true);
    expect(result?.rejectedCalls).toBeGreaterThan(0);
    expect(result?.fallbackActivationRate).toBeGreaterThan(0.6);
  });

  it('computes nearest-rank percentiles', () => {
    expect(percentile([5, 1, 4, 2, 3], 95)).toBe(5);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([], 95)).toBe(0);
  });
});
