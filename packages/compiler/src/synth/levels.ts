import type { Bound, Metric, ValueSignal } from '../model/types.js';
import { num } from '../promql/build.js';
import { counterSegments, dyadic, gaugeSegments, type InputSeries, renderValues, seriesName } from './series.js';

/**
 * Seconds between samples (and evaluations) of the alert test being synthesized. Alerts with
 * windows of days are tested at coarser steps so promtool stays fast; synthesis is synchronous,
 * so {@link withStep} scoping this is safe.
 */
export let STEP_SECONDS = 60;

/** Runs `fn` with samples `step` seconds apart. */
export function withStep<T>(step: number, fn: () => T): T {
  const previous = STEP_SECONDS;
  STEP_SECONDS = step;
  try {
    return fn();
  } finally {
    STEP_SECONDS = previous;
  }
}

/** Whether a value passes a bound. */
export function passes(value: number, bound: Bound): boolean {
  return bound.op === '>' ? value > bound.value : value < bound.value;
}

/**
 * Drives one watched value through chosen levels and knows the exact number Prometheus will
 * compute for each level, so rendered annotations can be predicted.
 */
export interface SignalDriver {
  /** A level that passes the bound and one that does not; undefined when none can be made. */
  pick(bound: Bound): { healthy: number; breach: number } | undefined;
  /** The value Prometheus computes once the window holds only this level. */
  valueOf(level: number): number;
  /** The input series for `[fromMinute, level]` phases. */
  series(phases: readonly (readonly [number, number])[], length: number, labels: Record<string, string>): InputSeries[];
  /** Minutes until the value settles on a new level (the rate window). */
  settleMinutes: number;
}

function gaugePick(bound: Bound, floor?: number): { healthy: number; breach: number } | undefined {
  const x = bound.value;
  const high = dyadic(x > 0 ? x * 1.5 : x + 1, 'up');
  const low = dyadic(x > 0 ? x / 2 : x - 1, 'down');
  const levels = bound.op === '>' ? { breach: high, healthy: low } : { breach: low, healthy: high };
  if (floor !== undefined && Math.min(levels.breach, levels.healthy) < floor) return undefined;
  return passes(levels.breach, bound) && !passes(levels.healthy, bound) ? levels : undefined;
}

function counterPick(bound: Bound): { healthy: number; breach: number } | undefined {
  const x = bound.value;
  const levels =
    bound.op === '>'
      ? { breach: Math.floor(Math.max(x, 0) * 1.5) + 1, healthy: Math.max(0, Math.floor(x / 2)) }
      : { breach: Math.max(0, Math.ceil(x / 2) - 1), healthy: Math.floor(Math.max(x, 0) * 1.5) + 1 };
  return passes(levels.breach, bound) && !passes(levels.healthy, bound) ? levels : undefined;
}

/** Prometheus' `bucketQuantile` for a histogram whose observations all fall in one bucket. */
function quantileOfBucket(buckets: readonly number[], index: number, q: number): number {
  const observations = 1;
  let rank = q * observations;
  const end = buckets[index] as number;
  if (index === 0) {
    if (end <= 0) return end;
    return 0 + (end - 0) * (rank / observations);
  }
  const start = buckets[index - 1] as number;
  rank -= 0;
  return start + (end - start) * (rank / (observations - 0));
}

/** The driver for a value signal's metric type. */
export function driverFor(signal: ValueSignal): SignalDriver {
  const { metric } = signal;
  const windowMinutes = Math.max(1, Math.round(signal.windowSeconds / STEP_SECONDS));
  switch (metric.type) {
    case 'gauge':
    case 'updowncounter':
      return {
        pick: (bound) => gaugePick(bound),
        valueOf: (level) => level,
        series: (phases, length, labels) => [
          { series: seriesName(metric.promName, labels), values: renderValues(gaugeSegments(phases, length)) },
        ],
        settleMinutes: 0,
      };
    case 'counter':
      return {
        pick: counterPick,
        // (last - first) * 1 / range: an integer rate comes back exactly.
        valueOf: (level) => (level * STEP_SECONDS * windowMinutes) / (windowMinutes * STEP_SECONDS),
        series: (phases, length, labels) => [counterSeries(metric, '', phases, length, labels)],
        settleMinutes: windowMinutes,
      };
    case 'histogram':
      return signal.quantile !== undefined ? quantileDriver(metric, signal.quantile, windowMinutes) : meanDriver(metric, windowMinutes);
  }
}

/** A counter series whose level is a per-second rate. */
export function counterSeries(
  metric: Metric,
  suffix: string,
  phases: readonly (readonly [number, number])[],
  length: number,
  labels: Record<string, string>,
): InputSeries {
  const perSample = phases.map(([from, rate]) => [from, rate * STEP_SECONDS] as const);
  return { series: seriesName(`${metric.promName}${suffix}`, labels), values: renderValues(counterSegments(perSample, length)) };
}

function quantileDriver(metric: Metric, q: number, windowMinutes: number): SignalDriver {
  const buckets = metric.buckets ?? [];
  const values = buckets.map((_, index) => quantileOfBucket(buckets, index, q));
  return {
    pick(bound) {
      const order = values.map((value, index) => ({ value, index }));
      const passing = order.filter((entry) => passes(entry.value, bound));
      const failing = order.filter((entry) => !passes(entry.value, bound));
      if (passing.length === 0 || failing.length === 0) return undefined;
      // The nearest levels on each side of the bound keep the test close to the threshold.
      const breach = bound.op === '>' ? passing[0] : passing[passing.length - 1];
      const healthy = bound.op === '>' ? failing[failing.length - 1] : failing[0];
      return { breach: (breach as { index: number }).index, healthy: (healthy as { index: number }).index };
    },
    valueOf: (level) => values[level] as number,
    series: (phases, length, labels) =>
      [...buckets.map((b) => num(b)), '+Inf'].map((le, index) =>
        counterSeries(
          metric,
          '_bucket',
          phases.map(([from, level]) => [from, index >= level ? 1 : 0] as const),
          length,
          { ...labels, le },
        ),
      ),
    settleMinutes: windowMinutes,
  };
}

function meanDriver(metric: Metric, windowMinutes: number): SignalDriver {
  return {
    pick: (bound) => gaugePick(bound, 0),
    valueOf: (level) => level,
    series: (phases, length, labels) => [
      counterSeries(metric, '_sum', phases, length, labels),
      counterSeries(
        metric,
        '_count',
        phases.map(([from]) => [from, 1] as const),
        length,
        labels,
      ),
    ],
    settleMinutes: windowMinutes,
  };
}
