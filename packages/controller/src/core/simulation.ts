/**
 * A 30-day simulation of the autopilot against a simulated service, on a fake clock, with a seeded
 * generator: the KPIs respond to the parameters with noise, the service's optimum moves half-way
 * (a regime change), and failures are injected (a bug that only shows on canary traffic, a restart
 * in the middle of a canary, a day of missing data, a golden-set failure, a benchmark regression).
 * It drives {@link step} exactly as the edges would: feed events, execute the returned actions.
 */
import type { AutopilotConfig, KpiDefinition, ParameterDefinition } from './config.js';
import { AUTOPILOT_DEFAULTS } from './config.js';
import { initialAutopilotState, step, type Action, type AutopilotContext, type AutopilotEvent, type AutopilotState } from './cycle.js';
import type { CycleOutcome } from './records.js';
import type { KpiObservation, WatchObservation } from './judge/judge.js';
import { slopeOptimizer } from './propose.js';
import { binomialVariate, createRng, normalVariate, type Rng } from './rng.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Simulation knobs. */
export interface SimulationOptions {
  days: number;
  seed: number;
  /** Requests per minute (the canary gets `canaryTrafficShare` of them). */
  requestsPerMinute: number;
  /** Latency samples per minute, all traffic. */
  latencySamplesPerMinute: number;
  /** Day (0-based) the service's optimum moves. */
  regimeChangeDay: number;
  /** Days on which the canary carries a bug: its error rate is multiplied by 1.6. */
  canaryBugDays: number[];
  restartDuringCanaryDays: number[];
  missingDataDays: number[];
  goldenFailureDays: number[];
  benchmarkRegressionDays: number[];
  /** Start of day 0 (epoch ms). */
  start: number;
}

/** Defaults: 200,000 requests/min (40,000 on the canary), regime change on day 15. */
export const SIMULATION_DEFAULTS: SimulationOptions = {
  days: 30,
  seed: 42,
  requestsPerMinute: 200_000,
  latencySamplesPerMinute: 1_000,
  regimeChangeDay: 15,
  canaryBugDays: [11],
  restartDuringCanaryDays: [10],
  missingDataDays: [13],
  goldenFailureDays: [21],
  benchmarkRegressionDays: [28],
  start: Date.UTC(2026, 2, 1),
};

/** The simulated service's parameters. */
export const SIMULATED_PARAMETERS: ParameterDefinition[] = [
  { name: 'ranking_boost', path: 'ranking.boost', type: 'float', initialBounds: { min: 0.2, max: 0.45 }, limits: { min: 0, max: 1 }, step: 0.04 },
  { name: 'novelty_weight', path: 'selection.novelty_weight', type: 'float', initialBounds: { min: 0.1, max: 0.4 }, limits: { min: 0, max: 1 }, step: 0.03 },
  { name: 'curator_batch', path: 'curator.batch_size', type: 'int', initialBounds: { min: 4, max: 12 }, limits: { min: 1, max: 32 }, step: 2 },
];

/** The simulated service's KPIs. */
export const SIMULATED_KPIS: KpiDefinition[] = [
  { name: 'conversion', query: 'sum(increase(vvtv_conversions_total[1h])) / sum(increase(vvtv_sessions_total[1h]))', direction: 'higher-is-better', weight: 2, role: 'must-not-degrade', kind: 'ratio', nonInferiorityMargin: 0.02, minimumDetectableEffect: 0.02 },
  { name: 'error_rate', query: 'sum(increase(vvtv_errors_total[1h])) / sum(increase(vvtv_requests_total[1h]))', direction: 'lower-is-better', weight: 1, role: 'must-not-degrade', kind: 'ratio', nonInferiorityMargin: 0.05, minimumDetectableEffect: 0.1 },
  { name: 'latency', query: 'vvtv_request_duration_seconds', direction: 'lower-is-better', weight: 1, role: 'must-not-degrade', kind: 'distribution', nonInferiorityMargin: 0.05, minimumDetectableEffect: 0.05 },
];

