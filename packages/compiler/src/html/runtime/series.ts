/** Turning API results into what panels draw: named series and one aligned time axis. */
import type { PageQuery } from '../page-config.js';
import { type MatrixData, parseSampleValue, type RangeSeries, type Sample } from './prometheus-api.js';
import { formatValue } from './units.js';

/** One line, number or table row of a panel. */
export interface PanelSeries {
  name: string;
  labels: Record<string, string>;
  values: Sample[];
}

/** uPlot's data: the time axis, then one column per series with null for gaps. */
export type AlignedData = [number[], ...(number | null)[][]];

/** Fills a Grafana legend format ({{label}}) from a series' labels; without one, lists them. */
export function formatLegend(legend: string, labels: Record<string, string>): string {
  if (legend && legend !== '__auto') {
    return legend.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
  }
  const names = Object.keys(labels)
    .filter((n) => n !== '__name__')
    .sort();
  const inner = names.map((n) => n + '="' + labels[n] + '"').join(', ');
  const metric = labels.__name__ || '';
  if (!inner) return metric; // an aggregate over everything: nothing to tell its lines apart
  return metric + '{' + inner + '}';
}

/** Aligns query_range matrices on one time axis: [xs, ys...] as uPlot wants, nulls for gaps. */
export function alignSeries(start: number, end: number, step: number, matrices: readonly (readonly { values: Sample[] }[])[]): AlignedData {
  const xs: number[] = [];
  for (let t = start; t <= end; t += step) xs.push(t);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns: (number | null)[][] = [];
  for (const matrix of matrices) {
    for (const series of matrix) {
      const ys: (number | null)[] = new Array<number | null>(xs.length).fill(null);
      for (const [time, value] of series.values) {
        const i = index.get(Math.round(time));
        if (i !== undefined) ys[i] = parseSampleValue(value);
      }
      columns.push(ys);
    }
  }
  return [xs, ...columns];
}

/** Orders histogram bucket series by their upper bound (le), as a heatmap reads them. */
export function byBucket(a: RangeSeries, b: RangeSeries): number {
  return (parseSampleValue(a.metric.le) as number) - (parseSampleValue(b.metric.le) as number);
}

/** The newest sample that is a number, or null. */
export function lastValue(values: readonly Sample[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = parseSampleValue((values[i] as Sample)[1]);
    if (v !== null) return v;
  }
  return null;
}

/**
 * The named series of a panel's results, in query order. Heatmap buckets are sorted by `le`
 * (in place) and named by their bound in the panel's unit, since they are drawn one line each.
 */
export function panelSeries(queries: readonly PageQuery[], results: readonly MatrixData[], unit: string): PanelSeries[] {
  const series: PanelSeries[] = [];
  results.forEach((data, q) => {
    const query = queries[q] as PageQuery;
    if (query.format === 'heatmap' && data.result) data.result.sort(byBucket);
    for (const s of data.result || []) {
      const bucket = query.format === 'heatmap' && s.metric.le !== undefined;
      const name = bucket ? '≤ ' + formatValue(parseSampleValue(s.metric.le), unit) : formatLegend(query.legend, s.metric);
      series.push({ name, labels: s.metric, values: s.values });
    }
  });
  return series;
}
