/**
 * Honest power before a canary: for each KPI, the smallest relative effect the final test can
 * detect at the current traffic within the canary window, and whether the configured minimum
 * detectable effect is within reach (below it the judge calls the KPI insufficient, so a guard
 * that cannot reach it makes every canary inconclusive). Pure: the edges measure the traffic.
 */
import { assertNever } from '@vigil/conventions';
import type { AutopilotConfig, KpiDefinition } from './config.js';
import { familyLevels, finalAlpha } from './judge/judge.js';
import { minimumDetectableDifference, minimumSampleSize } from './judge/power.js';

/** A KPI's current traffic, as the edges measured it over a recent window (all variants). */
export type KpiTraffic =
  | { kpi: string; kind: 'counts'; exposurePerMinute: number; rate: number }
  | { kpi: string; kind: 'readings'; readingsPerMinute: number; relativeSd: number; lag1Autocorrelation?: number }
  | { kpi: string; kind: 'unknown'; reason: string };

/** The plan for one KPI. */
export interface KpiPlan {
  kpi: string;
  /** Canary units expected over the window (events' exposure, or readings). */
  canarySize: number;
  /** Smallest relative change detectable (one-sided, Bonferroni over the KPIs, configured power). */
  minimumDetectableEffect: number;
  /** Canary units needed for the configured effect. */
  requiredCanarySize: number;
  /** The configured effect is within reach of this canary. */
  canDecide: boolean;
  note: string;
}

/** Plans the canary of the configured duration and share for every KPI. */
export function planCanary(kpis: readonly KpiDefinition[], config: AutopilotConfig, traffic: readonly KpiTraffic[]): KpiPlan[] {
  const share = config.canaryTrafficShare;
  const allocationRatio = (1 - share) / share;
  const power = config.judge.power;
  const byName = new Map(traffic.map((t) => [t.kpi, t]));
  const levels = familyLevels(kpis, kpis.map((_, i) => i), finalAlpha(config.judge), config.judge);
  return kpis.map((kpi): KpiPlan => {
    // Holm's first step is Bonferroni: the honest level for the KPI that must reject first, within
    // its family (the judge corrects guards and informative KPIs apart, each at its family's level).
    const alpha = levels[kpi.role] / Math.max(1, kpis.filter((k) => k.role === kpi.role).length);
    const t = byName.get(kpi.name) ?? { kpi: kpi.name, kind: 'unknown' as const, reason: 'no traffic measured' };
    let canarySize: number;
    let unitVariance: number;
    let scale: number;
    let efficiency = 1;
    switch (t.kind) {
      case 'counts':
        // Sessions or users as the unit: their requests count for less (the design effect).
        canarySize = (t.exposurePerMinute * share * config.canaryDurationMinutes) / config.judge.designEffect;
        unitVariance = t.rate <= 1 ? t.rate * (1 - t.rate) : t.rate;
        scale = t.rate;
        break;
      case 'readings': {
        // Gauges: the autocorrelated mean test on n (1 - r) / (1 + r) effective readings.
        // Distributions: Mann-Whitney (ARE 3/pi), clustered units at their design effect.
        const r = t.lag1Autocorrelation ?? 0;
        canarySize = kpi.kind === 'gauge' ? (t.readingsPerMinute * config.canaryDurationMinutes * (1 - r)) / (1 + r) : (t.readingsPerMinute * share * config.canaryDurationMinutes) / config.judge.designEffect;
        unitVariance = t.relativeSd * t.relativeSd;
        scale = 1;
        efficiency = kpi.kind === 'gauge' ? 1 : 3 / Math.PI;
        break;
      }
      case 'unknown':
        return { kpi: kpi.name, canarySize: Number.NaN, minimumDetectableEffect: Number.NaN, requiredCanarySize: Number.NaN, canDecide: false, note: `not estimated: ${t.reason}` };
      default:
        return assertNever(t);
    }
    if (!(scale > 0)) {
      return { kpi: kpi.name, canarySize, minimumDetectableEffect: Infinity, requiredCanarySize: Infinity, canDecide: false, note: 'zero baseline: relative effects are undefined (a degradation is still caught by the exact test)' };
    }
    const mde = minimumDetectableDifference({ unitVariance, canarySize, allocationRatio, alpha, power, efficiency }) / scale;
    const required = minimumSampleSize({ unitVariance, delta: kpi.minimumDetectableEffect * scale, allocationRatio, alpha, power, efficiency });
    const canDecide = canarySize >= required;
    const note = canDecide
      ? `detects a ${(mde * 100).toFixed(1)}% change within ${config.canaryDurationMinutes} min`
      : `cannot reach the configured ${(kpi.minimumDetectableEffect * 100).toFixed(1)}% within ${config.canaryDurationMinutes} min: needs ${required} canary units, expects ${Math.round(canarySize)} (about ${(required / canarySize).toFixed(1)}x the traffic or window); every canary will be inconclusive on this KPI`;
    return { kpi: kpi.name, canarySize, minimumDetectableEffect: mde, requiredCanarySize: required, canDecide, note };
  });
}
