import { describe, expect, it } from 'vitest';
import { analyzePromql, type LabelSet, unquote } from './promql.js';

const labels = (set: LabelSet) => (set === 'unknown' ? set : [...set].sort());
const catalog = (name: string): LabelSet =>
  ({
    a_total: new Set(['code', 'job', 'instance']),
    b: new Set(['job', 'instance']),
    h_bucket: new Set(['le', 'job', 'route']),
  })[name] ?? 'unknown';

describe('analyzePromql', () => {
  it('extracts selectors with their metric, matchers, functions and range', () => {
    const { selectors, errors } = analyzePromql(
      'histogram_quantile(0.9, sum by (le) (rate(h_bucket{job="x", le=~"1"}[5m])))',
    );
    expect(errors).toEqual([]);
    expect(selectors).toEqual([
      {
        metric: 'h_bucket',
        matchers: [
          { label: 'job', op: '=', value: 'x', from: 51, to: 58 },
          { label: 'le', op: '=~', value: '1', from: 60, to: 67 },
        ],
        functions: [
          { name: 'rate', argument: 0 },
          { name: 'histogram_quantile', argument: 1 },
        ],
        rangeSeconds: 300,
        from: 42,
        to: 68,
      },
    ]);
  });

  it('reads the metric name from __name__ and quoted names', () => {
    const names = (expr: string) => analyzePromql(expr).selectors.map((s) => s.metric);
    expect(names('{__name__="a_total", code="1"} + {"b.c"} + {job="x"}')).toEqual([
      'a_total',
      'b.c',
      undefined,
    ]);
    expect(
      analyzePromql('{__name__="a_total", code="1"}').selectors[0]?.matchers.map((m) => m.label),
    ).toEqual(['code']);
  });

  it('evaluates range windows, and tells subqueries and their function', () => {
    const { ranges } = analyzePromql(
      'increase(a_total[1h30m]) + max_over_time(rate(a_total[2 * 1m])[10m:1m]) + rate(a_total[step()])',
    );
    expect(ranges.map(({ seconds, function: fn, subquery }) => ({ seconds, fn, subquery }))).toEqual([
      { seconds: 5400, fn: 'increase', subquery: false },
      { seconds: 600, fn: 'max_over_time', subquery: true },
      { seconds: 120, fn: 'rate', subquery: false },
      { seconds: undefined, fn: 'rate', subquery: false },
    ]);
  });

  it('extracts by and without groupings with the labels of their input', () => {
    const { groupings } = analyzePromql(
      'sum by (code, route) (rate(a_total[5m])) / sum(b) without (instance)',
      catalog,
    );
    expect(
      groupings.map((g) => ({
        ...g,
        labels: g.labels.map((l) => l.name),
        inputLabels: labels(g.inputLabels),
      })),
    ).toEqual([
      {
        operator: 'sum',
        modifier: 'by',
        labels: ['code', 'route'],
        inputLabels: ['code', 'instance', 'job'],
        from: 4,
        to: 20,
      },
      {
        operator: 'sum',
        modifier: 'without',
        labels: ['instance'],
        inputLabels: ['instance', 'job'],
        from: 50,
        to: 68,
      },
    ]);
  });

  it.each([
    ['sum by (code) (rate(a_total[5m]))', ['code']],
    ['sum without (code) (a_total)', ['instance', 'job']],
    ['sum(a_total)', []],
    ['histogram_quantile(0.9, sum by (le, route) (rate(h_bucket[5m])))', ['route']],
    ['a_total / on (job) b', ['job']],
    ['a_total / ignoring (code) b', ['instance', 'job']],
    ['b * on (job) group_left (code) a_total', ['code', 'instance', 'job']],
    ['a_total > 0 and b', ['code', 'instance', 'job']],
    ['a_total or b', ['code', 'instance', 'job']],
    ['label_replace(b, "dst", "$1", "job", "(.*)")', ['dst', 'instance', 'job']],
    ['count_values("v", b)', ['v']],
    ['absent(b{job="x", instance=~".+"})', ['job']],
    ['vector(1) * 2', []],
    ['2 * -b', ['instance', 'job']],
    ['topk(3, b)', ['instance', 'job']],
  ])('infers the labels of %s', (expr, expected) => {
    expect(labels(analyzePromql(expr, catalog).outputLabels)).toEqual(expected);
  });

  it('gives up on labels it cannot know', () => {
    expect(analyzePromql('unknown_metric + 1', catalog).outputLabels).toBe('unknown');
    expect(analyzePromql('{job="x"}', catalog).outputLabels).toBe('unknown');
  });

  it.each([
    ['rate(a_total[5m]', 'unexpected end of expression', 16],
    ['foo(bar)', 'unexpected "("', 3],
    ['sum by (code) (a_total) +', 'unexpected end of expression', 25],
    ['a_total{code="5}', 'unterminated string', 13],
    ['  ', 'empty expression', 0],
  ])('reports the syntax error in %s', (expr, message, from) => {
    const [first] = analyzePromql(expr).errors;
    expect(first?.message).toContain(message);
    expect(first?.from).toBe(from);
  });

  it('reports no error for valid PromQL', () => {
    expect(
      analyzePromql('sum by (job) (rate(a_total{code=~"5.."}[5m] offset 1h)) > 0 # comment').errors,
    ).toEqual([]);
  });
});

describe('unquote', () => {
  it.each([
    ['"a\\"b"', 'a"b'],
    ["'a\\'b\"'", 'a\'b"'],
    ['`a\\.b`', 'a\\.b'],
    ['"5\\\\.."', '5\\..'],
  ])('reads %s', (literal, value) => {
    expect(unquote(literal)).toBe(value);
  });
});
