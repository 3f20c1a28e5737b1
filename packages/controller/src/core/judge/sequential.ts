/**
 * Always-valid monitoring for a canary watched every minute: the mixture sequential probability
 * ratio test (mSPRT) with a normal mixture, as in Johari, Koomen, Pekelis & Walsh, "Always Valid
 * Inference: Continuous Monitoring of A/B Tests", Operations Research 70(3), 2022.
 *
 * For an estimate θ̂ of the difference (canary - control) with variance σ² and a N(θ0, τ²)
 * mixture over the alternative, the likelihood ratio is
 *   Λ = sqrt(σ² / (σ² + τ²)) · exp(τ² (θ̂ - θ0)² / (2 σ² (σ² + τ²))).
 * Ville's inequality makes P(Λ ever >= 1/α under H0) <= α however often it is looked at, so
 * the set {θ0 : Λ < 1/α} is a confidence sequence: the θ̂ ± w below covers the true difference at
 * every look at once. The watcher raises an alarm only when that whole interval lies on the bad
 * side of the non-inferiority margin.
 */

/** Running summary of one group, cumulative since the canary started. */
export type GroupSummary =
  | { kind: 'counts'; events: number; exposure: number }
  | { kind: 'moments'; count: number; sum: number; sumOfSquares: number };

/** Mean and variance of the mean for a group (binomial when events <= exposure, else Poisson). */
function meanAndVariance(g: GroupSummary): { mean: number; variance: number; n: number } {
  if (g.kind === 'counts') {
    if (g.exposure <= 0) return { mean: Number.NaN, variance: Number.NaN, n: 0 };
    const p = g.events / g.exposure;
    const perUnit = g.events <= g.exposure ? p * (1 - p) : p;
    return { mean: p, variance: perUnit / g.exposure, n: g.exposure };
  }
  if (g.count < 2) return { mean: Number.NaN, variance: Number.NaN, n: g.count };
  const mean = g.sum / g.count;
  const sampleVariance = Math.max(0, (g.sumOfSquares - g.count * mean * mean) / (g.count - 1));
  return { mean, variance: sampleVariance / g.count, n: g.count };
}

/**
 * Per-unit mean and variance of the two groups pooled (as under H0: no difference). Counts with
 * events <= exposure are binomial, else Poisson; moments use the pooled sample variance.
 */
export function pooledUnit(canary: GroupSummary, control: GroupSummary): { mean: number; variance: number } {
  if (canary.kind === 'counts' && control.kind === 'counts') {
    const exposure = canary.exposure + control.exposure;
    if (exposure <= 0) return { mean: Number.NaN, variance: Number.NaN };
    const p = (canary.events + control.events) / exposure;
    const binomial = canary.events <= canary.exposure && control.events <= control.exposure;
    return { mean: p, variance: binomial ? p * (1 - p) : p };
  }
  if (canary.kind === 'moments' && control.kind === 'moments') {
    const n = canary.count + control.count;
    if (n < 2) return { mean: Number.NaN, variance: Number.NaN };
    const mean = (canary.sum + control.sum) / n;
    return { mean, variance: Math.max(0, (canary.sumOfSquares + control.sumOfSquares - n * mean * mean) / (n - 1)) };
  }
  return { mean: Number.NaN, variance: Number.NaN };
}

/** One look of the sequential test. */
export interface SequentialLook {
  /** canary - control. */
  difference: number;
  /** Always-valid interval on the difference at this look. */
  confidenceSequence: [number, number];
  /** Λ against θ0 = 0. */
  likelihoodRatio: number;
  /** 1/Λ capped at 1: an always-valid p-value when minimised over looks. */
  pValueBound: number;
  controlMean: number;
}

/**
 * One look of the mSPRT. `mixtureScale` is τ: the size of difference the test is tuned for (the
 * test stays valid for any τ; a τ near the effects of interest detects them soonest).
 */
export function msprtLook(canary: GroupSummary, control: GroupSummary, alpha: number, mixtureScale: number): SequentialLook | undefined {
  const c = meanAndVariance(canary);
  const k = meanAndVariance(control);
  // At a zero (or full) rate the groups' own variances vanish and the look would be undefined:
  // a canary failing every request against a control failing none ran unwatched. The variance
  // under H0 (pooled) stands in whenever it is the larger.
  const pooled = canary.kind === 'counts' ? pooledUnit(canary, control).variance * (1 / c.n + 1 / k.n) : 0;
  const variance = Math.max(c.variance + k.variance, Number.isFinite(pooled) ? pooled : 0);
  if (!(variance > 0) || !(mixtureScale > 0) || Number.isNaN(c.mean) || Number.isNaN(k.mean)) return undefined;
  const tau2 = mixtureScale * mixtureScale;
  const difference = c.mean - k.mean;
  const logLambda = 0.5 * Math.log(variance / (variance + tau2)) + (tau2 * difference * difference) / (2 * variance * (variance + tau2));
  const halfWidth = Math.sqrt(((variance * (variance + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((variance + tau2) / variance)));
  return {
    difference,
    confidenceSequence: [difference - halfWidth, difference + halfWidth],
    likelihoodRatio: Math.exp(logLambda),
    pValueBound: Math.min(1, Math.exp(-logLambda)),
    controlMean: k.mean,
  };
}
