/** The page's only I/O: GET requests to the Prometheus HTTP API, and the shapes it answers. */

/** A sample as the API writes it: `[unix seconds, "value"]`. */
export type Sample = [number, string];

/** One series of a range query (instant results are reshaped to this, see `asMatrix`). */
export interface RangeSeries {
  metric: Record<string, string>;
  values: Sample[];
}

/** A `/api/v1/query_range` result (or an instant result reshaped as one). */
export interface MatrixData {
  resultType: 'matrix';
  result: RangeSeries[];
}

/** A `/api/v1/query` result. */
export type QueryData =
  | MatrixData
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: Sample }[] }
  | { resultType: 'scalar' | 'string'; result: Sample };

/** Query parameters of one API call, in order. */
export type ApiParams = Record<string, string | number>;

/** The `fetch` the page calls (the browser's; a fake in tests). */
export type Fetch = (url: string, init: { headers: Record<string, string> }) => Promise<{ status: number; json(): Promise<unknown> }>;

/** The URL of an API call: `base` (no trailing slash) + `path` + the encoded parameters. */
export function apiUrl(base: string, path: string, params: ApiParams): string {
  const query = new URLSearchParams(Object.entries(params).map(([name, value]) => [name, String(value)]));
  return base + path + '?' + query.toString();
}

/**
 * GETs an API path and returns its `data`; throws an `Error` whose message the panel shows
 * (unreachable server, a body that is not the API's, or Prometheus's own error).
 */
export async function prometheusGet<T>(base: string, path: string, params: ApiParams, fetchImpl: Fetch = fetch): Promise<T> {
  let response: Awaited<ReturnType<Fetch>>;
  try {
    response = await fetchImpl(apiUrl(base, path, params), { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new Error('cannot reach Prometheus at ' + base + ' (' + (error as Error).message + ')', { cause: error });
  }
  let body: { status?: string; data?: T; errorType?: string; error?: string };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new Error('HTTP ' + response.status + ' from ' + base + path + ' (not the Prometheus API?)');
  }
  if (body.status !== 'success') throw new Error((body.errorType ? body.errorType + ': ' : '') + (body.error || 'HTTP ' + response.status));
  return body.data as T;
}

/** A sample value as a number: `±Inf` as infinities, `NaN` (and anything unreadable) as null. */
export function parseSampleValue(text: string | undefined): number | null {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}

/** An instant vector (or scalar) reshaped as a one-point matrix, so panels read one shape. */
export function asMatrix(data: QueryData): MatrixData {
  switch (data.resultType) {
    case 'matrix':
      return data;
    case 'scalar':
    case 'string':
      return { resultType: 'matrix', result: [{ metric: {}, values: [data.result] }] };
    case 'vector':
      return { resultType: 'matrix', result: (data.result || []).map((s) => ({ metric: s.metric, values: [s.value] })) };
  }
}
