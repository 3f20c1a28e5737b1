import type { SourceLocation } from '../errors.js';
import type { Model } from '../model/types.js';
import type { RuleFile } from '../rules/types.js';
import type { UserRuleFile } from './user-rules.js';

/** Every check the linter runs, by id (`area/problem`, as pint names them). */
export const LINT_CHECKS = [
  'file/invalid',
  'promql/syntax',
  'rule/invalid-duration',
  'rule/invalid-record-name',
  'rule/invalid-label-name',
  'label/reserved-name',
  'template/syntax',
  'template/removed-label',
  'template/value-in-label',
  'promql/regex-literal',
  'promql/rate-of-sum',
  'metric/unknown',
  'metric/wrong-type',
  'histogram/threshold-not-bucket',
  'label/unknown',
  'range/too-short',
  'slo/tier-never-fires',
  'alert/missing-summary',
  'alert/missing-runbook',
  'alert/duplicate',
] as const;

/** The id of a lint check. */
export type LintCheck = (typeof LINT_CHECKS)[number];

/** How bad a finding is: `error` fails a CI run, `warning` is worth a look, `info` is advice. */
export type LintSeverity = 'error' | 'warning' | 'info';

/**
 * One problem found in a rule. Findings on generated rules point at the definition that
 * produced the rule; findings on hand-written rules point into their rule file.
 */
export interface LintFinding extends SourceLocation {
  check: LintCheck;
  severity: LintSeverity;
  message: string;
  /** The alert or recording rule the finding is about, when it is about one. */
  rule?: string;
}

/** What the linter reads: the model (the catalog), the rules Vigil generated and hand-written rule files. */
export interface LintInput {
  model: Model;
  generated: readonly RuleFile[];
  user: readonly UserRuleFile[];
}
