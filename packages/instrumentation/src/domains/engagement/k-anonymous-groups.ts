/**
 * Counts events per group and the distinct (pseudonymous) users behind them, and says whether
 * a group may be reported: once it has seen `k` distinct users. A group that reached `k` stays
 * reportable (a cumulative counter cannot be withdrawn), and its user set is dropped then, so
 * memory is bounded by the groups still below `k`.
 */
export class KAnonymousGroups {
  readonly #counts = new Map<string, number>();
  readonly #usersBelowK = new Map<string, Set<string>>();
  readonly #released = new Set<string>();

  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  }

  /** Adds `count` events of `group` by the user `pseudonym`. */
  add(group: string, pseudonym: string, count = 1): void {
    this.#counts.set(group, (this.#counts.get(group) ?? 0) + count);
    if (this.#released.has(group)) return;
    const users = this.#usersBelowK.get(group) ?? new Set<string>();
    users.add(pseudonym);
    if (users.size >= this.k) {
      this.#released.add(group);
      this.#usersBelowK.delete(group);
    } else {
      this.#usersBelowK.set(group, users);
    }
  }

  /** Cumulative counts of the groups that reached `k` distinct users; the others are withheld. */
  reportable(): Map<string, number> {
    const out = new Map<string, number>();
    for (const group of this.#released) out.set(group, this.#counts.get(group) ?? 0);
    return out;
  }

  /** Forgets everything (emergency purge). */
  clear(): void {
    this.#counts.clear();
    this.#usersBelowK.clear();
    this.#released.clear();
  }
}
