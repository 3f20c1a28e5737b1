import { SCRAPE_LABELS } from '../model/build.js';
import type { Metric } from '../model/types.js';
import { analyzePromql, type LabelSet } from './promql.js';

/** Which series of a catalog metric a name is: the sample itself, or a histogram's `_bucket`, `_sum`, `_count`. */
export type SeriesPart = 'sample' | 'bucket' | 'sum' | 'count';

/** What a series name is known as. */
export type KnownSeries =
  | { kind: 'catalog'; metric: Metric; part: SeriesPart }
  | { kind: 'record' }
  | { kind: 'internal' };

/** A recording rule as the index needs it: its output name, expression and static labels. */
export interface RecordSource {
  record: string;
  expr: string;
  labels: Readonly<Record<string, string>>;
}

/** Every series name lint can resolve offline, with its labels. */
export interface SeriesIndex {
  lookup(name: string): KnownSeries | undefined;
  /** The labels the series carries; `unknown` for internal series and records that cannot be inferred. */
  labels(name: string): LabelSet;
}

/** Series Prometheus writes itself (or every OpenTelemetry exporter does), and their labels where fixed. */
function internalLabels(name: string): LabelSet | undefined {
  if (name === 'up' || name.startsWith('scrape_')) return new Set(SCRAPE_LABELS);
  if (
    name === 'ALERTS' ||
    name === 'ALERTS_FOR_STATE' ||
    name === 'target_info' ||
    name.startsWith('prometheus_')
  ) {
    return 'unknown';
  }
  return undefined;
}

function catalogSeries(metric: Metric): [string, SeriesPart][] {
  if (metric.type !== 'histogram') return [[metric.promName, 'sample']];
  return [
    [`${metric.promName}_bucket`, 'bucket'],
    [`${metric.promName}_sum`, 'sum'],
    [`${metric.promName}_count`, 'count'],
  ];
}

/**
 * Indexes the catalog's series, the outputs of recording rules (generated and hand-written) and
 * Prometheus' own series. A record's labels are inferred from its expression plus its static
 * labels, following other records as needed (a cycle yields `unknown`).
 */
export function buildSeriesIndex(metrics: readonly Metric[], records: readonly RecordSource[]): SeriesIndex {
  const catalog = new Map<string, { metric: Metric; part: SeriesPart }>();
  for (const metric of metrics) {
    for (const [name, part] of catalogSeries(metric)) catalog.set(name, { metric, part });
  }
  const recorded = new Map<string, RecordSource[]>();
  for (const record of records) recorded.set(record.record, [...(recorded.get(record.record) ?? []), record]);
  const memo = new Map<string, LabelSet>();
  const inProgress = new Set<string>();

  const lookup = (name: string): KnownSeries | undefined => {
    const entry = catalog.get(name);
    if (entry) return { kind: 'catalog', ...entry };
    if (recorded.has(name)) return { kind: 'record' };
    return internalLabels(name) !== undefined ? { kind: 'internal' } : undefined;
  };

  const labels = (name: string): LabelSet => {
    const entry = catalog.get(name);
    if (entry) {
      const own = entry.metric.labels.map((label) => label.name);
      return new Set([...own, ...SCRAPE_LABELS, ...(entry.part === 'bucket' ? ['le'] : [])]);
    }
    const sources = recorded.get(name);
    if (!sources) return internalLabels(name) ?? 'unknown';
    const cached = memo.get(name);
    if (cached) return cached;
    if (inProgress.has(name)) return 'unknown';
    inProgress.add(name);
    let result: LabelSet = new Set<string>();
    for (const source of sources) {
      const output = analyzePromql(source.expr, labels).outputLabels;
      if (output === 'unknown') {
        result = 'unknown';
        break;
      }
      result = new Set([...result, ...output, ...Object.keys(source.labels)]);
    }
    inProgress.delete(name);
    memo.set(name, result);
    return result;
  };

  return { lookup, labels };
}
