import { conditionMetrics, type Alert, type Metric, type Model, type Slo } from '@vigil/compiler/core';
import { enumerateSeries, type Matcher, matchesAll, seriesKey, type SeriesLabels } from '../model/series.js';
import type { GaugeBehaviour, MetricPlan, SeriesPlan } from './plan.js';
import { teamProfile } from './team-profiles.js';

type Condition = Alert['condition'];
type Bound = Extract<Condition, { kind: 'threshold' }>['bound'];

/** What the alerts and SLOs ask of one series in the healthy state. */
interface Limits {
  upper?: number;
  lower?: number;
  maxSwing?: number;
  flat?: boolean;
  smooth?: boolean;
  staleAfter?: number;
  zero?: boolean;
}

/** A ratio the healthy state must keep well under its bound. */
interface ShareLimit {
  numerator: { metric: Metric; matchers: readonly Matcher[] };
  denominator: { metric: Metric; matchers: readonly Matcher[] };
  maxShare: number;
  minDenominatorRate?: number;
}

/** Label values that name a failure: the demo keeps them rare. */
const BAD_VALUE = /^(error|errors|failure|failed|fail|5xx|timeout|rejected|critical|high|unhealthy|degraded|open|half_open|rolled_back|rollback|inconclusive|dropped|abandoned|interrupted|emergency.*|provider_error|invalid_response|rate_limited)$/;

/** Metric names whose counters count rare events (failures, purges): zero unless an alert allows more. */
const RARE_COUNTER = /(failure|failed|error|dropped|purge|rollback|anomal|drift|transition|retries|auth_failures|rate_limited|intervention|verification_failures)/;

/**
 * The healthy plan of every catalog metric: the series it records and how each behaves, derived
 * from the model so that no alert and no SLO burn fires: each alert's bound and direction keeps
 * its series on the healthy side with a margin, anomaly-watched series vary smoothly, forecast-
 * watched ones stay flat, timestamps stay fresh, and ratios stay a tenth of their bound.
 */
export function healthyPlan(model: Model): MetricPlan[] {
  const limits = new Map<string, Limits>();
  const shares: ShareLimit[] = [];
  const seriesOf = new Map<string, SeriesLabels[]>(model.metrics.map((m) => [m.name, enumerateSeries(m)]));
  const limit = (metric: Metric, matchers: readonly Matcher[], change: (l: Limits, matching: number) => void) => {
    const matching = (seriesOf.get(metric.name) ?? []).filter((labels) => matchesAll(labels, matchers));
    for (const labels of matching) {
      const key = seriesKey(metric.name, labels);
      const current = limits.get(key) ?? {};
      change(current, matching.length);
      limits.set(key, current);
    }
  };
  for (const alert of model.alerts) collectAlert(alert.condition, limit, shares);
  for (const slo of model.slos) collectSlo(slo, limit, shares);

  const jobOf = (metric: Metric) => {
    const service = model.services.find((s) => s.name === metric.service) ?? model.alerts.find((a) => conditionMetrics(a.condition).includes(metric))?.service ?? model.services[0];
    return service?.job ?? metric.service ?? 'demo';
  };
  const plans: MetricPlan[] = model.metrics.map((metric) => ({
    metric,
    job: jobOf(metric),
    series: (seriesOf.get(metric.name) ?? []).map((labels) => seriesPlan(metric, labels, limits.get(seriesKey(metric.name, labels)) ?? {})),
  }));
  applyOneHot(plans, limits);
  for (const share of shares) applyShare(plans, share);
  return plans;
}


type LimitFn = (metric: Metric, matchers: readonly Matcher[], change: (l: Limits, matching: number) => void) => void;

function boundLimit(l: Limits, bound: Bound, divideBy: number): void {
  const value = bound.op === '>' ? (bound.value > 0 ? bound.value / divideBy : bound.value) : bound.value;
  if (bound.op === '>') l.upper = Math.min(l.upper ?? Infinity, value);
  else l.lower = Math.max(l.lower ?? -Infinity, value);
}

