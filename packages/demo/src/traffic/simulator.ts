import { matchesAll, type SeriesLabels } from '../model/series.js';
import type { ActiveEffects, Effect, EffectAction } from './effect.js';
import type { GaugeBehaviour, MetricPlan, SeriesPlan } from './plan.js';
import { Bursts, dailyShape, seededRandom } from './signal.js';

/** Where the simulator records: the instrumentation handles of one metric. */
export interface RecordingHandle {
  add?(value: number, attributes?: SeriesLabels): void;
  record?(value: number, attributes?: SeriesLabels): void;
}

/** Options of a simulator. */
export interface SimulatorOptions {
  /** The length of a demo day in seconds (86400: real time; less compresses the daily shape). */
  dayLengthSeconds: number;
  seed: number;
}

interface SeriesState {
  plan: MetricPlan;
  series: SeriesPlan;
  handle: RecordingHandle;
  /** Events owed but not yet recorded (counters count whole events). */
  owed: number;
  /** The healthy per-second rate, scenario aside (for `share` effects). */
  healthyRate: number;
}

/**
 * Turns healthy plans (and a scenario's effects) into recordings, one step at a time. It reads no
 * clock: `step(nowMs)` is given the time, so tests can drive it at any pace.
 */
export class Simulator {
  private readonly states: SeriesState[];
  private readonly random: () => number;
  private readonly bursts: Bursts;
  private lastMs: number | undefined;

  constructor(
    plans: readonly MetricPlan[],
    handles: ReadonlyMap<string, RecordingHandle>,
    private readonly options: SimulatorOptions,
  ) {
    this.random = seededRandom(options.seed);
    this.bursts = new Bursts(seededRandom(options.seed + 1));
    this.states = plans.flatMap((plan) => {
      const handle = handles.get(plan.metric.name);
      if (!handle) return [];
      return plan.series.map((series) => ({ plan, series, handle, owed: 0, healthyRate: series.type === 'gauge' ? 0 : series.rate }));
    });
  }

  /** Records what happened since the previous step (the first step only sets gauges). */
  step(nowMs: number, active?: ActiveEffects): void {
    const first = this.lastMs === undefined;
    const dt = this.lastMs === undefined ? 0 : Math.max(0, (nowMs - this.lastMs) / 1000);
    this.lastMs = nowMs;
    const now = nowMs / 1000;
    const shape = dailyShape(now, this.options.dayLengthSeconds);
    const burst = this.bursts.at(now, dt);
    const elapsed = active ? Math.max(0, (nowMs - active.startedAtMs) / 1000) : 0;
    if (first) this.initialize();
    for (const state of this.states) {
      const effect = active?.effects.find((e) => e.metric === state.plan.metric.name && matchesAll(state.series.labels, e.matchers));
      this.stepSeries(state, { now, dt, shape, burst, elapsed }, effect);
    }
  }

  /**
   * Every series exists from the first scrape: counters at 0 (as an instrumented service
   * initializes them), histograms with one healthy observation (the job ran once).
   */
  private initialize(): void {
    for (const { series, handle } of this.states) {
      if (series.type === 'counter') handle.add?.(0, series.labels);
      else if (series.type === 'histogram') handle.record?.((series.low + series.high) / 2, series.labels);
    }
  }

  private stepSeries(state: SeriesState, t: { now: number; dt: number; shape: number; burst: number; elapsed: number }, effect: Effect | undefined): void {
    const { series, handle } = state;
    const action = effect?.action;
    switch (series.type) {
      case 'gauge': {
        const value = this.gaugeValue(series.behaviour, series.labels, t, action);
        if (value !== undefined) handle.record?.(value, series.labels);
        return;
      }
      case 'counter': {
        const rate = this.rateOf(state, t, effect);
        // Event counts go up in whole events; amounts (kg, kWh, bytes, seconds) by any fraction.
        const amount = state.plan.metric.unit !== '1' && state.plan.metric.unit !== '';
        if ((series.smooth && !action) || amount) {
          if (rate * t.dt > 0) handle.add?.(rate * t.dt, series.labels);
          return;
        }
        state.owed += rate * t.dt;
        const whole = Math.floor(state.owed);
        if (whole > 0) {
          handle.add?.(whole, series.labels);
          state.owed -= whole;
        }
        return;
      }
      case 'histogram': {
        state.owed += this.rateOf(state, t, effect) * t.dt;
        while (state.owed >= 1) {
          state.owed -= 1;
          const u = this.random();
          const value = action?.kind === 'observe' ? action.value * (0.9 + 0.2 * u) : series.low + (series.high - series.low) * u * u;
          handle.record?.(value, series.labels);
        }
        return;
      }
    }
  }

  private rateOf(state: SeriesState, t: { shape: number; burst: number }, effect: Effect | undefined): number {
    const action = effect?.action;
    const series = state.series;
    if (series.type === 'gauge') return 0;
    const shaped = series.rate * (1 + 0.35 * t.shape);
    // Anomaly-watched counters keep a steady rate (see the healthy plan: a trend on a short history is an anomaly).
    const healthy = series.smooth ? series.rate : shaped * (0.85 + 0.3 * this.random()) * t.burst;
    if (!action) return healthy;
    switch (action.kind) {
      case 'scale':
        return shaped * action.factor;
      case 'rate':
        return action.perSecond;
      case 'share': {
        const of = this.states.filter((s) => s.plan.metric.name === action.of.metric && matchesAll(s.series.labels, action.of.matchers));
        const matching = this.states.filter((s) => s.plan.metric.name === state.plan.metric.name && matchesAll(s.series.labels, effect?.matchers ?? [])).length || 1;
        const total = of.reduce((n, s) => n + s.healthyRate, 0) * (1 + 0.35 * t.shape);
        return (total * action.share) / matching;
      }
      case 'observe':
        return Math.max(healthy, 1);
      default:
        return healthy;
    }
  }

  private gaugeValue(behaviour: GaugeBehaviour, labels: SeriesLabels, t: { now: number; shape: number; elapsed: number }, action: EffectAction | undefined): number | undefined {
    if (behaviour.kind === 'timestamp') {
      if (action?.kind === 'age') return Math.floor(t.now - action.seconds);
      // A job that ran at the last multiple of its period (plus a few seconds of work).
      return Math.floor(t.now / behaviour.periodSeconds) * behaviour.periodSeconds + 7;
    }
    const noise = behaviour.noise * (2 * this.random() - 1);
    let value = behaviour.level + behaviour.swing * t.shape + noise;
    if (action) {
      switch (action.kind) {
        case 'set':
          return action.value;
        case 'one_hot':
          return labels[action.label] === action.value ? 1 : 0;
        case 'ramp':
          value = behaviour.level + action.perSecond * Math.min(t.elapsed, action.seconds);
          break;
        case 'scale':
          value = value * action.factor;
          break;
        default:
          break;
      }
    }
    if (behaviour.min !== undefined) value = Math.max(behaviour.min, value);
    if (behaviour.max !== undefined) value = Math.min(behaviour.max, value);
    return behaviour.integer ? Math.round(value) : value;
  }

  /** Metric names a scenario hides from the scrape. */
  static absentMetrics(active: ActiveEffects | undefined): Set<string> {
    return new Set((active?.effects ?? []).filter((e) => e.action.kind === 'absent').map((e) => e.metric));
  }
}
