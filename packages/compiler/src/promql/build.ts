import type { Matcher } from './matcher.js';
import { formatDuration } from '../spec/duration.js';

/** Quotes a string for PromQL (Go string-literal rules, which JSON escaping satisfies). */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** Renders a number so Prometheus parses back the same float64. */
export function num(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** `name{a="1",b=~"x|y"}` with every label value escaped. */
export function selector(name: string, matchers: readonly Matcher[]): string {
  if (matchers.length === 0) return name;
  return `${name}{${matchers.map((m) => `${m.label}${m.op}${quote(m.value)}`).join(', ')}}`;
}

/** ` by (a, b) ` to sit between an aggregation and its `(`, or nothing for no grouping. */
export function by(labels: readonly string[]): string {
  return labels.length === 0 ? '' : ` by (${labels.join(', ')}) `;
}

/** A range selector window: `[5m]`. */
export function range(seconds: number): string {
  return `[${formatDuration(seconds)}]`;
}

/** The `le` matcher value for a bucket bound, tolerant of `1` and `1.0` spellings (exporters differ). */
export function bucketMatcher(bound: number): Matcher {
  const text = num(bound);
  return Number.isInteger(bound) ? { label: 'le', op: '=~', value: `${text}(\\.0)?` } : { label: 'le', op: '=', value: text };
}

/** Escapes RE2 metacharacters so a literal name can sit inside a regular-expression matcher. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
