/**
 * Discrete distributions for the exact tests: log-gamma (Lanczos, g = 7, n = 9, as in Numerical
 * Recipes 3rd ed. §6.1 / Boost), binomial probabilities in log space and the Clopper-Pearson bounds.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** All binomial probabilities P(X = k), k = 0..n, computed in log space (safe for large n). */
export function binomialPmf(n: number, p: number): Float64Array {
  const pmf = new Float64Array(n + 1);
  if (p <= 0) {
    pmf[0] = 1;
    return pmf;
  }
  if (p >= 1) {
    pmf[n] = 1;
    return pmf;
  }
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  const lnN = logGamma(n + 1);
  for (let k = 0; k <= n; k++) pmf[k] = Math.exp(lnN - logGamma(k + 1) - logGamma(n - k + 1) + k * lp + (n - k) * lq);
  return pmf;
}

/** P(X <= x) for X ~ Binomial(n, p). */
export function binomialCdf(x: number, n: number, p: number): number {
  if (x < 0) return 0;
  if (x >= n) return 1;
  const pmf = binomialPmf(n, p);
  let sum = 0;
  for (let k = 0; k <= x; k++) sum += pmf[k]!;
  return Math.min(1, sum);
}

/** Alternatives of a test, read on the first group's side. */
export type Alternative = 'two-sided' | 'less' | 'greater';

/**
 * Exact binomial test of H0: p = p0, with R's `binom.test` two-sided rule (sum of the
 * probabilities no larger than the observed one, relative tolerance 1e-7).
 */
export function binomialTest(x: number, n: number, p0: number, alternative: Alternative): number {
  const pmf = binomialPmf(n, p0);
  const cdf = (k: number): number => {
    let s = 0;
    for (let i = 0; i <= Math.min(k, n); i++) s += pmf[i]!;
    return s;
  };
  const sf = (k: number): number => (k < 0 ? 1 : 1 - cdf(k)); // P(X > k)
  if (alternative === 'less') return Math.min(1, cdf(x));
  if (alternative === 'greater') return Math.min(1, upperSum(pmf, x));
  const d = pmf[x]!;
  const m = n * p0;
  if (x === m) return 1;
  const tolerance = d * (1 + 1e-7);
  if (x < m) {
    let y = 0;
    for (let i = Math.ceil(m); i <= n; i++) if (pmf[i]! <= tolerance) y++;
    return Math.min(1, cdf(x) + sf(n - y));
  }
  let y = 0;
  for (let i = 0; i <= Math.floor(m); i++) if (pmf[i]! <= tolerance) y++;
  return Math.min(1, (y > 0 ? cdf(y - 1) : 0) + upperSum(pmf, x));
}

/** P(X >= x) summed from the top (keeps precision for small tails). */
function upperSum(pmf: Float64Array, x: number): number {
  let s = 0;
  for (let i = pmf.length - 1; i >= Math.max(0, x); i--) s += pmf[i]!;
  return s;
}

/** Clopper-Pearson interval for a binomial proportion (bisection on the exact tails). */
export function clopperPearson(x: number, n: number, confidence: number): [number, number] {
  const a = (1 - confidence) / 2;
  const lower = x === 0 ? 0 : bisect((p) => upperSum(binomialPmf(n, p), x) - a, 0, 1);
  const upper = x === n ? 1 : bisect((p) => binomialCdf(x, n, p) - a, 0, 1, true);
  return [lower, upper];
}

/** Root of a monotone function on [lo, hi]; `decreasing` says f falls as p rises. */
function bisect(f: (p: number) => number, lo: number, hi: number, decreasing = false): number {
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    const v = f(mid);
    if (decreasing ? v > 0 : v < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
