/** A panel on the page: its element, loading its queries, and drawing numbers, tables or charts. */
import type UPlot from 'uplot';
import type { PagePanel } from '../page-config.js';
import { CHART_HEIGHT, chartKey, chartOptions } from './chart.js';
import { el } from './dom.js';
import { type ApiGet, type PageState, rangeSeconds } from './page-state.js';
import { asMatrix, type MatrixData, type QueryData } from './prometheus-api.js';
import { panelRequest, queryWindow } from './queries.js';
import { type AlignedData, alignSeries, lastValue, type PanelSeries, panelSeries } from './series.js';
import { thresholdColor } from './thresholds.js';
import { formatValue } from './units.js';

/** uPlot, inlined in the page before this script. */
declare const uPlot: typeof UPlot;

/** How a panel type is drawn. */
export type PanelKind = 'number' | 'table' | 'chart';

/** A panel's state on the page (`data-state` on its element: loading, ok, empty, error). */
export interface PanelView {
  model: PagePanel;
  node: HTMLElement;
  body: HTMLElement;
  /** The row it sits in: panels of folded rows do not load. */
  row: HTMLDetailsElement;
  chart: UPlot | null;
  chartKey: string;
  /** Counts loads, so a slow answer never overwrites a newer one. */
  generation: number;
}

/** How a Grafana panel type is drawn. */
export function panelKind(type: string): PanelKind {
  switch (type) {
    case 'stat':
    case 'gauge':
    case 'bargauge':
      return 'number';
    case 'table':
      return 'table';
    default:
      return 'chart'; // timeseries, heatmap (one line per bucket), anything new
  }
}

/** The panel's element, with its title and threshold tags, showing "Loading…". */
export function buildPanel(model: PagePanel, row: HTMLDetailsElement): PanelView {
  const node = el('section', 'vd-panel vd-' + panelKind(model.type));
  node.dataset.state = 'loading';
  node.dataset.type = model.type;
  const head = el('div', 'vd-panel-head');
  const title = head.appendChild(el('h3', 'vd-panel-title', model.title));
  if (model.description) title.title = model.description;
  for (const threshold of model.thresholds || []) {
    const tag = el('span', 'vd-threshold vd-' + threshold.severity, threshold.severity + ' ' + (threshold.op || '') + ' ' + formatValue(threshold.value, model.unit));
    if (threshold.alert) tag.title = threshold.alert;
    head.appendChild(tag);
  }
  node.appendChild(head);
  const body = el('div', 'vd-panel-body');
  body.appendChild(el('div', 'vd-message', 'Loading…'));
  node.appendChild(body);
  return { model, node, body, row, chart: null, chartKey: '', generation: 0 };
}

function showMessage(panel: PanelView, state: 'empty' | 'error', text: string): void {
  destroyChart(panel);
  panel.node.dataset.state = state;
  panel.body.replaceChildren(el('div', state === 'error' ? 'vd-message vd-error' : 'vd-message', text));
}

function destroyChart(panel: PanelView): void {
  if (panel.chart) {
    panel.chart.destroy();
    panel.chart = null;
  }
}

