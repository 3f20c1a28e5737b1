import { type HrTime, ValueType } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
// Types only: the writer is handed in by the endpoint, so this package never loads @vigil/exporters for it.
import type { ExpositionFamily, ExpositionSource, ExpositionWriter } from '@vigil/exporters';
import { HIST_BUCKETS, HIST_COUNT, HIST_MAX, HIST_MIN, HIST_SUM, SERIES_CAP_LABEL, type SeriesStore } from './series-store.js';

/** The instrumentation scope of every metric Vigil's handles record. */
export const VIGIL_SCOPE = { name: '@vigil/instrumentation', version: '0.1.0' } as const;

/** Self-metrics: label values folded into `__overflow__`, and recordings dropped. */
export const OVERFLOW_METRIC = 'vigil.cardinality.overflow';
export const DROPPED_METRIC = 'vigil.recording.dropped';

function sumData(name: string, description: string, unit: string, monotonic: boolean, dataPoints: DataPoint<number>[]): MetricData {
  return {
    descriptor: { name, description, unit, valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: monotonic,
    dataPoints,
  };
}

/** The OpenTelemetry data of one store at `endTime`; undefined when it has no series yet. */
export function storeToMetricData(store: SeriesStore, startTime: HrTime, endTime: HrTime): MetricData | undefined {
  const { name, description, unit } = store;
  const n = store.size;
  switch (store.kind) {
    case 'counter':
    case 'updowncounter': {
      if (n === 0) return undefined;
      const points: DataPoint<number>[] = [];
      for (let i = 0; i < n; i++) points.push({ startTime, endTime, attributes: store.attributesOf(i), value: store.cellsOf(i)[store.offsetOf(i)] as number });
      return sumData(name, description, unit, store.kind === 'counter', points);
    }
    case 'gauge': {
      const points: DataPoint<number>[] = [];
      for (let i = 0; i < n; i++) {
        const c = store.cellsOf(i);
        const at = store.offsetOf(i);
        if (c[at + 1] === 1) points.push({ startTime, endTime, attributes: store.attributesOf(i), value: c[at] as number });
      }
      if (points.length === 0) return undefined;
      return {
        descriptor: { name, description, unit, valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: points,
      };
    }
    case 'histogram': {
      if (n === 0) return undefined;
      const boundaries = [...store.boundaries];
      const points: DataPoint<Histogram>[] = [];
      for (let i = 0; i < n; i++) {
        const c = store.cellsOf(i);
        const at = store.offsetOf(i);
        const count = c[at + HIST_COUNT] as number;
        points.push({
          startTime,
          endTime,
          attributes: store.attributesOf(i),
          value: {
            buckets: { boundaries, counts: Array.from(c.subarray(at + HIST_BUCKETS, at + store.width)) },
            count,
            sum: c[at + HIST_SUM] as number,
            ...(count > 0 ? { min: c[at + HIST_MIN] as number, max: c[at + HIST_MAX] as number } : {}),
          },
        });
      }
      return {
        descriptor: { name, description, unit, valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: points,
      };
    }
  }
}

/** Self-metric data points for every store with something to report. */
export function selfMetricPoints(stores: readonly SeriesStore[], startTime: HrTime, endTime: HrTime): { overflow: DataPoint<number>[]; dropped: DataPoint<number>[] } {
  const overflow: DataPoint<number>[] = [];
  const dropped: DataPoint<number>[] = [];
  for (const store of stores) {
    store.overflows.forEach((value, i) => {
      if (value > 0) overflow.push({ startTime, endTime, attributes: { metric: store.name, label: store.labelNames[i] ?? SERIES_CAP_LABEL }, value });
    });
    if (store.invalidValues > 0) dropped.push({ startTime, endTime, attributes: { metric: store.name, reason: 'invalid_value' }, value: store.invalidValues });
    if (store.errors > 0) dropped.push({ startTime, endTime, attributes: { metric: store.name, reason: 'error' }, value: store.errors });
  }
  return { overflow, dropped };
}

export const OVERFLOW_DESCRIPTION = 'Label values folded into __overflow__ by Vigil (label="*": the metric\'s series cap)';
export const DROPPED_DESCRIPTION = 'Recordings Vigil dropped: invalid_value (NaN, infinite, negative counter increment) or error';

/**
 * Builds the label blocks of the store's series not scraped yet. The store keeps them as one
 * string for all its series (and where each ends), so that a block costs its characters and four
 * bytes rather than a string of its own; a scrape takes slices of it.
 */
function addBlocks(writer: ExpositionWriter, store: SeriesStore): void {
  const known = store.blockCount;
  if (known >= store.size) return;
  const parts = writer.labelBlockParts(store.labelNames);
  const columns = store.values;
  const blocks: string[] = [];
  const ends: number[] = [];
  let end = store.blockText.length;
  for (let i = known; i < store.size; i++) {
    let block = '';
    if (store.needsEscaping(i)) block = writer.labelBlock(store.attributesOf(i));
    else if (columns.length > 0) {
      block = (parts[0] as string) + (columns[0] as string[])[i];
      for (let j = 1; j < columns.length; j++) block += (parts[j] as string) + (columns[j] as string[])[i];
      block += '"';
    }
    blocks.push(block);
    end += block.length;
    ends.push(end);
  }
  store.addBlocks(blocks.join(''), ends);
}

/**
 * Writes one store's series straight from its cells: the same families, labels and values as
 * {@link storeToMetricData} through the OpenTelemetry serializer, without building them. Series
 * are walked chunk by chunk, their blocks sliced from the store's block text.
 */
export function writeStore(writer: ExpositionWriter, store: SeriesStore): void {
  const n = store.size;
  if (n === 0) return;
  const name = writer.metricName(store.name, store.kind);
  if (name === undefined) return;
  addBlocks(writer, store);
  const text = store.blockText;
  const ends = store.blockEnds;
  const width = store.width;
  const chunks = store.chunkList;
  let i = 0;
  let start = 0;
  switch (store.kind) {
    case 'counter':
    case 'updowncounter': {
      const family = writer.family(name, store.kind, store.description, store.unit, VIGIL_SCOPE);
      const exemplars = store.kind === 'counter' && store.exemplars && writer.exemplars;
      for (let c = 0; i < n; c++) {
        const cells = chunks[c] as Float64Array;
        for (let at = 0; at < cells.length && i < n; at += width, i++) {
          const end = ends[i] as number;
          writer.sample(family, text.slice(start, end), cells[at] as number, exemplars ? store.exemplarsOf(i)?.[0] : undefined);
          start = end;
        }
      }
      return;
    }
    case 'gauge': {
      let family: ExpositionFamily | undefined;
      for (let c = 0; i < n; c++) {
        const cells = chunks[c] as Float64Array;
        for (let at = 0; at < cells.length && i < n; at += width, i++) {
          const end = ends[i] as number;
          if (cells[at + 1] === 1) {
            family ??= writer.family(name, 'gauge', store.description, store.unit, VIGIL_SCOPE);
            writer.sample(family, text.slice(start, end), cells[at] as number);
          }
          start = end;
        }
      }
      return;
    }
    case 'histogram': {
      const family = writer.family(name, 'histogram', store.description, store.unit, VIGIL_SCOPE, store.boundaries);
      const exemplars = store.exemplars && writer.exemplars;
      for (let c = 0; i < n; c++) {
        const cells = chunks[c] as Float64Array;
        for (let at = 0; at < cells.length && i < n; at += width, i++) {
          const end = ends[i] as number;
          writer.histogram(family, text.slice(start, end), cells[at + HIST_COUNT] as number, cells[at + HIST_SUM] as number, cells, at + HIST_BUCKETS, exemplars ? store.exemplarsOf(i) : undefined);
          start = end;
        }
      }
      return;
    }
  }
}

/**
 * An OpenTelemetry `MetricProducer` over Vigil's cells: every reader it is attached to sees the
 * handles' series as ordinary cumulative `MetricData`, beside the SDK's own metrics. Reading
 * copies the cells; recording is never blocked by a collection. A Prometheus endpoint of
 * `@vigil/exporters` given it in `metricProducers` takes its fast path instead
 * ({@link VigilMetricProducer.writeExposition}): text written straight from the cells.
 */
export class VigilMetricProducer implements MetricProducer, ExpositionSource {
  private readonly stores: SeriesStore[] = [];
  private readonly startTime: HrTime;

  constructor(private readonly clock: () => HrTime = hrTime) {
    this.startTime = clock();
  }

  /** Adds a metric's store; called by `createMetrics`. */
  register(store: SeriesStore): void {
    this.stores.push(store);
  }

  /** Removes a metric's store: its series are no longer exported (a closed domain module). */
  unregister(store: SeriesStore): void {
    const index = this.stores.indexOf(store);
    if (index >= 0) this.stores.splice(index, 1);
  }

  /** The registered stores (for tests and self-metrics). */
  registered(): readonly SeriesStore[] {
    return this.stores;
  }

  /**
   * Writes every store's series into a scrape, then the self-metrics: what {@link collect} gives,
   * through the OpenTelemetry serializer, byte for byte, without an object per series (each
   * series' label block is built once and kept with the series).
   */
  writeExposition(writer: ExpositionWriter): void {
    const errors: unknown[] = [];
    for (const store of this.stores) {
      try {
        writeStore(writer, store);
      } catch (error) {
        errors.push(error);
      }
    }
    const now = this.clock();
    const { overflow, dropped } = selfMetricPoints(this.stores, now, now);
    for (const [name, description, points] of [
      [OVERFLOW_METRIC, OVERFLOW_DESCRIPTION, overflow],
      [DROPPED_METRIC, DROPPED_DESCRIPTION, dropped],
    ] as const) {
      if (points.length === 0) continue;
      const metricName = writer.metricName(name, 'counter');
      if (metricName === undefined) continue;
      const family = writer.family(metricName, 'counter', description, '1', VIGIL_SCOPE);
      for (const p of points) writer.sample(family, writer.labelBlock(p.attributes), p.value);
    }
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} store(s) failed to write`);
  }

  async collect(): Promise<CollectionResult> {
    const errors: unknown[] = [];
    const endTime = this.clock();
    const metrics: MetricData[] = [];
    for (const store of this.stores) {
      try {
        const data = storeToMetricData(store, this.startTime, endTime);
        if (data) metrics.push(data);
      } catch (error) {
        errors.push(error);
      }
    }
    const { overflow, dropped } = selfMetricPoints(this.stores, this.startTime, endTime);
    if (overflow.length > 0) metrics.push(sumData(OVERFLOW_METRIC, OVERFLOW_DESCRIPTION, '1', true, overflow));
    if (dropped.length > 0) metrics.push(sumData(DROPPED_METRIC, DROPPED_DESCRIPTION, '1', true, dropped));
    return {
      // Readers replace this resource with their MeterProvider's.
      resourceMetrics: { resource: emptyResource(), scopeMetrics: metrics.length > 0 ? [{ scope: { ...VIGIL_SCOPE }, metrics }] : [] },
      errors,
    };
  }
}
