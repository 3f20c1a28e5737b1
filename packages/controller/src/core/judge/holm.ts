/**
 * Holm's step-down adjustment (Holm, "A simple sequentially rejective multiple test procedure",
 * Scand. J. Statist. 6, 1979): controls the family-wise error rate under any dependence and is
 * uniformly more powerful than Bonferroni. Returns adjusted p-values in the input order;
 * reject where adjusted <= alpha.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** One p-value for {@link discreteHolmAdjust}, with the p-values its test can attain, when it is discrete. */
export interface DiscretePValue {
  p: number;
  /**
   * Every p-value the test could have produced given its conditioning totals, ascending (for the
   * exact conditional Poisson test with n events: P(X >= x) or P(X <= x), x = 0..n). Absent for a
   * continuous test, whose p-value can be anything in [0, 1].
   */
  attainable?: Float64Array;
}

/**
 * F(t): the largest p-value the test can attain at or below t, which bounds P(p <= t) under H0.
 * A continuous test attains t itself; a discrete one may attain nothing below t (F = 0).
 */
export function attainableAtMost(test: DiscretePValue, t: number): number {
  const support = test.attainable;
  if (!support) return t;
  const limit = t * (1 + 1e-9); // p itself sits in the support, up to rounding
  let lo = 0;
  let hi = support.length; // first index with support > limit
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (support[mid]! <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : Math.min(t, support[lo - 1]!);
}

/**
 * Holm for discrete tests (Westfall & Wolfinger, "Multiple tests with discrete distributions",
 * The American Statistician 51(1), 1997; the step-down form of Tarone's idea): at each step the
 * remaining hypotheses contribute not their count times p but the sum of F_j(p), each test's
 * largest attainable p-value at or below p. A test with few events cannot produce a small p-value
 * at all (with 2 events and a 20% canary the smallest is 0.04), so it spends nothing at levels it
 * cannot reach. For continuous tests F(p) = p and this is Holm exactly. FWER control under any
 * dependence follows from the union bound P(p_j <= t) <= F_j(t) and closed testing, given each
 * test's conditioning totals.
 */
export function discreteHolmAdjust(tests: readonly DiscretePValue[]): number[] {
  const m = tests.length;
  const order = tests.map((t, i) => ({ p: t.p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    let sum = 0;
    for (let k = rank; k < m; k++) sum += attainableAtMost(tests[order[k]!.i]!, p);
    running = Math.max(running, Math.min(1, sum));
    adjusted[i] = running;
  });
  return adjusted;
}
