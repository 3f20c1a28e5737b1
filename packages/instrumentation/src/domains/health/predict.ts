/** A health check's failing bound: the value at which it fails, and on which side. */
export interface FailingBound {
  readonly value: number;
  /** `above`: failing once the value rises past the bound (latency, pool use); `below`: once it falls under it (free disk). */
  readonly direction: 'above' | 'below';
}

/** One observation of a check's value, at a time in seconds. */
export interface TrendSample {
  readonly at: number;
  readonly value: number;
}

/** A check's trend towards its bound. */
export type TrendPrediction =
  | { readonly kind: 'breached' }
  | { readonly kind: 'approaching'; readonly secondsToBound: number; readonly slopePerSecond: number }
  | { readonly kind: 'stable' }
  | { readonly kind: 'insufficient_data' };

/** Samples needed before a trend is fitted. */
export const MIN_TREND_SAMPLES = 3;

/**
 * Fits a least-squares line to the samples and says when it reaches the bound: `breached` if
 * the last value is already past it, `approaching` with the seconds left if the line moves
 * towards it, `stable` if it moves away or is flat. A linear fit: it warns of a steady drift
 * (a filling disk, a growing queue), not of a sudden failure.
 */
export function predictBreach(samples: readonly TrendSample[], bound: FailingBound): TrendPrediction {
  const finite = samples.filter((s) => Number.isFinite(s.at) && Number.isFinite(s.value));
  const last = finite[finite.length - 1];
  if (last === undefined) return { kind: 'insufficient_data' };
  const past = bound.direction === 'above' ? last.value >= bound.value : last.value <= bound.value;
  if (past) return { kind: 'breached' };
  if (finite.length < MIN_TREND_SAMPLES) return { kind: 'insufficient_data' };
  const n = finite.length;
  const meanT = finite.reduce((sum, s) => sum + s.at, 0) / n;
  const meanV = finite.reduce((sum, s) => sum + s.value, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of finite) {
    covariance += (s.at - meanT) * (s.value - meanV);
    variance += (s.at - meanT) ** 2;
  }
  if (variance === 0) return { kind: 'insufficient_data' };
  const slope = covariance / variance;
  const towards = bound.direction === 'above' ? slope > 0 : slope < 0;
  if (!towards) return { kind: 'stable' };
  // Where the fitted line stands now, and how long it takes to reach the bound from there.
  const fittedNow = meanV + slope * (last.at - meanT);
  return { kind: 'approaching', secondsToBound: Math.max(0, (bound.value - fittedNow) / slope), slopePerSecond: slope };
}
