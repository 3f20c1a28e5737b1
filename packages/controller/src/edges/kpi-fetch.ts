/**
 * The fetch stage: runs each KPI's PromQL (compiled from the definitions, one series per
 * `variant`) and hands the core plain numbers. It never judges; a failed or empty query becomes
 * missing data, which the core turns into an inconclusive cycle.
 */
import type { Autopilot, AutopilotKpi } from '@vigil/compiler';
import type { KpiWindow, KpiWindowValue } from '../core/decide.js';
import type { CountBuckets } from '../core/judge/dispersion.js';
import type { KpiObservation, QueryReference, WatchObservation } from '../core/judge/judge.js';
import type { Counts } from '../core/judge/rate-tests.js';
import type { KpiTraffic } from '../core/plan.js';
import { sortedMedian } from '../core/judge/mann-whitney.js';
import type { PromQlClient, PromQlFailure, RangeSeries } from './promql-client.js';

/** Per-group sample cap for distribution KPIs: bucket counts are scaled down beyond it. */
const MAX_SAMPLES_PER_GROUP = 20_000;
/** Steps of a range query over the analysis window (coverage is measured on these). */
const ANALYSIS_STEPS = 48;

type Variant = 'control' | 'canary';

/** A PromQL duration for `$__range`: whole seconds. */
function promDuration(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}

function withRange(query: string, ms: number): string {
  return query.replaceAll('$__range', promDuration(ms));
}

/** Why a KPI has no data: its query failed, or it answered without a series the KPI needs. */
export type FetchProblem = { kind: 'query-failed'; kpi: string; failure: PromQlFailure } | { kind: 'missing-series'; kpi: string; detail: string };

/** Reads KPIs through a PromQL client. */
export class KpiFetcher {
  readonly problems: FetchProblem[] = [];

  constructor(
    private readonly client: PromQlClient,
    private readonly autopilot: Autopilot,
  ) {}

  /** Every KPI's value over `[start, end]` (epoch ms) with the share of steps that had data. */
  async window(start: number, end: number): Promise<KpiWindow> {
    const stepMs = Math.max(60_000, Math.floor((end - start) / ANALYSIS_STEPS));
    const values: KpiWindowValue[] = [];
    for (const kpi of this.autopilot.kpis) values.push(await this.windowValue(kpi, start, end, stepMs));
    return { start, end, values };
  }

  /** Cumulative per-variant summaries since the canary started, for the per-minute watcher. */
  async look(start: number, now: number): Promise<WatchObservation[]> {
    const observations: WatchObservation[] = [];
    for (const kpi of this.autopilot.kpis) {
      const observation = await this.observe(kpi, start, now);
      if (!observation) continue;
      if (observation.data === 'counts') {
        observations.push({ kpi: kpi.name, control: { kind: 'counts', ...observation.control }, canary: { kind: 'counts', ...observation.canary }, ...(observation.buckets ? { buckets: observation.buckets } : {}) });
      } else {
        observations.push({ kpi: kpi.name, control: moments(observation.control), canary: moments(observation.canary) });
      }
    }
    return observations;
  }

  /** Every KPI's control and canary data over the canary window, for the final judgement. */
  async result(start: number, end: number): Promise<KpiObservation[]> {
    const observations: KpiObservation[] = [];
    for (const kpi of this.autopilot.kpis) {
      const observation = await this.observe(kpi, start, end);
      if (observation) observations.push(observation);
    }
    return observations;
  }

