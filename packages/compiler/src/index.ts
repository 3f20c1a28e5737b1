/**
 * @vigil/compiler: compiles Vigil definitions into Prometheus rules, promtool tests and
 * configuration. The pipeline is spec (parse, schema) -> model -> rules -> one emitter per target
 * (targets/<name>/, listed in targets/registry.ts).
 */
// The lean entry and the Datadog values (one list each, kept in core.ts and datadog.ts), then the
// other emitters and `generate()`.
export * from './core.js';
export * from './datadog.js';
export { emitPrometheusRules } from './targets/prometheus-rules/prometheus-rules.js';
export { emitPrometheusConfig } from './targets/prometheus-config/prometheus-config.js';
export { emitPromtoolTests } from './targets/promtool-tests/promtool-tests.js';
export { emitHtmlDashboards, renderHtmlDashboard, HTML_DASHBOARD_DIR } from './targets/html/html-dashboards.js';
export type { HtmlDashboardOptions } from './targets/html/html-dashboards.js';
export { emitAlertmanagerConfig } from './targets/alertmanager/alertmanager-config.js';
export type { AlertmanagerConfigOptions } from './targets/alertmanager/alertmanager-config.js';
export { emitAlertmanagerTemplates } from './targets/alertmanager/alertmanager-templates.js';
export { emitGrafanaDashboards, grafanaDashboard, PROMETHEUS_DATASOURCE } from './targets/grafana/grafana-dashboards.js';
export { emitGrafanaProvisioning } from './targets/grafana/grafana-provisioning.js';
export { generate } from './generate.js';
