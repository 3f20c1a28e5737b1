import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Attributes, type Meter, type MeterProvider as ApiMeterProvider, metrics as globalMetrics } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, type IMetricReader, MeterProvider, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { DatadogReaderOptions, PrometheusEndpoint, PrometheusEndpointOptions } from '@vigil/exporters';
import { attachProducer } from './attach-producer.js';
import type { Catalog, Metrics } from './catalog.js';
import { createMetrics, type CreateMetricsOptions } from './create-metrics.js';
import { TelemetryConfigError } from './errors.js';
import { DEFAULT_LIMITS } from './record/series-store.js';
import { VIGIL_SCOPE, VigilMetricProducer } from './record/vigil-producer.js';

type ExportersModule = typeof import('@vigil/exporters');

/** `@vigil/exporters` Prometheus endpoint options, plus whether to open its own server. */
export type TelemetryPrometheusOptions = PrometheusEndpointOptions & {
  /** Open the endpoint's own server on `port` (default true); false to mount only `telemetry.prometheus.handler`. */
  listen?: boolean;
};

/** Options of `startTelemetry`. */
export interface TelemetryOptions<C extends Catalog> {
  /** `service.name`, `service.version` and `deployment.environment` of the resource. */
  service: { name: string; version?: string; environment?: string };
  /** The generated catalog; its handles are `telemetry.metrics`. */
  catalog?: C;
  /** More resource attributes. */
  resourceAttributes?: Attributes;
  /**
   * An existing MeterProvider (e.g. from `@opentelemetry/sdk-node`). Vigil then owns neither it
   * nor its readers: pass those readers as `readers` to have Vigil's producer attached to them;
   * with no `readers`, handles record through the provider's meter (the SDK's slower path).
   */
  meterProvider?: ApiMeterProvider;
  /** Extra OpenTelemetry readers (OTLP, in-memory, ...); Vigil's producer is attached to each. */
  readers?: IMetricReader[];
  /** A Prometheus endpoint (`@vigil/exporters` `createPrometheusEndpoint`); its own server is started unless `listen: false`. */
  prometheus?: TelemetryPrometheusOptions;
  /** A Datadog reader (`@vigil/exporters` `createDatadogReader`). */
  datadog?: DatadogReaderOptions;
  /** Memory bounds of the handles. */
  limits?: Omit<CreateMetricsOptions, 'exemplars'>;
  /**
   * Keep exemplars (trace and span ids of the active sampled span) on counters and histograms,
   * served by the Prometheus endpoint in OpenMetrics. Default false.
   */
  exemplars?: boolean;
  /** Signals on which to flush and shut down before the process exits (default `['SIGTERM']`; `[]` for none). */
  shutdownSignals?: NodeJS.Signals[];
  /** How long a shutdown may take before it gives up (default 5000 ms). */
  shutdownTimeoutMillis?: number;
  /** Sets the provider as the global MeterProvider of `@opentelemetry/api` (default true when Vigil owns it). */
  registerGlobal?: boolean;
}

/** A running telemetry setup. */
export interface Telemetry<C extends Catalog> {
  /** The MeterProvider in use (Vigil's or the one passed in). */
  readonly meterProvider: ApiMeterProvider;
  /** A meter named after the service, for instruments outside the catalog. */
  readonly meter: Meter;
  /** Vigil's producer when handles record into cells; undefined when they record through `meter`. */
  readonly producer: VigilMetricProducer | undefined;
  /** Typed handles for `catalog` (an empty object without one). */
  readonly metrics: Metrics<C>;
  /** Every reader Vigil's producer is attached to. */
  readonly readers: readonly IMetricReader[];
  /** The Prometheus endpoint, when `prometheus` was set: `handler` to mount on your server, `port` when it listens. */
  readonly prometheus: { handler(req: IncomingMessage, res: ServerResponse): void; port: number | undefined } | undefined;
  /** Exports what readers hold now. */
  forceFlush(): Promise<void>;
  /** Flushes and shuts down what Vigil started; idempotent. */
  shutdown(): Promise<void>;
}

function catalogViews(catalog: Catalog | undefined, maxSeries: number): ViewOptions[] {
  if (!catalog) return [];
  // Only instruments created through the SDK (meter mode, or your own with catalog names) meet
  // these views; the cell handles already apply the catalog's buckets and caps.
  return Object.values(catalog.metrics).map((metric) => ({
    instrumentName: metric.name,
    aggregationCardinalityLimit: maxSeries + 1,
    ...(metric.type === 'histogram' && metric.buckets
      ? { aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [...metric.buckets] } } }
      : {}),
  }));
}

