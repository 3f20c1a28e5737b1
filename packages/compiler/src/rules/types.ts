import type { SourceLocation } from '../errors.js';
import type { ConditionKind } from '../model/types.js';

/** Where a generated rule comes from, for reports, lint findings and tests. */
export interface RuleOrigin {
  /** What produced the rule. */
  kind: ConditionKind | 'slo' | 'meta';
  /** The definition's name (alert or SLO). */
  definition: string;
  source?: SourceLocation;
}

export interface RecordingRule {
  type: 'recording';
  record: string;
  expr: string;
  labels: Record<string, string>;
  origin: RuleOrigin;
}

export interface AlertingRule {
  type: 'alerting';
  alert: string;
  expr: string;
  forSeconds: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  origin: RuleOrigin;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  name: string;
  rules: Rule[];
}

/** One generated rule file: `prometheus/rules/<name>.yml`. */
export interface RuleFile {
  name: string;
  groups: RuleGroup[];
}