function collectAlert(condition: Condition, limit: LimitFn, shares: ShareLimit[]): void {
  switch (condition.kind) {
    case 'threshold': {
      const { metric, matchers, aggregate } = condition.value;
      limit(metric, matchers, (l, n) => {
        if (metric.type === 'counter' && condition.bound.op === '>' && condition.bound.value <= 0) l.zero = true;
        else boundLimit(l, condition.bound, aggregate === 'sum' ? n : 1);
      });
      return;
    }
    case 'rate_of_change':
      limit(condition.value.metric, condition.value.matchers, (l) => {
        l.maxSwing = Math.min(l.maxSwing ?? Infinity, Math.abs(condition.bound.value) / 5);
      });
      return;
    case 'anomaly':
      limit(condition.value.metric, condition.value.matchers, (l) => {
        l.smooth = true;
      });
      return;
    case 'forecast':
      limit(condition.value.metric, condition.value.matchers, (l) => {
        l.flat = true;
        boundLimit(l, condition.bound, 1);
      });
      return;
    case 'staleness':
      limit(condition.metric, condition.matchers, (l) => {
        l.staleAfter = Math.min(l.staleAfter ?? Infinity, condition.olderThanSeconds);
      });
      return;
    case 'absence':
      return;
    case 'ratio':
      shares.push({
        numerator: condition.numerator,
        denominator: condition.denominator,
        maxShare: condition.bound.op === '>' ? condition.bound.value / 10 : 1,
        ...(condition.minDenominatorRate !== undefined ? { minDenominatorRate: condition.minDenominatorRate } : {}),
      });
      return;
    case 'promql':
      return;
  }
}

function collectSlo(slo: Slo, limit: LimitFn, shares: ShareLimit[]): void {
  const budget = 1 - slo.objectivePercent / 100;
  const sli = slo.sli;
  switch (sli.kind) {
    case 'events': {
      const minRate = slo.minEventRate !== undefined ? { minDenominatorRate: slo.minEventRate } : {};
      // good/total SLIs: the series of total outside good are the failures, which the default
      // rates already keep rare (a tenth of a percent).
      shares.push({ numerator: sli.bad ?? sli.total, denominator: sli.total, maxShare: sli.bad ? budget / 10 : 1, ...minRate });
      return;
    }
    case 'latency':
      limit(sli.metric, sli.matchers, (l) => {
        l.upper = Math.min(l.upper ?? Infinity, sli.threshold);
      });
      return;
    case 'promql':
    case 'promql_ratio':
      return;
  }
}

/** The healthy level a gauge takes from its name and unit when no alert constrains it. */
function defaultGauge(metric: Metric, labels: SeriesLabels): GaugeBehaviour {
  const name = metric.name;
  if (/_timestamp_seconds$/.test(name)) return { kind: 'timestamp', periodSeconds: 300 };
  if (/_up$/.test(name)) return { kind: 'level', level: 1, swing: 0, noise: 0, integer: true };
  if (/(paused|_open$|_active$|failed|failures|consecutive|unsynced|rollback_count|unresolved)/.test(name)) return { kind: 'level', level: 0, swing: 0, noise: 0, integer: true };
  if (/_ratio$/.test(name) || /\b0-1\b/.test(metric.description)) {
    return { kind: 'level', level: 0.35, swing: 0.08, noise: 0.02, integer: false, min: 0, max: 1 };
  }
  if (metric.unit === 'By' || /_bytes$/.test(name)) return { kind: 'level', level: 2.5e9, swing: 1e8, noise: 2e7, integer: true, min: 0 };
  if (metric.unit === 's') return { kind: 'level', level: 1.2, swing: 0.2, noise: 0.05, integer: false, min: 0 };
  if (metric.unit === 'W' || /_watts$/.test(name)) return { kind: 'level', level: 180, swing: 40, noise: 5, integer: false, min: 0 };
  if (/(connections|sessions|agents|events|entries|scores)/.test(name)) return { kind: 'level', level: 40, swing: 8, noise: 1, integer: true, min: 0 };
  if (/score/.test(name)) return { kind: 'level', level: 0.8, swing: 0.05, noise: 0.01, integer: false, min: 0, max: 1 };
  void labels;
  return { kind: 'level', level: 1, swing: 0.2, noise: 0.05, integer: false, min: 0 };
}