const INITIAL_VALUES = { ranking_boost: 0.25, novelty_weight: 0.3, curator_batch: 6 };

/** The service's true response (no noise). Regime 0 before the change, 1 after. */
export function trueKpis(values: Readonly<Record<string, number>>, regime: 0 | 1): { conversion: number; errorRate: number; latencyMedianMs: number } {
  const boostOptimum = regime === 0 ? 0.55 : 0.2;
  const noveltyOptimum = regime === 0 ? 0.2 : 0.4;
  const b = values['ranking_boost']!;
  const n = values['novelty_weight']!;
  const batch = values['curator_batch']!;
  const quality = 1 - 0.2 * ((b - boostOptimum) / 0.5) ** 2 - 0.15 * ((n - noveltyOptimum) / 0.3) ** 2 - 0.1 * ((batch - 10) / 10) ** 2;
  return { conversion: 0.1 * quality, errorRate: 0.01 * (1 + 0.5 * Math.max(0, b - 0.8)), latencyMedianMs: 80 + 1.5 * batch };
}

/** What the simulation reports. */
export interface SimulationSummary {
  days: number;
  cycles: Record<string, number>;
  conversion: { initial: number; beforeRegimeChange: number; final: number; finalAtInitialValues: number };
  rollbacks: { cycleId: string; outcome: CycleOutcome; reason: string }[];
  bugCanariesRolledBack: number;
  bugCanaries: number;
  driftPauses: { at: string; until: string; reason: string }[];
  validationPauses: number;
  triageReports: number;
  boundsViolations: number;
  finalParameters: { name: string; value: number; bounds: [number, number] }[];
  recoveries: number;
}

interface Canary {
  values: Record<string, number>;
  cycleId: string;
  startedAt: number;
  bug: boolean;
  control: { conv: number; errors: number; requests: number; lat: number[]; latCount: number; latSum: number; latSq: number };
  canary: { conv: number; errors: number; requests: number; lat: number[]; latCount: number; latSum: number; latSq: number };
}

