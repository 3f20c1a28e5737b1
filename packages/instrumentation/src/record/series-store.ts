import type { Attributes } from '@opentelemetry/api';
import type { InstrumentType } from '@vigil/conventions';
import type { CatalogMetric } from '../catalog.js';

/** The value a label takes when its value is outside the allowed set or past its cardinality cap. */
export const OVERFLOW_VALUE = '__overflow__';

/** The `label` attribute of the overflow counter when the metric's series cap, not one label, was hit. */
export const SERIES_CAP_LABEL = '*';

/** Memory bounds for one metric. */
export interface SeriesLimits {
  /** Series kept per metric; past it every recording folds into one series whose labels are all `__overflow__`. */
  maxSeries: number;
  /** Distinct values kept per free label (one without `values` or `maxCardinality`). */
  defaultLabelCardinality: number;
}

export const DEFAULT_LIMITS: SeriesLimits = { maxSeries: 2000, defaultLabelCardinality: 1000 };

/** The trace and span active when a value was recorded (OpenMetrics exemplars). */
export interface Exemplar {
  traceId: string;
  spanId: string;
  value: number;
  /** Milliseconds since the epoch. */
  time: number;
}

/**
 * One attribute set of one metric: the attributes given to OpenTelemetry and the cells recorded
 * into. Cells live in chunks shared by many series of a store (one typed array per series would
 * cost more than the series itself), from `at`, preallocated per kind. counter, updowncounter:
 * [sum]; gauge: [value, recorded 0|1]; histogram: [count, sum, min, max, bucket 0 .. bucket n]
 * (n = boundaries.length).
 */
export class Series {
  /** The series' label block in a scrape, built at its first scrape; gone with the series. */
  block: string | undefined = undefined;
  /** The last exemplar per sum (slot 0) or per bucket, when the store records exemplars. */
  exemplars: (Exemplar | undefined)[] | undefined = undefined;

  constructor(
    readonly attributes: Attributes,
    readonly cells: Float64Array,
    readonly at: number,
  ) {}
}

/** Cell offsets of a histogram series. */
export const HIST_COUNT = 0;
export const HIST_SUM = 1;
export const HIST_MIN = 2;
export const HIST_MAX = 3;
export const HIST_BUCKETS = 4;

type Trie = Map<unknown, Trie | Series>;

function cellCount(kind: InstrumentType, buckets: number): number {
  switch (kind) {
    case 'counter':
    case 'updowncounter':
      return 1;
    case 'gauge':
      return 2;
    case 'histogram':
      return HIST_BUCKETS + buckets + 1;
  }
}

/**
 * The series of one metric, found by attribute values through a trie of Maps (one level per label,
 * in catalog order), so that a known attribute set is found with no allocation. A prefix shared
 * by one series only ends in that series itself, not in a chain of one-entry Maps (a Map costs
 * more than a series): the lookup then compares the remaining values with the series' own. Unknown values
 * take the slow path, which applies the allowed sets and cardinality caps; the store never holds
 * more than `maxSeries + 1` series nor more than its caps of trie keys.
 */
export class SeriesStore {
  readonly kind: InstrumentType;
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly boundaries: readonly number[];
  readonly labelNames: readonly string[];
  readonly series: Series[] = [];
  /** Folded lookups per label (index = label index; the last slot is the series cap). */
  readonly overflows: Float64Array;
  /** Whether recordings keep the active trace and span as exemplars (one per sum, one per bucket). */
  readonly exemplars: boolean;
  /** Values dropped because they were not finite numbers (or negative, for counters). */
  invalidValues = 0;
  /** Recordings lost to an unexpected error (never thrown to the caller). */
  errors = 0;

  private readonly allowed: (ReadonlySet<string> | undefined)[];
  private readonly caps: number[];
  private readonly seen: Set<string>[];
  private readonly root: Trie = new Map();
  /** Cells per series. */
  readonly width: number;
  private readonly maxSeries: number;
  private only: Series | undefined;
  private chunk: Float64Array | undefined;
  private chunkUsed = 0;

  constructor(metric: CatalogMetric, limits: SeriesLimits, exemplars = false) {
    this.exemplars = exemplars;
    this.kind = metric.type;
    this.name = metric.name;
    this.unit = metric.unit;
    this.description = metric.description;
    this.boundaries = metric.type === 'histogram' ? [...(metric.buckets ?? [])].sort((a, b) => a - b) : [];
    this.labelNames = Object.keys(metric.labels);
    this.allowed = this.labelNames.map((n) => {
      const values = metric.labels[n]?.values;
      return values ? new Set(values) : undefined;
    });
    this.caps = this.labelNames.map((n) => metric.labels[n]?.maxCardinality ?? limits.defaultLabelCardinality);
    this.seen = this.labelNames.map(() => new Set<string>());
    this.overflows = new Float64Array(this.labelNames.length + 1);
    this.width = cellCount(this.kind, this.boundaries.length);
    this.maxSeries = Math.max(1, limits.maxSeries);
  }

  /** The series for `attributes` (hot path: Map lookups only). */
  seriesFor(attributes: Readonly<Record<string, unknown>> | undefined): Series {
    const names = this.labelNames;
    const last = names.length - 1;
    if (last < 0) return this.only ?? this.slowLookup(attributes);
    if (attributes === undefined || attributes === null) return this.slowLookup(attributes);
    let node: Trie = this.root;
    for (let i = 0; i <= last; i++) {
      const next = node.get(attributes[names[i] as string]);
      if (next === undefined) return this.slowLookup(attributes);
      if (next instanceof Series) return i === last || this.sameRest(next, attributes, i + 1) ? next : this.slowLookup(attributes);
      node = next;
    }
    return this.slowLookup(attributes);
  }

