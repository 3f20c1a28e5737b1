import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { DATADOG_HISTOGRAM_SUFFIXES } from '@vigil/conventions';
import type { DatadogSeries, DropReason } from './types.js';

/** The window Datadog accepts points in, relative to now. */
export interface AcceptedWindow {
  /** How far in the past a point may be (ms); Datadog: 1 h. */
  maxAgeMs: number;
  /** How far in the future a point may be (ms); Datadog: 10 min. */
  maxFutureMs: number;
}

/** Datadog's documented window for the v2 series API. */
export const DATADOG_ACCEPTED_WINDOW: AcceptedWindow = { maxAgeMs: 3_600_000, maxFutureMs: 600_000 };

/** Series made from one collection, and points that could not be sent (counted, never silent). */
export interface ConversionResult {
  series: DatadogSeries[];
  dropped: Partial<Record<DropReason, number>>;
  /**
   * Count points stamped after the clock's current second (carried past a second the series
   * already used; collections under 1 s apart). Sent, but a restarted process that writes the
   * same series in that second would overwrite them.
   */
  aheadOfClock: number;
}

interface CumulativeState {
  startMs: number;
  endMs: number;
  values: number[];
}

/**
 * Turns cumulative OTel points into Datadog deltas. Keyed by series identity; the first point of a
 * series counts from its start time (its whole value is the first delta), a changed start time or a
 * value going down is a reset and counts from zero again. Not shared between exporters.
 */
export class DeltaTracker {
  private readonly last = new Map<string, CumulativeState>();
  /** Last second a count point was stamped with, per series (metric and tags). */
  private readonly stamps = new Map<string, number>();

  /**
   * The second to stamp a count point of `key` with: `timestamp`, or one second after the last
   * point of that series when a collection already used this second. Datadog keeps one value per
   * series and second (the last written), so two count points in one second would lose the first
   * one's increments; carrying to the next second keeps both (two collections within a second:
   * forceFlush then shutdown, a periodic export then forceFlush).
   */
  stampCount(key: string, timestamp: number): number {
    const last = this.stamps.get(key);
    const stamped = last !== undefined && timestamp <= last ? last + 1 : timestamp;
    this.stamps.set(key, stamped);
    return stamped;
  }

  /** Deltas of `values` against the last point of `key`, and the seconds they cover. */
  delta(key: string, startMs: number, endMs: number, values: number[]): { deltas: number[]; intervalSec: number } {
    const previous = this.last.get(key);
    this.last.set(key, { startMs, endMs, values });
    const continues =
      previous !== undefined &&
      previous.startMs === startMs &&
      previous.values.length === values.length &&
      previous.endMs <= endMs &&
      values.every((v, i) => v >= (previous.values[i] ?? 0));
    if (!continues) return { deltas: values.slice(), intervalSec: intervalSeconds(endMs - startMs) };
    return {
      deltas: values.map((v, i) => v - (previous.values[i] ?? 0)),
      intervalSec: intervalSeconds(endMs - previous.endMs),
    };
  }

  /** Running total for delta-temporality up-down counters, which Datadog receives as gauges. */
  accumulate(key: string, value: number): number {
    const previous = this.last.get(key)?.values[0] ?? 0;
    const total = previous + value;
    this.last.set(key, { startMs: 0, endMs: 0, values: [total] });
    return total;
  }

  /** Forgets series not seen since `cutoffMs` (their next point counts as a first one), so churn does not grow memory. */
  prune(cutoffMs: number): void {
    for (const [key, state] of this.last) if (state.endMs !== 0 && state.endMs < cutoffMs) this.last.delete(key);
    for (const [key, second] of this.stamps) if (second * 1000 < cutoffMs) this.stamps.delete(key);
  }

  /** Number of series tracked (for tests and memory checks). */
  get size(): number {
    return this.last.size;
  }
}

function intervalSeconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}

function hrTimeToMs(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}

function formatAttribute(value: AttributeValue | undefined): string {
  if (Array.isArray(value)) return value.map((v) => String(v)).join(',');
  return String(value);
}

