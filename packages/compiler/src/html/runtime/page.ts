/**
 * The page controller: reads the embedded dashboard, builds header and rows, loads the panels
 * of open rows, and reloads them on a timer, on a range or variable change, or on ↻.
 */
import type { PageConfig } from '../page-config.js';
import { el } from './dom.js';
import { buildHeader } from './header.js';
import { initialState } from './page-state.js';
import { buildPanel, loadPanel, type PanelView, resizeChart } from './panels.js';
import { type ApiParams, prometheusGet } from './prometheus-api.js';
import { parseRange } from './queries.js';

/** Starts the dashboard in `root`. */
export function startPage(config: PageConfig, root: HTMLElement): void {
  const state = initialState(config, location);
  const dashboard = state.dashboard;
  const get = <T>(path: string, params: ApiParams): Promise<T> => prometheusGet<T>(state.prometheusUrl, path, params);
  let panels: PanelView[] = [];
  const refreshAll = (): void => {
    for (const panel of panels) if (panel.row.open) void loadPanel(panel, state, get);
  };

  document.title = dashboard.title;
  root.appendChild(buildHeader(state, { get, refreshAll }));
  for (const row of dashboard.rows || []) {
    // A row is a <details>: collapsed rows stay folded and query only once opened.
    const section = el('details', 'vd-row');
    section.open = !row.collapsed;
    section.appendChild(el('summary', 'vd-row-title', row.title || 'Panels'));
    const grid = el('div', 'vd-grid');
    const rowPanels = (row.panels || []).map((model) => {
      const panel = buildPanel(model, section);
      grid.appendChild(panel.node);
      return panel;
    });
    panels = panels.concat(rowPanels);
    section.addEventListener('toggle', () => {
      if (section.open) for (const panel of rowPanels) void loadPanel(panel, state, get);
    });
    section.appendChild(grid);
    root.appendChild(section);
  }
  refreshAll();
  const refreshSeconds = parseRange(state.refreshText);
  if (refreshSeconds) setInterval(refreshAll, Math.max(1, refreshSeconds) * 1000);
  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const panel of panels) resizeChart(panel);
    }, 100);
  });
}
