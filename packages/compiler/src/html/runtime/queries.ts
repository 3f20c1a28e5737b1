/** Building the page's API calls: time range and step, Grafana's placeholders, variable values. */
import { formatDuration, parseDuration } from '../../spec/duration.js';
import type { PageQuery } from '../page-config.js';
import type { ApiParams } from './prometheus-api.js';

/** The ranges the picker offers (plus the dashboard's default when it is another). */
export const RANGES = ['1h', '6h', '24h', '7d'];
/** About this many points per query over any range. */
export const TARGET_POINTS = 240;
/** The range when neither the URL nor the dashboard gives one that parses. */
export const FALLBACK_RANGE_SECONDS = 21600;

/**
 * A range or refresh as the page reads it: a Prometheus duration (the compiler's syntax, which
 * validated the dashboard's own), optionally as Grafana's `now-6h`; `undefined` otherwise.
 */
export function parseRange(text: string | null | undefined): number | undefined {
  if (text === undefined || text === null) return undefined;
  return parseDuration(text.trim().replace(/^now-/, ''));
}

/** The query step: about TARGET_POINTS points over the range, never below the scrape interval. */
export function stepFor(rangeSeconds: number, scrapeSeconds: number): number {
  return Math.max(Math.ceil(rangeSeconds / TARGET_POINTS), Math.round(scrapeSeconds) || 1);
}

/** The time axis of one load: whole seconds, `end` - `start` a whole number of steps. */
export interface QueryWindow {
  start: number;
  end: number;
  step: number;
}

/**
 * The window of a load ending at `nowMs`. It ends now (whole seconds, so returned timestamps
 * match the axis exactly); ending at a step boundary instead could end before the newest sample
 * and show nothing new.
 */
export function queryWindow(rangeSeconds: number, scrapeSeconds: number, nowMs: number): QueryWindow {
  const step = stepFor(rangeSeconds, scrapeSeconds);
  const end = Math.floor(nowMs / 1000);
  return { start: end - Math.floor(rangeSeconds / step) * step, end, step };
}

/** What a query's placeholders are replaced with. */
export interface InterpolationContext {
  stepSeconds: number;
  scrapeSeconds: number;
  rangeSeconds: number;
  /** Each variable's value as a regular expression (`.*`, `a|b`). */
  variables: Record<string, string>;
}

/**
 * Replaces Grafana's built-in and dashboard variables in a query: $__rate_interval (as Grafana:
 * the larger of step + scrape interval and four scrape intervals), $__interval, $__range and
 * each $name or {name} in braces from the variable selections (multi-values as a regex alternation).
 */
export function interpolate(expr: string, context: InterpolationContext): string {
  const rateInterval = Math.max(context.stepSeconds + context.scrapeSeconds, 4 * context.scrapeSeconds);
  const builtins: Record<string, string> = {
    __rate_interval: formatDuration(rateInterval),
    __interval: formatDuration(context.stepSeconds),
    __range: formatDuration(context.rangeSeconds),
    __range_s: String(Math.round(context.rangeSeconds)),
  };
  return expr.replace(/\$\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-z]+)?\}|\$([a-zA-Z_][a-zA-Z0-9_]*)/g, (whole, braced?: string, bare?: string) => {
    const name = (braced || bare) as string;
    if (Object.prototype.hasOwnProperty.call(builtins, name)) return builtins[name] as string;
    if (Object.prototype.hasOwnProperty.call(context.variables, name)) return context.variables[name] as string;
    return whole;
  });
}

/** One API call of a panel. */
export interface PanelRequest {
  path: '/api/v1/query_range' | '/api/v1/query';
  params: ApiParams;
}

/** The call for one panel query: a range query, or for instant ones the value at the window's end. */
export function panelRequest(query: PageQuery, window: QueryWindow, context: InterpolationContext): PanelRequest {
  const expr = interpolate(query.expr, context);
  if (!query.instant) return { path: '/api/v1/query_range', params: { query: expr, start: window.start, end: window.end, step: window.step } };
  return { path: '/api/v1/query', params: { query: expr, time: window.end } };
}

/** Regex value of a selection: all -> .*, several -> a|b (values escaped). */
export function selectionValue(selected: readonly string[]): string {
  if (selected.length === 0 || selected.includes('$__all')) return '.*';
  return selected.map((v) => v.replace(/[.*+?^$(){}|[\]\\]/g, '\\$&')).join('|');
}

/** The label a `label_values([selector,] label)` query lists. */
export function labelFromQuery(query: string): string | undefined {
  return /label_values\((?:.*,)?\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(query)?.[1];
}

/** The selector of a `label_values(selector, label)` query, if it has one. */
export function matchFromQuery(query: string): string | undefined {
  return /label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)$/.exec(query)?.[1];
}

/** The call listing a `label_values(...)` variable's values; its selector may name other variables. */
export function labelValuesRequest(query: string, fallbackLabel: string, context: InterpolationContext): { path: string; params: ApiParams } {
  const label = labelFromQuery(query) || fallbackLabel;
  const match = matchFromQuery(query);
  return { path: '/api/v1/label/' + encodeURIComponent(label) + '/values', params: match ? { 'match[]': interpolate(match, context) } : {} };
}

/** Whether a query names the variable `name` (`$name` or `${name}`), so must reload when it changes. */
export function namesVariable(query: string, name: string): boolean {
  return new RegExp('\\$\\{?' + name + '\\b').test(query);
}
