/**
 * How entropy is expressed: natural log (nats), log2 (bits), or divided by log(n) for the n
 * declared categories, zeros included (0-1 evenness).
 */
export type EntropyScale = 'nats' | 'bits' | 'normalized';

function checkWeights(weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) {
    if (!Number.isFinite(weight) || weight < 0) throw new RangeError('weights must be finite and >= 0');
    total += weight;
  }
  return total;
}

/**
 * Shannon entropy H = -Σ pᵢ log pᵢ of a selection given as counts (or any non-negative
 * weights) per category. Zero weights contribute nothing (0 log 0 = 0); an empty or all-zero
 * selection has entropy 0. H ≤ log(n) for n categories, with equality for a uniform selection.
 * `normalized` divides by log(n) over every category given, zeros included: the categories a
 * catalog declares, so `[1, 1, 0 × 8]` reads 0.301, not 1 (a loss of diversity shows).
 */
export function shannonEntropy(weights: readonly number[], scale: EntropyScale = 'nats'): number {
  checkWeights(weights);
  // Scaled by the largest weight first, so that the sum cannot overflow (1e308 + 1e308).
  const largest = weights.reduce((max, w) => Math.max(max, w), 0);
  if (largest === 0) return 0;
  const total = weights.reduce((sum, w) => sum + w / largest, 0);
  let entropy = 0;
  for (const weight of weights) {
    if (weight === 0) continue;
    const p = weight / largest / total;
    entropy -= p * Math.log(p);
  }
  // Rounding can leave -1e-17 for a one-category selection.
  entropy = Math.max(0, entropy);
  switch (scale) {
    case 'nats':
      return entropy;
    case 'bits':
      return entropy / Math.LN2;
    case 'normalized': {
      const n = weights.length;
      return n <= 1 ? 0 : Math.min(1, entropy / Math.log(n));
    }
  }
}

/** Default pseudo-count of {@link klDivergence}: 0.5 per category (Jeffreys-Perks). */
export const DEFAULT_KL_PSEUDO_COUNT = 0.5;

/**
 * Kullback-Leibler divergence D(P‖Q) = Σ pᵢ ln(pᵢ/qᵢ) in nats between two count maps
 * (recent selections P, history Q) over the union of their categories.
 *
 * Zeros: additive (Lidstone) smoothing. Every category of the union gets `pseudoCount`
 * (default 0.5, the Jeffreys-Perks choice) added to its count in both P and Q before
 * normalizing, so a category new in P gives a large but finite divergence instead of ∞.
 * The result is ≥ 0 and exactly 0 when P and Q have the same counts.
 *
 * Window-size bias: a recent window drawn from the history itself does not read 0 but about
 * (K − 1) / (2N) nats for K categories and N recent picks (0.2 at 24 picks over 10 categories,
 * 0.005 at 1,000), the plug-in estimator's known bias, so a fixed alert threshold on it depends on
 * the window size. Alert on {@link klDivergenceExcess} instead.
 */
export function klDivergence(
  recent: Readonly<Record<string, number>>,
  history: Readonly<Record<string, number>>,
  pseudoCount: number = DEFAULT_KL_PSEUDO_COUNT,
): number {
  if (!(pseudoCount > 0) || !Number.isFinite(pseudoCount)) throw new RangeError('pseudoCount must be finite and > 0');
  const categories = [...new Set([...Object.keys(recent), ...Object.keys(history)])];
  if (categories.length === 0) return 0;
  const p = categories.map((c) => recent[c] ?? 0);
  const q = categories.map((c) => history[c] ?? 0);
  const pTotal = checkWeights(p) + pseudoCount * categories.length;
  const qTotal = checkWeights(q) + pseudoCount * categories.length;
  let divergence = 0;
  for (let i = 0; i < categories.length; i++) {
    const pi = ((p[i] as number) + pseudoCount) / pTotal;
    const qi = ((q[i] as number) + pseudoCount) / qTotal;
    divergence += pi * Math.log(pi / qi);
  }
  // Gibbs' inequality makes the sum >= 0; rounding can leave a tiny negative.
  return Math.max(0, divergence);
}

/**
 * The divergence above what chance alone gives a window of this size: {@link klDivergence}
 * minus its expected value (K − 1) / (2N) when the recent picks are drawn from the history
 * (K categories of the union, N recent picks), floored at 0. About 0 for an unchanged
 * distribution whatever N, so one alert threshold holds for every window size.
 */
export function klDivergenceExcess(
  recent: Readonly<Record<string, number>>,
  history: Readonly<Record<string, number>>,
  pseudoCount: number = DEFAULT_KL_PSEUDO_COUNT,
): number {
  const divergence = klDivergence(recent, history, pseudoCount);
  const k = new Set([...Object.keys(recent), ...Object.keys(history)]).size;
  const n = Object.values(recent).reduce((sum, c) => sum + c, 0);
  if (n === 0 || k <= 1) return divergence;
  return Math.max(0, divergence - (k - 1) / (2 * n));
}

/** Largest value {@link usedRatio} returns: an overspend is shown up to 10x, never as Infinity. */
export const MAX_USED_RATIO = 10;

/**
 * used / budget as a ratio (above 1 when the budget is overspent, at most {@link MAX_USED_RATIO});
 * 0 for a zero budget with nothing used, the maximum for a zero budget with something used.
 */
export function usedRatio(used: number, budget: number): number {
  if (!Number.isFinite(used) || !Number.isFinite(budget) || used < 0 || budget < 0) throw new RangeError('used and budget must be finite and >= 0');
  if (budget === 0) return used === 0 ? 0 : MAX_USED_RATIO;
  return Math.min(MAX_USED_RATIO, used / budget);
}

/**
 * Mean relative error between predicted and realised values, a 0-1 ratio: the mean of
 * min(1, |pred − real| / |real|) (a pair with real = 0 counts 0 when pred = 0, else 1). Each pair is
 * capped at 1 so that one prediction off by 500x cannot read as 499. 0 for no pairs.
 */
export function meanRelativeError(pairs: readonly { predicted: number; realised: number }[]): number {
  if (pairs.length === 0) return 0;
  let sum = 0;
  for (const { predicted, realised } of pairs) {
    if (!Number.isFinite(predicted) || !Number.isFinite(realised)) throw new RangeError('predicted and realised must be finite');
    const error = Math.abs(predicted - realised);
    sum += realised === 0 ? (error === 0 ? 0 : 1) : Math.min(1, error / Math.abs(realised));
  }
  return sum / pairs.length;
}
