import { loadModel, type Autopilot } from '@vigil/compiler';
import { describe, expect, it } from 'vitest';
import { SHOP_DEFINITIONS } from '../../../../test/support/fake-prometheus.js';
import { AUTOPILOT_DEFAULTS } from '../core/config.js';
import { judgeCanary } from '../core/judge/judge.js';
import { autopilotContext } from './runner.js';
import { KpiFetcher } from './kpi-fetch.js';
import type { InstantSample, PromQlClient, RangeSeries } from './promql-client.js';

const autopilot = ((): Autopilot => {
  const model = loadModel([{ path: 'defs.yaml', text: SHOP_DEFINITIONS }]);
  if (!model.ok) throw new Error(JSON.stringify(model.issues));
  return model.value.autopilots[0] as Autopilot;
})();
const context = autopilotContext(autopilot);
const start = Date.parse('2026-11-02T03:00:00Z');
const end = start + 60 * 60_000;

/** A client answering from literal data: instant samples per query kind, range series for gauges. */
function client(options: { failed: InstantSample[]; total: InstantSample[]; gauge: (points: number) => RangeSeries[] }): PromQlClient {
  return {
    instant: async (query: string) => ({ ok: true, value: query.includes('status="failed"') ? options.failed : options.total }),
    range: async (_query: string, range: { start: number; end: number; stepSeconds: number }) => ({ ok: true, value: options.gauge(Math.floor((range.end - range.start) / range.stepSeconds) + 1) }),
  } as unknown as PromQlClient;
}
const sample = (variant: string, value: number): InstantSample => ({ labels: { variant }, value, timestamp: end / 1000 });
const series = (variant: string, n: number, value: number): RangeSeries => ({ labels: { variant }, points: Array.from({ length: n }, (_, i) => [start / 1000 + 60 * i, value + (i % 5)]) }) as RangeSeries;
const judge = (observations: Awaited<ReturnType<KpiFetcher['result']>>) =>
  judgeCanary({ kpis: context.kpis, observations, canaryTrafficShare: 0.2, config: AUTOPILOT_DEFAULTS.judge });

describe('KpiFetcher feeding the judge', () => {
  const total = [sample('control', 4_000_000), sample('canary', 1_000_000)];
  const gauges = (n: number) => [series('control', n, 50), series('canary', n, 50)];

  it('makes a KPI whose canary numerator series is missing insufficient, never zero events (finding 3)', async () => {
    const fetcher = new KpiFetcher(client({ failed: [sample('control', 40_000)], total, gauge: gauges }), autopilot);
    const judgement = judge(await fetcher.result(start, end));
    expect(judgement.verdicts[0]).toMatchObject({ kpi: 'failed_orders', verdict: 'insufficient' });
    expect(judgement.decision).toBe('inconclusive');
  });

  it('judges gauge readings only when they cover the canary window: 3 of 61 is insufficient (finding 7)', async () => {
    const sparse = (n: number) => [series('control', n, 50), series('canary', 3, 50)];
    const fetcher = new KpiFetcher(client({ failed: [sample('control', 40_000), sample('canary', 10_000)], total, gauge: sparse }), autopilot);
    const judgement = judge(await fetcher.result(start, end));
    expect(judgement.verdicts[1]).toMatchObject({ kpi: 'basket_value', verdict: 'insufficient' });
    expect(judgement.verdicts[1]!.reason).toMatch(/coverage/);
    expect(judgement.decision).toBe('inconclusive');
    // The same data with every reading present is judged.
    const full = new KpiFetcher(client({ failed: [sample('control', 40_000), sample('canary', 10_000)], total, gauge: gauges }), autopilot);
    expect(judge(await full.result(start, end)).verdicts[1]!.verdict).not.toBe('insufficient');
  });

  it('reads gauges from one minute after the canary starts: the reading at its first instant predates the candidate', async () => {
    const asked: Array<{ start: number; end: number; stepSeconds: number }> = [];
    const gaugeQuery = (query: string) => query.includes('shop_basket_value');
    const recording: PromQlClient = {
      instant: async (query: string) => ({ ok: true, value: query.includes('status="failed"') ? [sample('control', 40_000), sample('canary', 10_000)] : total }),
      range: async (query: string, range: { start: number; end: number; stepSeconds: number }) => {
        if (gaugeQuery(query)) asked.push(range);
        return { ok: true, value: gauges(Math.floor((range.end - range.start) / range.stepSeconds) + 1) };
      },
    } as unknown as PromQlClient;
    const observations = await new KpiFetcher(recording, autopilot).result(start, end);
    expect(asked).toEqual([{ start: start / 1000 + 60, end: end / 1000, stepSeconds: 60 }]);
    const basket = observations.find((o) => o.kpi === 'basket_value');
    expect(basket).toMatchObject({ data: 'samples', coverage: 1 });
    expect(basket?.data === 'samples' && basket.canary.length).toBe(60);
    // A window shorter than a minute has no reading to judge: no data, never a judgement.
    asked.length = 0;
    const short = await new KpiFetcher(recording, autopilot).result(start, start + 30_000);
    expect(asked).toEqual([]);
    expect(judge(short).verdicts[1]).toMatchObject({ kpi: 'basket_value', verdict: 'insufficient' });
  });

  it('measures the traffic that vigil autopilot plan needs: exposure per minute and rate for ratios, dispersion for gauges', async () => {
    const fetcher = new KpiFetcher(client({ failed: [sample('control', 600)], total: [sample('control', 72_000)], gauge: (n) => [series('control', n, 50)] }), autopilot);
    const [orders, basket] = await fetcher.traffic(end, 3_600_000);
    expect(orders).toEqual({ kpi: 'failed_orders', kind: 'counts', exposurePerMinute: 1200, rate: 600 / 72_000 });
    expect(basket).toMatchObject({ kpi: 'basket_value', kind: 'readings', readingsPerMinute: 1 });
  });
});
