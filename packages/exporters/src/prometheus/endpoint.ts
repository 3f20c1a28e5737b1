import type { Attributes } from '@opentelemetry/api';
import type { MetricProducer, MetricReader } from '@opentelemetry/sdk-metrics';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { createAuthCheck, type MetricsAuth } from './auth.js';
import { PrometheusConfigError } from './errors.js';
import { acceptsGzip, contentTypeOf, type ExpositionFormat, negotiateFormat } from './exposition-format.js';
import { type ExpositionSource, ExpositionWriter, isExpositionSource } from './exposition-writer.js';
import { PrometheusPullReader } from './pull-reader.js';
import { writeMetricData, writeTargetInfo } from './write-metric-data.js';

const gzip = promisify(gzipCallback);

/** Where the endpoint reports what went wrong while serving (it never throws to the server). */
export type EndpointErrorLog = (message: string, error: unknown) => void;

/** Options of {@link createPrometheusEndpoint}. All are optional. */
export interface PrometheusEndpointOptions {
  /** Port of the endpoint's own server ({@link PrometheusEndpoint.listen}); 0 picks a free one. Default 9464. */
  port?: number;
  /**
   * Interface of the endpoint's own server. Default: loopback (`127.0.0.1`) without `auth`, all
   * interfaces with it. A wider address without `auth` is refused unless
   * `allowUnauthenticated` says the network itself guards it (a pod network, a firewall).
   */
  host?: string;
  /** Listen on a non-loopback `host` without `auth`. Default false. */
  allowUnauthenticated?: boolean;
  /** Path served by the endpoint's own server. Default `/metrics`. */
  endpoint?: string;
  /** Require a bearer token or basic credentials on every scrape (401 otherwise). Default: none. */
  auth?: MetricsAuth;
  /** Leave out the `otel_scope_name`/`otel_scope_version` labels. Default false. */
  withoutScopeInfo?: boolean;
  /** Leave out the `target_info` series built from the resource. Default false. */
  withoutTargetInfo?: boolean;
  /** Resource attributes whose keys match become labels on every series. Default: none. */
  withResourceConstantLabels?: RegExp;
  /** Prefix (`prefix_`) on every metric name. Default: none. */
  prefix?: string;
  /**
   * More sources collected with the SDK's metrics on each scrape, such as a prom-client bridge or
   * Vigil's producer. Those that can write their series themselves (Vigil's producer, the
   * prom-client bridge) are written straight into the scrape, after the SDK's metrics, and are
   * not collected through `reader`.
   */
  metricProducers?: MetricProducer[];
  /**
   * Serve OpenMetrics (with exemplars, when the handles record them) to scrapers that ask for it
   * in `Accept`, as Prometheus does by default. Default true; false always serves the Prometheus text format.
   */
  openMetrics?: boolean;
  /**
   * Gzip the body when the scraper sends `Accept-Encoding: gzip` (Prometheus does): zlib level
   * 1-9, or false never to compress. Default 1: most of the saving for a fraction of the time.
   */
  gzip?: number | false;
  /** Series kept per instrument; more go to one `otel_metric_overflow="true"` series. Default: the SDK's 2,000. */
  cardinalityLimit?: number;
  /** Where serving errors go. Default: `console.error`. */
  onError?: EndpointErrorLog;
}

/** A Prometheus `/metrics` endpoint fed by one OpenTelemetry reader. */
export interface PrometheusEndpoint {
  /** The reader to register on the service's MeterProvider (`new MeterProvider({ readers: [reader] })`). */
  readonly reader: MetricReader;
  /**
   * Serves one scrape: mount it on the service's own HTTP server at the path of its choice.
   * Answers GET and HEAD (405 otherwise), 401 without valid credentials, 500 when collection
   * fails. Never throws and never rejects.
   */
  handler(req: IncomingMessage, res: ServerResponse): void;
  /** Opens the endpoint's own server on `host:port` serving `endpoint`; resolves with the real port. */
  listen(): Promise<{ port: number }>;
  /** Closes the own server (if listening) and shuts the reader down (if not already). */
  shutdown(): Promise<void>;
}

