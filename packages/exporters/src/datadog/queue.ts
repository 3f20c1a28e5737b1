import type { SeriesBatch } from './types.js';

/** What a full queue gives up: the oldest queued batch or the one arriving. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest';

/**
 * A bounded FIFO of batches. `push` never blocks: when full it evicts per the overflow policy
 * and returns the evicted batch, so the caller counts exactly what was dropped.
 */
export class BatchQueue {
  private items: SeriesBatch[] = [];

  constructor(
    readonly capacity: number,
    readonly policy: OverflowPolicy,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
  }

  /** Adds a batch at the tail; returns the batch dropped to make room, if any. */
  push(batch: SeriesBatch): SeriesBatch | undefined {
    if (this.items.length < this.capacity) {
      this.items.push(batch);
      return undefined;
    }
    switch (this.policy) {
      case 'drop-newest':
        return batch;
      case 'drop-oldest': {
        const evicted = this.items.shift();
        this.items.push(batch);
        return evicted;
      }
    }
  }

  /**
   * Puts batches back at the head (the halves of a batch the API found too large). They may take
   * the queue past its capacity by one: the data was already counted in, so nothing is dropped.
   */
  unshift(batches: readonly SeriesBatch[]): void {
    this.items.unshift(...batches);
  }

  /** Takes the head batch. */
  shift(): SeriesBatch | undefined {
    return this.items.shift();
  }

  /** Number of queued batches. */
  get length(): number {
    return this.items.length;
  }

  /** The queued batches, head first (a copy). */
  toArray(): SeriesBatch[] {
    return this.items.slice();
  }
}
