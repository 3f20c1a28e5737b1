/** The Datadog target's monitors and dashboards as values, for `vigil datadog sync` (loaded on demand). */
export { datadogMonitors, emitDatadogMonitors } from './targets/datadog/datadog-monitors.js';
export type { DatadogMonitorDefinition, DatadogMonitors, SkippedDefinition } from './targets/datadog/datadog-monitors.js';
export { datadogDashboard, emitDatadogDashboards } from './targets/datadog/datadog-dashboards.js';
export { dashboardVigilId } from './targets/datadog/datadog-dashboards.js';
export { sortKeys } from './targets/datadog/datadog-monitors.js';
