/**
 * @vigil/rules-generator: compiles Vigil definitions into Prometheus rules, promtool tests and
 * configuration. The pipeline is spec (parse, schema) -> model -> rules -> one emitter per target.
 */
export type { SourceIssue, SourceLocation, Result } from './errors.js';
export { DefinitionsError, ToolError, formatIssue } from './errors.js';
export type { SourceText, LoadedDefinitions } from './spec/load.js';
export { parseDefinitions } from './spec/load.js';
export { readDefinitionsDir } from './spec/read.js';
export { API_VERSION, DefinitionsFileSchema, definitionsJsonSchema } from './spec/schema.js';
export type { DefinitionsFile } from './spec/schema.js';
export { loadModel } from './compile.js';
export { buildModel } from './model/build.js';
export type { Alert, Condition, Metric, Model, Service, Settings, Slo } from './model/types.js';
export { prometheusName, seriesNames } from './model/names.js';
export { compileRules } from './rules/compile.js';
export type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from './rules/types.js';
export type { OutputFile } from './emit/output.js';
export { emitPrometheusRules } from './emit/prometheus-rules.js';
export { emitPrometheusConfig } from './emit/prometheus-config.js';
export { emitPromtoolTests } from './emit/promtool-tests.js';
export type { TestCoverage } from './emit/promtool-tests.js';
export { generate } from './generate.js';
export type { Generation } from './generate.js';
export { writeFileAtomically, writeOutputsAtomically } from './io/write-outputs.js';
export { compareOutputs, formatChangeReport } from './check/compare.js';
export type { ChangeReport } from './check/compare.js';
export { lintRules, formatJson, formatSarif, formatText } from './lint/index.js';
export type { LintFinding } from './lint/index.js';
export { parseGeneratedExpressions, validateWithPromtool } from './check/validate.js';
export type { ValidationStep } from './check/validate.js';
export { importSloth } from './import/sloth.js';
export { importOpenSlo } from './import/openslo.js';
export { toYaml } from './emit/yaml.js';
