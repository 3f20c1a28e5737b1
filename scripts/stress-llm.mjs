// Runs the LLM stress harness (packages/instrumentation, resilience) on the real clock with
// small numbers, against a simulated LLM: `npm run build && node scripts/stress-llm.mjs`.
// Options: --calls N --concurrency N --failure-rate R --timeouts 200,500 (ms).
import { parseArgs } from 'node:util';
import {
  createResilienceMetrics,
  runStressTest,
  seededRandom,
  systemClock,
} from '../packages/instrumentation/dist/domains/resilience/index.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '50' },
    'failure-rate': { type: 'string', default: '0.1' },
    timeouts: { type: 'string', default: '100,250,500' },
    seed: { type: 'string', default: '1' },
  },
});

const results = await runStressTest({
  resilience: createResilienceMetrics(),
  clock: systemClock,
  random: seededRandom(Number(values.seed)),
  halfOpenAfterMs: 200,
  config: {
    totalCalls: Number(values.calls),
    concurrentCalls: Number(values.concurrency),
    failureRate: Number(values['failure-rate']),
    hangRate: 0.05,
    // Healthy latency scaled down with the timeouts so a run takes seconds.
    latencyMs: { min: 10, max: 90 },
    thinkTimeMs: 5,
    timeoutScenariosMs: values.timeouts.split(',').map(Number),
  },
});
for (const r of results) {
  console.log(
    `timeout ${r.timeoutMs} ms: ${r.successfulCalls}/${r.totalCalls} ok, ${r.failedCalls} failed, ` +
      `${r.timedOutCalls} timed out, ${r.rejectedCalls} rejected, p95 ${r.p95LatencyMs.toFixed(1)} ms, ` +
      `fallback rate ${(r.fallbackActivationRate * 100).toFixed(1)}%, ` +
      `breaker ${r.breakerTransitions.map((t) => t.to).join(' > ') || 'stayed closed'}`,
  );
}
