/** How entropy is expressed: natural log (nats), log2 (bits), or divided by log(n) (0-1 evenness). */
export type EntropyScale = 'nats' | 'bits' | 'normalized';

function checkWeights(weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) {
    if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`weights must be finite and >= 0, got ${weight}`);
    total += weight;
  }
  return total;
}

/**
 * Shannon entropy H = -Σ pᵢ log pᵢ of a selection given as counts (or any non-negative
 * weights) per category. Zero weights contribute nothing (0 log 0 = 0); an empty or all-zero
 * selection has entropy 0. H ≤ log(n) for n categories, with equality for a uniform selection.
 */
export function shannonEntropy(weights: readonly number[], scale: EntropyScale = 'nats'): number {
  const total = checkWeights(weights);
  if (total === 0) return 0;
  let entropy = 0;
  for (const weight of weights) {
    if (weight === 0) continue;
    const p = weight / total;
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
      const n = weights.filter((w) => w > 0).length;
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
 */
export function klDivergence(
  recent: Readonly<Record<string, number>>,
  history: Readonly<Record<string, number>>,
  pseudoCount: number = DEFAULT_KL_PSEUDO_COUNT,
): number {
  if (!(pseudoCount > 0) || !Number.isFinite(pseudoCount)) throw new RangeError(`pseudoCount must be > 0, got ${pseudoCount}`);
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

/** used / budget as a 0-1 ratio (above 1 when the budget is overspent); 0 for a zero budget with nothing used. */
export function usedRatio(used: number, budget: number): number {
  if (used < 0 || budget < 0) throw new RangeError('used and budget must be >= 0');
  if (budget === 0) return used === 0 ? 0 : Infinity;
  return used / budget;
}

/**
 * Mean relative error between predicted and realised values: mean of |pred − real| / |real|
 * (pairs with real = 0 use |pred − real| alone). 0 for no pairs.
 */
export function meanRelativeError(pairs: readonly { predicted: number; realised: number }[]): number {
  if (pairs.length === 0) return 0;
  let sum = 0;
  for (const { predicted, realised } of pairs) {
    const error = Math.abs(predicted - realised);
    sum += realised === 0 ? error : error / Math.abs(realised);
  }
  return sum / pairs.length;
}
