export { describeCheck, lintRules } from './checks.js';
export { formatJson, formatSarif, formatText, SARIF_SCHEMA } from './format.js';
export type {
  AppliedFunction,
  LabelSet,
  PromqlAnalysis,
  PromqlGrouping,
  PromqlLabelRef,
  PromqlMatcher,
  PromqlRange,
  PromqlSelector,
  PromqlSyntaxError,
  SeriesLabels,
} from './promql.js';
export { analyzePromql, unquote } from './promql.js';
export type { KnownSeries, RecordSource, SeriesIndex, SeriesPart } from './series.js';
export { buildSeriesIndex } from './series.js';
export type { LintCheck, LintFinding, LintInput, LintSeverity } from './types.js';
export { LINT_CHECKS } from './types.js';
export type {
  ExprPlacement,
  UserAlertingRule,
  UserRecordingRule,
  UserRule,
  UserRuleFile,
  UserRuleGroup,
} from './user-rules.js';
export { locateInExpr, parseUserRules } from './user-rules.js';
