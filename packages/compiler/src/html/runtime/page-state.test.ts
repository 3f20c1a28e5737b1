import { describe, expect, it } from 'vitest';
import type { PageConfig } from '../page-config.js';
import { initialState, rangeSeconds } from './page-state.js';

const config: PageConfig = {
  dashboard: { title: 'T', refresh: '1m', timeFrom: 'now-24h', variables: [], rows: [] },
  scrapeIntervalSeconds: 30,
  prometheusUrl: 'http://baked:9090/',
};
const served = { search: '', protocol: 'http:', origin: 'http://origin:9090' };

describe('page state at load', () => {
  it('queries the ?prometheus= address first, then the baked one, then its own origin over HTTP', () => {
    expect(initialState(config, { ...served, search: '?prometheus=http://param:9090//' }).prometheusUrl).toBe('http://param:9090');
    expect(initialState(config, served).prometheusUrl).toBe('http://baked:9090');
    const { prometheusUrl: _, ...unbaked } = config;
    expect(initialState(unbaked, served).prometheusUrl).toBe('http://origin:9090');
    expect(initialState(unbaked, { search: '', protocol: 'file:', origin: 'null' }).prometheusUrl).toBe('');
  });

  it('takes range and refresh from the URL over the dashboard; ?refresh= turns refresh off', () => {
    const byDefault = initialState(config, served);
    expect([byDefault.defaultRange, byDefault.rangeText, byDefault.refreshText, byDefault.scrapeSeconds]).toEqual(['24h', '24h', '1m', 30]);
    const fromUrl = initialState(config, { ...served, search: '?range=1h&refresh=' });
    expect([fromUrl.rangeText, fromUrl.refreshText]).toEqual(['1h', '']);
    expect(rangeSeconds(fromUrl)).toBe(3600);
    expect(rangeSeconds({ ...fromUrl, rangeText: 'bogus' })).toBe(21600);
  });
});
