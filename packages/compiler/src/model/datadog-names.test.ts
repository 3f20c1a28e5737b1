import { describe, expect, it } from 'vitest';
// The exporter's source, by relative path in this test only: the two packages must agree on names.
import { datadogSeriesNames } from '../../../exporters/src/datadog/series-names.js';
import { datadogCountSeries, datadogSeries, datadogTag } from './datadog-names.js';
import type { InstrumentType } from './types.js';

describe('datadogSeries', () => {
  const types: InstrumentType[] = ['counter', 'updowncounter', 'gauge', 'histogram'];
  for (const type of types) {
    it(`agrees with the exporter's datadogSeriesNames for a ${type}`, () => {
      for (const name of ['http.server.duration', 'tta_component_requests', 'a.b_c']) {
        const exporter = datadogSeriesNames({ name, type }).map((s) => ({ name: s.name, type: s.type }));
        expect(datadogSeries(name, type)).toEqual(exporter);
      }
    });
  }

  it('counts a histogram through its .count series', () => {
    expect(datadogCountSeries('rpc.duration', 'histogram')).toBe('rpc.duration.count');
    expect(datadogCountSeries('rpc.calls', 'counter')).toBe('rpc.calls');
  });

  it('lower-cases tags as Datadog stores them', () => {
    expect(datadogTag('HighLatency Alert')).toBe('highlatency_alert');
  });
});
