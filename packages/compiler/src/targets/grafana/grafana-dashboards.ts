import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { assertNever } from '../../errors.js';
import type { Dashboard, DashboardVariable, Panel, PanelQuery, PanelThreshold } from '../../model/dashboards.js';
import type { Model, Severity } from '../../model/types.js';
import { SEVERITIES } from '../../model/types.js';
import { GRAFANA_DESCRIPTION_MARK } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';

/** Where dashboard JSON goes, relative to the project root (mounted into Grafana by docker-compose.yml). */
export const DASHBOARDS_DIR = 'grafana/dashboards';

/** The Prometheus data source every panel queries; provisioned by `emitGrafanaProvisioning`. */
export const PROMETHEUS_DATASOURCE = { type: 'prometheus', uid: 'vigil-prometheus' } as const;

/** Threshold colors: healthy, then one per alert severity. */
export const SEVERITY_COLORS: Record<Severity, string> = { info: 'blue', warning: 'orange', critical: 'red' };
const HEALTHY_COLOR = 'green';

/** Writes one Grafana dashboard JSON file per dashboard of the model. Pure: the caller writes them. */
export function emitGrafanaDashboards(model: Model): OutputFile[] {
  return model.dashboards.map((board) => ({
    path: `${DASHBOARDS_DIR}/${board.uid}.json`,
    content: `${JSON.stringify(grafanaDashboard(board), null, 2)}\n`,
  }));
}

/** One dashboard of the model as Grafana's dashboard JSON model, built with the foundation SDK. */
export function grafanaDashboard(board: Dashboard): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(board.title)
    .uid(board.uid)
    .tags(board.tags)
    .time({ from: board.timeFrom, to: 'now' })
    .timezone('browser')
    .readonly()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .variables(board.variables.map(variable));
  // The mark lets `vigil generate` tell its own files from a user's when removing stale ones.
  builder.description(`${board.description !== undefined ? `${board.description} ` : ''}${GRAFANA_DESCRIPTION_MARK}`);
  if (board.refresh !== '') builder.refresh(board.refresh);
  // Panel ids are unique across the dashboard, rows included: links such as `?viewPanel=` use them.
  // model/build-routing.ts (panelIds) numbers them the same way for alert links: keep both in step.
  let nextId = 1;
  for (const row of board.rows) {
    const rowBuilder = new dashboard.RowBuilder(row.title).id(nextId++).gridPos({ x: 0, y: rowY(row.panels), w: 24, h: 1 });
    const panels = row.panels.map((panel) => panelBuilder(panel, nextId++));
    if (row.collapsed) {
      // Grafana keeps a collapsed row's panels inside it; an expanded row's panels follow it.
      for (const panel of panels) rowBuilder.withPanel(panel);
      builder.withRow(rowBuilder.collapsed(true));
    } else {
      builder.withRow(rowBuilder.collapsed(false));
      for (const panel of panels) builder.withPanel(panel);
    }
  }
  return builder.build();
}

/** Row headers sit on the line above their first panel. */
function rowY(panels: readonly Panel[]): number {
  const first = panels[0]?.gridPos;
  return first ? Math.max(0, Math.min(...panels.map((panel) => panel.gridPos?.y ?? first.y)) - 1) : 0;
}

