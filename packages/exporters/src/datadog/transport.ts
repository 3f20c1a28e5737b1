import { promisify } from 'node:util';
import { deflate, gzip } from 'node:zlib';
import { client } from '@datadog/datadog-api-client';
import { DatadogRequestError } from './errors.js';

const gzipAsync = promisify(gzip);
const deflateAsync = promisify(deflate);

/** What one request cost on the wire (for the benchmark and self-metrics). */
export interface RequestRecord {
  path: string;
  uncompressedBytes: number;
  bodyBytes: number;
  status?: number;
}

/** Options of {@link FetchTransport}. */
export interface FetchTransportOptions {
  /** Per-attempt timeout (ms), or a function read at each attempt (the exporter adapts it). */
  attemptTimeoutMs: number | (() => number);
  /** Aborts every request in flight when it fires (the exporter's shutdown). */
  stopSignal?: AbortSignal;
  /** Called with every response's status and lower-cased headers (rate-limit bookkeeping). */
  onResponse?: (status: number, headers: Record<string, string>) => void;
  /** Called for every request sent. */
  onRequest?: (record: RequestRecord) => void;
  /** Makes the per-attempt timeout signal; defaults to `AbortSignal.timeout`. */
  timeoutSignal?: (ms: number) => AbortSignal;
}

/**
 * The HTTP library handed to the Datadog API client (`createConfiguration({ httpApi })`). Compared
 * with the client's default it: compresses (gzip, deflate) with Node's zlib, bounds each attempt with a timeout,
 * never retries (the exporter owns retries), and throws {@link DatadogRequestError} carrying the
 * response headers for every non-2xx status, so `Retry-After` and `X-RateLimit-Reset` reach the
 * retry logic.
 */
export class FetchTransport implements client.HttpLibrary {
  constructor(private readonly options: FetchTransportOptions) {}

  async send(request: client.RequestContext): Promise<client.ResponseContext> {
    const headers = { ...request.getHeaders() };
    const raw = request.getBody();
    let body: string | Buffer | undefined = typeof raw === 'string' || Buffer.isBuffer(raw) ? raw : undefined;
    const uncompressedBytes = body === undefined ? 0 : Buffer.byteLength(body);
    if (body !== undefined && headers['Content-Encoding'] === 'gzip') body = await gzipAsync(body);
    else if (body !== undefined && headers['Content-Encoding'] === 'deflate') body = await deflateAsync(body);
    const url = new URL(request.getUrl());
    const record: RequestRecord = { path: url.pathname, uncompressedBytes, bodyBytes: body === undefined ? 0 : Buffer.byteLength(body) };

    const timeoutMs = typeof this.options.attemptTimeoutMs === 'function' ? this.options.attemptTimeoutMs() : this.options.attemptTimeoutMs;
    const timeout = (this.options.timeoutSignal ?? AbortSignal.timeout)(timeoutMs);
    const outer = request.getHttpConfig().signal as AbortSignal | undefined;
    const signals = [timeout, ...(outer ? [outer] : []), ...(this.options.stopSignal ? [this.options.stopSignal] : [])];
    const signal = signals.length === 1 ? timeout : AbortSignal.any(signals);

    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method: request.getHttpMethod(), headers, body: body as RequestInit["body"], signal });
      text = await response.text();
    } catch (error) {
      this.options.onRequest?.(record);
      if (timeout.aborted) {
        throw new DatadogRequestError('timeout', `${url.pathname}: no answer within ${timeoutMs} ms`, undefined, {}, undefined, { cause: error });
      }
      throw new DatadogRequestError('network', `${url.pathname}: ${(error as Error).message}`, undefined, {}, undefined, { cause: error });
    }
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[name.toLowerCase()] = value;
    });
    this.options.onRequest?.({ ...record, status: response.status });
    this.options.onResponse?.(response.status, responseHeaders);
    if (response.status >= 300) {
      throw new DatadogRequestError('http', `${url.pathname}: HTTP ${response.status}: ${text.slice(0, 200)}`, response.status, responseHeaders, text);
    }
    return new client.ResponseContext(response.status, responseHeaders, {
      text: () => Promise.resolve(text),
      binary: () => Promise.resolve(Buffer.from(text)),
    });
  }
}

/** Options shared by everything that builds a Datadog API configuration. */
export interface DatadogConnectionOptions {
  /** `DD-API-KEY`. */
  apiKey: string;
  /** `DD-APPLICATION-KEY` (monitors and dashboards only). */
  appKey?: string;
  /** Datadog site, e.g. `datadoghq.eu` (default `datadoghq.com`). */
  site?: string;
  /** Full base URL overriding the site, e.g. `http://127.0.0.1:8125` for the fake server. */
  baseUrl?: string;
}

/**
 * A Datadog API client configuration on {@link FetchTransport}. `baseUrl` sets the client's
 * `baseServer`, which takes precedence over the site and per-operation servers.
 */
export function createDatadogConfiguration(connection: DatadogConnectionOptions, transport: FetchTransport): client.Configuration {
  const configuration = client.createConfiguration({
    authMethods: { apiKeyAuth: connection.apiKey, ...(connection.appKey ? { appKeyAuth: connection.appKey } : {}) },
    httpApi: transport,
    enableRetry: false,
    ...(connection.baseUrl ? { baseServer: new client.BaseServerConfiguration(connection.baseUrl.replace(/\/$/, ''), {}) } : {}),
  });
  if (!connection.baseUrl && connection.site) configuration.setServerVariables({ site: connection.site });
  return configuration;
}