  /** Whether `attributes` has the series' values for labels `from` onwards. */
  private sameRest(series: Series, attributes: Readonly<Record<string, unknown>>, from: number): boolean {
    const names = this.labelNames;
    const own = series.attributes;
    for (let j = from; j < names.length; j++) {
      const name = names[j] as string;
      if (attributes[name] !== own[name]) return false;
    }
    return true;
  }

  /**
   * The value `label` takes for `raw`, under the same allowed set, cap and overflow counting as a
   * recording, without creating a series: for callers that must know the folded value before
   * they record (a value shared by several metrics, a group held back until it may be reported).
   * Undefined for a label the metric does not have.
   */
  labelValue(label: string, raw: unknown): string | undefined {
    const index = this.labelNames.indexOf(label);
    return index < 0 ? undefined : this.canonicalValue(index, raw);
  }

  /** Recordings whose `label` value was folded into the overflow value (0 for an unknown label). */
  overflowsOf(label: string): number {
    const index = this.labelNames.indexOf(label);
    return index < 0 ? 0 : (this.overflows[index] as number);
  }

  private canonicalValue(index: number, raw: unknown): string {
    const value = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
    // A value already folded (by `labelValue`) stays folded, and is neither counted again nor
    // given a slot of the cap.
    if (value === OVERFLOW_VALUE) return value;
    const allowed = this.allowed[index];
    if (allowed !== undefined) {
      if (allowed.has(value)) return value;
    } else {
      const seen = this.seen[index] as Set<string>;
      if (seen.has(value)) return value;
      if (seen.size < (this.caps[index] as number)) {
        seen.add(value);
        return value;
      }
    }
    (this.overflows[index] as number)++;
    return OVERFLOW_VALUE;
  }

  /**
   * Removes every series, so that the producer stops exporting them from its next collection (a
   * counter that comes back starts again from zero, which readers see as a reset). For data that
   * must stop being published at once (a privacy purge). Handles bound before keep cells that are
   * no longer exported; label values seen are forgotten with the series (overflow counts stay),
   * and so are their cached label blocks and exemplars.
   */
  clear(): void {
    this.series.length = 0;
    this.root.clear();
    this.only = undefined;
    this.chunk = undefined;
    this.chunkUsed = 0;
    for (const seen of this.seen) seen.clear();
  }

  /**
   * Withholds a gauge series until its next recording: the producer skips a gauge whose cells say
   * "not recorded", so a value that may no longer be shown is not left stale in the export.
   */
  withholdGauge(attributes: Readonly<Record<string, unknown>> | undefined): void {
    if (this.kind === 'gauge') {
      const series = this.seriesFor(attributes);
      series.cells[series.at + 1] = 0;
    }
  }

  /** A series that belongs to no store, for a bind that failed: what is recorded there is never exported. */
  detachedSeries(): Series {
    return new Series({}, new Float64Array(this.width), 0);
  }

  /**
   * Room for one more series' cells: chunks grow with the store (4 series, then as many as it
   * has, up to 1,024 per chunk), so a metric with one series costs little and one with
   * thousands costs one small header per series.
   */
  private allocate(): { cells: Float64Array; at: number } {
    const width = this.width;
    if (this.chunk === undefined || this.chunkUsed + width > this.chunk.length) {
      this.chunk = new Float64Array(width * Math.min(1024, Math.max(4, this.series.length)));
      this.chunkUsed = 0;
    }
    const at = this.chunkUsed;
    this.chunkUsed += width;
    return { cells: this.chunk, at };
  }

  private newSeries(values: readonly string[]): Series {
    const attributes: Record<string, string> = {};
    this.labelNames.forEach((name, i) => {
      attributes[name] = values[i] as string;
    });
    const { cells, at } = this.allocate();
    if (this.kind === 'histogram') {
      cells[at + HIST_MIN] = Infinity;
      cells[at + HIST_MAX] = -Infinity;
    }
    const series = new Series(Object.freeze(attributes), cells, at);
    this.series.push(series);
    return series;
  }

  private slowLookup(attributes: Readonly<Record<string, unknown>> | null | undefined): Series {
    if (this.labelNames.length === 0) {
      this.only ??= this.newSeries([]);
      return this.only;
    }
    const values = this.labelNames.map((name, i) => this.canonicalValue(i, attributes == null ? undefined : attributes[name]));
    const found = this.walk(values, false);
    if (found !== undefined) return found;
    // Past the series cap every new attribute set folds into the all-overflow series, which may
    // exceed the cap by one: the store holds at most maxSeries + 1 series.
    (this.overflows[this.labelNames.length] as number)++;
    return this.walk(this.labelNames.map(() => OVERFLOW_VALUE), true) as Series;
  }

  /** Finds the series for canonical values, creating it while under the cap (or when `force`). */
  private walk(values: readonly string[], force: boolean): Series | undefined {
    const room = force || this.series.length < this.maxSeries;
    const names = this.labelNames;
    let node: Trie = this.root;
    for (let i = 0; i < values.length; i++) {
      const key = values[i];
      const next = node.get(key);
      if (next === undefined) {
        if (!room) return undefined;
        const series = this.newSeries(values);
        node.set(key, series);
        return series;
      }
      if (next instanceof Series) {
        let same = true;
        for (let j = i + 1; j < values.length && same; j++) same = next.attributes[names[j] as string] === values[j];
        if (same) return next;
        if (!room) return undefined;
        // Another series shares this prefix: the level gets a Map, holding the one already there.
        const level: Trie = new Map();
        level.set(next.attributes[names[i + 1] as string], next);
        node.set(key, level);
        node = level;
        continue;
      }
      node = next;
    }
    return undefined;
  }
}
