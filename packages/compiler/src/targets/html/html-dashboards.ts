import { PAGE_SCRIPT, PAGE_STYLE, type PageConfig, UPLOT_ASSETS, type UplotAssets } from '../../html/index.js';
import type { Dashboard } from '../../model/dashboards.js';
import type { Model } from '../../model/types.js';
import { generatedNotice } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';

/**
 * Where the HTML dashboards go. Not under `grafana/`: they need no Grafana, only Prometheus,
 * which serves this directory itself with `--web.user-assets=dashboards/html` (pages at
 * `/user/<uid>.html`, same origin as `/api/v1`, so no CORS and no proxy).
 */
export const HTML_DASHBOARD_DIR = 'dashboards/html';

/** What the pages need beyond the dashboard model. */
export interface HtmlDashboardOptions {
  /**
   * Prometheus address baked into the pages. Omitted: the page's own origin (served by
   * Prometheus); either way `?prometheus=http://host:9090` in the page URL wins.
   */
  prometheusUrl?: string;
  /** The scrape interval, for `$__rate_interval` and the smallest query step. */
  scrapeIntervalSeconds: number;
}

/** First line of every page, so a reader (and a stale-file sweep) knows it is generated. */
export const HTML_GENERATED_HEADER = `<!-- ${generatedNotice('html')} -->\n`;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** JSON safe inside `<script>`: no `</script>`, no `<!--`, no line separators JavaScript rejects. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Text inlined in a `<script>` or `<style>` element must not close it early. */
function inlineSafe(text: string, element: 'script' | 'style', what: string): string {
  if (new RegExp(`</${element}`, 'i').test(text)) throw new Error(`${what} contains </${element}> and cannot be inlined`);
  return text;
}

/**
 * Renders one dashboard as a single self-contained HTML file: uPlot's script and CSS, the page
 * runtime and the dashboard model are all inline, so the file works from any static host (or
 * Prometheus's `/user/` assets) with no network access other than the Prometheus API.
 */
export function renderHtmlDashboard(dashboard: Dashboard, options: HtmlDashboardOptions, assets: UplotAssets = UPLOT_ASSETS): string {
  // Where the dashboard was defined is not the page's business, and its line numbers would
  // rewrite every page whenever a definitions file shifts.
  const { origin: _origin, ...shown } = dashboard;
  const embedded: PageConfig = {
    dashboard: shown,
    scrapeIntervalSeconds: options.scrapeIntervalSeconds,
    ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
  };
  return [
    '<!DOCTYPE html>',
    HTML_GENERATED_HEADER.trimEnd(),
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="vigil">',
    `<title>${escapeHtml(dashboard.title)}</title>`,
    `<style>${inlineSafe(assets.style, 'style', 'uPlot CSS')}</style>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    '<main id="vigil-root"></main>',
    `<script type="application/json" id="vigil-dashboard">${scriptJson(embedded)}</script>`,
    `<script>${inlineSafe(assets.script, 'script', 'uPlot')}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * One `dashboards/html/<uid>.html` per dashboard of the model. The settings name no Prometheus
 * address, so the pages query their own origin unless opened with `?prometheus=`.
 */
export function emitHtmlDashboards(model: Model, assets: UplotAssets = UPLOT_ASSETS): OutputFile[] {
  const options: HtmlDashboardOptions = { scrapeIntervalSeconds: model.settings.scrapeIntervalSeconds };
  return model.dashboards.map((dashboard) => ({
    path: `${HTML_DASHBOARD_DIR}/${dashboard.uid}.html`,
    content: renderHtmlDashboard(dashboard, options, assets),
  }));
}