/** `key:value` tags from point attributes, sorted so series identity does not depend on order. */
export function attributeTags(attributes: Attributes): string[] {
  return Object.entries(attributes)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}:${formatAttribute(v)}`)
    .sort();
}

/** Resource attributes that become Datadog's unified service tags. */
const RESOURCE_TAGS: readonly (readonly [string, string])[] = [
  ['service.name', 'service'],
  ['service.version', 'version'],
  ['deployment.environment.name', 'env'],
  ['deployment.environment', 'env'],
];

/** Datadog unified service tags (`service`, `version`, `env`) from resource attributes. */
export function resourceTags(attributes: Attributes): string[] {
  const tags = new Map<string, string>();
  for (const [attribute, tag] of RESOURCE_TAGS) {
    const value = attributes[attribute];
    if (value === undefined || value === null || tags.has(tag)) continue;
    tags.set(tag, `${tag}:${formatAttribute(value)}`);
  }
  return [...tags.values()];
}

function seriesKey(name: string, tags: readonly string[]): string {
  return `${name}\u0000${tags.join('\u0001')}`;
}

function inWindow(timestampMs: number, nowMs: number, window: AcceptedWindow): DropReason | undefined {
  if (timestampMs < nowMs - window.maxAgeMs) return 'too-old';
  if (timestampMs > nowMs + window.maxFutureMs) return 'too-far-in-future';
  return undefined;
}

/**
 * Maps one OTel collection to Datadog series: monotonic sums to `count` deltas with their interval,
 * non-monotonic sums and gauges to `gauge`, histograms to `.bucket`/`.count`/`.sum` counts and
 * `.min`/`.max` gauges. Points outside Datadog's accepted window are dropped and counted.
 */
export function toDatadogSeries(
  metrics: ResourceMetrics,
  tracker: DeltaTracker,
  nowMs: number,
  window: AcceptedWindow = DATADOG_ACCEPTED_WINDOW,
): ConversionResult {
  const fromResource = resourceTags(metrics.resource.attributes);
  const series: DatadogSeries[] = [];
  const dropped: Partial<Record<DropReason, number>> = {};
  const nowSecond = Math.floor(nowMs / 1000);
  let aheadOfClock = 0;
  const drop = (reason: DropReason, points: number): void => {
    dropped[reason] = (dropped[reason] ?? 0) + points;
  };

  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      for (const made of convertMetric(metric, fromResource, tracker)) {
        const reason = inWindow(made.timestampMs, nowMs, window);
        if (reason !== undefined) {
          drop(reason, made.series.length);
          continue;
        }
        series.push(...made.series);
        for (const s of made.series) if (s.type === 'count') for (const p of s.points) if (p.timestamp > nowSecond) aheadOfClock += 1;
      }
    }
  }
  return { series, dropped, aheadOfClock };
}

interface ConvertedPoint {
  timestampMs: number;
  series: DatadogSeries[];
}

function convertMetric(metric: MetricData, fromResource: readonly string[], tracker: DeltaTracker): ConvertedPoint[] {
  const name = metric.descriptor.name;
  const unit = metric.descriptor.unit || undefined;
  const cumulative = metric.aggregationTemporality === AggregationTemporality.CUMULATIVE;
  const out: ConvertedPoint[] = [];

  for (const point of metric.dataPoints) {
    const tags = [...fromResource, ...attributeTags(point.attributes)];
    const startMs = hrTimeToMs(point.startTime);
    const endMs = hrTimeToMs(point.endTime);
    const timestamp = Math.floor(endMs / 1000);
    const key = seriesKey(name, tags);
    const made: DatadogSeries[] = [];

    switch (metric.dataPointType) {
      case DataPointType.GAUGE: {
        made.push(gauge(name, timestamp, point.value as number, tags, unit));
        break;
      }
      case DataPointType.SUM: {
        const value = point.value as number;
        if (metric.isMonotonic) {
          const { deltas, intervalSec } = cumulative
            ? tracker.delta(key, startMs, endMs, [value])
            : { deltas: [value], intervalSec: intervalSeconds(endMs - startMs) };
          made.push(count(name, timestamp, deltas[0] ?? 0, intervalSec, tags, unit));
        } else {
          made.push(gauge(name, timestamp, cumulative ? value : tracker.accumulate(key, value), tags, unit));
        }
        break;
      }
      // Exponential histograms send count, sum, min and max; their buckets are not sent.
      case DataPointType.HISTOGRAM:
      case DataPointType.EXPONENTIAL_HISTOGRAM: {
        const h = point.value as { count: number; sum?: number; min?: number; max?: number };
        const buckets =
          metric.dataPointType === DataPointType.HISTOGRAM
            ? (point.value as { buckets: { boundaries: number[]; counts: number[] } }).buckets
            : { boundaries: [], counts: [] };
        const values = [h.count, h.sum ?? 0, ...buckets.counts];
        const { deltas, intervalSec } = cumulative
          ? tracker.delta(key, startMs, endMs, values)
          : { deltas: values, intervalSec: intervalSeconds(endMs - startMs) };
        made.push(count(name + DATADOG_HISTOGRAM_SUFFIXES.count, timestamp, deltas[0] ?? 0, intervalSec, tags, undefined));
        if (h.sum !== undefined) made.push(count(name + DATADOG_HISTOGRAM_SUFFIXES.sum, timestamp, deltas[1] ?? 0, intervalSec, tags, unit));
        if (h.min !== undefined && Number.isFinite(h.min)) made.push(gauge(name + DATADOG_HISTOGRAM_SUFFIXES.min, timestamp, h.min, tags, unit));
        if (h.max !== undefined && Number.isFinite(h.max)) made.push(gauge(name + DATADOG_HISTOGRAM_SUFFIXES.max, timestamp, h.max, tags, unit));
        buckets.counts.forEach((_, i) => {
          const lower = i === 0 ? '-inf' : String(buckets.boundaries[i - 1]);
          const upper = i < buckets.boundaries.length ? String(buckets.boundaries[i]) : 'inf';
          const bucketTags = [...tags, `lower_bound:${lower}`, `upper_bound:${upper}`];
          made.push(count(name + DATADOG_HISTOGRAM_SUFFIXES.bucket, timestamp, deltas[i + 2] ?? 0, intervalSec, bucketTags, undefined));
        });
        break;
      }
    }
    for (const s of made) {
      if (s.type !== 'count') continue;
      for (const p of s.points) p.timestamp = tracker.stampCount(seriesKey(s.metric, s.tags), p.timestamp);
    }
    out.push({ timestampMs: endMs, series: made });
  }
  return out;
}

function gauge(metric: string, timestamp: number, value: number, tags: string[], unit: string | undefined): DatadogSeries {
  return { metric, type: 'gauge', points: [{ timestamp, value }], tags, ...(unit ? { unit } : {}) };
}

function count(
  metric: string,
  timestamp: number,
  value: number,
  interval: number,
  tags: string[],
  unit: string | undefined,
): DatadogSeries {
  return { metric, type: 'count', points: [{ timestamp, value }], tags, interval, ...(unit ? { unit } : {}) };
}

/**
 * Drops the points of `series` that left the accepted window while they waited in the queue.
 * Returns the kept series and the number of points dropped per reason.
 */
export function filterWindow(
  series: readonly DatadogSeries[],
  nowMs: number,
  window: AcceptedWindow = DATADOG_ACCEPTED_WINDOW,
): { kept: DatadogSeries[]; dropped: Partial<Record<DropReason, number>> } {
  const dropped: Partial<Record<DropReason, number>> = {};
  const kept: DatadogSeries[] = [];
  for (const s of series) {
    const points = s.points.filter((p) => {
      const reason = inWindow(p.timestamp * 1000, nowMs, window);
      if (reason !== undefined) dropped[reason] = (dropped[reason] ?? 0) + 1;
      return reason === undefined;
    });
    if (points.length === s.points.length) kept.push(s);
    else if (points.length > 0) kept.push({ ...s, points });
  }
  return { kept, dropped };
}
