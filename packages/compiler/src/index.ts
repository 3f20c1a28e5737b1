/**
 * @vigil/compiler: compiles Vigil definitions into Prometheus rules, promtool tests and
 * configuration. The pipeline is spec (parse, schema) -> model -> rules -> one emitter per target
 * (targets/<name>/, listed in targets/registry.ts).
 */
export type { SourceIssue, SourceLocation, Result } from './errors.js';
export { formatIssue, assertNever, ok, fail } from './errors.js';
export type { SourceText, LoadedDefinitions } from './spec/load.js';
export { parseDefinitions } from './spec/load.js';
export { API_VERSION, DefinitionsFileSchema, definitionsJsonSchema } from './spec/schema.js';
export type { DefinitionsFile } from './spec/schema.js';
export { loadModel } from './compile.js';
export { buildModel } from './model/build.js';
export type { Alert, Condition, Metric, Model, Service, Settings, Slo } from './model/types.js';
export type { Autopilot, AutopilotKpi, AutopilotParameter, KpiQueries } from './model/autopilot.js';
export type { AutopilotMetricSpec } from './model/autopilot-metrics.js';
export { AUTOPILOT_METRICS, DEFAULT_AUTOPILOT_METRICS_PREFIX } from './model/autopilot-metrics.js';
export { compileRules } from './rules/compile.js';
export type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from './rules/types.js';
export type { OutputFile } from './emit/output.js';
export { emitPrometheusRules } from './targets/prometheus-rules/prometheus-rules.js';
export { emitPrometheusConfig } from './targets/prometheus-config/prometheus-config.js';
export { emitPromtoolTests } from './targets/promtool-tests/promtool-tests.js';
export { emitHtmlDashboards, renderHtmlDashboard, HTML_DASHBOARD_DIR } from './targets/html/html-dashboards.js';
export type { HtmlDashboardOptions } from './targets/html/html-dashboards.js';
export { emitAlertmanagerConfig } from './targets/alertmanager/alertmanager-config.js';
export type { AlertmanagerConfigOptions } from './targets/alertmanager/alertmanager-config.js';
export { emitAlertmanagerTemplates } from './targets/alertmanager/alertmanager-templates.js';
export type { Notifications, NotificationRoute, Receiver } from './model/routing.js';
export { emitGrafanaDashboards, grafanaDashboard, PROMETHEUS_DATASOURCE } from './targets/grafana/grafana-dashboards.js';
export { emitGrafanaProvisioning } from './targets/grafana/grafana-provisioning.js';
export { buildDashboards, serviceDashboardUid, SLO_OVERVIEW_UID } from './model/build-dashboards.js';
export { PANEL_TYPES } from './model/dashboards.js';
export type { Dashboard, DashboardRow, DashboardVariable, GridPos, Panel, PanelQuery, PanelThreshold, PanelType } from './model/dashboards.js';
export { datadogMonitors, emitDatadogMonitors } from './targets/datadog/datadog-monitors.js';
export type { DatadogMonitorDefinition, DatadogMonitors, SkippedDefinition } from './targets/datadog/datadog-monitors.js';
export { datadogDashboard, emitDatadogDashboards } from './targets/datadog/datadog-dashboards.js';
export { generate } from './generate.js';
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
export { urlCredential } from './spec/primitives.js';
export type { TemplateSyntaxError } from './spec/go-template.js';
export { dashboardVigilId } from './targets/datadog/datadog-dashboards.js';
export { sortKeys } from './targets/datadog/datadog-monitors.js';
