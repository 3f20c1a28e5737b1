import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { startTelemetry } from '@vigil/instrumentation';
import { loadModel, type Autopilot } from '@vigil/compiler';
import { readDefinitionsDir } from '../../../../test/support/definitions.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakePrometheus, SHOP_DEFINITIONS } from '../../../../test/support/fake-prometheus.js';
import { initialAutopilotState, type AutopilotState } from '../core/cycle.js';
import type { KpiVerdict } from '../core/judge/judge.js';
import { ControllerMetrics } from './controller-metrics.js';
import { AutopilotRunner, autopilotContext, type AutopilotNotice } from './runner.js';

const REPO = resolve(import.meta.dirname, '../../../..');

/** A pull reader: the test collects when it wants to look. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Every collected point, as `name{label="value",...}` -> value (histograms: their count and sum). */
async function points(reader: TestReader): Promise<Map<string, number>> {
  const { resourceMetrics } = await reader.collect();
  const out = new Map<string, number>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      for (const point of metric.dataPoints as DataPoint<number | Histogram>[]) {
        const labels = Object.entries(point.attributes)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k}="${String(v)}"`)
          .join(',');
        const name = `${metric.descriptor.name}{${labels}}`;
        if (typeof point.value === 'number') out.set(name, point.value);
        else {
          out.set(`${metric.descriptor.name}_count{${labels}}`, point.value.count);
          out.set(`${metric.descriptor.name}_sum{${labels}}`, point.value.sum ?? Number.NaN);
        }
      }
    }
  }
  return out;
}

let dir: string;
let clock: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-controller-metrics-'));
  await writeFile(join(dir, 'card.yaml'), 'pricing:\n  discount: 0.1 # tuned by the autopilot\n');
  clock = Date.parse('2026-11-02T03:00:30Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function shopAutopilot(url: string): Autopilot {
  const model = loadModel([{ path: 'defs.yaml', text: SHOP_DEFINITIONS.replace('state_file: state.db', `state_file: state.db\n  prometheus_url: ${url}`) }]);
  if (!model.ok) throw new Error(JSON.stringify(model.issues));
  return model.value.autopilots[0] as Autopilot;
}

/** A runner for the `shop` test definitions whose metrics go to an in-memory reader. */
async function meteredRunner(url: string): Promise<{ pilot: AutopilotRunner; reader: TestReader; metrics: ControllerMetrics }> {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  const autopilot = shopAutopilot(url);
  const metrics = new ControllerMetrics({ meter: provider.getMeter('test'), prefix: autopilot.metricsPrefix, context: autopilotContext(autopilot), now: () => clock });
  const notices: AutopilotNotice[] = [];
  const pilot = new AutopilotRunner({
    autopilot,
    root: dir,
    now: () => clock,
    notify: metrics.notifier((n) => void notices.push(n)),
    onStep: (state, actions) => metrics.observe(state, actions),
    seed: 7,
  });
  metrics.prime(await pilot.state());
  return { pilot, reader, metrics };
}

async function runCycle(pilot: AutopilotRunner): Promise<void> {
  await pilot.start();
  await pilot.tick();
  for (let minute = 0; minute < 75; minute++) {
    clock += 60_000;
    await pilot.tick();
    if ((await pilot.state()).phase === 'idle') return;
  }
}

describe('ControllerMetrics', () => {
  it('counts a promoted cycle: status, canary result, changes, working time without the canary wait', async () => {
    const prometheus = await fakePrometheus(() => ({ canaryFailed: 9_900, canaryBasket: 52 }));
    try {
      const { pilot, reader } = await meteredRunner(prometheus.url);
      expect(shopAutopilot(prometheus.url).metricsPrefix).toBe('vigil_autopilot');
      await runCycle(pilot);
      const [cycle] = pilot.db.listCycles();
      expect(cycle?.status).toBe('completed');
      const got = await points(reader);
      expect(got.get('vigil_autopilot_cycles{status="completed"}')).toBe(1);
      expect(got.get('vigil_autopilot_cycles{status="rolled_back"}')).toBe(0);
      expect(got.get('vigil_autopilot_canary_results{recommendation="proceed"}')).toBe(1);
      expect(got.get('vigil_autopilot_parameter_changes{change_type="exploration"}')).toBe(1);
      expect(got.get('vigil_autopilot_rollbacks{trigger="kpi_gate"}')).toBe(0);
      // The 60-minute canary is the design's wait, not the cycle's working time.
      expect(got.get('vigil_autopilot_cycle_duration_seconds_count{}')).toBe(1);
      expect(got.get('vigil_autopilot_cycle_duration_seconds_sum{}')).toBeLessThan(60);
      expect(got.get('vigil_autopilot_last_cycle_timestamp_seconds{}')).toBe(clock / 1000);
      expect(got.get('vigil_autopilot_consecutive_failures{}')).toBe(0);
      expect(got.get('vigil_autopilot_paused{reason="drift"}')).toBe(0);
      expect(got.get('vigil_autopilot_parameter_rollback_count{parameter="discount"}')).toBe(0);
      const confidence = got.get('vigil_autopilot_canary_confidence_ratio{}');
      expect(confidence).toBeGreaterThan(0);
      expect(confidence).toBeLessThanOrEqual(1);
      // The first pass runs the weekly triage (none has run yet).
      expect(got.get('vigil_autopilot_triage_last_run_timestamp_seconds{}')).toBe(Date.parse('2026-11-02T03:00:30Z') / 1000);
      pilot.db.close();
    } finally {
      await prometheus.close();
    }
  }, 60_000);

  it('counts a rolled-back cycle: failure, rollback trigger, bounds contraction, rollback count', async () => {
    const prometheus = await fakePrometheus(() => ({ canaryFailed: 40_000, canaryBasket: 50 }));
    try {
      const { pilot, reader } = await meteredRunner(prometheus.url);
      await runCycle(pilot);
      const [record] = (await pilot.state()).cycles;
      const got = await points(reader);
      expect(got.get('vigil_autopilot_cycles{status="rolled_back"}')).toBe(1);
      expect(got.get('vigil_autopilot_cycle_failures{reason="canary_failure"}')).toBe(1);
      expect(got.get('vigil_autopilot_canary_results{recommendation="rollback"}')).toBe(1);
      const trigger = record?.outcome === 'early-stopped' ? 'canary_degradation' : 'kpi_gate';
      expect(got.get(`vigil_autopilot_rollbacks{trigger="${trigger}"}`)).toBe(1);
      expect(got.get('vigil_autopilot_bounds_adjustments{kind="contraction"}')).toBe(1);
      expect(got.get('vigil_autopilot_parameter_rollback_count{parameter="discount"}')).toBe(1);
      expect(got.get('vigil_autopilot_consecutive_failures{}')).toBe(1);
      pilot.db.close();
    } finally {
      await prometheus.close();
    }
  }, 60_000);

  it('shows pauses by reason, drift events, the prediction error and failed rollbacks', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const context = autopilotContext(shopAutopilot('http://127.0.0.1:9'));
    const metrics = new ControllerMetrics({ meter: provider.getMeter('test'), prefix: 'shop_pilot', context, now: () => clock });
    const base = initialAutopilotState(context, { discount: 0.1 }, clock, 1);
    metrics.prime(base);
    const decided = (i: number, predicted: number, realised: number) => ({
      cycleId: `c${i}`,
      startedAt: clock - 3_600_000,
      completedAt: clock - 60_000 * (10 - i),
      outcome: 'promoted' as const,
      reason: 'ok',
      changes: [],
      predictedKpiChanges: { failed_orders: predicted },
      realisedKpiChanges: { failed_orders: realised },
    });
    // Two promoted cycles: errors |0.1-0.05|/0.1 = 0.5 and 0: the mean is 0.25.
    const cycles = [decided(1, -0.1, -0.05), decided(2, -0.02, -0.02)];
    metrics.observe({ ...base, cycles });
    expect((await points(reader)).get('shop_pilot_prediction_error_ratio{}')).toBeCloseTo(0.25, 10);
    // During a drift pause the window is empty (it starts when the pause ends): the gauge keeps the value that paused it.
    const until = clock + 48 * 3_600_000;
    const drifted: AutopilotState = { ...base, cycles, drift: { pausedUntil: until, lastPauseEndsAt: until, consecutivePauses: 1 } };
    metrics.observe(drifted, [{ type: 'EmitEvent', name: 'drift-detected', severity: 'critical', message: 'prediction-error-high, rollback-rate-high (prediction error 42.0% over 5 cycles, ...)', attributes: {} }]);
    await metrics.notifier(() => undefined)({ name: 'action-failed', severity: 'critical', message: 'Rollback: EACCES', attributes: { action: 'Rollback' } });
    let got = await points(reader);
    expect(got.get('shop_pilot_paused{reason="drift"}')).toBe(1);
    expect(got.get('shop_pilot_paused{reason="validation_failure"}')).toBe(0);
    expect(got.get('shop_pilot_paused{reason="emergency"}')).toBe(0);
    expect(got.get('shop_pilot_drift_events{action="pause_autopilot",event_type="prediction_error_high"}')).toBe(1);
    expect(got.get('shop_pilot_drift_events{action="pause_autopilot",event_type="rollback_rate_high"}')).toBe(1);
    expect(got.get('shop_pilot_rollback_verification_failures{}')).toBe(1);
    expect(got.get('shop_pilot_prediction_error_ratio{}')).toBeCloseTo(0.25, 10);
    // A validation failure pauses without ending a drift pause; an operator pause is an emergency.
    metrics.observe({ ...drifted, drift: { ...drifted.drift, lastPauseEndsAt: undefined }, emergencyPause: true, manualOverrideUntil: clock + 1 });
    got = await points(reader);
    expect(got.get('shop_pilot_paused{reason="drift"}')).toBe(0);
    expect(got.get('shop_pilot_paused{reason="validation_failure"}')).toBe(1);
    expect(got.get('shop_pilot_paused{reason="emergency"}')).toBe(1);
    expect(got.get('shop_pilot_paused{reason="manual_override"}')).toBe(1);
    // Pauses end with time, without any new state.
    clock = until + 1;
    metrics.observe({ ...drifted, emergencyPause: false });
    got = await points(reader);
    expect([...got].filter(([name, value]) => name.startsWith('shop_pilot_paused') && value !== 0)).toEqual([]);
    await provider.shutdown();
  });

  it("produces, on its Prometheus endpoint, every vvtv_autopilot_* metric of the VVTV alerts and dashboards with the catalog's type", async () => {
    const model = loadModel(await readDefinitionsDir(join(REPO, 'definitions'), REPO));
    if (!model.ok) throw new Error(model.issues.map((i) => `${i.file}:${i.line}: ${i.message}`).join('\n'));
    const autopilot = model.value.autopilots.find((a) => a.metricsPrefix === 'vvtv_autopilot');
    expect(autopilot?.metricsEndpoint).toEqual({ service: 'vvtv-autopilot', port: 9465 });
    if (!autopilot) return;
    const catalog = model.value.metrics.filter((m) => m.name.startsWith('vvtv_autopilot_'));
    const watched = JSON.stringify([model.value.alerts, model.value.dashboards]);
    const used = catalog.filter((m) => watched.includes(`"${m.name}"`) || watched.includes(m.promName));
    expect(used.length).toBeGreaterThanOrEqual(15);

    const telemetry = await startTelemetry({ service: { name: 'vvtv-autopilot' }, prometheus: { port: 0, host: '127.0.0.1' }, registerGlobal: false, shutdownSignals: [] });
    try {
      const context = autopilotContext(autopilot);
      const metrics = new ControllerMetrics({ meter: telemetry.meter, prefix: autopilot.metricsPrefix, context, now: () => clock });
      const state = initialAutopilotState(context, {}, clock, 1);
      metrics.prime(state);
      const kpi = context.kpis[0]?.name ?? 'selection_entropy';
      const record = { cycleId: 'c1', startedAt: clock - 120_000, completedAt: clock, outcome: 'promoted' as const, reason: 'ok', changes: [], predictedKpiChanges: { [kpi]: 0.1 }, realisedKpiChanges: { [kpi]: 0.08 } };
      const verdict = { adjustedPValue: 0.6, improvementPValue: 0.01 } as KpiVerdict;
      metrics.observe({ ...state, cycles: [record] }, [
        { type: 'RecordCycle', record: { cycleId: 'c1', status: 'running', startedAt: record.startedAt, decision: { kind: 'promote', outcome: 'promoted', reason: 'ok', at: clock, realisedKpiChanges: {}, verdicts: [verdict] } } },
        { type: 'PublishTriage', reportId: 't', markdown: '', json: '{"patchSuggestions":[]}' },
      ]);
      const body = await (await fetch(`http://127.0.0.1:${telemetry.prometheus?.port}/metrics`)).text();
      const types = new Map([...body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
      const samples = new Set([...body.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)].map((m) => m[1]));
      for (const metric of used) {
        const family = metric.type === 'counter' ? metric.promName.replace(/_total$/, '') : metric.promName;
        const type = types.get(family) ?? types.get(metric.promName);
        expect(type, `${metric.name} (${metric.promName})`).toBe(metric.type);
        const sample = metric.type === 'histogram' ? `${metric.promName}_bucket` : metric.promName;
        expect(samples.has(sample), `${sample} in the scrape`).toBe(true);
      }
    } finally {
      await telemetry.shutdown();
    }
  });
});
