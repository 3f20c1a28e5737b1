import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PAGE_SCRIPT } from './page-script.js';

interface Helpers {
  parseDuration(text: string): number | undefined;
  formatDuration(seconds: number): string;
  formatValue(value: number | null, unit: string): string;
  formatLegend(legend: string, labels: Record<string, string>): string;
  interpolate(expr: string, context: { stepSeconds: number; scrapeSeconds: number; rangeSeconds: number; variables: Record<string, string> }): string;
  stepFor(rangeSeconds: number, scrapeSeconds: number): number;
  alignSeries(start: number, end: number, step: number, matrices: { values: [number, string][] }[][]): (number | null)[][];
  thresholdColor(thresholds: { value: number; op: '<' | '>'; severity: string }[], value: number): string;
}

/** Runs the page script without a document: it only publishes its pure helpers. */
function helpers(): Helpers {
  const window: { vigilDashboard?: Helpers } = {};
  runInNewContext(PAGE_SCRIPT, { window });
  if (!window.vigilDashboard) throw new Error('the page script published no helpers');
  return window.vigilDashboard;
}

describe('page script helpers', () => {
  const h = helpers();

  it('parses and prints Prometheus durations', () => {
    expect(h.parseDuration('now-6h')).toBe(21600);
    expect(h.parseDuration('30s')).toBe(30);
    expect(h.parseDuration('7d')).toBe(604800);
    expect(h.parseDuration('soon')).toBeUndefined();
    expect(h.formatDuration(120)).toBe('2m');
    expect(h.formatDuration(90)).toBe('90s');
    expect(h.formatDuration(86400)).toBe('1d');
  });

  it('formats values in Grafana units', () => {
    expect(h.formatValue(0.953, 'percentunit')).toBe('95.3%');
    expect(h.formatValue(0.25, 's')).toBe('250 ms');
    expect(h.formatValue(5400, 's')).toBe('1.5 h');
    expect(h.formatValue(1536, 'bytes')).toBe('1.5 KiB');
    expect(h.formatValue(2048, 'Bps')).toBe('2 KiB/s');
    expect(h.formatValue(12345, 'short')).toBe('12.3k');
    expect(h.formatValue(3.5, 'ops')).toBe('3.5 ops/s');
    expect(h.formatValue(1500, 'watt')).toBe('1.5 kW');
    expect(h.formatValue(2, 'kwatth')).toBe('2 kWh');
    expect(h.formatValue(1200, 'ms')).toBe('1.2 s');
    expect(h.formatValue(null, 'short')).toBe('–');
    expect(h.formatValue(7, 'widgets')).toBe('7 widgets');
  });

  it('fills legends from labels, or lists the labels without one', () => {
    expect(h.formatLegend('p99 {{route}}', { route: '/search' })).toBe('p99 /search');
    expect(h.formatLegend('', { __name__: 'up', job: 'api' })).toBe('up{job="api"}');
    expect(h.formatLegend('', {})).toBe('');
  });

  it('replaces Grafana and dashboard variables as Grafana does', () => {
    const context = { stepSeconds: 90, scrapeSeconds: 30, rangeSeconds: 21600, variables: { service: 'api|web' } };
    expect(h.interpolate('rate(x{job=~"$service"}[$__rate_interval])', context)).toBe('rate(x{job=~"api|web"}[2m])');
    expect(h.interpolate('increase(x{job=~"${service}"}[$__range]) $unknown', context)).toBe('increase(x{job=~"api|web"}[6h]) $unknown');
    expect(h.interpolate('avg_over_time(x[$__interval])', context)).toBe('avg_over_time(x[90s])');
  });

  it('picks about 240 points per range, never finer than the scrape interval', () => {
    expect(h.stepFor(3600, 30)).toBe(30);
    expect(h.stepFor(21600, 30)).toBe(90);
    expect(h.stepFor(604800, 30)).toBe(2520);
  });

  it('aligns range results on one time axis with gaps as null', () => {
    const data = h.alignSeries(100, 130, 10, [[{ values: [[100, '1'], [120, '3']] }], [{ values: [[130, 'NaN'], [110, '+Inf']] }]]);
    expect(data).toEqual([[100, 110, 120, 130], [1, null, 3, null], [null, Infinity, null, null]]);
  });

  it('colours a value by the most severe threshold it is past, on the side that fires', () => {
    const thresholds = [
      { value: 0.8, op: '>' as const, severity: 'warning' },
      { value: 0.95, op: '>' as const, severity: 'critical' },
      { value: 0.1, op: '<' as const, severity: 'info' },
    ];
    expect(h.thresholdColor(thresholds, 0.9)).toBe('#e0a400');
    expect(h.thresholdColor(thresholds, 0.99)).toBe('#e02f44');
    expect(h.thresholdColor(thresholds, 0.5)).toBe('');
    expect(h.thresholdColor(thresholds, 0.05)).toBe('#3274d9');
  });
});