  /**
   * Each KPI's recent traffic for `vigil autopilot plan`, over `[now - lookbackMs, now]`: exposure
   * per minute and rate of ratio KPIs; observations per minute and relative spread (robust SD over
   * the median, as the judge scales it) of distributions, from their histogram; readings and
   * relative SD of gauges with their lag-1 autocorrelation. What cannot be measured says why.
   */
  async traffic(now: number, lookbackMs: number): Promise<KpiTraffic[]> {
    const out: KpiTraffic[] = [];
    const minutes = lookbackMs / 60_000;
    const span = describeSpan(lookbackMs);
    for (const kpi of this.autopilot.kpis) {
      const queries = kpi.queries;
      if ('promql' in queries) {
        out.push({ kpi: kpi.name, kind: 'unknown', reason: 'raw PromQL KPIs are not estimated' });
      } else if (queries.kind === 'ratio') {
        const events = await this.instantSum(kpi, withRange(queries.numerator, lookbackMs), now);
        const exposure = await this.instantSum(kpi, withRange(queries.denominator, lookbackMs), now);
        if (exposure === undefined || !(exposure > 0)) out.push({ kpi: kpi.name, kind: 'unknown', reason: `no traffic in the last ${span} (or the query failed)` });
        // No numerator series at all over the span: no event happened (a zero baseline).
        else out.push({ kpi: kpi.name, kind: 'counts', exposurePerMinute: exposure / minutes, rate: (events ?? 0) / exposure });
      } else if (queries.kind === 'distribution') {
        const answer = await this.client.instant(withRange(queries.buckets, lookbackMs), now / 1000);
        const samples = answer.ok ? samplesFromBuckets(answer.value) : [];
        const count = answer.ok ? totalCount(answer.value) : 0;
        const spread = relativeSpread(samples);
        if (!(count > 0) || spread === undefined) out.push({ kpi: kpi.name, kind: 'unknown', reason: `no observations in the last ${span} (or the query failed)` });
        else out.push({ kpi: kpi.name, kind: 'readings', readingsPerMinute: count / minutes, relativeSd: spread });
      } else {
        // One reading a minute at most: longer spans are read at a coarser step (Prometheus caps points).
        const stepSeconds = Math.max(60, Math.ceil(lookbackMs / 1000 / 10_000 / 60) * 60);
        const series = await this.range(kpi, `avg(${queries.value})`, { start: (now - lookbackMs) / 1000, end: now / 1000, stepSeconds });
        const values = (series?.[0]?.points ?? []).map(([, v]) => v).filter(Number.isFinite);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
        if (values.length < 2 || mean === 0) out.push({ kpi: kpi.name, kind: 'unknown', reason: `too few readings in the last ${span} (or the query failed)` });
        else out.push({ kpi: kpi.name, kind: 'readings', readingsPerMinute: 1, relativeSd: sd / Math.abs(mean), lag1Autocorrelation: lag1(values, mean) });
      }
    }
    return out;
  }

  private async windowValue(kpi: AutopilotKpi, start: number, end: number, stepMs: number): Promise<KpiWindowValue> {
    const queries = kpi.queries;
    const expected = Math.floor((end - start) / stepMs) + 1;
    const range = { start: start / 1000, end: end / 1000, stepSeconds: stepMs / 1000 };
    // Per-step values over all variants; the KPI's window value is their mean (ratios: the
    // ratio of sums over the window), coverage is the share of steps that had data.
    let perStep: string;
    if ('promql' in queries) perStep = `sum(${withRange(queries.promql, stepMs)})`;
    else if (queries.kind === 'ratio') perStep = `sum(${withRange(queries.denominator, stepMs)})`;
    else if (queries.kind === 'distribution') perStep = `histogram_quantile(0.5, sum by (le) (${withRange(queries.buckets, stepMs)}))`;
    else perStep = `avg(${queries.value})`;
    const series = await this.range(kpi, perStep, range);
    const points = (series?.[0]?.points ?? []).filter(([, v]) => Number.isFinite(v));
    const coverage = Math.min(1, points.length / expected);
    let value: number | undefined;
    if (!('promql' in queries) && queries.kind === 'ratio') {
      const windowMs = end - start;
      const numerator = await this.instantSum(kpi, withRange(queries.numerator, windowMs), end);
      const denominator = await this.instantSum(kpi, withRange(queries.denominator, windowMs), end);
      value = numerator !== undefined && denominator !== undefined && denominator > 0 ? numerator / denominator : undefined;
    } else if (points.length > 0) {
      value = points.reduce((sum, [, v]) => sum + v, 0) / points.length;
    }
    return { kpi: kpi.name, value, coverage };
  }

