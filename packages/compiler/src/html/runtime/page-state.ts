/** What the page's parts share: the dashboard, where to query, and the user's current selections. */
import type { PageConfig, PageDashboard } from '../page-config.js';
import type { ApiParams } from './prometheus-api.js';
import { FALLBACK_RANGE_SECONDS, parseRange } from './queries.js';

/** GETs a Prometheus API path from the page's Prometheus. */
export type ApiGet = <T>(path: string, params: ApiParams) => Promise<T>;

/** The page's state; `rangeText` and `variableValues` change as the user picks. */
export interface PageState {
  dashboard: PageDashboard;
  /** No trailing slash; `''` when the page has no Prometheus to ask. */
  prometheusUrl: string;
  scrapeSeconds: number;
  /** The page URL's parameters at load. */
  params: URLSearchParams;
  /** The dashboard's default range (`6h`). */
  defaultRange: string;
  rangeText: string;
  refreshText: string;
  /** Each variable's selection as a regular expression. */
  variableValues: Record<string, string>;
}

/**
 * The state at load. Which Prometheus, first match wins: the `?prometheus=` parameter, the
 * address baked in at generation time, then the page's own origin when served over HTTP.
 */
export function initialState(config: PageConfig, pageUrl: { search: string; protocol: string; origin: string }): PageState {
  const dashboard = config.dashboard;
  const params = new URLSearchParams(pageUrl.search);
  const origin = /^https?:$/.test(pageUrl.protocol) ? pageUrl.origin : '';
  const defaultRange = (dashboard.timeFrom || 'now-6h').replace(/^now-/, '');
  return {
    dashboard,
    prometheusUrl: (params.get('prometheus') || config.prometheusUrl || origin).replace(/\/+$/, ''),
    scrapeSeconds: config.scrapeIntervalSeconds || 15,
    params,
    defaultRange,
    rangeText: params.get('range') || defaultRange,
    refreshText: params.has('refresh') ? (params.get('refresh') as string) : dashboard.refresh || '',
    variableValues: {},
  };
}

/** The selected range in seconds (the fallback when it does not parse). */
export function rangeSeconds(state: PageState): number {
  return parseRange(state.rangeText) || FALLBACK_RANGE_SECONDS;
}