/** Runs the simulation. Deterministic for given options. */
export function runAutopilotSimulation(overrides: Partial<SimulationOptions> = {}, config: AutopilotConfig = AUTOPILOT_DEFAULTS): SimulationSummary {
  const o = { ...SIMULATION_DEFAULTS, ...overrides };
  const rng = createRng(o.seed);
  const context: AutopilotContext = { config, parameters: SIMULATED_PARAMETERS, kpis: SIMULATED_KPIS, optimizer: slopeOptimizer() };
  let state: AutopilotState = initialAutopilotState(context, INITIAL_VALUES, o.start, o.seed);
  let live: Record<string, number> = { ...INITIAL_VALUES };
  let canary: Canary | undefined;
  const outcomes: Record<string, number> = {};
  const rollbacks: SimulationSummary['rollbacks'] = [];
  const driftPauses: SimulationSummary['driftPauses'] = [];
  let validationPauses = 0;
  let triageReports = 0;
  let boundsViolations = 0;
  let recoveries = 0;
  let bugCanaries = 0;
  let bugCanariesRolledBack = 0;
  let beforeRegimeChange = Number.NaN;
  const dayOf = (t: number): number => Math.floor((t - o.start) / DAY);
  const regimeAt = (t: number): 0 | 1 => (dayOf(t) >= o.regimeChangeDay ? 1 : 0);
  const queue: AutopilotEvent[] = [];

  const checkBounds = (changes: readonly { parameter: string; newValue: number }[]): void => {
    for (const c of changes) {
      const p = state.parameters.find((s) => s.name === c.parameter);
      const d = SIMULATED_PARAMETERS.find((s) => s.name === c.parameter)!;
      if (!p || c.newValue < d.limits.min || c.newValue > d.limits.max) boundsViolations++;
    }
  };

  const execute = (action: Action, now: number, before: AutopilotState): void => {
    switch (action.type) {
      case 'RequestAnalysis': {
        const k = trueKpis(live, regimeAt(now));
        const coverage = o.missingDataDays.includes(dayOf(now)) ? 0.4 : 1;
        queue.push({
          type: 'analysis-ready',
          now: now + MINUTE,
          cycleId: action.cycleId,
          window: { ...action.window, values: [{ kpi: 'conversion', value: k.conversion, coverage }, { kpi: 'error_rate', value: k.errorRate, coverage }, { kpi: 'latency', value: k.latencyMedianMs, coverage }] },
        });
        return;
      }
      case 'RequestValidation': {
        const day = dayOf(now);
        queue.push({
          type: 'validation-ready',
          now: now + 2 * MINUTE,
          cycleId: action.cycleId,
          golden: o.goldenFailureDays.includes(day) ? { passed: false, failures: ['golden selection #17 changed'] } : { passed: true, failures: [] },
          benchmarks: [{ name: 'plan_build_ms', baseline: 100, candidate: o.benchmarkRegressionDays.includes(day) ? 131 : 101, direction: 'lower-is-better' }],
        });
        return;
      }
      case 'StartCanary': {
        // Bounds as the core held them when it proposed (the state before this step).
        for (const c of action.changes) {
          const p = before.parameters.find((s) => s.name === c.parameter);
          if (!p || c.newValue < p.bounds.min - 1e-9 || c.newValue > p.bounds.max + 1e-9) boundsViolations++;
        }
        checkBounds(action.changes);
        const values = { ...live };
        for (const c of action.changes) values[c.parameter] = c.newValue;
        const bug = o.canaryBugDays.includes(dayOf(now));
        if (bug) bugCanaries++;
        const group = () => ({ conv: 0, errors: 0, requests: 0, lat: [] as number[], latCount: 0, latSum: 0, latSq: 0 });
        canary = { values, cycleId: action.cycleId, startedAt: now, bug, control: group(), canary: group() };
        return;
      }
      case 'RequestCanaryResult': {
        if (!canary) return;
        const c = canary;
        const query = (kpi: string) => ({ expr: SIMULATED_KPIS.find((k) => k.name === kpi)!.query, range: action.range, stepSeconds: 60 });
        const observations: KpiObservation[] = [
          { kpi: 'conversion', data: 'counts', control: { events: c.control.conv, exposure: c.control.requests }, canary: { events: c.canary.conv, exposure: c.canary.requests }, query: query('conversion') },
          { kpi: 'error_rate', data: 'counts', control: { events: c.control.errors, exposure: c.control.requests }, canary: { events: c.canary.errors, exposure: c.canary.requests }, query: query('error_rate') },
          { kpi: 'latency', data: 'samples', control: c.control.lat, canary: c.canary.lat, query: query('latency') },
        ];
        queue.push({ type: 'canary-result', now: now + MINUTE, cycleId: action.cycleId, observations });
        return;
      }
      case 'Promote':
        checkBounds(action.changes);
        for (const c of action.changes) live[c.parameter] = c.newValue;
        live = { ...live };
        canary = undefined;
        queue.push({ type: 'action-completed', now, cycleId: action.cycleId, action: 'Promote' });
        return;
      case 'Rollback':
        canary = undefined;
        queue.push({ type: 'action-completed', now, cycleId: action.cycleId, action: 'Rollback' });
        return;
      case 'RecordCycle':
        if ('outcome' in action.record) {
          const r = action.record;
          outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
          if (r.outcome === 'rolled-back' || r.outcome === 'early-stopped') {
            rollbacks.push({ cycleId: r.cycleId, outcome: r.outcome, reason: r.reason });
            if (o.canaryBugDays.includes(dayOf(r.startedAt))) bugCanariesRolledBack++;
          }
          if (r.outcome === 'recovered') recoveries++;
        }
        return;
      case 'Pause':
        if (action.reason.startsWith('drift')) driftPauses.push({ at: new Date(now).toISOString(), until: new Date(action.until).toISOString(), reason: action.reason });
        else validationPauses++;
        return;
      case 'PublishTriage':
        triageReports++;
        return;
      case 'WriteCandidate':
      case 'DiscardCandidate':
      case 'EmitEvent':
        return;
    }
  };

  const send = (event: AutopilotEvent): void => {
    queue.push(event);
    while (queue.length) {
      const e = queue.shift()!;
      const before = state;
      const result = step(context, state, e);
      state = result.state;
      for (const a of result.actions) execute(a, e.now, before);
    }
  };

  const trafficMinute = (c: Canary, now: number): WatchObservation[] => {
    const regime = regimeAt(now);
    const canaryRequests = Math.round(o.requestsPerMinute * config.canaryTrafficShare);
    const controlRequests = o.requestsPerMinute - canaryRequests;
    const canaryLatency = Math.round(o.latencySamplesPerMinute * config.canaryTrafficShare);
    const fill = (g: Canary['control'], values: Record<string, number>, requests: number, latencySamples: number, bug: boolean, r: Rng): void => {
      const k = trueKpis(values, regime);
      g.requests += requests;
      g.conv += binomialVariate(r, requests, k.conversion);
      g.errors += binomialVariate(r, requests, k.errorRate * (bug ? 1.6 : 1));
      for (let i = 0; i < latencySamples; i++) {
        const v = k.latencyMedianMs * Math.exp(0.3 * normalVariate(r));
        g.lat.push(v);
        g.latCount++;
        g.latSum += v;
        g.latSq += v * v;
      }
    };
    fill(c.control, live, controlRequests, o.latencySamplesPerMinute - canaryLatency, false, rng);
    fill(c.canary, c.values, canaryRequests, canaryLatency, c.bug, rng);
    const m = (g: Canary['control']) => ({ kind: 'moments' as const, count: g.latCount, sum: g.latSum, sumOfSquares: g.latSq });
    return [
      { kpi: 'conversion', control: { kind: 'counts', events: c.control.conv, exposure: c.control.requests }, canary: { kind: 'counts', events: c.canary.conv, exposure: c.canary.requests } },
      { kpi: 'error_rate', control: { kind: 'counts', events: c.control.errors, exposure: c.control.requests }, canary: { kind: 'counts', events: c.canary.errors, exposure: c.canary.requests } },
      { kpi: 'latency', control: m(c.control), canary: m(c.canary) },
    ];
  };

  const initial = trueKpis(live, 0).conversion;
  send({ type: 'started', now: o.start });
  for (let day = 0; day < o.days; day++) {
    const dayStart = o.start + day * DAY;
    if (day === o.regimeChangeDay) beforeRegimeChange = trueKpis(live, 0).conversion;
    send({ type: 'tick', now: dayStart + 2 * 3_600_000 });
    send({ type: 'tick', now: dayStart + 3 * 3_600_000 });
    for (let minute = 1; minute <= 90 && state.phase !== 'idle'; minute++) {
      const now = dayStart + 3 * 3_600_000 + 3 * MINUTE + minute * MINUTE;
      if (canary && state.phase === 'canary' && !state.cycle?.decision) {
        const observations = trafficMinute(canary, now);
        if (o.restartDuringCanaryDays.includes(day) && minute === 30) {
          send({ type: 'started', now });
          continue;
        }
        send({ type: 'canary-look', now, cycleId: canary.cycleId, observations });
      }
      send({ type: 'tick', now });
    }
  }
  return {
    days: o.days,
    cycles: outcomes,
    conversion: { initial, beforeRegimeChange, final: trueKpis(live, 1).conversion, finalAtInitialValues: trueKpis(INITIAL_VALUES, 1).conversion },
    rollbacks,
    bugCanaries,
    bugCanariesRolledBack,
    driftPauses,
    validationPauses,
    triageReports,
    boundsViolations,
    finalParameters: state.parameters.map((p) => ({ name: p.name, value: p.value, bounds: [p.bounds.min, p.bounds.max] })),
    recoveries,
  };
}
