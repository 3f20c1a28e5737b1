/**
 * Minimum sample sizes and minimum detectable effects for a one-sided test at level alpha with the
 * given power (normal approximation): n = (z₁₋α + z_power)² · unitVariance · (1 + 1/r) / δ², where r is
 * control size / canary size. The returned sizes are for the canary group.
 */
import { normalQuantile } from './normal.js';

/** z₁₋α + z_power. */
function zSum(alpha: number, power: number): number {
  return normalQuantile(1 - alpha) + normalQuantile(power);
}

/**
 * Canary sample size needed to see an absolute difference `delta` when one unit has variance
 * `unitVariance`. `efficiency` is the test's asymptotic relative efficiency against the z/t test
 * (3/π for Mann-Whitney under normality).
 */
export function minimumSampleSize(args: { unitVariance: number; delta: number; allocationRatio: number; alpha: number; power: number; efficiency?: number }): number {
  const { unitVariance, delta, allocationRatio, alpha, power } = args;
  if (!(delta > 0)) return Infinity;
  const n = (zSum(alpha, power) ** 2 * unitVariance * (1 + 1 / allocationRatio)) / (delta * delta) / (args.efficiency ?? 1);
  return Math.ceil(n);
}

/** Smallest absolute difference detectable with `canarySize` canary units (inverse of the above). */
export function minimumDetectableDifference(args: { unitVariance: number; canarySize: number; allocationRatio: number; alpha: number; power: number; efficiency?: number }): number {
  const { unitVariance, canarySize, allocationRatio, alpha, power } = args;
  if (!(canarySize > 0)) return Infinity;
  return zSum(alpha, power) * Math.sqrt((unitVariance * (1 + 1 / allocationRatio)) / canarySize / (args.efficiency ?? 1));
}
