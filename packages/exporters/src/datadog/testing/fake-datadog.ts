import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';

/** One request the fake server received, body decoded. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  /** Body bytes as received (compressed when `content-encoding` was set). */
  bodyBytes: number;
  /** Body bytes after decompression. */
  decodedBytes: number;
  /** Parsed JSON body (undefined when empty or not JSON). */
  body: unknown;
  /** Status the fake answered, or `reset` when it dropped the connection. */
  outcome: number | 'reset';
}

/** A scripted answer instead of the normal one. */
export type FakeFailure =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { reset: true }
  | { delayMs: number; then?: FakeFailure }
  /** Answers when `until` resolves (e.g. a fake clock's sleep: a slow API in virtual time). */
  | { until: Promise<unknown>; then?: FakeFailure };

/** Options of {@link startFakeDatadog}. */
export interface FakeDatadogOptions {
  /** Compressed body limit answered with 413 (default 512,000, Datadog's). */
  maxCompressedBytes?: number;
  /** Decompressed body limit answered with 413 (default 5,242,880). */
  maxUncompressedBytes?: number;
  /** API key to require in `DD-API-KEY` (default: any non-empty key). */
  apiKey?: string;
}

/** A running fake Datadog API on 127.0.0.1. */
export interface FakeDatadog {
  /** Base URL, e.g. `http://127.0.0.1:40123`; pass as `baseUrl`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Series accepted by `POST /api/v2/series` (202 only), flattened: the request log, not what Datadog keeps. */
  acceptedSeries(): FakeSeries[];
  /**
   * What Datadog keeps of the accepted series: one value per series (metric, type, sorted tags)
   * and timestamp, the last one written winning, as Datadog's intake does. A second count point
   * in the same second replaces the first: its increments are lost.
   */
  storedSeries(): FakeSeries[];
  /** Sum of the stored values of `metric` (optionally only series whose tags pass `filter`). */
  storedTotal(metric: string, filter?: (tags: readonly string[]) => boolean): number;
  /** Events accepted by `POST /api/v1/events`. */
  acceptedEvents(): Record<string, unknown>[];
  /** Distribution series accepted by `POST /api/v1/distribution_points`. */
  acceptedDistributions(): Record<string, unknown>[];
  /** Queues answers for the next requests matching `path` (string prefix or RegExp), used in order. */
  fail(path: string | RegExp, ...failures: FakeFailure[]): void;
  /** A standing rule consulted for every request after the queued failures; return undefined to answer normally. */
  setHandler(handler: ((request: RecordedRequest) => FakeFailure | undefined) | undefined): void;
  /** Calls `listener` with every request as it arrives, before any scripted answer (e.g. to stamp a fake clock). */
  onRequest(listener: ((request: RecordedRequest) => void) | undefined): void;
  /** Monitors stored by id. */
  readonly monitors: Map<number, Record<string, unknown>>;
  /** Dashboards stored by id. */
  readonly dashboards: Map<string, Record<string, unknown>>;
  /** Forgets requests (not monitors or dashboards). */
  clearRequests(): void;
  close(): Promise<void>;
}

/** A series as the fake received it (wire JSON of the v2 API). */
export interface FakeSeries {
  metric: string;
  type?: number;
  points: { timestamp: number; value: number }[];
  tags?: string[];
  interval?: number;
  unit?: string;
}

