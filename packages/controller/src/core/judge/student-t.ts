/**
 * Student's t distribution on real (effective) degrees of freedom, from jstat's regularized
 * incomplete beta. The normal-based approximation used before (Abramowitz & Stegun 26.7.8)
 * saturates below about 3 degrees of freedom: at df 2 no statistic gave a tail under 0.04, so a
 * 95% interval's bisection ran to its cap and a gauge canary with three clean readings an arm
 * was called "insufficient" (an intermittent demo and CI failure).
 */
import jStat from 'jstat';

/** P(T > t) on `df` degrees of freedom (df > 0, not necessarily an integer). */
export function studentSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  // By symmetry, the smaller tail is computed directly so it keeps its precision.
  return t >= 0 ? jStat.studentt.cdf(-t, df) : 1 - jStat.studentt.cdf(t, df);
}

/** The t with P(T > t) = `tail` on `df` degrees of freedom (0 < tail < 1). */
export function studentUpperQuantile(tail: number, df: number): number {
  if (!(tail > 0 && tail < 1) || !(df > 0)) return Number.NaN;
  return -jStat.studentt.inv(tail, df);
}
