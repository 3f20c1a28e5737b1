/**
 * Tests on raw counts for ratio KPIs (errors/requests, conversions/visits, budget used/granted),
 * built from `increase()` over the canary window. Testing counts, not per-minute ratios, is what
 * lets a zero baseline against a non-zero canary be caught: a ratio of zeros has no variance for
 * a rank test to work with, the counts still do.
 */
import { binomialPmf, binomialTest, clopperPearson, type Alternative } from './discrete.js';
import { studentSf } from './student-t.js';
import { normalCdf, normalQuantile, normalSf } from './normal.js';

/** Counts for one group: `events` out of `exposure` (trials, requests, seconds...). */
export interface Counts {
  events: number;
  exposure: number;
}

/** Result of a two-group rate comparison (group 1 = canary, group 2 = control). */
export interface RateTestResult {
  test: 'two-proportion-z' | 'poisson-exact-conditional';
  /** z for the z-test; the canary's event count for the exact test. */
  statistic: number;
  pValue: number;
  /** Estimate and interval: a difference of proportions (z-test) or a rate ratio (exact test). */
  estimate: number;
  confidenceInterval: [number, number];
  /**
   * The one-sided p-values the exact test could attain given its total events, ascending
   * (for discrete multiple testing); absent for the z-test and two-sided alternatives.
   */
  attainablePValues?: Float64Array;
}

/**
 * Two-proportion z-test of H0: p1 - p2 = delta0. With delta0 = 0 it uses the pooled standard
 * error (the textbook test, equal to `prop.test(correct = FALSE)`); with a shifted null
 * (non-inferiority margin) it uses the unpooled (Wald) standard error. The interval is Wald's.
 */
export function twoProportionZTest(
  canary: Counts,
  control: Counts,
  options: { delta0?: number; alternative: Alternative; confidence: number; degreesOfFreedom?: number },
): RateTestResult {
  const p1 = canary.events / canary.exposure;
  const p2 = control.events / control.exposure;
  const delta0 = options.delta0 ?? 0;
  const unpooled = Math.sqrt((p1 * (1 - p1)) / canary.exposure + (p2 * (1 - p2)) / control.exposure);
  let se = unpooled;
  if (delta0 === 0) {
    const pooled = (canary.events + control.events) / (canary.exposure + control.exposure);
    se = Math.sqrt(pooled * (1 - pooled) * (1 / canary.exposure + 1 / control.exposure));
  }
  const diff = p1 - p2;
  const z = se === 0 ? (diff - delta0 === 0 ? 0 : Math.sign(diff - delta0) * Infinity) : (diff - delta0) / se;
  const half = normalQuantile(1 - (1 - options.confidence) / 2) * unpooled;
  return {
    test: 'two-proportion-z',
    statistic: z,
    pValue: options.degreesOfFreedom === undefined ? zPValue(z, options.alternative) : tPValue(z, options.degreesOfFreedom, options.alternative),
    estimate: diff,
    confidenceInterval: [diff - half, diff + half],
  };
}

/** p-value of a z statistic. */
export function zPValue(z: number, alternative: Alternative): number {
  if (alternative === 'greater') return normalSf(z);
  if (alternative === 'less') return normalCdf(z);
  return Math.min(1, 2 * normalSf(Math.abs(z)));
}

/**
 * p-value of a statistic referred to Student's t: a z whose variance was scaled by an estimated
 * dispersion (quasi-likelihood), which carries the estimate's own uncertainty.
 */
export function tPValue(t: number, degreesOfFreedom: number, alternative: Alternative): number {
  const upper = studentSf(t, degreesOfFreedom);
  if (alternative === 'greater') return upper;
  if (alternative === 'less') return 1 - upper;
  return Math.min(1, 2 * Math.min(upper, 1 - upper));
}

/**
 * Exact conditional test of two Poisson rates, H0: rate1 / rate2 = ratio0 (R's
 * `poisson.test(c(x1, x2), c(T1, T2), r = ratio0)`): given x1 + x2 events, x1 is binomial with
 * p = ratio0·T1 / (ratio0·T1 + T2). Exact at any count, including a control with zero events.
 * The interval is the Clopper-Pearson interval mapped to the rate-ratio scale.
 */
export function poissonRateRatioTest(
  canary: Counts,
  control: Counts,
  options: { ratio0?: number; alternative: Alternative; confidence: number },
): RateTestResult {
  const ratio0 = options.ratio0 ?? 1;
  const n = canary.events + control.events;
  const estimate = (canary.events / canary.exposure) / (control.events / control.exposure);
  // No events: the only attainable p-value is 1.
  if (n === 0) return { test: 'poisson-exact-conditional', statistic: 0, pValue: 1, estimate: Number.NaN, confidenceInterval: [0, Infinity], attainablePValues: Float64Array.of(1) };
  const p0 = (ratio0 * canary.exposure) / (ratio0 * canary.exposure + control.exposure);
  const pValue = binomialTest(canary.events, n, p0, options.alternative);
  const [lo, hi] = clopperPearson(canary.events, n, options.confidence);
  const scale = control.exposure / canary.exposure;
  const toRatio = (p: number): number => (p >= 1 ? Infinity : (p / (1 - p)) * scale);
  const result: RateTestResult = { test: 'poisson-exact-conditional', statistic: canary.events, pValue, estimate, confidenceInterval: [toRatio(lo), toRatio(hi)] };
  if (options.alternative !== 'two-sided') result.attainablePValues = attainableTailPValues(n, p0, options.alternative);
  return result;
}

/** Every one-sided tail P(X >= x) ('greater') or P(X <= x) ('less'), x = 0..n, of Binomial(n, p0), ascending. */
export function attainableTailPValues(n: number, p0: number, alternative: 'less' | 'greater'): Float64Array {
  const pmf = binomialPmf(n, p0);
  const tails = new Float64Array(n + 1);
  let sum = 0;
  // Summed from the small end of the tail so the smallest p-values keep their precision.
  if (alternative === 'greater') for (let x = n; x >= 0; x--) tails[n - x] = Math.min(1, (sum += pmf[x]!));
  else for (let x = 0; x <= n; x++) tails[x] = Math.min(1, (sum += pmf[x]!));
  return tails;
}
