import { describe, expect, it } from 'vitest';
import type { PageQuery } from '../page-config.js';
import type { MatrixData } from './prometheus-api.js';
import { alignSeries, formatLegend, lastValue, panelSeries } from './series.js';

const query = (format: PageQuery['format'], legend = ''): PageQuery => ({ expr: 'x', legend, format, instant: false });

describe('series', () => {
  it('fills legends from labels, or lists the labels without one', () => {
    expect(formatLegend('p99 {{route}}', { route: '/search' })).toBe('p99 /search');
    expect(formatLegend('{{ job }} on {{missing}}', { job: 'api' })).toBe('api on ');
    expect(formatLegend('', { __name__: 'up', job: 'api', instance: 'a:1' })).toBe('up{instance="a:1", job="api"}');
    expect(formatLegend('__auto', { job: 'api' })).toBe('{job="api"}');
    expect(formatLegend('', {})).toBe('');
  });

  it('aligns range results on one time axis with gaps as null', () => {
    const data = alignSeries(100, 130, 10, [[{ values: [[100, '1'], [120, '3']] }], [{ values: [[130, 'NaN'], [110, '+Inf']] }]]);
    expect(data).toEqual([[100, 110, 120, 130], [1, null, 3, null], [null, Infinity, null, null]]);
  });

  it('drops samples off the axis and rounds fractional timestamps onto it', () => {
    expect(alignSeries(100, 120, 10, [[{ values: [[90, '5'], [110.0004, '2'], [125, '9']] }]])).toEqual([[100, 110, 120], [null, 2, null]]);
  });

  it('takes the newest value that is a number', () => {
    expect(lastValue([[1, '4'], [2, 'NaN']])).toBe(4);
    expect(lastValue([[1, 'NaN']])).toBeNull();
    expect(lastValue([])).toBeNull();
  });

  it('names series by legend, in query order', () => {
    const results: MatrixData[] = [
      { resultType: 'matrix', result: [{ metric: { route: '/a' }, values: [[1, '1']] }] },
      { resultType: 'matrix', result: [{ metric: { route: '/a' }, values: [] }] },
    ];
    expect(panelSeries([query('time_series', 'p50 {{route}}'), query('time_series', 'p99 {{route}}')], results, 's').map((s) => s.name)).toEqual(['p50 /a', 'p99 /a']);
  });

  it('orders heatmap buckets by bound and names them in the panel unit', () => {
    const bucket = (le: string) => ({ metric: { le }, values: [[1, '1']] as [number, string][] });
    const results: MatrixData[] = [{ resultType: 'matrix', result: [bucket('+Inf'), bucket('0.5'), bucket('0.05')] }];
    expect(panelSeries([query('heatmap')], results, 's').map((s) => s.name)).toEqual(['≤ 50 ms', '≤ 500 ms', '≤ +Inf']);
  });
});
