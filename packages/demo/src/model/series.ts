import type { Metric, Model } from '@vigil/compiler/core';

/** A label matcher as the model holds it (`{ label, op, value }`). */
export type Matcher = Extract<Model['alerts'][number]['condition'], { kind: 'staleness' }>['matchers'][number];

/** One series of a catalog metric: its label values. */
export type SeriesLabels = Readonly<Record<string, string>>;

/** Values for free labels (no closed set), so their panels have a few realistic lines. */
const FREE_LABEL_VALUES: Readonly<Record<string, readonly string[]>> = {
  route: ['/api/search', '/api/documents', '/api/chat'],
  agent_id: ['agent-alpha', 'agent-bravo', 'agent-charlie'],
  mountpoint: ['/', '/data'],
  model: ['gpt-4o-mini', 'llama-3-8b'],
  parameter: ['diversity_weight', 'novelty_boost'],
  benchmark: ['selection', 'curation'],
  gpu: ['gpu0', 'gpu1'],
  reason: ['interaction', 'decay'],
  error_type: ['validation', 'timeout'],
  intervention_type: ['warning', 'mediation'],
  anomaly_type: ['sudden_drop', 'oscillation'],
  interaction_type: ['dialogue', 'choice'],
};

/** Most series kept per metric: closed sets multiply, and a demo needs lines, not load. */
const MAX_SERIES = 160;

/** Every series the demo records for `metric`: the product of its labels' values. */
export function enumerateSeries(metric: Metric): SeriesLabels[] {
  let combos: Record<string, string>[] = [{}];
  for (const label of metric.labels) {
    const values = label.allowedValues ?? FREE_LABEL_VALUES[label.name] ?? [`${label.name.replaceAll('_', '-')}-1`, `${label.name.replaceAll('_', '-')}-2`];
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [label.name]: value })));
    if (combos.length > MAX_SERIES) combos = combos.slice(0, MAX_SERIES);
  }
  return combos;
}

/** Whether `labels` satisfy every matcher (a missing label reads as the empty string, as in PromQL). */
export function matchesAll(labels: SeriesLabels, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => {
    const value = labels[m.label] ?? '';
    switch (m.op) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(value);
      case '!~':
        return !new RegExp(`^(?:${m.value})$`).test(value);
    }
  });
}

/** A stable key for one series of one metric. */
export function seriesKey(metric: string, labels: SeriesLabels): string {
  return `${metric}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',')}}`;
}