function decode(raw: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return gunzipSync(raw);
  if (encoding === 'deflate') return inflateSync(raw);
  return raw;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function matches(path: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? path.startsWith(pattern) : pattern.test(path);
}

/**
 * Starts a fake Datadog API speaking the endpoints Vigil uses: `POST /api/v2/series`,
 * `POST /api/v1/distribution_points`, `POST /api/v1/events` (gzip or deflate bodies, 202, JSON
 * errors, 413 over the size limits, 403 without an API key) and minimal `GET/POST/PUT/DELETE`
 * on `/api/v1/monitor` and `/api/v1/dashboard` (stored by id). Failures are scriptable: statuses
 * with headers (`Retry-After`, `X-RateLimit-*`), connection resets and delays.
 */
export async function startFakeDatadog(options: FakeDatadogOptions = {}): Promise<FakeDatadog> {
  const maxCompressed = options.maxCompressedBytes ?? 512_000;
  const maxUncompressed = options.maxUncompressedBytes ?? 5_242_880;
  const requests: RecordedRequest[] = [];
  const scripted: { pattern: string | RegExp; failure: FakeFailure }[] = [];
  let handler: ((request: RecordedRequest) => FakeFailure | undefined) | undefined;
  let listener: ((request: RecordedRequest) => void) | undefined;
  const monitors = new Map<number, Record<string, unknown>>();
  const dashboards = new Map<string, Record<string, unknown>>();
  let nextMonitorId = 1000;
  let nextDashboardId = 1;
  let nextEventId = 1;

  const takeFailure = (record: RecordedRequest): FakeFailure | undefined => {
    const index = scripted.findIndex((s) => matches(record.path, s.pattern));
    if (index >= 0) return scripted.splice(index, 1)[0]!.failure;
    return handler?.(record);
  };

  // Datadog's storage: series identity -> timestamp -> value, last write wins.
  const stored = new Map<string, { series: Omit<FakeSeries, 'points'>; points: Map<number, number> }>();
  const store = (series: FakeSeries[]): void => {
    for (const s of series) {
      const tags = [...(s.tags ?? [])].sort();
      const key = `${s.metric}\u0000${s.type ?? 0}\u0000${tags.join('\u0001')}`;
      let entry = stored.get(key);
      if (!entry) {
        const { points: _points, ...rest } = s;
        entry = { series: { ...rest, tags }, points: new Map() };
        stored.set(key, entry);
      }
      for (const p of s.points) entry.points.set(p.timestamp, p.value);
    }
  };

  const apply = async (failure: FakeFailure, record: RecordedRequest, response: ServerResponse): Promise<boolean> => {
    if ('delayMs' in failure || 'until' in failure) {
      await ('until' in failure ? failure.until : new Promise((resolve) => setTimeout(resolve, failure.delayMs)));
      if (response.destroyed) {
        // The client gave up, but a slow Datadog still takes the payload in: it counts as accepted.
        if (!failure.then && record.method === 'POST' && record.path === '/api/v2/series') {
          record.outcome = 202;
          store((record.body as { series?: FakeSeries[] } | undefined)?.series ?? []);
        }
        return true;
      }
      return failure.then ? apply(failure.then, record, response) : false;
    }
    if ('reset' in failure) {
      record.outcome = 'reset';
      response.socket?.resetAndDestroy();
      return true;
    }
    record.outcome = failure.status;
    if (failure.status === 202 && record.path === '/api/v2/series') store((record.body as { series?: FakeSeries[] } | undefined)?.series ?? []);
    sendJson(response, failure.status, failure.body ?? { errors: [`scripted ${failure.status}`] }, failure.headers);
    return true;
  };

  const answer = (record: RecordedRequest, response: ServerResponse): void => {
    const reply = (status: number, body: unknown): void => {
      record.outcome = status;
      sendJson(response, status, body);
    };
    const { method, path } = record;
    const body = (record.body ?? {}) as Record<string, unknown>;
    if (method === 'POST' && path === '/api/v2/series') {
      store((body as { series?: FakeSeries[] }).series ?? []);
      return reply(202, { errors: [] });
    }
    if (method === 'POST' && path === '/api/v1/distribution_points') return reply(202, { status: 'ok' });
    if (method === 'POST' && path === '/api/v1/events') {
      const id = nextEventId++;
      return reply(202, { status: 'ok', event: { ...body, id, id_str: String(id) } });
    }
    const monitor = /^\/api\/v1\/monitor(?:\/(\d+))?$/.exec(path);
    if (monitor) {
      const id = monitor[1] === undefined ? undefined : Number(monitor[1]);
      if (method === 'GET' && id === undefined) return reply(200, [...monitors.values()]);
      if (method === 'POST' && id === undefined) {
        const created = { ...body, id: nextMonitorId++ };
        monitors.set(created.id, created);
        return reply(200, created);
      }
      if (id === undefined || !monitors.has(id)) return reply(404, { errors: ['Monitor not found'] });
      if (method === 'GET') return reply(200, monitors.get(id));
      if (method === 'PUT') {
        const updated = { ...monitors.get(id), ...body, id };
        monitors.set(id, updated);
        return reply(200, updated);
      }
      if (method === 'DELETE') {
        monitors.delete(id);
        return reply(200, { deleted_monitor_id: id });
      }
    }
    const dashboard = /^\/api\/v1\/dashboard(?:\/([\w-]+))?$/.exec(path);
    if (dashboard) {
      const id = dashboard[1];
      if (method === 'GET' && id === undefined) return reply(200, { dashboards: [...dashboards.values()] });
      if (method === 'POST' && id === undefined) {
        const created = { ...body, id: `abc-${String(nextDashboardId++).padStart(3, '0')}-xyz` };
        dashboards.set(created.id, created);
        return reply(200, created);
      }
      if (id === undefined || !dashboards.has(id)) return reply(404, { errors: ['Dashboard not found'] });
      if (method === 'GET') return reply(200, dashboards.get(id));
      if (method === 'PUT') {
        const updated = { ...dashboards.get(id), ...body, id };
        dashboards.set(id, updated);
        return reply(200, updated);
      }
      if (method === 'DELETE') {
        dashboards.delete(id);
        return reply(200, { deleted_dashboard_id: id });
      }
    }
    reply(404, { errors: [`no route ${method} ${path}`] });
  };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const raw = await readBody(request);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      const record: RecordedRequest = {
        method: request.method ?? 'GET',
        path: new URL(request.url ?? '/', 'http://fake').pathname,
        headers,
        bodyBytes: raw.length,
        decodedBytes: raw.length,
        body: undefined,
        outcome: 0,
      };
      requests.push(record);
      listener?.(record);
      let decoded: Buffer;
      try {
        decoded = decode(raw, headers['content-encoding']);
      } catch {
        record.outcome = 400;
        return sendJson(response, 400, { errors: ['Malformed compressed payload'] });
      }
      record.decodedBytes = decoded.length;
      if (decoded.length > 0) {
        try {
          record.body = JSON.parse(decoded.toString('utf8'));
        } catch {
          record.outcome = 400;
          return sendJson(response, 400, { errors: ['Payload is not valid JSON'] });
        }
      }
      const failure = takeFailure(record);
      if (failure && (await apply(failure, record, response))) return;
      const key = headers['dd-api-key'];
      if (!key || (options.apiKey !== undefined && key !== options.apiKey)) {
        record.outcome = 403;
        return sendJson(response, 403, { errors: ['Forbidden'] });
      }
      if (raw.length > maxCompressed || decoded.length > maxUncompressed) {
        record.outcome = 413;
        return sendJson(response, 413, { errors: ['Payload too large'] });
      }
      answer(record, response);
    })().catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) sendJson(response, 500, { errors: [String(error)] });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const accepted = (path: string): RecordedRequest[] => requests.filter((r) => r.path === path && r.outcome === 202);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    acceptedSeries: () => accepted('/api/v2/series').flatMap((r) => (r.body as { series: FakeSeries[] }).series),
    storedSeries: () =>
      [...stored.values()].map(({ series, points }) => ({
        ...series,
        points: [...points].sort(([a], [b]) => a - b).map(([timestamp, value]) => ({ timestamp, value })),
      })),
    storedTotal: (metric, filter) => {
      let total = 0;
      for (const { series, points } of stored.values()) {
        if (series.metric !== metric || (filter && !filter(series.tags ?? []))) continue;
        for (const value of points.values()) total += value;
      }
      return total;
    },
    acceptedEvents: () => accepted('/api/v1/events').map((r) => r.body as Record<string, unknown>),
    acceptedDistributions: () =>
      accepted('/api/v1/distribution_points').flatMap((r) => (r.body as { series: Record<string, unknown>[] }).series),
    fail: (pattern, ...failures) => {
      for (const failure of failures) scripted.push({ pattern, failure });
    },
    setHandler: (next) => {
      handler = next;
    },
    onRequest: (next) => {
      listener = next;
    },
    monitors,
    dashboards,
    clearRequests: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