/** Moves a gauge's level, swing and noise inside the limits, with a margin. */
function constrainGauge(base: GaugeBehaviour, l: Limits): GaugeBehaviour {
  if (base.kind === 'timestamp') {
    return l.staleAfter !== undefined ? { kind: 'timestamp', periodSeconds: Math.min(base.periodSeconds, l.staleAfter / 4) } : base;
  }
  let { level, swing, noise } = base;
  const reach = () => swing + noise;
  const { upper, lower } = l;
  if (upper !== undefined && lower !== undefined) {
    level = (upper + lower) / 2;
    swing = Math.min(swing, (upper - lower) / 8);
    noise = Math.min(noise, (upper - lower) / 16);
  } else if (upper !== undefined) {
    if (upper <= 0) {
      level = upper === 0 ? 0 : upper * 2;
      swing = 0;
      noise = 0;
    } else if (level + reach() > upper * 0.6 || (reach() === 0 && level >= upper)) {
      level = upper * 0.4;
      swing = upper * 0.08;
      noise = upper * 0.03;
    }
  } else if (lower !== undefined) {
    const margin = Math.abs(lower) * 0.3 || 0.3;
    const ok = reach() === 0 ? level >= lower : level - reach() >= lower + margin;
    if (!ok) {
      const max = base.max ?? Infinity;
      level = Math.min(lower === 0 ? 1 : lower > 0 ? lower * 2 : lower / 2, (lower + max) / 2);
      const room = level - lower;
      swing = room / 5;
      noise = room / 12;
    }
  }
  if (l.maxSwing !== undefined) {
    swing = Math.min(swing, l.maxSwing);
    noise = Math.min(noise, l.maxSwing / 2);
  }
  // Anomaly-watched series stay steady too: their z-score is taken against a trailing window that,
  // on a Prometheus just started, holds minutes, so the daily shape's descent alone reads as an anomaly.
  if (l.flat || l.smooth) {
    swing = 0;
    noise = 0;
  }
  if (base.integer && (swing > 0 || noise > 0) && Math.max(swing, noise) < 1) {
    // Counts cannot move by less than one: a narrow band keeps them constant instead.
    swing = 0;
    noise = 0;
  }
  return { ...base, level, swing, noise };
}

/** The default rate of a counter series, before ratios and limits. */
function defaultRate(metric: Metric, labels: SeriesLabels, profileRate: number | undefined): number {
  const bad = Object.values(labels).some((value) => BAD_VALUE.test(value));
  let rate = profileRate ?? (/(bytes|tokens)/.test(metric.name) ? 400 : /(requests|operations|calls|interactions|invocations)/.test(metric.name) ? 3 : 0.5);
  if (profileRate === undefined && RARE_COUNTER.test(metric.name)) rate = 0;
  if (bad) rate *= 0.004;
  return rate;
}

