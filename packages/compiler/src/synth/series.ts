import { num } from '../promql/build.js';
import { compareText } from '../text-order.js';

/** A promtool input series: `name{labels}` and its values in expanding notation. */
export interface InputSeries {
  series: string;
  values: string;
}

/** One stretch of samples: `count` samples starting at `start`, each `step` apart; `gap` means no samples. */
export type Segment = { start: number; step: number; count: number } | { gap: number };

/** Renders a series selector for promtool's input (label values escaped). */
export function seriesName(name: string, labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => compareText(a, b));
  if (entries.length === 0) return name;
  return `${name}{${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** Renders segments in promtool's expanding notation (`a+bxn` is n+1 samples; `_xn` is n gaps). */
export function renderValues(segments: readonly Segment[]): string {
  return segments
    .filter((segment) => ('gap' in segment ? segment.gap > 0 : segment.count > 0))
    .map((segment) => {
      if ('gap' in segment) return `_x${segment.gap}`;
      const step = segment.step < 0 ? `-${num(-segment.step)}` : `+${num(segment.step)}`;
      return `${num(segment.start)}${step}x${segment.count - 1}`;
    })
    .join(' ');
}

/**
 * A gauge that holds one level per phase. `phases` are `[fromIndex, value]` pairs, the first
 * from 0; `length` is the number of samples.
 */
export function gaugeSegments(phases: readonly (readonly [number, number])[], length: number): Segment[] {
  return phases.map(([from, value], i) => {
    const to = i + 1 < phases.length ? (phases[i + 1] as readonly [number, number])[0] : length;
    return { start: value, step: 0, count: to - from };
  });
}

/**
 * A counter whose increment per sample changes per phase (`[fromIndex, increment]`), starting
 * at 0. Increments are integers or dyadic fractions, so promtool's expansion is exact.
 */
export function counterSegments(phases: readonly (readonly [number, number])[], length: number): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  phases.forEach(([from, increment], i) => {
    const to = i + 1 < phases.length ? (phases[i + 1] as readonly [number, number])[0] : length;
    const count = to - from;
    const start = i === 0 ? 0 : last + increment;
    segments.push({ start, step: increment, count });
    last = start + increment * (count - 1);
  });
  return segments;
}

/** Rounds to a multiple of 1/256 in the given direction, so sums of such values stay exact. */
export function dyadic(value: number, direction: 'up' | 'down'): number {
  const scaled = value * 256;
  return (direction === 'up' ? Math.ceil(scaled) : Math.floor(scaled)) / 256;
}