  private async observe(kpi: AutopilotKpi, start: number, end: number): Promise<KpiObservation | undefined> {
    const windowMs = end - start;
    const queries = kpi.queries;
    const reference = (expr: string, stepSeconds: number): QueryReference => ({ expr, range: { start, end }, stepSeconds });
    if (queries.kind === 'ratio' && !('promql' in queries)) {
      const events = await this.byVariant(kpi, withRange(queries.numerator, windowMs), end);
      const exposure = await this.byVariant(kpi, withRange(queries.denominator, windowMs), end);
      // A missing series is missing data, never zero events: an absent canary numerator once
      // made a canary look better than its control.
      if (events?.control === undefined || events.canary === undefined || exposure?.control === undefined || exposure.canary === undefined) {
        this.problems.push({ kind: 'missing-series', kpi: kpi.name, detail: missingSeries(events, exposure) });
        return undefined;
      }
      const buckets = await this.perMinute(queries.numerator, queries.denominator, start, end);
      return {
        kpi: kpi.name,
        data: 'counts',
        control: { events: events.control, exposure: exposure.control },
        canary: { events: events.canary, exposure: exposure.canary },
        query: reference(`${withRange(queries.numerator, windowMs)} / ${withRange(queries.denominator, windowMs)}`, windowMs / 1000),
        ...(buckets ? { buckets } : {}),
      };
    }
    if (queries.kind === 'distribution' && !('promql' in queries)) {
      const expr = withRange(queries.buckets, windowMs);
      const answer = await this.client.instant(expr, end / 1000);
      if (!answer.ok) {
        this.problems.push({ kind: 'query-failed', kpi: kpi.name, failure: answer });
        return undefined;
      }
      const controlBuckets = answer.value.filter((s) => s.labels.variant === 'control');
      const canaryBuckets = answer.value.filter((s) => s.labels.variant === 'canary');
      if (controlBuckets.length === 0 || canaryBuckets.length === 0) {
        this.problems.push({ kind: 'missing-series', kpi: kpi.name, detail: `no histogram buckets for ${controlBuckets.length === 0 ? 'control' : 'canary'}` });
        return undefined;
      }
      const control = samplesFromBuckets(controlBuckets);
      const canary = samplesFromBuckets(canaryBuckets);
      return { kpi: kpi.name, data: 'samples', control, canary, query: reference(expr, windowMs / 1000) };
    }
    // Gauges (and raw PromQL): readings per minute per variant, from one minute after the start.
    // A reading at the canary's first instant is the last scrape before it, so the candidate
    // cannot show in it: counted in, it diluted the canary's mean and inflated its variance
    // (a demo canary of three readings an arm went "insufficient").
    const expr = 'promql' in queries ? withRange(queries.promql, 60_000) : queries.value;
    const first = start + 60_000;
    const series = first <= end ? await this.range(kpi, expr, { start: first / 1000, end: end / 1000, stepSeconds: 60 }) : [];
    if (!series) return undefined;
    const pick = (variant: Variant) => series.find((s) => s.labels.variant === variant)?.points.map(([, v]) => v).filter(Number.isFinite) ?? [];
    const control = pick('control');
    const canary = pick('canary');
    // Readings expected at a 60 s step over the window: the judge refuses a sparse window.
    const expected = Math.max(1, Math.floor(windowMs / 60_000));
    const coverage = Math.min(1, Math.min(control.length, canary.length) / expected);
    return { kpi: kpi.name, data: 'samples', control, canary, query: reference(expr, 60), coverage };
  }

  /**
   * Per-minute counts of each arm over `(start, end]` (increase over 60 s at a 60 s step), for the
   * dispersion the judge estimates. Optional data: when a query fails or a minute lacks a series the
   * judge keeps the declared design effect alone, so nothing is recorded as a problem.
   */
  private async perMinute(numerator: string, denominator: string, start: number, end: number): Promise<CountBuckets | undefined> {
    const range = { start: (start + 60_000) / 1000, end: end / 1000, stepSeconds: 60 };
    if (range.end < range.start) return undefined;
    const [events, exposure] = await Promise.all([this.client.range(withRange(numerator, 60_000), range), this.client.range(withRange(denominator, 60_000), range)]);
    if (!events.ok || !exposure.ok) return undefined;
    const arm = (variant: Variant): Counts[] | undefined => {
      const e = new Map(events.value.find((s) => s.labels.variant === variant)?.points ?? []);
      const x = exposure.value.find((s) => s.labels.variant === variant)?.points ?? [];
      const out: Counts[] = [];
      for (const [t, n] of x) {
        const k = e.get(t) ?? 0; // a minute without events has no numerator sample when nothing failed
        if (Number.isFinite(n) && Number.isFinite(k)) out.push({ events: k, exposure: n });
      }
      return out.length > 0 ? out : undefined;
    };
    const control = arm('control');
    const canary = arm('canary');
    return control && canary ? { control, canary } : undefined;
  }

  private async range(kpi: AutopilotKpi, expr: string, range: { start: number; end: number; stepSeconds: number }): Promise<RangeSeries[] | undefined> {
    const answer = await this.client.range(expr, range);
    if (!answer.ok) {
      this.problems.push({ kind: 'query-failed', kpi: kpi.name, failure: answer });
      return undefined;
    }
    return answer.value;
  }

  private async instantSum(kpi: AutopilotKpi, expr: string, at: number): Promise<number | undefined> {
    const values = await this.byVariant(kpi, expr, at);
    if (!values) return undefined;
    const all = Object.values(values);
    return all.length === 0 ? undefined : all.reduce((a, b) => a + b, 0);
  }