function variable(spec: DashboardVariable): cog.Builder<dashboard.VariableModel> {
  switch (spec.kind) {
    case 'custom':
      return new dashboard.CustomVariableBuilder(spec.name)
        .label(spec.label)
        // Grafana splits custom values on commas; a comma inside a value is escaped.
        .values(spec.values.map((value) => value.replaceAll(',', '\\,')).join(','))
        .multi(spec.multi)
        .includeAll(spec.includeAll)
        .current({ text: 'All', value: '$__all' });
    case 'query':
      return new dashboard.QueryVariableBuilder(spec.name)
        .label(spec.label)
        .datasource(PROMETHEUS_DATASOURCE)
        .query(spec.query)
        .definition(spec.query)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .multi(spec.multi)
        .includeAll(spec.includeAll)
        .allValue('.*')
        .current({ text: 'All', value: '$__all' });
    default:
      return assertNever(spec);
  }
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function target(query: PanelQuery, index: number): prometheus.DataqueryBuilder {
  const builder = new prometheus.DataqueryBuilder()
    .datasource(PROMETHEUS_DATASOURCE)
    .refId(REF_IDS[index] ?? `Q${index}`)
    .expr(query.expr)
    .legendFormat(query.legend === '' ? '__auto' : query.legend)
    .editorMode(prometheus.QueryEditorMode.Code);
  const format = {
    time_series: prometheus.PromQueryFormat.TimeSeries,
    heatmap: prometheus.PromQueryFormat.Heatmap,
    table: prometheus.PromQueryFormat.Table,
  }[query.format];
  builder.format(format);
  return query.instant ? builder.instant() : builder.range();
}

/**
 * Grafana threshold steps for the alert lines: each band between two lines takes the color of
 * the most severe alert that fires inside it, green where none does. A `>` alert colors the band
 * above its line, a `<` alert the band below.
 */
export function thresholdSteps(thresholds: readonly PanelThreshold[]): dashboard.Threshold[] {
  const values = [...new Set(thresholds.map((threshold) => threshold.value))].sort((a, b) => a - b);
  const colorAt = (point: number): string => {
    let worst = -1;
    for (const threshold of thresholds) {
      const fires = threshold.op === '>' ? point > threshold.value : point < threshold.value;
      if (fires) worst = Math.max(worst, SEVERITIES.indexOf(threshold.severity));
    }
    return worst < 0 ? HEALTHY_COLOR : SEVERITY_COLORS[SEVERITIES[worst] as Severity];
  };
  const margin = (value: number) => Math.max(1, Math.abs(value));
  const first = values[0];
  const steps: dashboard.Threshold[] = [{ value: null, color: first === undefined ? HEALTHY_COLOR : colorAt(first - margin(first)) }];
  values.forEach((value, index) => {
    const next = values[index + 1];
    const color = colorAt(next === undefined ? value + margin(value) : (value + next) / 2);
    // Grafana applies a step from its value upwards and draws a line at each: keep one per
    // alert bound even where the color does not change, so every alert's line shows.
    steps.push({ value, color });
  });
  return steps;
}

/** The methods every panel builder of the SDK shares, whatever its visualization. */
interface CommonPanelBuilder extends cog.Builder<dashboard.Panel> {
  id(id: number): this;
  title(title: string): this;
  description(description: string): this;
  datasource(datasource: common.DataSourceRef): this;
  gridPos(gridPos: dashboard.GridPos): this;
  unit(unit: string): this;
  min(min: number): this;
  max(max: number): this;
  thresholds(thresholds: cog.Builder<dashboard.ThresholdsConfig>): this;
  withTarget(target: cog.Builder<cog.Dataquery>): this;
  withTransformation(transformation: dashboard.DataTransformerConfig): this;
}

function panelBuilder(panel: Panel, id: number): CommonPanelBuilder {
  const builder = visualization(panel);
  builder
    .id(id)
    .title(panel.title)
    .datasource(PROMETHEUS_DATASOURCE)
    .unit(panel.unit)
    .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(thresholdSteps(panel.thresholds)));
  if (panel.description !== undefined) builder.description(panel.description);
  if (panel.gridPos) builder.gridPos(panel.gridPos);
  if (panel.min !== undefined) builder.min(panel.min);
  if (panel.max !== undefined) builder.max(panel.max);
  panel.queries.forEach((query, index) => builder.withTarget(target(query, index)));
  if (panel.type === 'table' && panel.queries.length > 1) {
    // One row per series, one column per query, named after the query's legend.
    const renameByName = Object.fromEntries(panel.queries.map((query, index) => [`Value #${REF_IDS[index]}`, query.legend]));
    builder
      .withTransformation({ id: 'merge', options: {} })
      .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName } });
  }
  return builder;
}

function lastValue(): common.ReduceDataOptionsBuilder {
  return new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);
}

function visualization(panel: Panel): CommonPanelBuilder {
  switch (panel.type) {
    case 'timeseries':
      return new timeseries.PanelBuilder()
        .legend(
          new common.VizLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(common.LegendDisplayMode.List)
            .placement(common.LegendPlacement.Bottom),
        )
        .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
        .lineWidth(1)
        .fillOpacity(10)
        .thresholdsStyle(
          new common.GraphThresholdsStyleConfigBuilder().mode(
            panel.thresholds.length > 0 ? common.GraphThresholdsStyleMode.DashedAndArea : common.GraphThresholdsStyleMode.Off,
          ),
        );
    case 'stat':
      return new stat.PanelBuilder()
        .reduceOptions(lastValue())
        .colorMode(common.BigValueColorMode.Value)
        .graphMode(common.BigValueGraphMode.Area);
    case 'gauge':
      return new gauge.PanelBuilder().reduceOptions(lastValue()).showThresholdMarkers(true);
    case 'bargauge':
      return new bargauge.PanelBuilder()
        .reduceOptions(lastValue())
        .displayMode(common.BarGaugeDisplayMode.Gradient)
        .orientation(common.VizOrientation.Horizontal);
    case 'heatmap':
      return new heatmap.PanelBuilder()
        .calculate(false)
        .yAxis(new heatmap.YAxisConfigBuilder().unit(panel.unit))
        .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme('Oranges').scale(heatmap.HeatmapColorScale.Exponential).exponent(0.5))
        .showLegend();
    case 'table':
      return new table.PanelBuilder();
    default:
      return assertNever(panel.type);
  }
}