function seriesPlan(metric: Metric, labels: SeriesLabels, l: Limits): SeriesPlan {
  const profile = teamProfile(metric, labels);
  switch (metric.type) {
    case 'gauge':
    case 'updowncounter': {
      const base = profile?.gauge ?? defaultGauge(metric, labels);
      return { type: 'gauge', labels, behaviour: constrainGauge(base, l) };
    }
    case 'counter': {
      let rate = defaultRate(metric, labels, profile?.rate);
      if (l.zero) rate = 0;
      if (l.upper !== undefined) rate = Math.min(rate, Math.max(0, l.upper / 4));
      if (l.lower !== undefined) rate = Math.max(rate, l.lower * 3);
      return { type: 'counter', labels, rate, smooth: l.smooth === true };
    }
    case 'histogram': {
      const buckets = metric.buckets ?? [];
      const typical = profile?.typical ?? (buckets.length > 0 ? (buckets[Math.floor((buckets.length - 1) / 3)] as number) : 0.2);
      let high = typical;
      let low = typical / 5;
      if (l.upper !== undefined) {
        // Every observation at or under a bucket bound well below the threshold: its quantile stays there.
        const cap = l.upper / 2;
        const under = buckets.filter((b) => b <= cap);
        const ceiling = under.length > 0 ? (under[under.length - 1] as number) : cap;
        high = Math.min(high, ceiling);
        low = Math.min(low, high / 4);
      }
      const rate = profile?.rate ?? (/(request|operation|call|inference|health_check)/.test(metric.name) ? 2 : 0.2);
      return { type: 'histogram', labels, rate, low, high, smooth: l.smooth === true };
    }
  }
}

/** One-hot state gauges (`state`/`status` labels): exactly one healthy state is 1 per group. */
function applyOneHot(plans: MetricPlan[], limits: Map<string, Limits>): void {
  for (const plan of plans) {
    const label = oneHotLabel(plan.metric);
    if (!label) continue;
    const values = plan.metric.labels.find((l) => l.name === label)?.allowedValues ?? [];
    const forbidden = new Set(
      plan.series.filter((s) => (limits.get(seriesKey(plan.metric.name, s.labels))?.upper ?? Infinity) <= 0).map((s) => s.labels[label] as string),
    );
    const healthy = values.find((v) => !forbidden.has(v) && !BAD_VALUE.test(v)) ?? values.find((v) => !forbidden.has(v)) ?? values[0];
    plan.series = plan.series.map((s) => ({
      type: 'gauge',
      labels: s.labels,
      behaviour: { kind: 'level', level: s.labels[label] === healthy ? 1 : 0, swing: 0, noise: 0, integer: true },
    }));
  }
}

/** The label of a one-hot state gauge, if the metric is one. */
export function oneHotLabel(metric: Metric): string | undefined {
  if (metric.type !== 'gauge') return undefined;
  return metric.labels.find((l) => (l.name === 'state' || l.name === 'status') && (l.allowedValues?.length ?? 0) > 1)?.name;
}

function countersOf(plans: MetricPlan[], metric: Metric, matchers: readonly Matcher[]) {
  return (plans.find((p) => p.metric.name === metric.name)?.series ?? []).filter(
    (s): s is Extract<SeriesPlan, { type: 'counter' }> => s.type === 'counter' && matchesAll(s.labels, matchers),
  );
}

/** Keeps numerator/denominator under `maxShare` and the denominator above its minimum rate. */
function applyShare(plans: MetricPlan[], share: ShareLimit): void {
  const denominator = countersOf(plans, share.denominator.metric, share.denominator.matchers);
  const sum = (xs: { rate: number }[]) => xs.reduce((n, x) => n + x.rate, 0);
  if (share.minDenominatorRate !== undefined && denominator.length > 0) {
    const total = sum(denominator);
    const wanted = share.minDenominatorRate * 5;
    if (total < wanted) {
      for (const s of denominator) s.rate = total > 0 ? (s.rate * wanted) / total : wanted / denominator.length;
    }
  }
  const numerator = countersOf(plans, share.numerator.metric, share.numerator.matchers);
  const same = share.numerator.metric.name === share.denominator.metric.name;
  const num = sum(numerator);
  const den = sum(denominator);
  if (den <= 0 || num <= share.maxShare * den) return;
  if (same) {
    // The numerator's series are part of the denominator: scale them so num / den = maxShare.
    const rest = den - num;
    const target = (share.maxShare * rest) / (1 - share.maxShare);
    for (const s of numerator) s.rate = num > 0 ? (s.rate * target) / num : 0;
  } else {
    for (const s of numerator) s.rate = (s.rate * share.maxShare * den) / num;
  }
}
