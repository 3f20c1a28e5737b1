/**
 * The demo service's side of the autopilot: it reads the business logic card (and the candidate
 * the controller writes beside it) through the instrumentation package's canary helper, sends a
 * share of its LLM calls through the candidate, and records the autopilot's KPIs per arm with the
 * `variant` label the KPIs select, as `arm-response.ts` says they respond.
 */
import type { Autopilot, Model } from '@vigil/compiler/core';
import { type CanaryParameters, watchCanaryParameters } from '@vigil/instrumentation';
import type { SeriesLabels } from '../model/series.js';
import type { MetricPlan } from '../traffic/plan.js';
import type { RecordingHandle } from '../traffic/simulator.js';
import { type Arm, armResponse } from './arm-response.js';

/** LLM calls a second that go through the split (enough for the error-rate test to decide in minutes). */
export const ARM_CALLS_PER_SECOND = 2000;

const ARMS: readonly Arm[] = ['control', 'canary'];

interface GaugeKpi {
  kpi: string;
  metric: string;
  handle: RecordingHandle;
  /** Each variant's series, with its healthy level. */
  series: Array<{ labels: SeriesLabels; level: number }>;
}

interface RatioKpi {
  metric: string;
  handle: RecordingHandle;
  /** The labels of an event (error) and of a non-event call, per arm. */
  event: Record<Arm, SeriesLabels>;
  other: Record<Arm, SeriesLabels>;
}

/** The catalog metric a KPI query reads (the first whose series name it mentions). */
function metricOf(model: Model, query: string) {
  return model.metrics.find((m) => new RegExp(`\\b${m.promName}\\b`).test(query) || new RegExp(`\\b${m.promName}_total\\b`).test(query));
}

function matchersOf(query: string): Record<string, string> {
  return Object.fromEntries([...query.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]));
}

/** Options of {@link startAutopilotArms}. */
export interface AutopilotArmsOptions {
  model: Model;
  autopilot: Autopilot;
  /** The business logic card the service reads (absolute). */
  parametersFile: string;
  plans: readonly MetricPlan[];
  handles: ReadonlyMap<string, RecordingHandle>;
  random: () => number;
  onLog: (line: string) => void;
}

/** A running canary-split service side. */
export interface AutopilotArms {
  /** Records the KPIs' arms for the time since the last step; `hidden` are metrics a scenario drives. */
  step(nowMs: number, badChange: boolean, hidden: ReadonlySet<string>): void;
  close(): void;
}

/** Reads the card and its candidate (re-read every second) and records the KPIs per arm. */
export async function startAutopilotArms(options: AutopilotArmsOptions): Promise<AutopilotArms> {
  const { model, autopilot, plans, handles, random } = options;
  const parameters: CanaryParameters<Record<string, unknown>> = await watchCanaryParameters({
    file: options.parametersFile,
    percentage: autopilot.canary.trafficPercent,
    reloadIntervalMs: 1000,
    onError: (error) => options.onLog(`autopilot card: ${error.message} (the last good card stays in use)`),
  });
  const baseline = structuredClone(parameters.control);
  const gauges: GaugeKpi[] = [];
  const ratios: RatioKpi[] = [];
  for (const kpi of autopilot.kpis) {
    const queries = kpi.queries;
    if ('promql' in queries) continue;
    const metric = metricOf(model, queries.kind === 'ratio' ? queries.numerator : queries.kind === 'gauge' ? queries.value : queries.buckets);
    const handle = metric && handles.get(metric.name);
    const plan = metric && plans.find((p) => p.metric.name === metric.name && p.job === autopilot.service);
    if (!metric || !handle || !plan) continue;
    if (queries.kind === 'gauge') {
      const series = plan.series.flatMap((s) => (s.type === 'gauge' && s.behaviour.kind === 'level' && s.labels.variant !== undefined ? [{ labels: s.labels, level: s.behaviour.level }] : []));
      if (series.length > 0) gauges.push({ kpi: kpi.name, metric: metric.name, handle, series });
    } else if (queries.kind === 'ratio') {
      const wanted = Object.entries(matchersOf(queries.numerator));
      const armSeries = (arm: Arm, event: boolean) =>
        plan.series.find((s) => s.labels.variant === arm && wanted.every(([k, v]) => (s.labels[k] === v) === event))?.labels;
      const labels = ARMS.map((arm) => [armSeries(arm, true), armSeries(arm, false)] as const);
      if (labels.some(([e, o]) => !e || !o)) continue;
      ratios.push({
        metric: metric.name,
        handle,
        event: { control: labels[0]?.[0] as SeriesLabels, canary: labels[1]?.[0] as SeriesLabels },
        other: { control: labels[0]?.[1] as SeriesLabels, canary: labels[1]?.[1] as SeriesLabels },
      });
    }
  }
  options.onLog(
    `autopilot: ${autopilot.service} reads ${options.parametersFile}; ${autopilot.canary.trafficPercent}% of its calls use the candidate while a canary runs (KPIs per variant: ${[...gauges.map((g) => g.kpi), ...ratios.map((r) => r.metric)].join(', ')})`,
  );
  let lastMs: number | undefined;
  let unit = 0;
  let hadCandidate = false;
  return {
    step(nowMs, badChange, hidden) {
      const dt = lastMs === undefined ? 0 : Math.max(0, Math.min(10, (nowMs - lastMs) / 1000));
      lastMs = nowMs;
      const candidate = parameters.candidate;
      if ((candidate !== undefined) !== hadCandidate) options.onLog(candidate ? 'autopilot: candidate parameters found; canary split on' : 'autopilot: no candidate; every call uses the card');
      hadCandidate = candidate !== undefined;
      const valuesOf = (arm: Arm) => (arm === 'canary' && candidate !== undefined ? candidate : parameters.control);
      const responses = { control: armResponse(autopilot, baseline, valuesOf('control'), 'control', false), canary: armResponse(autopilot, baseline, valuesOf('canary'), 'canary', badChange && candidate !== undefined) };
      for (const gauge of gauges) {
        if (hidden.has(gauge.metric)) continue;
        for (const series of gauge.series) {
          const arm = series.labels.variant as Arm;
          const noise = 1 + 0.002 * (2 * random() - 1);
          gauge.handle.record?.(series.level * (responses[arm].gaugeFactor[gauge.kpi] ?? 1) * noise, series.labels);
        }
      }
      // Each call is assigned to an arm by the canary helper's hash, as a real service does.
      const calls = Math.round(ARM_CALLS_PER_SECOND * dt);
      const counts = { control: { event: 0, other: 0 }, canary: { event: 0, other: 0 } };
      for (let i = 0; i < calls; i++) {
        const { variant } = parameters.forUnit(`call-${unit++}`);
        if (random() < responses[variant].errorShare) counts[variant].event++;
        else counts[variant].other++;
      }
      for (const ratio of ratios) {
        if (hidden.has(ratio.metric)) continue;
        for (const arm of ARMS) {
          if (counts[arm].event > 0) ratio.handle.add?.(counts[arm].event, ratio.event[arm]);
          if (counts[arm].other > 0) ratio.handle.add?.(counts[arm].other, ratio.other[arm]);
        }
      }
    },
    close: () => parameters.close(),
  };
}
