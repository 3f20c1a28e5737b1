import type { v1 } from '@datadog/datadog-api-client';
// Only the v1 serializer: the package's root import loads every API of both versions (2.7 s).
import { ObjectSerializer } from '@datadog/datadog-api-client/dist/packages/datadog-api-client-v1/models/ObjectSerializer.js';
import { UnparsedObject } from '@datadog/datadog-api-client/dist/packages/datadog-api-client-common/util.js';
import { assertNever } from '../../errors.js';
import type { Dashboard, Panel, PanelThreshold } from '../../model/dashboards.js';
import type { Metric, Model, Severity } from '../../model/types.js';
import { sortKeys } from './datadog-monitors.js';
import { datadogDashboardMark } from '../../emit/generated-mark.js';
import { ddNumber } from './datadog-query.js';
import type { OutputFile } from '../../emit/output.js';

/** The filter every dashboard query takes: the `$service` template variable (all services by default). */
const FILTER = '{$service}';

const MARKER_STYLE: Record<Severity, string> = { critical: 'error dashed', warning: 'warning dashed', info: 'info dashed' };

/** The stable id line of a synced dashboard's description (Datadog assigns its own ids). */
export function dashboardIdLine(uid: string): string {
  return datadogDashboardMark(uid);
}

/** The vigil id recorded in a dashboard description, if any. */
export function dashboardVigilId(description: string | undefined): string | undefined {
  return /vigil_id:([\w.-]+)\)/.exec(description ?? '')?.[1];
}

/** The value a panel shows for a catalog metric, as a Datadog query over the exporter's series. */
function metricQuery(metric: Metric, groupBy = ''): string {
  switch (metric.type) {
    case 'counter':
      return `sum:${metric.name}${FILTER}${groupBy}.as_rate()`;
    case 'gauge':
    case 'updowncounter':
      return `avg:${metric.name}${FILTER}${groupBy}`;
    case 'histogram':
      // The mean: Datadog has no quantile over per-bucket counts.
      return `sum:${metric.name}.sum${FILTER}${groupBy}.as_count() / sum:${metric.name}.count${FILTER}${groupBy}.as_count()`;
  }
}

function markers(thresholds: readonly PanelThreshold[]): v1.WidgetMarker[] {
  return thresholds.map((t) => ({ displayType: MARKER_STYLE[t.severity], label: `${t.alert} (${t.op} ${ddNumber(t.value)})`, value: `y = ${ddNumber(t.value)}` }));
}

function note(panel: Panel): v1.NoteWidgetDefinition {
  const queries = panel.queries.map((q) => `\`${q.expr}\``).join('\n');
  return { content: `**${panel.title}**\n\nNot mapped to Datadog: this panel is PromQL, not a catalog metric.\n\n${queries}`, showTick: false, type: 'note' };
}

function widgetDefinition(panel: Panel, metric: Metric | undefined): v1.WidgetDefinition {
  if (!metric) return note(panel);
  const common = { title: panel.title, ...(panel.description ? { description: panel.description } : {}) };
  switch (panel.type) {
    case 'timeseries':
      return {
        ...common,
        ...(panel.thresholds.length ? { markers: markers(panel.thresholds) } : {}),
        requests: [{ displayType: 'line', q: metricQuery(metric) }],
        showLegend: true,
        type: 'timeseries',
      } satisfies v1.TimeseriesWidgetDefinition;
    case 'stat':
    case 'gauge':
    case 'bargauge':
      return {
        ...common,
        requests: [{ aggregator: metric.type === 'gauge' || metric.type === 'updowncounter' ? 'last' : 'avg', q: metricQuery(metric) }],
        type: 'query_value',
      } satisfies v1.QueryValueWidgetDefinition;
    case 'heatmap':
      return {
        ...common,
        ...(panel.thresholds.length ? { markers: markers(panel.thresholds) } : {}),
        requests: [{ q: metricQuery(metric, ' by {service}') }],
        type: 'heatmap',
      } satisfies v1.HeatMapWidgetDefinition;
    case 'table':
      return {
        ...common,
        requests: [{ aggregator: 'last', q: metricQuery(metric, ' by {service}') }],
        type: 'query_table',
      } satisfies v1.TableWidgetDefinition;
    default:
      return assertNever(panel.type);
  }
}

/**
 * Maps a model dashboard to a Datadog dashboard: one ordered group per row, a widget per panel
 * built from its catalog metric (timeseries, query value, heatmap, table; alert bounds as
 * markers), and a note in place of each PromQL-only panel.
 */
export function datadogDashboard(dashboard: Dashboard, metrics: readonly Metric[]): v1.Dashboard {
  const byName = new Map(metrics.map((m) => [m.name, m]));
  const widgets: v1.Widget[] = dashboard.rows.map((row) => ({
    definition: {
      layoutType: 'ordered',
      title: row.title,
      type: 'group',
      widgets: row.panels.map((panel) => ({ definition: widgetDefinition(panel, panel.metric === undefined ? undefined : byName.get(panel.metric)) })),
    } satisfies v1.GroupWidgetDefinition,
  }));
  return {
    description: [dashboard.description, dashboardIdLine(dashboard.uid)].filter(Boolean).join('\n\n'),
    layoutType: 'ordered',
    reflowType: 'auto',
    templateVariables: [{ _default: '*', name: 'service', prefix: 'service' }],
    title: dashboard.title,
    widgets,
  };
}

/** The client's model type for each widget definition Vigil emits, by its `type` field. */
const DEFINITION_TYPES: Readonly<Record<string, string>> = {
  group: 'GroupWidgetDefinition',
  heatmap: 'HeatMapWidgetDefinition',
  note: 'NoteWidgetDefinition',
  query_table: 'TableWidgetDefinition',
  query_value: 'QueryValueWidgetDefinition',
  timeseries: 'TimeseriesWidgetDefinition',
};

/**
 * Widgets with their definitions already serialized by their concrete type. Left to the client,
 * each definition is tried against all 40-odd `WidgetDefinition` variants, every miss a thrown
 * error: 95% of generate's time on 1,000 alerts. The serializer passes an `UnparsedObject` through.
 */
function serializedWidgets(widgets: readonly v1.Widget[]): v1.Widget[] {
  return widgets.map((widget) => {
    const definition = widget.definition as Exclude<v1.WidgetDefinition, UnparsedObject>;
    const type = DEFINITION_TYPES[String(definition.type)];
    if (type === undefined) throw new Error(`no serializer type for widget definition '${String(definition.type)}'`);
    const inner = 'widgets' in definition && Array.isArray(definition.widgets) ? { ...definition, widgets: serializedWidgets(definition.widgets) } : definition;
    return { ...widget, definition: new UnparsedObject(ObjectSerializer.serialize(inner, type, '')) };
  });
}

/** A dashboard as the API takes it (wire JSON from the client's serializer), keys sorted. */
export function dashboardWireJson(dashboard: v1.Dashboard): Record<string, unknown> {
  return sortKeys(ObjectSerializer.serialize({ ...dashboard, widgets: serializedWidgets(dashboard.widgets) }, 'Dashboard', '')) as Record<string, unknown>;
}

/** `datadog/dashboards/<uid>.json`, one per model dashboard. */
export function emitDatadogDashboards(model: Model): OutputFile[] {
  return model.dashboards.map((dashboard) => ({
    path: `datadog/dashboards/${dashboard.uid}.json`,
    content: `${JSON.stringify(dashboardWireJson(datadogDashboard(dashboard, model.metrics)), null, 2)}\n`,
  }));
}