/** Queries the panel over the selected range and draws the answer (or the error). */
export async function loadPanel(panel: PanelView, state: PageState, get: ApiGet): Promise<void> {
  const generation = ++panel.generation;
  const range = rangeSeconds(state);
  const window = queryWindow(range, state.scrapeSeconds, Date.now());
  const context = { stepSeconds: window.step, scrapeSeconds: state.scrapeSeconds, rangeSeconds: range, variables: state.variableValues };
  panel.node.dataset.state = 'loading';
  const queries = panel.model.queries || [];
  if (!state.prometheusUrl) {
    showMessage(panel, 'error', 'No Prometheus address: open this page with ?prometheus=http://host:9090');
    return;
  }
  let results: MatrixData[];
  try {
    results = await Promise.all(
      queries.map((query) => {
        const request = panelRequest(query, window, context);
        // Instant queries (stat, gauge, table) ask for the value at the end of the range only.
        return query.instant ? get<QueryData>(request.path, request.params).then(asMatrix) : get<MatrixData>(request.path, request.params);
      }),
    );
  } catch (error) {
    if (generation === panel.generation) showMessage(panel, 'error', (error as Error).message);
    return;
  }
  if (generation !== panel.generation) return; // a newer load superseded this one
  const series = panelSeries(queries, results, panel.model.unit);
  if (!series.some((s) => s.values.length > 0)) {
    showMessage(panel, 'empty', 'No data');
    return;
  }
  const kind = panelKind(panel.model.type);
  switch (kind) {
    case 'number':
      renderNumbers(panel, series);
      break;
    case 'table':
      renderTable(panel, series);
      break;
    case 'chart':
      renderChart(
        panel,
        series,
        alignSeries(
          window.start,
          window.end,
          window.step,
          results.map((data) => data.result || []),
        ),
      );
      break;
    default: {
      const unknown: never = kind;
      throw new Error('unknown panel kind ' + String(unknown));
    }
  }
  panel.node.dataset.state = 'ok';
  panel.node.dataset.series = String(series.length);
}

function renderNumbers(panel: PanelView, series: PanelSeries[]): void {
  destroyChart(panel);
  const list = el('div', series.length > 3 ? 'vd-numbers vd-numbers-many' : 'vd-numbers');
  for (const s of series) {
    const value = lastValue(s.values);
    const item = el('div', 'vd-number');
    const number = el('div', 'vd-number-value', formatValue(value, panel.model.unit));
    if (value !== null) number.style.color = thresholdColor(panel.model.thresholds, value);
    item.appendChild(number);
    if (series.length > 1 || s.name) item.appendChild(el('div', 'vd-number-label', s.name));
    list.appendChild(item);
  }
  panel.body.replaceChildren(list);
}

function renderTable(panel: PanelView, series: PanelSeries[]): void {
  destroyChart(panel);
  // With legends (p50 {{route}}, p99 {{route}}) the legend tells rows of different queries apart.
  const named = (panel.model.queries || []).some((q) => q.legend && q.legend !== '__auto');
  const names: string[] = [];
  for (const s of series) {
    for (const n of Object.keys(s.labels)) if (names.indexOf(n) < 0) names.push(n);
  }
  names.sort();
  const table = el('table', 'vd-table');
  const headRow = el('tr');
  for (const n of [...(named ? ['Series'] : []), ...names, 'Value']) headRow.appendChild(el('th', '', n));
  table.appendChild(el('thead')).appendChild(headRow);
  const tbody = table.appendChild(el('tbody'));
  for (const s of series) {
    const row = el('tr');
    if (named) row.appendChild(el('td', '', s.name));
    for (const n of names) row.appendChild(el('td', '', s.labels[n] || ''));
    row.appendChild(el('td', 'vd-table-value', formatValue(lastValue(s.values), panel.model.unit)));
    tbody.appendChild(row);
  }
  const wrap = el('div', 'vd-table-wrap');
  wrap.appendChild(table);
  panel.body.replaceChildren(wrap);
}

/** The chart width that fits the panel. */
export function chartWidth(panel: PanelView): number {
  return Math.max(200, panel.body.clientWidth - 8);
}

function renderChart(panel: PanelView, series: PanelSeries[], data: AlignedData): void {
  // A refresh with the same series only swaps the data: no flicker, legend state kept.
  const key = chartKey(series, data);
  if (panel.chart && panel.chartKey === key) {
    panel.chart.setData(data);
    return;
  }
  destroyChart(panel);
  panel.body.replaceChildren();
  panel.chartKey = key;
  panel.chart = new uPlot(chartOptions(panel.model, series, data, chartWidth(panel)), data, panel.body);
}

/** Fits a drawn chart to its panel's new width. */
export function resizeChart(panel: PanelView): void {
  panel.chart?.setSize({ width: chartWidth(panel), height: CHART_HEIGHT });
}
