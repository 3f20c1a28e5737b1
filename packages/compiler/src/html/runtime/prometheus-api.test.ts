import { describe, expect, it } from 'vitest';
import { apiUrl, asMatrix, type Fetch, parseSampleValue, prometheusGet } from './prometheus-api.js';

/** A fetch that answers `body` (JSON unless a string that is not) with `status`, recording URLs. */
function fakeFetch(status: number, body: unknown, urls: string[] = []): Fetch {
  return async (url) => {
    urls.push(url);
    return {
      status,
      json: async () => {
        if (typeof body === 'string') return JSON.parse(body);
        return body;
      },
    };
  };
}

describe('Prometheus API', () => {
  it('encodes the query parameters', () => {
    expect(apiUrl('http://prom:9090', '/api/v1/query', { query: 'sum(x{job=~"a|b"})', time: 12 })).toBe(
      'http://prom:9090/api/v1/query?query=sum%28x%7Bjob%3D%7E%22a%7Cb%22%7D%29&time=12',
    );
    expect(apiUrl('', '/api/v1/label/job/values', {})).toBe('/api/v1/label/job/values?');
  });

  it('returns the data of a successful answer', async () => {
    const urls: string[] = [];
    const data = await prometheusGet('http://p', '/api/v1/query', { query: 'up' }, fakeFetch(200, { status: 'success', data: ['a'] }, urls));
    expect(data).toEqual(['a']);
    expect(urls).toEqual(['http://p/api/v1/query?query=up']);
  });

  it('fails with what went wrong: Prometheus error, not the API, unreachable', async () => {
    await expect(prometheusGet('http://p', '/api/v1/query', {}, fakeFetch(400, { status: 'error', errorType: 'bad_data', error: 'parse error' }))).rejects.toThrow(
      'bad_data: parse error',
    );
    await expect(prometheusGet('http://p', '/api/v1/query', {}, fakeFetch(503, { status: 'error' }))).rejects.toThrow('HTTP 503');
    await expect(prometheusGet('http://p', '/api/v1/query', {}, fakeFetch(404, '<html>'))).rejects.toThrow('HTTP 404 from http://p/api/v1/query (not the Prometheus API?)');
    const refused: Fetch = async () => {
      throw new Error('connection refused');
    };
    await expect(prometheusGet('http://p', '/api/v1/query', {}, refused)).rejects.toThrow('cannot reach Prometheus at http://p (connection refused)');
  });

  it('reads sample values, infinities included, NaN as null', () => {
    expect(parseSampleValue('1.5')).toBe(1.5);
    expect(parseSampleValue('+Inf')).toBe(Infinity);
    expect(parseSampleValue('-Inf')).toBe(-Infinity);
    expect(parseSampleValue('NaN')).toBeNull();
    expect(parseSampleValue(undefined)).toBeNull();
  });

  it('reshapes instant answers as one-point matrices', () => {
    expect(asMatrix({ resultType: 'vector', result: [{ metric: { job: 'a' }, value: [5, '1'] }] })).toEqual({
      resultType: 'matrix',
      result: [{ metric: { job: 'a' }, values: [[5, '1']] }],
    });
    expect(asMatrix({ resultType: 'scalar', result: [5, '2'] })).toEqual({ resultType: 'matrix', result: [{ metric: {}, values: [[5, '2']] }] });
    const matrix = { resultType: 'matrix' as const, result: [] };
    expect(asMatrix(matrix)).toBe(matrix);
  });
});
