import { OVERFLOW_LABEL_VALUE } from './catalog.js';

/**
 * Keeps a label under a cardinality cap: the first `max` distinct values pass through, later
 * ones fold into {@link OVERFLOW_LABEL_VALUE}. `overflowed` counts folded observations so a
 * caller can export the overflow as its own counter.
 */
export class CardinalityLimiter {
  readonly #seen = new Set<string>();
  #overflowed = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`cardinality cap must be a positive integer, got ${max}`);
  }

  /** The value to use as the label: itself while under the cap, the overflow value after. */
  admit(value: string): string {
    if (this.#seen.has(value)) return value;
    if (this.#seen.size < this.max) {
      this.#seen.add(value);
      return value;
    }
    this.#overflowed++;
    return OVERFLOW_LABEL_VALUE;
  }

  /** Observations folded into the overflow value so far. */
  get overflowed(): number {
    return this.#overflowed;
  }

  /** Distinct values admitted so far. */
  get size(): number {
    return this.#seen.size;
  }
}
