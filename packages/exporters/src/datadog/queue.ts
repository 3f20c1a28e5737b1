import type { SeriesBatch } from './types.js';

/** What a full queue gives up: the oldest queued batches or the one arriving. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest';

/**
 * Estimated heap bytes of a batch: what the queue bound in bytes counts. Calibrated on the heap
 * a queued batch holds (about 415 bytes per series with a one-point series, a 20-character name
 * and three tags): strings at 2 bytes a character, ~200 bytes of object overhead per series and
 * ~48 per point. An estimate, cheap enough to compute on every export.
 */
export function estimateBatchBytes(batch: SeriesBatch): number {
  let bytes = 64;
  for (const s of batch.series) {
    let chars = s.metric.length + (s.unit?.length ?? 0);
    for (const tag of s.tags) chars += tag.length;
    bytes += 200 + 2 * chars + 48 * s.points.length;
  }
  return bytes;
}

/**
 * A FIFO of batches bounded in batches and in estimated bytes (the Collector's queue sizes in
 * requests or bytes; a count alone lets a service with large batches hold hundreds of MB).
 * `push` never blocks: when a bound is passed it evicts per the overflow policy and returns the
 * evicted batches, so the caller counts exactly what was dropped.
 */
export class BatchQueue {
  private items: SeriesBatch[] = [];
  private sizes = new Map<string, number>();
  private totalBytes = 0;

  constructor(
    readonly capacity: number,
    readonly policy: OverflowPolicy,
    readonly maxBytes: number = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    if (!(maxBytes > 0)) throw new RangeError(`queue byte bound must be positive, got ${maxBytes}`);
  }

  /** Adds a batch at the tail; returns the batches dropped to make room (possibly the new one). */
  push(batch: SeriesBatch): SeriesBatch[] {
    const bytes = estimateBatchBytes(batch);
    const fits = (): boolean => this.items.length < this.capacity && this.totalBytes + bytes <= this.maxBytes;
    switch (this.policy) {
      case 'drop-newest':
        if (!fits()) return [batch];
        break;
      case 'drop-oldest': {
        // A batch larger than the whole bound alone is refused rather than emptying the queue for nothing.
        if (bytes > this.maxBytes) return [batch];
        const evicted: SeriesBatch[] = [];
        while (!fits()) evicted.push(this.shift()!);
        this.add(batch, bytes);
        return evicted;
      }
    }
    this.add(batch, bytes);
    return [];
  }

  /**
   * Puts batches back at the head (the halves of a batch the API found too large). They may take
   * the queue past its bounds a little: the data was already counted in, so nothing is dropped.
   */
  unshift(batches: readonly SeriesBatch[]): void {
    for (const batch of batches) this.track(batch, estimateBatchBytes(batch));
    this.items.unshift(...batches);
  }

  /** Takes the head batch. */
  shift(): SeriesBatch | undefined {
    const batch = this.items.shift();
    if (batch) {
      this.totalBytes -= this.sizes.get(batch.id) ?? 0;
      this.sizes.delete(batch.id);
    }
    return batch;
  }

  /** Number of queued batches. */
  get length(): number {
    return this.items.length;
  }

  /** Estimated bytes of the queued batches. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** The queued batches, head first (a copy). */
  toArray(): SeriesBatch[] {
    return this.items.slice();
  }

  private add(batch: SeriesBatch, bytes: number): void {
    this.track(batch, bytes);
    this.items.push(batch);
  }

  private track(batch: SeriesBatch, bytes: number): void {
    this.sizes.set(batch.id, bytes);
    this.totalBytes += bytes;
  }
}