  private async byVariant(kpi: AutopilotKpi, expr: string, at: number): Promise<Partial<Record<Variant, number>> | undefined> {
    const answer = await this.client.instant(expr, at / 1000);
    if (!answer.ok) {
      this.problems.push({ kind: 'query-failed', kpi: kpi.name, failure: answer });
      return undefined;
    }
    const out: Partial<Record<Variant, number>> = {};
    for (const sample of answer.value) {
      const variant = sample.labels.variant;
      if ((variant === 'control' || variant === 'canary') && Number.isFinite(sample.value)) out[variant] = sample.value;
    }
    return out;
  }
}

/**
 * Samples standing for a histogram's observations: each bucket's count at its upper bound (the
 * `+Inf` bucket at the largest finite bound), so Mann-Whitney sees the order with ties. Counts are
 * scaled down proportionally past {@link MAX_SAMPLES_PER_GROUP}, which keeps the judge's time
 * bounded at the cost of some power on very large canaries.
 */
export function samplesFromBuckets(series: ReadonlyArray<{ labels: Record<string, string>; value: number }>): number[] {
  const buckets = series
    .map((s) => ({ le: s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le), cumulative: s.value }))
    .filter((b) => !Number.isNaN(b.le) && Number.isFinite(b.cumulative))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.cumulative ?? 0;
  const scale = total > MAX_SAMPLES_PER_GROUP ? MAX_SAMPLES_PER_GROUP / total : 1;
  const finiteBounds = buckets.filter((b) => Number.isFinite(b.le));
  const largest = finiteBounds.at(-1)?.le ?? 0;
  const samples: number[] = [];
  let previous = 0;
  for (const bucket of buckets) {
    const count = Math.round(Math.max(0, bucket.cumulative - previous) * scale);
    previous = bucket.cumulative;
    const at = Number.isFinite(bucket.le) ? bucket.le : largest;
    for (let i = 0; i < count; i++) samples.push(at);
  }
  return samples;
}

/** Observations in a histogram answer: the `+Inf` buckets summed over its series. */
function totalCount(series: ReadonlyArray<{ labels: Record<string, string>; value: number }>): number {
  return series.filter((s) => s.labels.le === '+Inf' && Number.isFinite(s.value)).reduce((a, s) => a + s.value, 0);
}

/** 1.4826 x MAD over the median (the judge's scale for distributions); undefined without spread. */
function relativeSpread(samples: readonly number[]): number | undefined {
  if (samples.length < 2) return undefined;
  const sorted = Float64Array.from(samples).sort();
  const median = sortedMedian(sorted);
  const mad = sortedMedian(Float64Array.from(sorted, (v) => Math.abs(v - median)).sort());
  if (!(Math.abs(median) > 0)) return undefined;
  // Bucketed data can have a MAD of 0 (most observations in one bucket): the bucket width is the floor.
  const robust = mad > 0 ? 1.4826 * mad : Math.abs(sorted[sorted.length - 1]! - sorted[0]!) / 4;
  return robust > 0 ? robust / Math.abs(median) : undefined;
}

/** Lag-1 autocorrelation of a series around its mean, clamped to [0, 0.95] (as the gauge test does). */
function lag1(values: readonly number[], mean: number): number {
  let ss = 0;
  let lag = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean;
    ss += d * d;
    if (i > 0) lag += d * (values[i - 1]! - mean);
  }
  return ss > 0 ? Math.min(0.95, Math.max(0, lag / ss)) : 0;
}

/** "1h", "1d", "7d": a lookback in words for messages. */
function describeSpan(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 24 && hours % 24 === 0 ? `${hours / 24}d` : hours >= 1 ? `${+hours.toFixed(2)}h` : `${Math.round(ms / 60_000)}m`;
}

function missingSeries(events: Partial<Record<Variant, number>> | undefined, exposure: Partial<Record<Variant, number>> | undefined): string {
  const missing: string[] = [];
  for (const [name, values] of [['numerator', events], ['denominator', exposure]] as const) {
    if (!values) missing.push(`${name} query failed`);
    else for (const variant of ['control', 'canary'] as const) if (values[variant] === undefined) missing.push(`${name} has no ${variant} series`);
  }
  return missing.join('; ');
}

function moments(values: ArrayLike<number>): { kind: 'moments'; count: number; sum: number; sumOfSquares: number } {
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    sum += v;
    sumOfSquares += v * v;
  }
  return { kind: 'moments', count: values.length, sum, sumOfSquares };
}
