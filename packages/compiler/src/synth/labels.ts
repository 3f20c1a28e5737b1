import { satisfies } from '../model/matchers.js';
import type { Matcher, Metric, Service } from '../model/types.js';

/** The instance label of every generated input series. */
export const TEST_INSTANCE = 'vigil-test:9464';

function candidates(metric: Metric, label: string, matchers: readonly Matcher[]): string[] {
  const allowed = metric.labels.find((l) => l.name === label)?.allowedValues ?? [];
  const fromPatterns = matchers
    .filter((m) => m.label === label)
    .flatMap((m) => (m.op === '=' ? [m.value] : m.op === '=~' ? m.value.replace(/[()^$]/g, '').split('|') : []));
  return [...new Set([...fromPatterns, ...allowed, 'example', 'other'])];
}

/** A value for `label` that satisfies every matcher on it, or undefined. */
export function valueFor(metric: Metric, label: string, matchers: readonly Matcher[]): string | undefined {
  const relevant = matchers.filter((m) => m.label === label);
  return candidates(metric, label, matchers).find((value) => relevant.every((m) => satisfies(m, value)));
}

/**
 * Labels of an input series that the metric's selector (job + matchers) selects, with a value
 * for every grouping label. `undefined` when a regular expression admits no value we can find.
 */
export function inputLabels(
  service: Service,
  metric: Metric,
  matchers: readonly Matcher[],
  by: readonly string[],
  instance = TEST_INSTANCE,
): Record<string, string> | undefined {
  const labels: Record<string, string> = { instance, job: service.job };
  const names = new Set([...matchers.map((m) => m.label), ...by].filter((name) => name !== 'job' && name !== 'instance'));
  for (const name of names) {
    const value = valueFor(metric, name, matchers);
    if (value === undefined) return undefined;
    labels[name] = value;
  }
  return labels;
}

/** Picks the `by` labels out of an input series' labels: what an aggregation keeps. */
export function groupLabels(labels: Record<string, string>, by: readonly string[]): Record<string, string> {
  return Object.fromEntries(by.map((name) => [name, labels[name] ?? '']).filter(([, v]) => v !== ''));
}

/** Labels that select the series of a total but not of a part (`errors` among `requests`). */
export function complementLabels(
  metric: Metric,
  base: Record<string, string>,
  partMatchers: readonly Matcher[],
  totalMatchers: readonly Matcher[],
): Record<string, string> | undefined {
  for (const matcher of partMatchers) {
    if (matcher.label === 'job' || matcher.label === 'instance') continue;
    const options = candidates(metric, matcher.label, [...totalMatchers]).concat(['other', 'none', '0']);
    const onTotal = totalMatchers.filter((m) => m.label === matcher.label);
    const value = options.find((v) => !satisfies(matcher, v) && onTotal.every((m) => satisfies(m, v)));
    if (value !== undefined) return { ...base, [matcher.label]: value };
  }
  return undefined;
}
