/**
 * What a generated HTML page embeds as JSON (`<script id="vigil-dashboard">`) and its runtime
 * reads back: the contract between the emitter and `runtime/`. Declared here, with no imports,
 * so both the compiler (Node) and the browser runtime (a separate TypeScript project with DOM
 * types) compile it; the emitter types its embedded object with it, so a model change that the
 * page cannot read fails to compile.
 */

/** A severity as the page colours it. */
export type PageSeverity = 'info' | 'warning' | 'critical';

/** One query of a panel, final PromQL with Grafana placeholders left in. */
export interface PageQuery {
  expr: string;
  /** Grafana legend template (`{{job}}`), `''` or `__auto` for the labels themselves. */
  legend: string;
  format: 'time_series' | 'heatmap' | 'table';
  /** Only the value at the end of the range matters (an instant query). */
  instant: boolean;
}

/** An alert's bound drawn on a panel. */
export interface PageThreshold {
  value: number;
  severity: PageSeverity;
  alert: string;
  /** `>` fires above the line, `<` below it. */
  op: '>' | '<';
}

/** One panel; `type` is a Grafana panel plugin id. */
export interface PagePanel {
  title: string;
  type: string;
  description?: string;
  /** A Grafana unit id. */
  unit: string;
  queries: PageQuery[];
  thresholds: PageThreshold[];
  min?: number;
  max?: number;
}

/** A dashboard variable: label values from Prometheus, or a fixed list. */
export type PageVariable =
  | { kind: 'query'; name: string; label: string; query: string }
  | { kind: 'custom'; name: string; label: string; values: string[] };

/** The dashboard as the page shows it. */
export interface PageDashboard {
  title: string;
  description?: string;
  /** Auto-refresh interval (a Prometheus duration), or `''` for off. */
  refresh: string;
  /** Start of the default range, `now-<duration>`. */
  timeFrom: string;
  variables: PageVariable[];
  rows: { title: string; collapsed: boolean; panels: PagePanel[] }[];
}

/** The whole embedded JSON. */
export interface PageConfig {
  dashboard: PageDashboard;
  scrapeIntervalSeconds: number;
  /** Prometheus address baked in at generation time; omitted: the page's own origin. */
  prometheusUrl?: string;
}