async function loadExporters(what: string): Promise<ExportersModule> {
  try {
    return await import('@vigil/exporters');
  } catch (error) {
    throw new TelemetryConfigError(`${what} needs @vigil/exporters, which failed to load`, { cause: error });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sets up OpenTelemetry metrics for a service: a MeterProvider with the service's resource, views
 * with the catalog's buckets and cardinality limits, and a reader per configured exporter (or the
 * provider you pass in); Vigil's producer is attached to every reader, so handles from the catalog
 * reach Prometheus, Datadog and OTLP alike. On SIGTERM it flushes and shuts down, then lets the
 * signal end the process.
 */
export async function startTelemetry<C extends Catalog = Catalog>(options: TelemetryOptions<C>): Promise<Telemetry<C>> {
  if (!options.service?.name) throw new TelemetryConfigError('service.name is required');
  const owned = options.meterProvider === undefined;
  if (!owned && (options.prometheus || options.datadog)) {
    throw new TelemetryConfigError('prometheus and datadog readers cannot be added to an existing meterProvider: register them on it and pass them as readers');
  }
  const limits = options.limits ?? {};
  const extraReaders = options.readers ?? [];
  // With a provider Vigil does not own and no readers to attach to, handles go through its meter.
  const producer = owned || extraReaders.length > 0 ? new VigilMetricProducer() : undefined;
  const readers: IMetricReader[] = [...extraReaders];
  const attachTo: IMetricReader[] = [...extraReaders];
  let endpoint: PrometheusEndpoint | undefined;
  if (options.prometheus) {
    const { createPrometheusEndpoint } = await loadExporters('prometheus');
    const { listen: _listen, ...endpointOptions } = options.prometheus;
    // The endpoint takes producers the SDK's way; no wrapping needed.
    endpoint = createPrometheusEndpoint({ ...endpointOptions, metricProducers: [...(endpointOptions.metricProducers ?? []), ...(producer ? [producer] : [])] });
    readers.push(endpoint.reader);
  }
  if (options.datadog) {
    const { createDatadogReader } = await loadExporters('datadog');
    const reader = createDatadogReader(options.datadog);
    readers.push(reader);
    attachTo.push(reader);
  }

  let meterProvider: ApiMeterProvider;
  let ownedProvider: MeterProvider | undefined;
  if (options.meterProvider) {
    meterProvider = options.meterProvider;
  } else {
    const { name, version, environment } = options.service;
    const attributes: Attributes = { [ATTR_SERVICE_NAME]: name, ...options.resourceAttributes };
    if (version) attributes[ATTR_SERVICE_VERSION] = version;
    // Both spellings: `deployment.environment` (what Datadog and older collectors read) and its
    // current semantic-conventions name.
    if (environment) Object.assign(attributes, { 'deployment.environment': environment, 'deployment.environment.name': environment });
    ownedProvider = new MeterProvider({
      resource: defaultResource().merge(resourceFromAttributes(attributes)),
      views: catalogViews(options.catalog, limits.maxSeries ?? DEFAULT_LIMITS.maxSeries),
      readers,
    });
    meterProvider = ownedProvider;
    if (options.registerGlobal ?? true) globalMetrics.setGlobalMeterProvider(ownedProvider);
  }

  if (producer) for (const reader of attachTo) attachProducer(reader, producer);
  const meter = meterProvider.getMeter(options.service.name, options.service.version);
  const handlesMeter = meterProvider.getMeter(VIGIL_SCOPE.name, VIGIL_SCOPE.version);
  const metrics = options.catalog
    ? createMetrics(options.catalog, producer ?? handlesMeter, { ...limits, exemplars: options.exemplars ?? false })
    : (Object.freeze({}) as Metrics<C>);

  const prometheus = endpoint
    ? { handler: endpoint.handler, port: options.prometheus?.listen === false ? undefined : (await endpoint.listen()).port }
    : undefined;
  const timeoutMillis = options.shutdownTimeoutMillis ?? 5000;

  const forceFlush = async (): Promise<void> => {
    if (ownedProvider) await ownedProvider.forceFlush({ timeoutMillis });
    else await Promise.all(readers.map((r) => r.forceFlush({ timeoutMillis })));
  };

  let stopping: Promise<void> | undefined;
  const signals = options.shutdownSignals ?? ['SIGTERM'];
  const onSignal = (signal: NodeJS.Signals): void => {
    void shutdown().finally(() => {
      // Listening to a signal stops Node's default exit: re-raise it when nobody else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      for (const signal of signals) process.off(signal, onSignal);
      const steps: Promise<unknown>[] = [];
      // The owned provider flushes and shuts down its readers (a push reader exports once more).
      if (ownedProvider) steps.push(ownedProvider.shutdown({ timeoutMillis }));
      else steps.push(...readers.map((r) => r.forceFlush({ timeoutMillis })));
      await withTimeout(Promise.allSettled(steps), timeoutMillis);
      if (endpoint) await withTimeout(endpoint.shutdown().catch(() => undefined), timeoutMillis);
    })();
    return stopping;
  };
  for (const signal of signals) process.once(signal, onSignal);

  return { meterProvider, meter, producer, metrics, readers, prometheus, forceFlush, shutdown };
}