/** The resource attributes whose keys match `pattern`, the labels every series carries (cached per resource). */
function resourceLabels(pattern: RegExp | undefined): (attributes: Attributes) => Attributes | undefined {
  let last: Attributes | undefined;
  let labels: Attributes | undefined;
  return (attributes) => {
    if (pattern === undefined) return undefined;
    if (attributes !== last) {
      last = attributes;
      labels = {};
      for (const [key, value] of Object.entries(attributes)) if (key.match(pattern)) labels[key] = value;
    }
    return labels;
  };
}

/** Loopback names and addresses: metrics served there are readable only from this machine. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Where the own server listens: an unauthenticated endpoint stays on loopback unless the caller
 * says the network guards it, since business metrics can say more than their owner intends.
 */
function listenHost(options: PrometheusEndpointOptions): string | undefined {
  const host = options.host ?? (options.auth ? undefined : '127.0.0.1');
  if (!options.auth && !options.allowUnauthenticated && (host === undefined || !isLoopback(host))) {
    throw new PrometheusConfigError(
      `host ${host ?? '(all interfaces)'} without auth would serve metrics to the whole network: set auth, or allowUnauthenticated: true where the network guards the port`,
    );
  }
  return host;
}

const defaultLog: EndpointErrorLog = (message, error) => console.error(`vigil prometheus endpoint: ${message}`, error);

/**
 * Creates a Prometheus endpoint: an OpenTelemetry reader plus an HTTP handler that writes what it
 * collects in the Prometheus text format (byte for byte what the OpenTelemetry Prometheus
 * exporter's serializer writes) or, when the scraper asks, OpenMetrics; gzipped when asked.
 * Sources with a fast path (Vigil's producer, the prom-client bridge) write their series straight
 * from their own state. Serve it on the
 * service's own server (`handler`), on its own port (`listen`), or both.
 *
 * @throws {@link PrometheusConfigError} for an empty auth secret, a bad port, path or cardinality
 * limit, or a non-loopback `host` without `auth` (unless `allowUnauthenticated`).
 * @example
 * const metrics = createPrometheusEndpoint({ auth: { bearerToken: process.env.METRICS_TOKEN! } });
 * const provider = new MeterProvider({ readers: [metrics.reader] });
 * http.createServer((req, res) => (req.url === '/metrics' ? metrics.handler(req, res) : app(req, res)));
 */
