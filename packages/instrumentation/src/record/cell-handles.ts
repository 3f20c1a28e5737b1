import type { BoundCounter, BoundGauge, BoundHistogram, BoundUpDownCounter } from '../catalog.js';
import { HIST_BUCKETS, HIST_COUNT, HIST_MAX, HIST_MIN, HIST_SUM, type SeriesStore } from './series-store.js';

type Attrs = Readonly<Record<string, unknown>> | undefined;

// Recording into preallocated cells: no allocation, no I/O, no throw. Each kind is its own small
// class so that every call site stays monomorphic.

function addSum(store: SeriesStore, cells: Float64Array, value: number, monotonic: boolean): void {
  if (typeof value === 'number' && (monotonic ? value >= 0 : value > -Infinity) && value < Infinity) cells[0] = (cells[0] as number) + value;
  else store.invalidValues++;
}

function setGauge(store: SeriesStore, cells: Float64Array, value: number): void {
  if (typeof value === 'number' && value > -Infinity && value < Infinity) {
    cells[0] = value;
    cells[1] = 1;
  } else store.invalidValues++;
}

function recordHistogram(store: SeriesStore, cells: Float64Array, value: number): void {
  if (!(typeof value === 'number' && value > -Infinity && value < Infinity)) {
    store.invalidValues++;
    return;
  }
  const boundaries = store.boundaries;
  let bucket = 0;
  const n = boundaries.length;
  // Boundaries are inclusive upper bounds (OpenTelemetry explicit-bucket semantics).
  while (bucket < n && value > (boundaries[bucket] as number)) bucket++;
  cells[HIST_COUNT] = (cells[HIST_COUNT] as number) + 1;
  cells[HIST_SUM] = (cells[HIST_SUM] as number) + value;
  if (value < (cells[HIST_MIN] as number)) cells[HIST_MIN] = value;
  if (value > (cells[HIST_MAX] as number)) cells[HIST_MAX] = value;
  cells[HIST_BUCKETS + bucket] = (cells[HIST_BUCKETS + bucket] as number) + 1;
}

/** The cells for a bind; on an unexpected error, detached cells whose recordings are lost (and counted). */
function cellsFor(store: SeriesStore, attributes: Attrs): Float64Array {
  try {
    return store.seriesFor(attributes).cells;
  } catch {
    store.errors++;
    return store.detachedCells();
  }
}

class BoundCellCounter implements BoundCounter {
  constructor(
    private readonly store: SeriesStore,
    private readonly cells: Float64Array,
  ) {}
  add(value = 1): void {
    addSum(this.store, this.cells, value, true);
  }
}

class BoundCellUpDownCounter implements BoundUpDownCounter {
  constructor(
    private readonly store: SeriesStore,
    private readonly cells: Float64Array,
  ) {}
  add(value: number): void {
    addSum(this.store, this.cells, value, false);
  }
}

class BoundCellGauge implements BoundGauge {
  constructor(
    private readonly store: SeriesStore,
    private readonly cells: Float64Array,
  ) {}
  record(value: number): void {
    setGauge(this.store, this.cells, value);
  }
}

class BoundCellHistogram implements BoundHistogram {
  constructor(
    private readonly store: SeriesStore,
    private readonly cells: Float64Array,
  ) {}
  record(value: number): void {
    recordHistogram(this.store, this.cells, value);
  }
}

/** A counter recording into cells. */
export class CellCounter {
  constructor(readonly store: SeriesStore) {}
  add(value: number, attributes?: Attrs): void {
    try {
      addSum(this.store, this.store.seriesFor(attributes).cells, value, true);
    } catch {
      this.store.errors++;
    }
  }
  bind(attributes?: Attrs): BoundCounter {
    return new BoundCellCounter(this.store, cellsFor(this.store, attributes));
  }
}

/** An up-down counter recording into cells. */
export class CellUpDownCounter {
  constructor(readonly store: SeriesStore) {}
  add(value: number, attributes?: Attrs): void {
    try {
      addSum(this.store, this.store.seriesFor(attributes).cells, value, false);
    } catch {
      this.store.errors++;
    }
  }
  bind(attributes?: Attrs): BoundUpDownCounter {
    return new BoundCellUpDownCounter(this.store, cellsFor(this.store, attributes));
  }
}

/** A gauge recording into cells. */
export class CellGauge {
  constructor(readonly store: SeriesStore) {}
  record(value: number, attributes?: Attrs): void {
    try {
      setGauge(this.store, this.store.seriesFor(attributes).cells, value);
    } catch {
      this.store.errors++;
    }
  }
  bind(attributes?: Attrs): BoundGauge {
    return new BoundCellGauge(this.store, cellsFor(this.store, attributes));
  }
}

/** A histogram recording into cells. */
export class CellHistogram {
  constructor(readonly store: SeriesStore) {}
  record(value: number, attributes?: Attrs): void {
    try {
      recordHistogram(this.store, this.store.seriesFor(attributes).cells, value);
    } catch {
      this.store.errors++;
    }
  }
  bind(attributes?: Attrs): BoundHistogram {
    return new BoundCellHistogram(this.store, cellsFor(this.store, attributes));
  }
}
