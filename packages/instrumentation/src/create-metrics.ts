import type { Meter } from '@opentelemetry/api';
import { assertNever } from '@vigil/conventions';
import type { Catalog, Metrics } from './catalog.js';
import { CellCounter, CellGauge, CellHistogram, CellUpDownCounter } from './record/cell-handles.js';
import { MeterHandle } from './record/meter-handles.js';
import { DEFAULT_LIMITS, type SeriesLimits, SeriesStore } from './record/series-store.js';
import { DROPPED_DESCRIPTION, DROPPED_METRIC, OVERFLOW_DESCRIPTION, OVERFLOW_METRIC, selfMetricPoints, VigilMetricProducer } from './record/vigil-producer.js';

/** Where handles record: Vigil's producer (fast cells), or any OpenTelemetry `Meter`. */
export type MetricsTarget = VigilMetricProducer | Meter | { readonly producer?: VigilMetricProducer; readonly meter: Meter };

/** Memory bounds for every metric of a catalog. */
export interface CreateMetricsOptions {
  /** Series kept per metric (default 2000); past it recordings fold into one all-`__overflow__` series. */
  maxSeries?: number;
  /** Distinct values kept per label without `values` or `maxCardinality` (default 1000). */
  defaultLabelCardinality?: number;
  /**
   * Keep exemplars: counters and histograms (bound or not) note the active sampled span's trace
   * and span ids with the value (the last per counter series, per histogram bucket), and the
   * Prometheus endpoint writes them when it serves OpenMetrics. Costs a context lookup per
   * recording. Default false. (Cell handles only: an SDK `Meter` keeps its own.)
   */
  exemplars?: boolean;
}

// The store behind each handle, for the package's domain modules (not exported to users).
const storeOfHandle = new WeakMap<object, SeriesStore>();

/**
 * The series store behind a handle made by `createMetrics`: its label folding and overflow counts
 * are the ones the producer exports. Package-internal (the domain modules read it).
 */
export function seriesStoreOf(handle: object): SeriesStore {
  const store = storeOfHandle.get(handle);
  if (!store) throw new TypeError('not a handle made by createMetrics');
  return store;
}

function cellHandle(store: SeriesStore): object {
  switch (store.kind) {
    case 'counter':
      return new CellCounter(store);
    case 'updowncounter':
      return new CellUpDownCounter(store);
    case 'gauge':
      return new CellGauge(store);
    case 'histogram':
      return new CellHistogram(store);
    default:
      return assertNever(store.kind);
  }
}

function isMeter(target: MetricsTarget): target is Meter {
  return typeof (target as Meter).createCounter === 'function';
}

function registerSelfMetrics(meter: Meter, stores: readonly SeriesStore[]): void {
  const overflow = meter.createObservableCounter(OVERFLOW_METRIC, { unit: '1', description: OVERFLOW_DESCRIPTION });
  const dropped = meter.createObservableCounter(DROPPED_METRIC, { unit: '1', description: DROPPED_DESCRIPTION });
  meter.addBatchObservableCallback(
    (result) => {
      const now: [number, number] = [0, 0];
      const points = selfMetricPoints(stores, now, now);
      for (const p of points.overflow) result.observe(overflow, p.value, p.attributes);
      for (const p of points.dropped) result.observe(dropped, p.value, p.attributes);
    },
    [overflow, dropped],
  );
}

/**
 * Turns a generated catalog into typed handles. With Vigil's producer (from `startTelemetry`, or
 * `new VigilMetricProducer()` attached to your readers) handles record into preallocated cells,
 * the fast path; with a plain OpenTelemetry `Meter` they call the SDK's instruments. Either way
 * label values outside the allowed set or past a cap fold into `__overflow__` and are counted in
 * `vigil.cardinality.overflow`, and invalid values are dropped and counted in
 * `vigil.recording.dropped`; recording never throws.
 *
 * @example
 * const metrics = createMetrics(vvtvCoreCatalog, telemetry);
 * metrics.llmCalls.add(1, { outcome: 'success' });
 * const ok = metrics.llmCalls.bind({ outcome: 'success' }); ok.add();
 */
export function createMetrics<C extends Catalog>(catalog: C, target: MetricsTarget, options: CreateMetricsOptions = {}): Metrics<C> {
  const limits: SeriesLimits = {
    maxSeries: options.maxSeries ?? DEFAULT_LIMITS.maxSeries,
    defaultLabelCardinality: options.defaultLabelCardinality ?? DEFAULT_LIMITS.defaultLabelCardinality,
  };
  const producer = target instanceof VigilMetricProducer ? target : isMeter(target) ? undefined : target.producer;
  const meter = producer ? undefined : isMeter(target) ? target : (target as { meter: Meter }).meter;
  const handles: Record<string, object> = {};
  const stores: SeriesStore[] = [];
  for (const [name, metric] of Object.entries(catalog.metrics)) {
    const store = new SeriesStore(metric, limits, options.exemplars ?? false);
    stores.push(store);
    if (!meter) producer?.register(store);
    const handle = meter ? new MeterHandle(store, meter) : cellHandle(store);
    storeOfHandle.set(handle, store);
    handles[name] = handle;
  }
  if (meter) registerSelfMetrics(meter, stores);
  return Object.freeze(handles) as Metrics<C>;
}
