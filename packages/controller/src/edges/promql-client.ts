/**
 * The controller's only door to metrics: a client for the Prometheus HTTP API (`/api/v1/query`,
 * `/api/v1/query_range`), which any Prometheus-compatible server (Thanos, Mimir, VictoriaMetrics)
 * also speaks. Every failure comes back as data, never as an exception: the core turns a failed
 * or partial read into an inconclusive cycle, never into a decision.
 */

/** Why a query produced no usable answer. */
export type PromQlFailureKind =
  /** Connection refused, DNS failure, reset: the server could not be reached. */
  | 'unreachable'
  /** No answer within the deadline. */
  | 'timeout'
  /** The server answered with a non-2xx status and no Prometheus error body. */
  | 'http'
  /** Prometheus answered `status: error` (bad query, execution error, overload). */
  | 'prometheus'
  /** The body was not a Prometheus API response of the expected result type. */
  | 'bad_response';

/** A failed query, with what was asked so the failure can be explained afterwards. */
export interface PromQlFailure {
  kind: PromQlFailureKind;
  message: string;
  query: string;
  /** HTTP status, when the server answered. */
  status?: number;
}

/** One series of an instant vector. */
export interface InstantSample {
  labels: Record<string, string>;
  /** The value; `NaN` and infinities are kept as JavaScript numbers. */
  value: number;
  /** Evaluation time in Unix seconds. */
  timestamp: number;
}

/** One series of a range query: `[unix seconds, value]` pairs in time order. */
export interface RangeSeries {
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

/** A successful answer with the warnings Prometheus attached (e.g. partial data from a remote). */
export interface PromQlAnswer<T> {
  ok: true;
  value: T;
  warnings: string[];
  query: string;
}

export type PromQlResult<T> = PromQlAnswer<T> | ({ ok: false } & PromQlFailure);

/** How to reach the server. */
export interface PromQlClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:9090` (a path prefix such as `/prometheus` is kept). */
  baseUrl: string;
  /** Deadline per request in milliseconds (default 10,000). */
  timeoutMs?: number;
  /** Extra headers, e.g. `Authorization` for a protected server. */
  headers?: Record<string, string>;
  /** The fetch implementation (default the global one); tests may pass a faulty one. */
  fetch?: typeof fetch;
}

/** A range query's span, in Unix seconds, and its step in seconds. */
export interface QueryRange {
  start: number;
  end: number;
  stepSeconds: number;
}

interface ApiEnvelope {
  status?: unknown;
  data?: { resultType?: unknown; result?: unknown };
  errorType?: unknown;
  error?: unknown;
  warnings?: unknown;
}

/** Reads Prometheus' sample value strings, which carry `NaN`, `+Inf` and `-Inf` as text. */
function sampleValue(text: unknown): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return typeof text === 'string' ? Number(text) : Number.NaN;
}

function isPair(value: unknown): value is [number, string] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'number';
}

/** A PromQL client whose every method resolves, never rejects. */
export class PromQlClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof fetch;

  constructor(options: PromQlClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.headers = options.headers ?? {};
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Evaluates `query` at `time` (Unix seconds; default the server's now). */
  async instant(query: string, time?: number): Promise<PromQlResult<InstantSample[]>> {
    const params: Record<string, string> = { query };
    if (time !== undefined) params.time = String(time);
    const answer = await this.post('/api/v1/query', params, query);
    if (!answer.ok) return answer;
    const { data } = answer.envelope;
    if (data?.resultType === 'scalar' && isPair(data.result)) {
      const [timestamp, text] = data.result;
      return { ok: true, query, warnings: answer.warnings, value: [{ labels: {}, value: sampleValue(text), timestamp }] };
    }
    if (data?.resultType !== 'vector' || !Array.isArray(data.result)) {
      return { ok: false, kind: 'bad_response', query, message: `expected a vector or scalar result, got ${String(data?.resultType)}` };
    }
    const samples: InstantSample[] = [];
    for (const item of data.result as Array<{ metric?: Record<string, string>; value?: unknown }>) {
      if (!isPair(item.value)) return { ok: false, kind: 'bad_response', query, message: 'a vector sample has no [time, value] pair' };
      samples.push({ labels: item.metric ?? {}, timestamp: item.value[0], value: sampleValue(item.value[1]) });
    }
    return { ok: true, query, warnings: answer.warnings, value: samples };
  }

  /** Evaluates `query` over `range` at its step. */
  async range(query: string, range: QueryRange): Promise<PromQlResult<RangeSeries[]>> {
    const answer = await this.post(
      '/api/v1/query_range',
      { query, start: String(range.start), end: String(range.end), step: String(range.stepSeconds) },
      query,
    );
    if (!answer.ok) return answer;
    const { data } = answer.envelope;
    if (data?.resultType !== 'matrix' || !Array.isArray(data.result)) {
      return { ok: false, kind: 'bad_response', query, message: `expected a matrix result, got ${String(data?.resultType)}` };
    }
    const series: RangeSeries[] = [];
    for (const item of data.result as Array<{ metric?: Record<string, string>; values?: unknown }>) {
      if (!Array.isArray(item.values) || !item.values.every(isPair)) {
        return { ok: false, kind: 'bad_response', query, message: 'a matrix series has malformed values' };
      }
      series.push({ labels: item.metric ?? {}, points: item.values.map(([t, v]) => [t, sampleValue(v)] as [number, number]) });
    }
    return { ok: true, query, warnings: answer.warnings, value: series };
  }

  private async post(
    path: string,
    params: Record<string, string>,
    query: string,
  ): Promise<({ ok: true; envelope: ApiEnvelope; warnings: string[] }) | ({ ok: false } & PromQlFailure)> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...this.headers },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        return { ok: false, kind: 'timeout', query, message: `no answer from ${this.baseUrl} within ${this.timeoutMs} ms` };
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { ok: false, kind: 'unreachable', query, message: `${this.baseUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
    }
    let envelope: ApiEnvelope | undefined;
    let text = '';
    try {
      text = await response.text();
      envelope = JSON.parse(text) as ApiEnvelope;
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        return { ok: false, kind: 'timeout', query, status: response.status, message: `the answer did not complete within ${this.timeoutMs} ms` };
      }
      envelope = undefined;
    }
    if (envelope?.status === 'error') {
      return {
        ok: false,
        kind: 'prometheus',
        query,
        status: response.status,
        message: `${String(envelope.errorType ?? 'error')}: ${String(envelope.error ?? 'unknown error')}`,
      };
    }
    if (!response.ok) {
      return { ok: false, kind: 'http', query, status: response.status, message: `HTTP ${response.status}: ${text.slice(0, 200)}` };
    }
    if (envelope?.status !== 'success') {
      return { ok: false, kind: 'bad_response', query, status: response.status, message: `not a Prometheus API response: ${text.slice(0, 200)}` };
    }
    const warnings = Array.isArray(envelope.warnings) ? envelope.warnings.map(String) : [];
    return { ok: true, envelope, warnings };
  }
}
