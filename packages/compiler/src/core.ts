/**
 * The compiler without its emitters loaded up front: spec, model, rules, the target registry
 * (which loads each target's emitter on demand) and the pipeline. Tools that care about start-up
 * (the `vigil` CLI) import this entry: the root entry also exports the synchronous `generate()`
 * and the emitters, which pull in the Grafana SDK and the Datadog API client (2.6 MB of modules).
 */
export type { SourceIssue, SourceLocation, Result } from './errors.js';
export { formatIssue, assertNever, ok, fail } from './errors.js';
export type { SourceText, LoadedDefinitions } from './spec/load.js';
export { parseDefinitions } from './spec/load.js';
export { API_VERSION, DefinitionsFileSchema, definitionsJsonSchema } from './spec/schema.js';
export type { DefinitionsFile } from './spec/schema.js';
export { loadModel } from './compile.js';
export { buildModel } from './model/build.js';
export { conditionMetrics } from './model/condition-metrics.js';
export type { Alert, Condition, Metric, Model, Service, Settings, Slo } from './model/types.js';
export type { Autopilot, AutopilotKpi, AutopilotParameter, KpiQueries } from './model/autopilot.js';
export type { AutopilotMetricSpec } from './model/autopilot-metrics.js';
export { AUTOPILOT_METRICS, DEFAULT_AUTOPILOT_METRICS_PREFIX } from './model/autopilot-metrics.js';
export { compileRules } from './rules/compile.js';
export type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from './rules/types.js';
export type { OutputFile } from './emit/output.js';
export type { Notifications, NotificationRoute, Receiver } from './model/routing.js';
export { buildDashboards, serviceDashboardUid, SLO_OVERVIEW_UID } from './model/build-dashboards.js';
export { PANEL_TYPES } from './model/dashboards.js';
export type { Dashboard, DashboardRow, DashboardVariable, GridPos, Panel, PanelQuery, PanelThreshold, PanelType } from './model/dashboards.js';
export type { Generation } from './pipeline.js';
export { emitGeneration } from './pipeline.js';
export { ALWAYS_TARGETS, DEFAULT_OUTPUTS, OPTIONAL_TARGETS, TARGET_NAMES, targetNamesFor } from './target-names.js';
export type { AlwaysTarget, OptionalTarget, TargetName } from './target-names.js';
export { loadTargets, ownedFiles, TARGETS } from './targets/registry.js';
export type { OwnedBy } from './targets/registry.js';
export type { LoadedTarget, OwnedFiles, TargetDescriptor, TargetEmit, TargetInput, TargetOutput, TargetRegistry, TestCoverage } from './targets/target.js';
export { GENERATED_MARK, generatedNotice, isGeneratedText } from './emit/generated-mark.js';
export { toYaml } from './emit/yaml.js';
export { compareText } from './text-order.js';
export { RULES_DIR } from './targets/prometheus-rules/prometheus-rules.js';
export { ALERTMANAGER_CONFIG_PATH } from './targets/alertmanager/alertmanager-config.js';
export { promqlSyntaxErrors } from './promql/parse.js';
export { goTemplateErrors } from './spec/go-template.js';
export type { TemplateSyntaxError } from './spec/go-template.js';
export { urlCredential } from './spec/primitives.js';
