import type { SourceLocation } from '../errors.js';
import type { Severity } from './severity.js';

/**
 * The resolved dashboard model: what every dashboard emitter (Grafana JSON, HTML) reads. Every
 * query is final PromQL over the exact Prometheus series names; the only placeholders left are
 * Grafana's: `$__rate_interval`, `$__interval`, `$__range` and the dashboard's own variables,
 * which always sit inside regular-expression matchers (`job=~"$service"`), so substituting `.*`
 * selects everything.
 *
 * This shape is shared with other emitters: add fields, do not rename or remove them.
 */

/** The panel kinds Vigil draws; each maps to the Grafana panel plugin of the same id. */
export const PANEL_TYPES = ['timeseries', 'stat', 'gauge', 'bargauge', 'heatmap', 'table'] as const;
/** A panel kind, named after its Grafana panel plugin id. */
export type PanelType = (typeof PANEL_TYPES)[number];

/** One PromQL query of a panel. */
export interface PanelQuery {
  /** Final PromQL; may contain Grafana's `$__rate_interval`-style and dashboard variables. */
  expr: string;
  /** Legend template in Grafana syntax (`{{instance}}`), or `''` for Grafana's default. */
  legend: string;
  /**
   * How the result is read: `time_series` (a range query, the default), `heatmap` (bucket
   * series ordered by `le`), or `table` (an instant query, one row per series).
   */
  format: 'time_series' | 'heatmap' | 'table';
  /** True when only the latest value matters (stat, gauge, bar gauge and table panels). */
  instant: boolean;
}

/**
 * A line an alert draws on a panel: the value at which it fires. Added automatically to every
 * panel that shows a metric an alert watches with a fixed bound (threshold, forecast, ratio,
 * rate of change) and to SLO panels (objective, burn-rate factors).
 */
export interface PanelThreshold {
  /** The bound, in the panel's unit (the same number the alert rule compares with). */
  value: number;
  /** The alert's severity, which picks the line color. */
  severity: Severity;
  /** The alert (or SLO burn tier) that fires past this line. */
  alert: string;
  /** Which side fires: `>` above the line, `<` below it. */
  op: '>' | '<';
}

/** A position on Grafana's 24-column grid (y in rows of 30 px). */
export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One panel, with its queries already built from the catalog or given as PromQL. */
export interface Panel {
  title: string;
  type: PanelType;
  description?: string;
  /** A Grafana unit id (`s`, `ms`, `bytes`, `percentunit`, `reqps`, `short`, ...). */
  unit: string;
  queries: PanelQuery[];
  /** Alert lines, highest severity last; empty when no alert watches the panel's metric. */
  thresholds: PanelThreshold[];
  /** Set by the builder (layout), optional for hand-made models. */
  gridPos?: GridPos;
  /** The catalog metric the panel shows, when it was built from one. */
  metric?: string;
  /** Axis or gauge bounds, in the panel's unit. */
  min?: number;
  max?: number;
}

/** A titled row of panels; rows stack from top to bottom. */
export interface DashboardRow {
  title: string;
  panels: Panel[];
  /** Collapsed rows are folded by default (their queries run only when opened). */
  collapsed: boolean;
}

/**
 * A dashboard variable. `query` variables list label values from Prometheus
 * (`label_values(up{job=~"a|b"}, job)`); `custom` variables offer a fixed list.
 * Every variable allows several values and "All" (`.*`), so queries use `=~"$name"`.
 */
export type DashboardVariable =
  | { kind: 'query'; name: string; label: string; query: string; multi: boolean; includeAll: boolean }
  | { kind: 'custom'; name: string; label: string; values: string[]; multi: boolean; includeAll: boolean };

/** A generated dashboard: one per `dashboards:` entry, one per service, and the SLO overview. */
export interface Dashboard {
  /** Grafana uid and file name (`grafana/dashboards/<uid>.json`): at most 40 characters. */
  uid: string;
  title: string;
  description?: string;
  tags: string[];
  /** Auto-refresh interval as a Prometheus-style duration (`1m`, `5m`), or `''` for off. */
  refresh: string;
  /** Start of the default time range, relative (`now-6h`); the range ends at `now`. */
  timeFrom: string;
  variables: DashboardVariable[];
  rows: DashboardRow[];
  /**
   * What produced it: a `dashboards:` entry, a service (every catalog metric and SLO of it,
   * uid `vigil-<service>`), an SLO, or the overview of all SLOs.
   */
  origin: { kind: 'definition' | 'service' | 'slo' | 'slo-overview'; source?: SourceLocation };
}
