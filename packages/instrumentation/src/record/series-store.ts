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

/** Cell offsets of a histogram series. */
export const HIST_COUNT = 0;
export const HIST_SUM = 1;
export const HIST_MIN = 2;
export const HIST_MAX = 3;
export const HIST_BUCKETS = 4;


/** A level of the lookup tree: a label value leads to the next level, or to a series (its index). */
type Trie = Map<unknown, Trie | number>;

/** Characters a label value must be escaped for in both text formats (see the exposition writer). */
const NEEDS_ESCAPE = /[\\\n"]/;

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

/** Series per cell chunk past the growing ones. */
const CHUNK_SERIES = 1024;
/** The first series index held by the fixed-size chunks (chunks 0..9 grow: 4, 4, 8, ..., 1024). */
const FIXED_FROM = 2 * CHUNK_SERIES;
const FIRST_FIXED_CHUNK = 10;

/**
 * The chunk holding series `index`: chunk 0 holds series 0-3, chunk k (1..9) series 2^(k+1) to
 * 2^(k+2) - 1, then 1,024 per chunk. A metric with one series costs a 4-series chunk, one with
 * thousands one small header per 1,024 series, and no chunk ever moves (bound handles keep views).
 */
function chunkOf(index: number): number {
  if (index < 4) return 0;
  if (index < FIXED_FROM) return 30 - Math.clz32(index);
  return FIRST_FIXED_CHUNK + ((index - FIXED_FROM) >>> 10);
}

/** The first series index of chunk `chunk`. */
function chunkStart(chunk: number): number {
  if (chunk === 0) return 0;
  if (chunk < FIRST_FIXED_CHUNK) return 2 ** (chunk + 1);
  return FIXED_FROM + (chunk - FIRST_FIXED_CHUNK) * CHUNK_SERIES;
}

/** Series chunk `chunk` holds. */
function chunkSeries(chunk: number): number {
  return chunk === 0 ? 4 : chunk < FIRST_FIXED_CHUNK ? 2 ** (chunk + 1) : CHUNK_SERIES;
}

/**
 * The series of one metric. A series is an index: its label values are one entry per label in
 * columns (`values[label][index]`, the strings given at its first recording), its cells a slice of
 * a chunk shared with the store's other series (counter, updowncounter: [sum]; gauge: [value,
 * recorded 0|1]; histogram: [count, sum, min, max, bucket 0 .. bucket n], n = boundaries.length).
 * No object per series: a series costs its lookup entry, one slot per label, its cells and its
 * label value strings (which the caller made anyway). The exposition writes label blocks from the
 * columns at each scrape; OpenTelemetry attribute objects are made only for the SDK's path.
 *
 * Series are found by attribute values through a tree of Maps (one level per label, in catalog
 * order), so that a known attribute set is found with no allocation. A prefix shared by one
 * series only ends in that series' index, not in a chain of one-entry Maps (a Map costs more than
 * a series): the lookup then compares the remaining values with the series' own. Unknown values
 * take the slow path, which applies the allowed sets and cardinality caps; the store never holds
 * more than `maxSeries + 1` series nor more than its caps of label values.
 */
export class SeriesStore {
  readonly kind: InstrumentType;
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly boundaries: readonly number[];
  readonly labelNames: readonly string[];
  /** Label values per label, per series index. */
  readonly values: string[][];
  /** Folded lookups per label (index = label index; the last slot is the series cap). */
  readonly overflows: Float64Array;
  /** Whether recordings keep the active trace and span as exemplars (one per sum, one per bucket). */
  readonly exemplars: boolean;
  /** Cells per series. */
  readonly width: number;
  /** Values dropped because they were not finite numbers (or negative, for counters). */
  invalidValues = 0;
  /** Recordings lost to an unexpected error (never thrown to the caller). */
  errors = 0;

  private count = 0;
  private chunks: Float64Array[] = [];
  private readonly allowed: (ReadonlySet<string> | undefined)[];
  private readonly caps: number[];
  /**
   * Distinct values taken per free label past the first. The first label's values are the keys
   * of the tree's root (plus `reserved`), so it needs no set of its own.
   */
  private readonly seen: (Set<string> | undefined)[];
  /** First-label values counted against its cap that no series holds yet (a value asked for by `labelValue`, or past the series cap). */
  private readonly reserved = new Set<string>();
  private readonly root: Trie = new Map();
  private readonly maxSeries: number;
  private only = -1;
  /** Per series index: its last exemplar per sum (slot 0) or per bucket, when the store records exemplars. */
  private exemplarSlots: ((Exemplar | undefined)[] | undefined)[] = [];
  /** Series with a label value that needs escaping in a scrape (rare: their blocks take the slow path). */
  private escaped: Set<number> | undefined;
  /**
   * The label blocks of series 0 to `blockCount - 1` in a scrape, one after the other (written by
   * the producer at their first scrape, with the exposition writer's escaping), and where each
   * ends: one string per store instead of one per series.
   */
  blockText = '';
  blockEnds = new Uint32Array(0);
  blockCount = 0;
  /** Attribute objects kept for handles over an OpenTelemetry meter, which pass them at every recording. */
  private attributeObjects: (Attributes | undefined)[] = [];

  constructor(metric: CatalogMetric, limits: SeriesLimits, exemplars = false) {
    this.exemplars = exemplars;
    this.kind = metric.type;
    this.name = metric.name;
    this.unit = metric.unit;
    this.description = metric.description;
    this.boundaries = metric.type === 'histogram' ? [...(metric.buckets ?? [])].sort((a, b) => a - b) : [];
    this.labelNames = Object.keys(metric.labels);
    this.values = this.labelNames.map(() => []);
    this.allowed = this.labelNames.map((n) => {
      const values = metric.labels[n]?.values;
      return values ? new Set(values) : undefined;
    });
    this.caps = this.labelNames.map((n) => metric.labels[n]?.maxCardinality ?? limits.defaultLabelCardinality);
    this.seen = this.labelNames.map((_, i) => (i > 0 && this.allowed[i] === undefined ? new Set<string>() : undefined));
    this.overflows = new Float64Array(this.labelNames.length + 1);
    this.width = cellCount(this.kind, this.boundaries.length);
    this.maxSeries = Math.max(1, limits.maxSeries);
  }

  /** The cell chunks, in series order (chunk k holds its length / width series). */
  get chunkList(): readonly Float64Array[] {
    return this.chunks;
  }

  /** Series held (their indexes are 0 to size - 1). */
  get size(): number {
    return this.count;
  }

  /** The chunk holding the cells of series `index` (from {@link offsetOf}). */
  cellsOf(index: number): Float64Array {
    return this.chunks[chunkOf(index)] as Float64Array;
  }

  /** Where the cells of series `index` start in {@link cellsOf}. */
  offsetOf(index: number): number {
    return (index - chunkStart(chunkOf(index))) * this.width;
  }

  /** A view of the cells of series `index` alone (the same memory), indexed from 0. */
  viewOf(index: number): Float64Array {
    const at = this.offsetOf(index);
    return this.cellsOf(index).subarray(at, at + this.width);
  }

  /** The attributes of series `index`, as a new object (label order). */
  attributesOf(index: number): Attributes {
    const attributes: Attributes = {};
    const names = this.labelNames;
    for (let j = 0; j < names.length; j++) attributes[names[j] as string] = (this.values[j] as string[])[index];
    return attributes;
  }

  /** {@link attributesOf}, made once per series and kept: for callers that hand the same object to OpenTelemetry at every recording. */
  keptAttributesOf(index: number): Attributes {
    return (this.attributeObjects[index] ??= Object.freeze(this.attributesOf(index)));
  }

  /** Appends the label blocks of the next series (`text`, and where each ends in {@link blockText}). */
  addBlocks(text: string, ends: readonly number[]): void {
    const count = this.blockCount + ends.length;
    if (count > this.blockEnds.length) {
      const grown = new Uint32Array(Math.max(count, this.blockEnds.length * 2, 16));
      grown.set(this.blockEnds.subarray(0, this.blockCount));
      this.blockEnds = grown;
    }
    this.blockEnds.set(ends, this.blockCount);
    this.blockCount = count;
    // One flat string: a rope of appended parts would keep a node per scrape that added series.
    this.blockText = this.blockText === '' ? text : Buffer.from(this.blockText + text, 'utf8').toString('utf8');
  }

  /** Whether a label value of series `index` needs escaping in a scrape. */
  needsEscaping(index: number): boolean {
    return this.escaped !== undefined && this.escaped.has(index);
  }

  /** The exemplars of series `index` (per sum or bucket), if any were kept. */
  exemplarsOf(index: number): readonly (Exemplar | undefined)[] | undefined {
    return this.exemplarSlots[index];
  }

  /** The exemplar slots of series `index`, made at its first exemplar; undefined for a detached series (index < 0). */
  exemplarSlotsOf(index: number): (Exemplar | undefined)[] | undefined {
    if (index < 0) return undefined;
    return (this.exemplarSlots[index] ??= []);
  }

  /** The series index for `attributes` (hot path: Map lookups only). */
  seriesFor(attributes: Readonly<Record<string, unknown>> | undefined): number {
    const names = this.labelNames;
    const last = names.length - 1;
    if (last < 0) return this.only >= 0 ? this.only : this.slowLookup(attributes);
    if (attributes === undefined || attributes === null) return this.slowLookup(attributes);
    let node: Trie = this.root;
    for (let i = 0; i <= last; i++) {
      const next = node.get(attributes[names[i] as string]);
      if (next === undefined) return this.slowLookup(attributes);
      if (typeof next === 'number') return i === last || this.sameRest(next, attributes, i + 1) ? next : this.slowLookup(attributes);
      node = next;
    }
    return this.slowLookup(attributes);
  }

  /** Whether `attributes` has series `index`'s values for labels `from` onwards. */
  private sameRest(index: number, attributes: Readonly<Record<string, unknown>>, from: number): boolean {
    const names = this.labelNames;
    for (let j = from; j < names.length; j++) {
      if (attributes[names[j] as string] !== (this.values[j] as string[])[index]) return false;
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

  /** Whether a free label's value is known or still has room under its cap (and then counts it). */
  private admits(index: number, value: string): boolean {
    const cap = this.caps[index] as number;
    const seen = this.seen[index];
    if (seen !== undefined) {
      if (seen.has(value)) return true;
      if (seen.size >= cap) return false;
      seen.add(value);
      return true;
    }
    // The first label: its distinct values are the root's keys (the overflow value aside) and the reserved ones.
    if (this.root.has(value) || this.reserved.has(value)) return true;
    if (this.root.size - (this.root.has(OVERFLOW_VALUE) ? 1 : 0) + this.reserved.size >= cap) return false;
    this.reserved.add(value);
    return true;
  }

  private canonicalValue(index: number, raw: unknown): string {
    const value = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : '';
    // A value already folded (by `labelValue`) stays folded, and is neither counted again nor
    // given a slot of the cap.
    if (value === OVERFLOW_VALUE) return value;
    const allowed = this.allowed[index];
    if (allowed !== undefined ? allowed.has(value) : this.admits(index, value)) return value;
    (this.overflows[index] as number)++;
    return OVERFLOW_VALUE;
  }

  /**
   * Removes every series, so that the producer stops exporting them from its next collection (a
   * counter that comes back starts again from zero, which readers see as a reset). For data that
   * must stop being published at once (a privacy purge). Handles bound before keep cells that are
   * no longer exported; label values seen are forgotten with the series (overflow counts stay),
   * and so are their exemplars.
   */
  clear(): void {
    this.count = 0;
    for (const column of this.values) column.length = 0;
    this.root.clear();
    this.reserved.clear();
    this.only = -1;
    this.chunks = [];
    this.exemplarSlots = [];
    this.attributeObjects = [];
    this.escaped = undefined;
    this.blockText = '';
    this.blockEnds = new Uint32Array(0);
    this.blockCount = 0;
    for (const seen of this.seen) seen?.clear();
  }

  /**
   * Withholds a gauge series until its next recording: the producer skips a gauge whose cells say
   * "not recorded", so a value that may no longer be shown is not left stale in the export.
   */
  withholdGauge(attributes: Readonly<Record<string, unknown>> | undefined): void {
    if (this.kind === 'gauge') {
      const index = this.seriesFor(attributes);
      this.cellsOf(index)[this.offsetOf(index) + 1] = 0;
    }
  }

  private newSeries(values: readonly string[]): number {
    const index = this.count;
    const chunk = chunkOf(index);
    if (chunk >= this.chunks.length) this.chunks.push(new Float64Array(chunkSeries(chunk) * this.width));
    let escapes = false;
    for (let j = 0; j < values.length; j++) {
      const value = values[j] as string;
      (this.values[j] as string[]).push(value);
      escapes ||= NEEDS_ESCAPE.test(value);
    }
    if (escapes) (this.escaped ??= new Set()).add(index);
    if (this.kind === 'histogram') {
      const cells = this.cellsOf(index);
      const at = this.offsetOf(index);
      cells[at + HIST_MIN] = Infinity;
      cells[at + HIST_MAX] = -Infinity;
    }
    this.count++;
    return index;
  }

  private slowLookup(attributes: Readonly<Record<string, unknown>> | null | undefined): number {
    if (this.labelNames.length === 0) {
      if (this.only < 0) this.only = this.newSeries([]);
      return this.only;
    }
    const values = this.labelNames.map((name, i) => this.canonicalValue(i, attributes == null ? undefined : attributes[name]));
    const found = this.walk(values, false);
    if (found >= 0) return found;
    // Past the series cap every new attribute set folds into the all-overflow series, which may
    // exceed the cap by one: the store holds at most maxSeries + 1 series.
    (this.overflows[this.labelNames.length] as number)++;
    return this.walk(
      this.labelNames.map(() => OVERFLOW_VALUE),
      true,
    );
  }

  /** Finds the series for canonical values, creating it while under the cap (or when `force`); -1 when full. */
  private walk(values: readonly string[], force: boolean): number {
    const room = force || this.count < this.maxSeries;
    let node: Trie = this.root;
    for (let i = 0; i < values.length; i++) {
      const key = values[i];
      const next = node.get(key);
      if (next === undefined) {
        if (!room) return -1;
        const index = this.newSeries(values);
        node.set(key, index);
        // A first-label value reserved under its cap is now counted by the root's keys.
        if (i === 0 && this.reserved.size > 0) this.reserved.delete(key as string);
        return index;
      }
      if (typeof next === 'number') {
        let same = true;
        for (let j = i + 1; j < values.length && same; j++) same = (this.values[j] as string[])[next] === values[j];
        if (same) return next;
        if (!room) return -1;
        // Another series shares this prefix: the level gets a Map, holding the one already there.
        const level: Trie = new Map();
        level.set((this.values[i + 1] as string[])[next], next);
        node.set(key, level);
        node = level;
        continue;
      }
      node = next;
    }
    return -1;
  }
}
