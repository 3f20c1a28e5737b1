// The checks Prometheus makes after the grammar, compared with promtool itself: every expression
// here is rejected by both or accepted by both (issue 13: `rate(x)` was written, promtool refused).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingBinaries } from '../../../../test/support/binaries.js';
import { promqlSyntaxErrors } from './promql-syntax.js';

const skip = missingBinaries('promtool');

const REJECTED: [string, RegExp][] = [
  ['rate(x) > 1', /expected type range vector in call to function "rate", got instant vector/],
  ['sum(x[5m])', /expected type instant vector in aggregation expression, got range vector/],
  ['{}', /at least one non-empty matcher/],
  ['{a="",b!="c"}', /at least one non-empty matcher/],
  ['histogram_quantile(x)', /expected 2 argument\(s\) in call to "histogram_quantile", got 1/],
  ['topk(x, 3)', /expected type scalar in aggregation parameter, got instant vector/],
  ['count_values(1, x)', /expected type string in aggregation parameter, got scalar/],
  ['1 > 2', /comparisons between scalars must use BOOL modifier/],
  ['x and 1', /set operator "and" not allowed in binary scalar expression/],
  ['x[5m] > 1', /binary expression must contain only scalar and instant vector types/],
  ['x + "a"', /binary expression must contain only scalar and instant vector types/],
  ['deriv(x) offset 5m', /expected type range vector in call to function "deriv"/],
  ['-(predict_linear(x, 3600))', /expected type range vector in call to function "predict_linear"/],
  ['(abs(x)) offset 5m', /offset modifier must be preceded by an instant vector selector/],
  ['x > 1e400', /number 1e400 out of range/],
  ['avg(x, y)', /wrong number of arguments for aggregate expression provided, expected 1, got 2/],
];

const ACCEPTED = [
  'sum by (le) (rate(x_bucket[5m]))',
  'histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))',
  '1 > bool 2',
  'x > 1 < 2',
  'time() - x @ 100',
  'max_over_time(x[5m:1m] offset 5m)',
  'quantile_over_time(0.5, x[5m])',
  'count_values("a", x)',
  'label_replace(x, "a", "$1", "b", "(.*)")',
  'label_join(x, "a", ",", "b", "c")',
  'round(x)',
  'day_of_week()',
  '{a!=""}',
  '{a=~".+"}',
  'absent(x) == 1',
  'x > Inf',
  'x > 1e308',
  'x / on(a) group_left y',
  'sum(rate(x[5m])) / sum(rate(y[5m])) > 0.05',
];

function promtoolAccepts(dir: string, expr: string): boolean {
  const file = join(dir, 'rule.yml');
  writeFileSync(file, `groups:\n  - name: g\n    rules:\n      - record: r\n        expr: ${JSON.stringify(expr)}\n`);
  return spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' }).status === 0;
}

describe('PromQL type checks', () => {
  // promtool check rules accepts these; evaluating the rule (promtool test rules) fails.
  it.each(['"a"', 'x[5m]'])('rejects a rule result that is not a vector or scalar: %s', (expr) => {
    expect(promqlSyntaxErrors(expr).map((e) => e.message)).toEqual([expect.stringMatching(/expected an instant vector or scalar result/)]);
  });

  it.each(REJECTED)('rejects %s, located', (expr, message) => {
    const errors = promqlSyntaxErrors(expr);
    expect(errors.map((e) => e.message).join('\n')).toMatch(message);
    expect(errors.every((e) => e.offset >= 0 && e.offset < expr.length)).toBe(true);
  });

  it.each(ACCEPTED)('accepts %s', (expr) => {
    expect(promqlSyntaxErrors(expr)).toEqual([]);
  });

  it.skipIf(skip !== undefined)('agrees with promtool on every case', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-promql-types-'));
    try {
      const cases = [...REJECTED.map(([expr]) => expr), ...ACCEPTED];
      const disagreements = cases.filter((expr) => promtoolAccepts(dir, expr) !== (promqlSyntaxErrors(expr).length === 0));
      expect(disagreements).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
