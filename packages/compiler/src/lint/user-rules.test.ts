import { describe, expect, it } from 'vitest';
import { locateInExpr, parseUserRules, type UserRuleFile } from './user-rules.js';

function parse(text: string): UserRuleFile {
  const parsed = parseUserRules({ path: 'r.yml', text });
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.value;
}

describe('parseUserRules', () => {
  it('reads groups, alerting and recording rules with their places', () => {
    const file = parse(`groups:
  - name: g
    rules:
      - record: job:x:rate5m
        expr: sum by (job) (rate(x_total[5m]))
        labels: { tier: web }
      - alert: XHigh
        expr: "job:x:rate5m > 1"
        for: 5m
        labels: { severity: page }
        annotations: { summary: high }
`);
    expect(file).toEqual({
      path: 'r.yml',
      groups: [
        {
          name: 'g',
          rules: [
            {
              type: 'recording',
              record: 'job:x:rate5m',
              expr: 'sum by (job) (rate(x_total[5m]))',
              labels: { tier: 'web' },
              location: { file: 'r.yml', line: 4, column: 9 },
              exprPlacement: { layout: 'inline', line: 5, column: 15 },
              places: {
                record: { layout: 'inline', line: 4, column: 17 },
                'labels.tier': { layout: 'inline', line: 6, column: 25 },
              },
            },
            {
              type: 'alerting',
              alert: 'XHigh',
              expr: 'job:x:rate5m > 1',
              labels: { severity: 'page' },
              annotations: { summary: 'high' },
              for: '5m',
              location: { file: 'r.yml', line: 7, column: 9 },
              exprPlacement: { layout: 'inline', line: 8, column: 16 },
              places: {
                for: { layout: 'inline', line: 9, column: 14 },
                'labels.severity': { layout: 'inline', line: 10, column: 29 },
                'annotations.summary': { layout: 'inline', line: 11, column: 33 },
              },
            },
          ],
        },
      ],
    });
  });

  it('maps offsets in a block expression to their line and column', () => {
    const file = parse(`groups:
  - name: g
    rules:
      - alert: A
        expr: |
          sum(rate(x_total[5m]))
            > 1
`);
    const rule = file.groups[0]?.rules[0];
    if (!rule) throw new Error('no rule');
    expect(rule.exprPlacement).toEqual({ layout: 'block', line: 6, column: 11 });
    expect(locateInExpr('r.yml', rule.exprPlacement, rule.expr, rule.expr.indexOf('x_total'))).toEqual({
      file: 'r.yml',
      line: 6,
      column: 20,
    });
    expect(locateInExpr('r.yml', rule.exprPlacement, rule.expr, rule.expr.indexOf('>'))).toEqual({
      file: 'r.yml',
      line: 7,
      column: 13,
    });
  });

  it('points at the start of an expression whose offsets it cannot map', () => {
    const file = parse(`groups:
  - name: g
    rules:
      - alert: A
        expr: "a{b=\\"c\\"} > 1"
`);
    const rule = file.groups[0]?.rules[0];
    if (!rule) throw new Error('no rule');
    expect(rule.expr).toBe('a{b="c"} > 1');
    expect(locateInExpr('r.yml', rule.exprPlacement, rule.expr, 9)).toEqual({
      file: 'r.yml',
      line: 5,
      column: 16,
    });
  });

  it('returns issues for malformed files', () => {
    const issues = (text: string) => {
      const parsed = parseUserRules({ path: 'r.yml', text });
      return parsed.ok ? [] : parsed.issues.map((i) => `${i.line}: ${i.message}`);
    };
    expect(issues('groups: [')).toEqual([expect.stringContaining('invalid YAML')]);
    expect(issues('rules: []')).toEqual(['1: expected a rule file: a map with a `groups` list']);
    expect(
      issues(`groups:
  - name: g
    rules:
      - alert: A
      - expr: up
        alert: A
        record: b
`),
    ).toEqual(['4: the rule needs an `expr`', '5: expected exactly one of `alert` or `record`']);
  });
});
