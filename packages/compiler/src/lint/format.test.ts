import { describe, expect, it } from 'vitest';
import { formatJson, formatSarif, formatText, SARIF_SCHEMA } from './format.js';
import { LINT_CHECKS, type LintFinding } from './types.js';

const findings: LintFinding[] = [
  {
    file: 'definitions/api.yaml',
    line: 12,
    column: 5,
    check: 'metric/unknown',
    severity: 'error',
    message: 'unknown metric x',
    rule: 'A',
  },
  {
    file: 'rules/my rules.yml',
    line: 3,
    column: 9,
    check: 'alert/missing-runbook',
    severity: 'info',
    message: 'no runbook',
  },
];

describe('formatText', () => {
  it('prints one compiler-style line per finding', () => {
    expect(formatText(findings)).toBe(
      'definitions/api.yaml:12:5: error metric/unknown: unknown metric x (rule A)\n' +
        'rules/my rules.yml:3:9: info alert/missing-runbook: no runbook\n',
    );
    expect(formatText([])).toBe('');
  });
});

describe('formatJson', () => {
  it('prints the findings as a JSON array', () => {
    expect(JSON.parse(formatJson(findings))).toEqual(findings);
  });
});

describe('formatSarif', () => {
  it('writes a SARIF 2.1.0 log with every check as a rule and one result per finding', () => {
    const log = JSON.parse(formatSarif(findings, '0.1.0'));
    expect(log.$schema).toBe(SARIF_SCHEMA);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'vigil-lint', version: '0.1.0' });
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual([...LINT_CHECKS]);
    for (const rule of driver.rules) expect(rule.shortDescription.text).not.toBe('');
    expect(log.runs[0].results).toEqual([
      {
        ruleId: 'metric/unknown',
        ruleIndex: LINT_CHECKS.indexOf('metric/unknown'),
        level: 'error',
        message: { text: 'unknown metric x (rule A)' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'definitions/api.yaml' },
              region: { startLine: 12, startColumn: 5 },
            },
          },
        ],
      },
      {
        ruleId: 'alert/missing-runbook',
        ruleIndex: LINT_CHECKS.indexOf('alert/missing-runbook'),
        level: 'note',
        message: { text: 'no runbook' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'rules/my%20rules.yml' },
              region: { startLine: 3, startColumn: 9 },
            },
          },
        ],
      },
    ]);
  });

  it('writes an empty run when there is nothing to report', () => {
    const log = JSON.parse(formatSarif([], '0.1.0'));
    expect(log.runs[0].results).toEqual([]);
  });
});
