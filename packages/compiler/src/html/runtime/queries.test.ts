import { describe, expect, it } from 'vitest';
import type { PageQuery } from '../page-config.js';
import {
  interpolate,
  labelFromQuery,
  labelValuesRequest,
  matchFromQuery,
  namesVariable,
  panelRequest,
  parseRange,
  queryWindow,
  selectionValue,
  stepFor,
} from './queries.js';

const context = { stepSeconds: 90, scrapeSeconds: 30, rangeSeconds: 21600, variables: { service: 'api|web' } };

describe('ranges and steps', () => {
  it('reads ranges and refresh intervals as Prometheus durations, with or without now-', () => {
    expect(parseRange('now-6h')).toBe(21600);
    expect(parseRange('30s')).toBe(30);
    expect(parseRange(' 7d ')).toBe(604800);
    expect(parseRange('1h30m')).toBe(5400);
    expect(parseRange('soon')).toBeUndefined();
    expect(parseRange('')).toBeUndefined();
    expect(parseRange(null)).toBeUndefined();
  });

  it('picks about 240 points per range, never finer than the scrape interval', () => {
    expect(stepFor(3600, 30)).toBe(30);
    expect(stepFor(21600, 30)).toBe(90);
    expect(stepFor(604800, 30)).toBe(2520);
    expect(stepFor(60, 0)).toBe(1);
  });

  it('ends the window now, in whole seconds, a whole number of steps long', () => {
    const window = queryWindow(21600, 30, 1_700_000_000_999);
    expect(window).toEqual({ start: 1_700_000_000 - 21600, end: 1_700_000_000, step: 90 });
    const odd = queryWindow(1000, 7, 5_000_000);
    expect(odd.end).toBe(5000);
    expect((odd.end - odd.start) % odd.step).toBe(0);
    expect(odd.end - odd.start).toBeLessThanOrEqual(1000);
  });
});

describe('interpolate', () => {
  it('replaces Grafana and dashboard variables as Grafana does', () => {
    expect(interpolate('rate(x{job=~"$service"}[$__rate_interval])', context)).toBe('rate(x{job=~"api|web"}[2m])');
    expect(interpolate('increase(x{job=~"${service}"}[$__range]) $unknown', context)).toBe('increase(x{job=~"api|web"}[6h]) $unknown');
    expect(interpolate('avg_over_time(x[$__interval]) / $__range_s', context)).toBe('avg_over_time(x[1m30s]) / 21600');
    expect(interpolate('x{job=~"${service:regex}"}', context)).toBe('x{job=~"api|web"}');
  });

  it('takes step + scrape for $__rate_interval once the step outgrows three scrapes', () => {
    expect(interpolate('[$__rate_interval]', { ...context, stepSeconds: 2520 })).toBe('[42m30s]');
  });

  it('leaves names of Object.prototype alone', () => {
    expect(interpolate('$constructor $toString', context)).toBe('$constructor $toString');
  });
});

describe('panel requests', () => {
  const window = { start: 1000, end: 2000, step: 100 };
  const query = (instant: boolean): PageQuery => ({ expr: 'sum(rate(x{job=~"$service"}[$__rate_interval]))', legend: '', format: 'time_series', instant });

  it('asks for a range over the window', () => {
    expect(panelRequest(query(false), window, context)).toEqual({
      path: '/api/v1/query_range',
      params: { query: 'sum(rate(x{job=~"api|web"}[2m]))', start: 1000, end: 2000, step: 100 },
    });
  });

  it('asks instant queries for the value at the end of the window', () => {
    expect(panelRequest(query(true), window, context)).toEqual({ path: '/api/v1/query', params: { query: 'sum(rate(x{job=~"api|web"}[2m]))', time: 2000 } });
  });
});

describe('variables', () => {
  it('turns a selection into a regular expression, All into .*', () => {
    expect(selectionValue([])).toBe('.*');
    expect(selectionValue(['$__all'])).toBe('.*');
    expect(selectionValue(['api'])).toBe('api');
    expect(selectionValue(['a.b', 'c|d', '(x)'])).toBe('a\\.b|c\\|d|\\(x\\)');
  });

  it('reads label_values queries', () => {
    expect(labelFromQuery('label_values(up{job=~"$service"}, instance)')).toBe('instance');
    expect(matchFromQuery('label_values(up{job=~"$service"}, instance)')).toBe('up{job=~"$service"}');
    expect(labelFromQuery('label_values(job)')).toBe('job');
    expect(matchFromQuery('label_values(job)')).toBeUndefined();
    expect(labelFromQuery('up')).toBeUndefined();
  });

  it('lists a variable from its label, its selector filled with the other variables', () => {
    expect(labelValuesRequest('label_values(up{job=~"$service"}, instance)', 'host', context)).toEqual({
      path: '/api/v1/label/instance/values',
      params: { 'match[]': 'up{job=~"api|web"}' },
    });
    expect(labelValuesRequest('not a label_values query', 'host', context)).toEqual({ path: '/api/v1/label/host/values', params: {} });
  });

  it('tells which variable queries name another variable', () => {
    expect(namesVariable('label_values(up{job=~"$service"}, instance)', 'service')).toBe(true);
    expect(namesVariable('label_values(up{job=~"${service}"}, instance)', 'service')).toBe(true);
    expect(namesVariable('label_values(up{job=~"$services"}, instance)', 'service')).toBe(false);
    expect(namesVariable('label_values(up, service)', 'service')).toBe(false);
  });
});
