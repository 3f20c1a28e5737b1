import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATADOG_HISTOGRAM_SUFFIXES, datadogCountSeries, datadogSeries, datadogTag } from './datadog-naming.js';
import { INSTRUMENT_TYPES } from './instrument-type.js';

describe('datadogSeries', () => {
  it('keeps the instrument name and types counters as counts, gauges and up-down counters as gauges', () => {
    expect(datadogSeries('orders.placed', 'counter')).toEqual([{ name: 'orders.placed', type: 'count' }]);
    expect(datadogSeries('queue.depth', 'updowncounter')).toEqual([{ name: 'queue.depth', type: 'gauge' }]);
    expect(datadogSeries('temp', 'gauge')).toEqual([{ name: 'temp', type: 'gauge' }]);
  });

  it('sends a histogram as bucket, count and sum counts and min and max gauges, buckets tagged by bound', () => {
    expect(datadogSeries('lat', 'histogram')).toEqual([
      { name: 'lat.bucket', type: 'count', extraTags: ['lower_bound', 'upper_bound'] },
      { name: 'lat.count', type: 'count' },
      { name: 'lat.sum', type: 'count' },
      { name: 'lat.min', type: 'gauge' },
      { name: 'lat.max', type: 'gauge' },
    ]);
    expect(datadogSeries('lat', 'histogram').map((s) => s.name.slice('lat'.length))).toEqual(Object.values(DATADOG_HISTOGRAM_SUFFIXES));
  });

  it('names distinct series, each starting with the instrument name, for any name and type', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom(...INSTRUMENT_TYPES), (name, type) => {
        const series = datadogSeries(name, type);
        expect(new Set(series.map((s) => s.name)).size).toBe(series.length);
        for (const s of series) expect(s.name.startsWith(name)).toBe(true);
        expect(series.map((s) => s.name)).toContain(type === 'gauge' || type === 'updowncounter' ? name : datadogCountSeries(name, type));
      }),
    );
  });
});

describe('datadogCountSeries', () => {
  it('counts a histogram through its .count series and a counter through itself', () => {
    expect(datadogCountSeries('rpc.duration', 'histogram')).toBe('rpc.duration.count');
    expect(datadogCountSeries('rpc.calls', 'counter')).toBe('rpc.calls');
  });

  it('names a count series the exporter sends', () => {
    for (const type of ['counter', 'histogram'] as const) {
      const counted = datadogSeries('x', type).find((s) => s.name === datadogCountSeries('x', type));
      expect(counted?.type).toBe('count');
    }
  });
});

describe('datadogTag', () => {
  it('lower-cases tags and replaces characters Datadog does not store', () => {
    expect(datadogTag('HighLatency Alert')).toBe('highlatency_alert');
    expect(datadogTag('env:Prod/eu-1.a')).toBe('env:prod/eu-1.a');
  });

  it('produces only stored characters and is stable', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        const tag = datadogTag(text);
        expect(tag).toMatch(/^[a-z0-9_:./-]*$/);
        expect(datadogTag(tag)).toBe(tag);
      }),
    );
  });
});
