/**
 * The test for gauge readings (one a minute per variant): readings next to each other are
 * correlated (a queue length, a cache ratio), so rank tests and plug-in variances that treat them
 * as independent false-alarm far above alpha (48.6% at AR(1) rho 0.8). This compares the means
 * with each group's variance of the mean inflated for lag-1 autocorrelation (effective size
 * n (1 - r) / (1 + r), r bias-corrected as r + (1 + 4r) / n, clamped to [0, 0.95]), and refers
 * the statistic to Student's t on the effective degrees of freedom.
 */
import type { Alternative } from './discrete.js';
import { studentSf, studentUpperQuantile } from './student-t.js';

/** What {@link autocorrelatedMeanTest} found. */
export interface GaugeTestResult {
  /** t statistic of (canary - control - delta0). */
  statistic: number;
  pValue: number;
  /** canary mean - control mean. */
  estimate: number;
  confidenceInterval: [number, number];
  /** Standard error of the estimate (each group's variance of the mean, inflated for autocorrelation). */
  standardError: number;
  /** The effective degrees of freedom the statistic is referred to. */
  degreesOfFreedom: number;
  effectiveSize: { canary: number; control: number };
}

function summary(values: ArrayLike<number>): { n: number; mean: number; variance: number; effectiveN: number } {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]! / n;
  let ss = 0;
  let lag = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    ss += d * d;
    if (i > 0) lag += d * (values[i - 1]! - mean);
  }
  const variance = n > 1 ? ss / (n - 1) : Number.NaN;
  const r1 = ss > 0 ? lag / ss : 0;
  // The lag-1 estimate is biased down by about (1 + 4r)/n in short series: add it back.
  const r = Math.min(0.95, Math.max(0, r1 + (1 + 4 * r1) / n));
  return { n, mean, variance, effectiveN: Math.max(2, (n * (1 - r)) / (1 + r)) };
}

/** The test of canary - control > delta0 (or <, or two-sided) on autocorrelated readings. */
export function autocorrelatedMeanTest(canary: ArrayLike<number>, control: ArrayLike<number>, options: { alternative: Alternative; delta0?: number; confidence: number }): GaugeTestResult {
  const c = summary(canary);
  const k = summary(control);
  const estimate = c.mean - k.mean;
  const se = Math.sqrt(c.variance / c.effectiveN + k.variance / k.effectiveN);
  const df = Math.max(1, c.effectiveN + k.effectiveN - 2);
  const statistic = se > 0 ? (estimate - (options.delta0 ?? 0)) / se : 0;
  const upper = studentSf(statistic, df);
  const pValue = options.alternative === 'greater' ? upper : options.alternative === 'less' ? 1 - upper : Math.min(1, 2 * Math.min(upper, 1 - upper));
  const half = studentUpperQuantile((1 - options.confidence) / 2, df) * se;
  return { statistic, pValue, estimate, confidenceInterval: [estimate - half, estimate + half], standardError: se, degreesOfFreedom: df, effectiveSize: { canary: c.effectiveN, control: k.effectiveN } };
}
