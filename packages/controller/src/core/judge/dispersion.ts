/**
 * Over-dispersion estimated from the data: the declared design effect (design-effect.ts) covers
 * the clustering a person knows about; this measures what the counts themselves show. Per-minute
 * counts of each arm are grouped into consecutive batches (batch means, Schmeiser 1982: batches
 * long enough that a session rarely straddles two are nearly independent), and the quasi-likelihood
 * dispersion is Pearson's chi-square over the batches divided by its degrees of freedom
 * (McCullagh & Nelder, Generalized Linear Models, 2nd ed., §4.5): about 1 for independent requests,
 * about the design effect when sessions or users send several correlated requests. A test that
 * divides by an estimated dispersion refers its statistic to Student's t on those degrees of freedom.
 *
 * What it cannot see: clustering whose units spread their requests evenly over the whole window
 * (a user sending one request every few minutes for the hour) moves every batch alike, and no
 * aggregate count separates it from the arm's mean; that needs the declared `canary.unit`.
 */
import { normalQuantile } from './normal.js';
import type { Counts } from './rate-tests.js';

/** Consecutive per-minute (or per-look) counts of each arm over the canary window. */
export interface CountBuckets {
  control: readonly Counts[];
  canary: readonly Counts[];
}

/** The estimate and the degrees of freedom it rests on. */
export interface DispersionEstimate {
  dispersion: number;
  degreesOfFreedom: number;
}

/** Batches the window is cut into (each arm): 6 batches of 10 minutes in a 60-minute canary. */
export const DISPERSION_BATCHES = 6;
/** Fewest batches per arm worth an estimate (below it the declared design effect alone counts). */
const MINIMUM_BATCHES = 4;

/**
 * Pearson's chi-square over batches of both arms, each against its own arm's rate, divided by the
 * degrees of freedom (batches - 1 per arm). Binomial variance when events never exceed exposure,
 * Poisson otherwise. Undefined when there are too few batches with exposure or no events at all.
 */
export function estimateDispersion(buckets: CountBuckets, batches = DISPERSION_BATCHES): DispersionEstimate | undefined {
  let chiSquare = 0;
  let degreesOfFreedom = 0;
  for (const arm of [buckets.control, buckets.canary]) {
    const grouped = batch(arm, batches).filter((b) => b.exposure > 0);
    if (grouped.length < MINIMUM_BATCHES) return undefined;
    let events = 0;
    let exposure = 0;
    for (const b of grouped) {
      events += b.events;
      exposure += b.exposure;
    }
    const rate = events / exposure;
    const binomial = grouped.every((b) => b.events <= b.exposure);
    const unitVariance = binomial ? rate * (1 - rate) : rate;
    if (!(unitVariance > 0)) return undefined;
    for (const b of grouped) chiSquare += (b.events - b.exposure * rate) ** 2 / (b.exposure * unitVariance);
    degreesOfFreedom += grouped.length - 1;
  }
  return { dispersion: chiSquare / degreesOfFreedom, degreesOfFreedom };
}

/**
 * An upper confidence bound of the dispersion at `confidence`: chi-square over its lower quantile
 * (Wilson-Hilferty's cube-root approximation of the chi-square quantile). For tests that cannot
 * refer their statistic to Student's t, such as the per-minute watcher's mSPRT.
 */
export function dispersionUpperBound(estimate: DispersionEstimate, confidence: number): number {
  const df = estimate.degreesOfFreedom;
  const z = normalQuantile(1 - confidence);
  const q = df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
  return (estimate.dispersion * df) / Math.max(q, 1e-9);
}

/** Sums consecutive buckets into `batches` groups of near-equal length. */
function batch(buckets: readonly Counts[], batches: number): Counts[] {
  const n = buckets.length;
  const k = Math.min(batches, n);
  const out: Counts[] = [];
  for (let b = 0; b < k; b++) {
    const from = Math.floor((b * n) / k);
    const to = Math.floor(((b + 1) * n) / k);
    let events = 0;
    let exposure = 0;
    for (let i = from; i < to; i++) {
      events += buckets[i]!.events;
      exposure += buckets[i]!.exposure;
    }
    out.push({ events, exposure });
  }
  return out;
}
