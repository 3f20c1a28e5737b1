import { readFileSync } from 'node:fs';
import { loadModel, type Autopilot } from '@vigil/compiler';
import { describe, expect, it } from 'vitest';
import { createRng, normalVariate } from '../core/rng.js';
import { formatPlan, parseLookback, planMeasuredTraffic } from './measured-plan.js';
import type { InstantSample, PromQlClient, RangeSeries } from './promql-client.js';

const root = new URL('../../../../', import.meta.url);
/** The VVTV autopilot (definitions/vvtv.yaml, parameters in examples/vvtv/business_logic.yaml). */
const vvtv = ((): Autopilot => {
  const model = loadModel([{ path: 'definitions/vvtv.yaml', text: readFileSync(new URL('definitions/vvtv.yaml', root), 'utf8') }]);
  if (!model.ok) throw new Error(JSON.stringify(model.issues));
  return model.value.autopilots.find((a) => a.service === 'vvtv-core')!;
})();

const now = Date.parse('2026-12-06T12:00:00Z');

/**
 * A fake PromQL edge for a service at `callsPerSecond` LLM calls (1% errors) whose gauges read
 * around 3 with 10% noise; it records the queries it was asked.
 */
function fakeProm(callsPerSecond: number): { client: PromQlClient; asked: string[] } {
  const asked: string[] = [];
  const at = now / 1000;
  const client = {
    instant: async (query: string) => {
      asked.push(query);
      const seconds = Number(/\[(\d+)s\]/.exec(query)?.[1] ?? 0);
      const calls = callsPerSecond * seconds;
      const value: InstantSample[] = query.includes('outcome="error"')
        ? [{ labels: { variant: 'control' }, value: calls * 0.01, timestamp: at }]
        : [{ labels: { variant: 'control' }, value: calls, timestamp: at }];
      return { ok: true, value, warnings: [], query };
    },
    range: async (query: string, range: { start: number; end: number; stepSeconds: number }) => {
      asked.push(query);
      const rng = createRng(query.length);
      const n = Math.floor((range.end - range.start) / range.stepSeconds) + 1;
      const series: RangeSeries[] = [{ labels: {}, points: Array.from({ length: n }, (_, i) => [range.start + i * range.stepSeconds, 3 * (1 + 0.1 * normalVariate(rng))] as [number, number]) }];
      return { ok: true, value: series, warnings: [], query };
    },
  } as unknown as PromQlClient;
  return { client, asked };
}

describe('vigil autopilot plan at the measured traffic (finding 8)', () => {
  it('prints the smallest detectable effect for every KPI of the VVTV autopilot, from a day of traffic', async () => {
    const { client, asked } = fakeProm(20);
    const plan = await planMeasuredTraffic(vvtv, client, now, parseLookback('1d'));
    expect(plan.plans.map((p) => p.kpi)).toEqual(['selection_entropy', 'curator_budget_used', 'novelty_kld', 'llm_error_rate']);
    for (const p of plan.plans) {
      expect(Number.isFinite(p.minimumDetectableEffect)).toBe(true);
      expect(p.minimumDetectableEffect).toBeGreaterThan(0);
    }
    // The day's increase, not the last hour's.
    expect(asked.some((q) => q.includes('[86400s]'))).toBe(true);
    expect(plan.traffic.find((t) => t.kpi === 'llm_error_rate')).toEqual({ kpi: 'llm_error_rate', kind: 'counts', exposurePerMinute: 1200, rate: 0.01 });
    const text = formatPlan(plan, 60);
    expect(text.trim().split('\n')).toHaveLength(4);
    for (const kpi of ['selection_entropy', 'curator_budget_used', 'novelty_kld', 'llm_error_rate']) expect(text).toMatch(new RegExp(`${kpi}: smallest detectable change \\d+\\.\\d% within 60 min`));
    // At 20 calls/s a 1% error rate cannot reach the configured 10% within the hour; at 200/s it can.
    expect(plan.plans[3]!.canDecide).toBe(false);
    const busy = await planMeasuredTraffic(vvtv, fakeProm(200).client, now, parseLookback('7d'));
    expect(busy.plans[3]!.canDecide).toBe(true);
    expect(busy.plans[3]!.minimumDetectableEffect).toBeLessThan(plan.plans[3]!.minimumDetectableEffect);
  });
  it('says why a KPI could not be measured instead of guessing', async () => {
    const { client } = fakeProm(0);
    const plan = await planMeasuredTraffic(vvtv, client, now, parseLookback('1h'));
    expect(plan.plans[3]).toMatchObject({ kpi: 'llm_error_rate', canDecide: false, note: expect.stringMatching(/not estimated: no traffic in the last 1h/) });
    expect(formatPlan(plan, 60)).toMatch(/WARN llm_error_rate: not estimated/);
  });
  it('reads lookbacks such as 1h, 1d and 7d and refuses anything else', () => {
    expect(parseLookback('7d')).toBe(7 * 86_400_000);
    expect(parseLookback('30m')).toBe(1_800_000);
    expect(() => parseLookback('yesterday')).toThrow(/--lookback/);
  });
});