export function createPrometheusEndpoint(options: PrometheusEndpointOptions = {}): PrometheusEndpoint {
  const port = options.port ?? 9464;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PrometheusConfigError(`port must be an integer 0-65535, got ${port}`);
  const path = options.endpoint ?? '/metrics';
  if (!path.startsWith('/')) throw new PrometheusConfigError(`endpoint must be a path starting with "/", got "${path}"`);
  const checkAuth = createAuthCheck(options.auth);
  const host = listenHost(options);
  const log = options.onError ?? defaultLog;
  const { cardinalityLimit } = options;
  if (cardinalityLimit !== undefined && (!Number.isInteger(cardinalityLimit) || cardinalityLimit < 1)) {
    throw new PrometheusConfigError(`cardinalityLimit must be a positive integer, got ${cardinalityLimit}`);
  }
  const gzipLevel = options.gzip ?? 1;
  if (gzipLevel !== false && (!Number.isInteger(gzipLevel) || gzipLevel < 1 || gzipLevel > 9)) {
    throw new PrometheusConfigError(`gzip must be a zlib level 1-9 or false, got ${String(gzipLevel)}`);
  }
  const producers = options.metricProducers ?? [];
  // Sources that write their own text skip OpenTelemetry's MetricData (and its objects per series).
  const direct: ExpositionSource[] = producers.filter((p): p is MetricProducer & ExpositionSource => isExpositionSource(p));
  const reader = new PrometheusPullReader(
    producers.filter((p) => !isExpositionSource(p)),
    cardinalityLimit,
  );
  const openMetrics = options.openMetrics ?? true;
  const constantLabelsOf = resourceLabels(options.withResourceConstantLabels);

  // The last line of defence: nothing here may throw, or a rejection would reach the process.
  const fail = (res: ServerResponse, message: string, error: unknown): void => {
    try {
      log(message, error);
    } catch {
      // A broken logger must not take the service down either.
    }
    try {
      if (res.headersSent || res.writableEnded) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('failed to collect metrics\n');
    } catch {
      res.destroy();
    }
  };

  const render = async (format: ExpositionFormat): Promise<Buffer> => {
    const { resourceMetrics, errors } = await reader.collect();
    const writer = new ExpositionWriter(format, {
      prefix: options.prefix,
      withoutScopeInfo: options.withoutScopeInfo,
      constantLabels: constantLabelsOf(resourceMetrics.resource.attributes),
    });
    if (!options.withoutTargetInfo) writeTargetInfo(writer, resourceMetrics.resource.attributes);
    writeMetricData(writer, resourceMetrics.scopeMetrics);
    for (const source of direct) {
      try {
        await source.writeExposition(writer);
      } catch (error) {
        errors.push(error);
      }
    }
    // Partial failures (one callback or producer) leave the rest worth serving.
    if (errors.length > 0) log(`${errors.length} error(s) while collecting; serving the rest`, errors);
    return writer.finish();
  };

  const scrape = async (req: IncomingMessage, res: ServerResponse, withBody: boolean): Promise<void> => {
    const format = openMetrics ? negotiateFormat(req.headers.accept) : 'prometheus';
    const compress = gzipLevel !== false && acceptsGzip(req.headers['accept-encoding']);
    let body: Buffer;
    try {
      body = await render(format);
      if (compress) body = await gzip(body, { level: gzipLevel });
    } catch (error) {
      fail(res, 'collection failed', error);
      return;
    }
    if (res.destroyed) return;
    const headers: OutgoingHttpHeaders = { 'content-type': contentTypeOf(format), 'content-length': body.length, vary: 'Accept, Accept-Encoding' };
    if (compress) headers['content-encoding'] = 'gzip';
    res.writeHead(200, headers).end(withBody ? body : undefined);
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const verdict = checkAuth(req.headers.authorization);
      if (!verdict.ok) {
        res.writeHead(401, { 'www-authenticate': verdict.challenge, 'content-type': 'text/plain; charset=utf-8' }).end('unauthorized\n');
        return;
      }
      scrape(req, res, req.method === 'GET').catch((error: unknown) => fail(res, 'serving failed', error));
    } catch (error) {
      fail(res, 'serving failed', error);
    }
  };

  let server: Server | undefined;
  let listening: Promise<{ port: number }> | undefined;

  const listen = (): Promise<{ port: number }> => {
    listening ??= new Promise<{ port: number }>((resolve, reject) => {
      const own = createServer((req, res) => {
        const pathname = (req.url ?? '/').split('?', 1)[0];
        if (pathname === path) handler(req, res);
        else res.writeHead(404).end();
      });
      own.once('error', (error) => {
        listening = undefined;
        reject(error);
      });
      own.listen({ port, host }, () => {
        server = own;
        own.removeAllListeners('error');
        own.on('error', (error) => log('server error', error));
        resolve({ port: (own.address() as AddressInfo).port });
      });
    });
    return listening;
  };

  const shutdown = async (): Promise<void> => {
    const own = server;
    server = undefined;
    listening = undefined;
    if (own) {
      await new Promise<void>((resolve) => {
        own.close(() => resolve());
        own.closeIdleConnections();
      });
    }
    if (!reader.isShutdown) await reader.shutdown();
  };

  return { reader, handler, listen, shutdown };
}
