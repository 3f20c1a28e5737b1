/** One group's batch, released once it holds `k` distinct users. */
export interface ReleasedBatch<T> {
  readonly group: string;
  /** The batch's events, each user's capped at the contribution limit. */
  readonly count: number;
  /** The items that came with the counted events (grouped by user), as many as `count`. */
  readonly items: readonly T[];
}

interface Contribution<T> {
  count: number;
  readonly items: T[];
}

/**
 * Holds events per group in a pending batch, with the distinct (pseudonymous) users behind them,
 * and releases a batch only once it holds at least `k` distinct users; the batch then starts again
 * empty. Each user adds at most `maxPerUser` events to a batch (the rest are dropped and counted).
 *
 * This makes every change of a published cumulative value the sum of at least k users' events, so
 * that neither a value nor the difference between two consecutive values isolates fewer than k
 * users, and one user's volume cannot dominate a batch. Memory is bounded by the pending batches:
 * at most `k - 1` users per group, `maxPerUser` items each.
 */
export class KAnonymousBatches<T = never> {
  readonly #pending = new Map<string, Map<string, Contribution<T>>>();
  /** Events dropped by the per-user cap. */
  capped = 0;

  constructor(
    /** Distinct users a batch needs (may be raised or lowered between batches). */
    public k: number,
    readonly maxPerUser: number,
  ) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError('k must be a positive integer');
    if (!Number.isInteger(maxPerUser) || maxPerUser < 1) throw new RangeError('the contribution cap must be a positive integer');
  }

  /** Adds `count` events of `group` by `pseudonym` (with `item` for each); returns the batch if this released it. */
  add(group: string, pseudonym: string, count: number, item?: T): ReleasedBatch<T> | undefined {
    const batch = this.#pending.get(group) ?? new Map<string, Contribution<T>>();
    this.#pending.set(group, batch);
    const mine = batch.get(pseudonym) ?? { count: 0, items: [] };
    batch.set(pseudonym, mine);
    const taken = Math.min(count, this.maxPerUser - mine.count);
    this.capped += count - taken;
    mine.count += taken;
    if (item !== undefined) for (let i = 0; i < taken; i++) mine.items.push(item);
    if (batch.size < this.k) return undefined;
    this.#pending.delete(group);
    let total = 0;
    const items: T[] = [];
    for (const contribution of batch.values()) {
      total += contribution.count;
      items.push(...contribution.items);
    }
    return { group, count: total, items };
  }

  /** Distinct users in `group`'s pending batch. */
  pendingUsers(group: string): number {
    return this.#pending.get(group)?.size ?? 0;
  }

  /** Forgets every pending batch (purge, key rotation). */
  clear(): void {
    this.#pending.clear();
  }
}
