import { context, isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import type { BoundCounter, BoundGauge, BoundHistogram, BoundUpDownCounter } from '../catalog.js';
import { HIST_BUCKETS, HIST_COUNT, HIST_MAX, HIST_MIN, HIST_SUM, type SeriesStore } from './series-store.js';

type Attrs = Readonly<Record<string, unknown>> | undefined;

// Recording into preallocated cells: no allocation, no I/O, no throw. Each kind is its own small
// class so that every call site stays monomorphic; handles that keep exemplars are other classes,
// so that the default path does not even test for them.

function addSum(store: SeriesStore, cells: Float64Array, at: number, value: number, monotonic: boolean): boolean {
  if (typeof value === 'number' && (monotonic ? value >= 0 : value > -Infinity) && value < Infinity) {
    cells[at] = (cells[at] as number) + value;
    return true;
  }
  store.invalidValues++;
  return false;
}

/** {@link addSum} for a bound handle's own view (cell 0): the hot path exactly as lean as it was. */
function addBound(store: SeriesStore, cells: Float64Array, value: number, monotonic: boolean): void {
  if (typeof value === 'number' && (monotonic ? value >= 0 : value > -Infinity) && value < Infinity) cells[0] = (cells[0] as number) + value;
  else store.invalidValues++;
}

function setGauge(store: SeriesStore, cells: Float64Array, at: number, value: number): void {
  if (typeof value === 'number' && value > -Infinity && value < Infinity) {
    cells[at] = value;
    cells[at + 1] = 1;
  } else store.invalidValues++;
}

/** Records into a histogram's cells; returns the bucket the value fell in, or -1 for an invalid value. */
function recordHistogram(store: SeriesStore, cells: Float64Array, at: number, value: number): number {
  if (!(typeof value === 'number' && value > -Infinity && value < Infinity)) {
    store.invalidValues++;
    return -1;
  }
  const boundaries = store.boundaries;
  let bucket = 0;
  const n = boundaries.length;
  // Boundaries are inclusive upper bounds (OpenTelemetry explicit-bucket semantics).
  while (bucket < n && value > (boundaries[bucket] as number)) bucket++;
  cells[at + HIST_COUNT] = (cells[at + HIST_COUNT] as number) + 1;
  cells[at + HIST_SUM] = (cells[at + HIST_SUM] as number) + value;
  if (value < (cells[at + HIST_MIN] as number)) cells[at + HIST_MIN] = value;
  if (value > (cells[at + HIST_MAX] as number)) cells[at + HIST_MAX] = value;
  cells[at + HIST_BUCKETS + bucket] = (cells[at + HIST_BUCKETS + bucket] as number) + 1;
  return bucket;
}

/**
 * Keeps the active sampled span as the exemplar of `slot` (the sum, or a bucket) of series
 * `index`, overwriting the previous one in place: at most one object per slot for the life of
 * the series.
 */
function keepExemplar(store: SeriesStore, index: number, slot: number, value: number): void {
  const span = trace.getSpanContext(context.active());
  if (span === undefined || !isSpanContextValid(span) || (span.traceFlags & TraceFlags.SAMPLED) === 0) return;
  const exemplars = store.exemplarSlotsOf(index);
  if (exemplars === undefined) return;
  const kept = exemplars[slot];
  if (kept === undefined) exemplars[slot] = { traceId: span.traceId, spanId: span.spanId, value, time: Date.now() };
  else {
    kept.traceId = span.traceId;
    kept.spanId = span.spanId;
    kept.value = value;
    kept.time = Date.now();
  }
}

/** The series index for a bind; on an unexpected error -1, a detached series whose recordings are lost (and counted). */
function seriesFor(store: SeriesStore, attributes: Attrs): number {
  try {
    return store.seriesFor(attributes);
  } catch {
    store.errors++;
    return -1;
  }
}

/**
 * A bound handle's own view of its series' cells (the same memory): its hot path then indexes
 * from 0 with no offset to load. One view per bind, not per series; a detached series (-1) gets
 * cells of its own that nothing exports.
 */
function viewOf(store: SeriesStore, index: number): Float64Array {
  return index < 0 ? new Float64Array(store.width) : store.viewOf(index);
}

class BoundCellCounter implements BoundCounter {
  private readonly cells: Float64Array;
  constructor(
    private readonly store: SeriesStore,
    index: number,
  ) {
    this.cells = viewOf(this.store, index);
  }
  add(value = 1): void {
    addBound(this.store, this.cells, value, true);
  }
}

class BoundExemplarCounter implements BoundCounter {
  private readonly cells: Float64Array;
  constructor(
    private readonly store: SeriesStore,
    private readonly index: number,
  ) {
    this.cells = viewOf(this.store, index);
  }
  add(value = 1): void {
    if (addSum(this.store, this.cells, 0, value, true)) keepExemplar(this.store, this.index, 0, value);
  }
}

class BoundCellUpDownCounter implements BoundUpDownCounter {
  private readonly cells: Float64Array;
  constructor(
    private readonly store: SeriesStore,
    index: number,
  ) {
    this.cells = viewOf(this.store, index);
  }
  add(value: number): void {
    addBound(this.store, this.cells, value, false);
  }
}

class BoundCellGauge implements BoundGauge {
  private readonly cells: Float64Array;
  constructor(
    private readonly store: SeriesStore,
    index: number,
  ) {
    this.cells = viewOf(this.store, index);
  }
  record(value: number): void {
    setGauge(this.store, this.cells, 0, value);
  }
}

class BoundCellHistogram implements BoundHistogram {
  private readonly cells: Float64Array;
  constructor(
    private readonly store: SeriesStore,
    index: number,
  ) {
    this.cells = viewOf(this.store, index);
  }
  record(value: number): void {
    recordHistogram(this.store, this.cells, 0, value);
  }
}

class BoundExemplarHistogram implements BoundHistogram {
  private readonly cells: Float64Array;
  constructor(
    private readonly store: SeriesStore,
    private readonly index: number,
  ) {
    this.cells = viewOf(this.store, index);
  }
  record(value: number): void {
    const bucket = recordHistogram(this.store, this.cells, 0, value);
    if (bucket >= 0) keepExemplar(this.store, this.index, bucket, value);
  }
}

/** A counter recording into cells. */
export class CellCounter {
  constructor(readonly store: SeriesStore) {}
  add(value: number, attributes?: Attrs): void {
    try {
      const store = this.store;
      const index = store.seriesFor(attributes);
      if (addSum(store, store.cellsOf(index), store.offsetOf(index), value, true) && store.exemplars) keepExemplar(store, index, 0, value);
    } catch {
      this.store.errors++;
    }
  }
  bind(attributes?: Attrs): BoundCounter {
    const index = seriesFor(this.store, attributes);
    return this.store.exemplars ? new BoundExemplarCounter(this.store, index) : new BoundCellCounter(this.store, index);
  }
}

/** An up-down counter recording into cells (exported as a gauge: no exemplars). */
export class CellUpDownCounter {
  constructor(readonly store: SeriesStore) {}
  add(value: number, attributes?: Attrs): void {
    try {
      const store = this.store;
      const index = store.seriesFor(attributes);
      addSum(store, store.cellsOf(index), store.offsetOf(index), value, false);
    } catch {
      this.store.errors++;
    }
  }
  bind(attributes?: Attrs): BoundUpDownCounter {
    return new BoundCellUpDownCounter(this.store, seriesFor(this.store, attributes));
  }
}

/** A gauge recording into cells (OpenMetrics gives gauges no exemplars). */
export class CellGauge {
  constructor(readonly store: SeriesStore) {}
  record(value: number, attributes?: Attrs): void {
    try {
      const store = this.store;
      const index = store.seriesFor(attributes);
      setGauge(store, store.cellsOf(index), store.offsetOf(index), value);
    } catch {
      this.store.errors++;
    }
  }
  bind(attributes?: Attrs): BoundGauge {
    return new BoundCellGauge(this.store, seriesFor(this.store, attributes));
  }
}

/** A histogram recording into cells. */
export class CellHistogram {
  constructor(readonly store: SeriesStore) {}
  record(value: number, attributes?: Attrs): void {
    try {
      const store = this.store;
      const index = store.seriesFor(attributes);
      const bucket = recordHistogram(store, store.cellsOf(index), store.offsetOf(index), value);
      if (bucket >= 0 && store.exemplars) keepExemplar(store, index, bucket, value);
    } catch {
      this.store.errors++;
    }
  }
  bind(attributes?: Attrs): BoundHistogram {
    const index = seriesFor(this.store, attributes);
    return this.store.exemplars ? new BoundExemplarHistogram(this.store, index) : new BoundCellHistogram(this.store, index);
  }
}
