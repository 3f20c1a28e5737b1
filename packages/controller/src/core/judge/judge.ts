/**
 * The canary judge: compares control and canary per KPI and classifies the canary.
 * Like Kayenta's, it never fetches: it receives what the fetch stage produced (counts from
 * `increase()` for ratio KPIs, raw samples for distributions and gauges) together with the query,
 * range and step that produced them, which every verdict stores. Unlike Kayenta's Mann-Whitney-only
 * judge it tests ratio KPIs on counts (so a zero baseline is not invisible), carries a direction and
 * a non-inferiority margin per KPI, corrects for several KPIs (Holm), refuses to pass below a
 * power-based minimum sample size, and splits alpha with an always-valid per-minute watcher.
 *
 * One function per stage: {@link testKpi} (classify each metric, before correction),
 * {@link judgeCanary} (correct, classify, score, classify the score), {@link watchCanary}
 * (the per-minute early-stop look).
 */
import { KPI_ROLES } from '@vigil/conventions';
import { assertNever, type JudgeConfig, type KpiDefinition } from '../config.js';
import { effectiveCounts } from './design-effect.js';
import { dispersionUpperBound, estimateDispersion, type CountBuckets } from './dispersion.js';
import { autocorrelatedMeanTest } from './gauge-test.js';
import { discreteHolmAdjust, holmAdjust } from './holm.js';
import { normalQuantile } from './normal.js';
import { hodgesLehmann, mannWhitneyU, sortedCopy, sortedMedian } from './mann-whitney.js';
import { minimumDetectableDifference, minimumSampleSize } from './power.js';
import { studentUpperQuantile } from './student-t.js';
import { poissonRateRatioTest, twoProportionZTest, type Counts } from './rate-tests.js';
import { msprtLook, pooledUnit, type GroupSummary, type SequentialLook } from './sequential.js';

/** The query that produced a KPI's data, passed through so a verdict can be reproduced. */
export interface QueryReference {
  expr: string;
  /** Epoch milliseconds. */
  range: { start: number; end: number };
  stepSeconds: number;
}

/**
 * What the fetch stage produced for one KPI over the canary window. `coverage` is, for readings
 * taken at steps over the window (gauges), the smaller of the two groups' shares of the expected
 * readings; data that is not a time series of readings (counts from `increase()`, histogram
 * buckets) has none. A group whose series is missing is no observation at all, never zero.
 */
export type KpiObservation =
  | { kpi: string; data: 'counts'; control: Counts; canary: Counts; query: QueryReference; buckets?: CountBuckets }
  | { kpi: string; data: 'samples'; control: ArrayLike<number>; canary: ArrayLike<number>; query: QueryReference; coverage?: number };

/** Kayenta's closed set of classifications: canary significantly higher, lower, neither, or unknown. */
export type Verdict = 'pass' | 'high' | 'low' | 'insufficient';

/** The test a verdict came from. */
export type TestName = 'two-proportion-z' | 'poisson-exact-conditional' | 'mann-whitney-u' | 'autocorrelated-mean-t' | 'none';

/** One KPI's verdict with everything needed to audit it. */
export interface KpiVerdict {
  kpi: string;
  verdict: Verdict;
  /** True when the verdict is a degradation beyond the margin (High on lower-is-better, Low on higher-is-better). */
  failed: boolean;
  reason: string;
  test: TestName;
  /** z, the canary's event count (exact test) or U. */
  statistic: number;
  /** One-sided p-value of "canary worse than control by more than the margin", before correction. */
  pValue: number;
  /** Holm-adjusted {@link pValue}. */
  adjustedPValue: number;
  /** One-sided p-value of "canary better than control", Holm-adjusted across KPIs. */
  improvementPValue: number;
  /** Estimate on the test's own scale and its confidence interval. */
  effect: { scale: 'difference' | 'rate-ratio' | 'shift'; estimate: number; confidenceInterval: [number, number] };
  /** (canary - control) / |control|: the relative change used by the score and the optimiser. */
  relativeChange: number;
  effectSize: { name: 'cohens-h' | 'log-rate-ratio' | 'rank-biserial' | 'cohens-d'; value: number };
  /** Smallest relative change detectable at the sample size reached (one-sided, configured power). */
  minimumDetectableEffect: number;
  /** Canary units needed to detect the KPI's configured minimum detectable effect. */
  minimumSampleSize: number;
  sampleSize: { control: number; canary: number };
  /**
   * The variance inflation the test applied when above 1: the declared design effect, or the
   * dispersion estimated from the per-minute counts when that is larger (then with its degrees of
   * freedom, and the z statistic referred to Student's t).
   */
  varianceInflation?: { declared: number; estimated?: number; degreesOfFreedom?: number; used: number };
  controlValue: number;
  canaryValue: number;
  query: QueryReference;
}

/** The canary's classification. */
export type CanaryDecision = 'proceed' | 'rollback' | 'inconclusive';

/** The judge's answer. */
export interface CanaryJudgement {
  decision: CanaryDecision;
  reason: string;
  /** Weighted share (0..100) of KPIs with data that did not fail. */
  score: number;
  verdicts: KpiVerdict[];
  /** Alpha spent by this final analysis (the rest went to the watcher). */
  alpha: number;
}

/** Input of {@link judgeCanary}. */
export interface JudgeInput {
  kpis: readonly KpiDefinition[];
  observations: readonly KpiObservation[];
  /** Share of traffic on the canary (sets the allocation ratio for power). */
  canaryTrafficShare: number;
  config: JudgeConfig;
}

/** A verdict before the multiple-testing correction. */
interface RawTest extends Omit<KpiVerdict, 'verdict' | 'failed' | 'reason' | 'adjustedPValue' | 'improvementPValue'> {
  rawImprovementPValue: number;
  /** The p-values the degradation test could attain, when it is discrete (see discreteHolmAdjust). */
  attainable?: Float64Array;
}

/** The alpha of the final, fixed-horizon analysis. */
export function finalAlpha(config: JudgeConfig): number {
  return config.alpha * (1 - config.sequentialAlphaShare);
}

/** Tests one KPI (no correction yet). `alpha` sets the interval level and the power calculation. */
export function testKpi(kpi: KpiDefinition, observation: KpiObservation, alpha: number, config: JudgeConfig, canaryTrafficShare: number): RawTest {
  const allocationRatio = (1 - canaryTrafficShare) / canaryTrafficShare;
  const confidence = 1 - 2 * alpha; // two-sided interval matching the one-sided test at alpha
  const worse = kpi.direction === 'higher-is-better' ? 'less' : 'greater';
  const better = worse === 'less' ? 'greater' : 'less';
  const marginSign = kpi.direction === 'higher-is-better' ? -1 : 1;
  switch (observation.data) {
    case 'counts': {
      // Sessions or users as the unit: their requests are not independent (Rao-Scott counts).
      // The declared design effect, or the dispersion the per-minute counts show when larger:
      // undeclared clustering is not ignored.
      const estimate = observation.buckets ? estimateDispersion(observation.buckets) : undefined;
      const estimated = estimate && estimate.dispersion > config.designEffect ? estimate : undefined;
      const effect = estimated ? estimated.dispersion : config.designEffect;
      const control = effectiveCounts(observation.control, effect);
      const canary = effectiveCounts(observation.canary, effect);
      const inflation = effect > 1 || estimate ? { varianceInflation: { declared: config.designEffect, ...(estimate ? { estimated: estimate.dispersion, degreesOfFreedom: estimate.degreesOfFreedom } : {}), used: effect } } : {};
      const degreesOfFreedom = estimated ? { degreesOfFreedom: estimated.degreesOfFreedom } : {};
      const p1 = canary.events / canary.exposure;
      const p2 = control.events / control.exposure;
      const proportions = canary.events <= canary.exposure && control.events <= control.exposure;
      const cells = [canary.events, canary.exposure - canary.events, control.events, control.exposure - control.events];
      const useZ = proportions && Math.min(...cells) >= 10;
      const pooled = Math.max((canary.events + control.events) / (canary.exposure + control.exposure), 0.5 / (canary.exposure + control.exposure));
      const unitVariance = proportions ? pooled * (1 - pooled) : pooled;
      const base = {
        kpi: kpi.name,
        sampleSize: { control: control.exposure, canary: canary.exposure },
        controlValue: p2,
        canaryValue: p1,
        relativeChange: p2 === 0 ? (p1 === 0 ? 0 : Infinity) : (p1 - p2) / p2,
        minimumSampleSize: minimumSampleSize({ unitVariance, delta: kpi.minimumDetectableEffect * pooled, allocationRatio, alpha, power: config.power }),
        minimumDetectableEffect: minimumDetectableDifference({ unitVariance, canarySize: canary.exposure, allocationRatio, alpha, power: config.power }) / pooled,
        query: observation.query,
        ...inflation,
      };
      if (canary.exposure <= 0 || control.exposure <= 0) return noData(kpi, observation);
      if (useZ) {
        const worseTest = twoProportionZTest(canary, control, { alternative: worse, delta0: marginSign * kpi.nonInferiorityMargin * p2, confidence, ...degreesOfFreedom });
        const betterTest = twoProportionZTest(canary, control, { alternative: better, confidence, ...degreesOfFreedom });
        const h = 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p2));
        return {
          ...base,
          test: 'two-proportion-z',
          statistic: worseTest.statistic,
          pValue: worseTest.pValue,
          rawImprovementPValue: betterTest.pValue,
          effect: { scale: 'difference', estimate: worseTest.estimate, confidenceInterval: worseTest.confidenceInterval },
          effectSize: { name: 'cohens-h', value: h },
        };
      }
      if (proportions && kpi.direction === 'higher-is-better') {
        // A success rate with rare failures: the exact test must count the failures. On the
        // successes it sees a near-certain ratio of 1 and passes a canary failing 4x as often.
        // Non-inferiority p1 >= p2 (1 - m) is, on failure rates, f1 <= f2 + m p2.
        const failures = (c: Counts): Counts => ({ events: c.exposure - c.events, exposure: c.exposure });
        const f2 = 1 - p2;
        const ratio0 = f2 > 0 ? 1 + (kpi.nonInferiorityMargin * p2) / f2 : 1;
        // The estimate is then the failure-rate ratio (canary / control): above 1 is worse.
        return { ...base, ...poissonComparison(failures(canary), failures(control), 'greater', ratio0, confidence) };
      }
      return { ...base, ...poissonComparison(canary, control, worse, 1 + marginSign * kpi.nonInferiorityMargin, confidence) };
    }
    case 'samples': {
      if (observation.control.length === 0 || observation.canary.length === 0) return noData(kpi, observation);
      if (kpi.kind === 'gauge') return testGauge(kpi, observation, alpha, config, allocationRatio, confidence);
      const sx = sortedCopy(observation.canary);
      const sy = sortedCopy(observation.control);
      const controlMedian = sortedMedian(sy);
      const canaryMedian = sortedMedian(sx);
      const shift0 = marginSign * kpi.nonInferiorityMargin * Math.abs(controlMedian);
      // Clustered units: the rank statistic's variance is inflated by the declared design effect
      // (its requests' latencies resemble one another as their outcomes do).
      const varianceInflation = config.designEffect;
      const worseTest = mannWhitneyU(sx, sy, { alternative: worse, shift: shift0, exactMaxN: config.exactMannWhitneyMaxN, presorted: true, varianceInflation });
      const betterTest = shift0 === 0 ? null : mannWhitneyU(sx, sy, { alternative: better, exactMaxN: config.exactMannWhitneyMaxN, presorted: true, varianceInflation });
      const plain = betterTest ?? worseTest;
      const rawImprovementPValue = betterTest ? betterTest.pValue : 1 - worseTest.pValue;
      const hl = hodgesLehmann(sx, sy, confidence, varianceInflation);
      const deviations = sortedCopy(Array.from(sy, (v) => Math.abs(v - controlMedian)));
      const robustSd = 1.4826 * sortedMedian(deviations);
      const scale = Math.abs(controlMedian) > 0 ? Math.abs(controlMedian) : robustSd > 0 ? robustSd : 1;
      const unitVariance = robustSd > 0 ? robustSd * robustSd : scale * scale;
      const efficiency = 3 / Math.PI;
      return {
        kpi: kpi.name,
        test: 'mann-whitney-u',
        statistic: worseTest.u,
        pValue: worseTest.pValue,
        rawImprovementPValue,
        effect: { scale: 'shift', estimate: hl.shift, confidenceInterval: hl.confidenceInterval },
        relativeChange: hl.shift / scale,
        effectSize: { name: 'rank-biserial', value: plain.rankBiserial },
        minimumDetectableEffect: minimumDetectableDifference({ unitVariance: unitVariance * varianceInflation, canarySize: sx.length, allocationRatio, alpha, power: config.power, efficiency }) / scale,
        minimumSampleSize: minimumSampleSize({ unitVariance: unitVariance * varianceInflation, delta: kpi.minimumDetectableEffect * scale, allocationRatio, alpha, power: config.power, efficiency }),
        sampleSize: { control: sy.length, canary: sx.length },
        ...(varianceInflation > 1 ? { varianceInflation: { declared: varianceInflation, used: varianceInflation } } : {}),
        controlValue: controlMedian,
        canaryValue: canaryMedian,
        query: observation.query,
      };
    }
    default:
      return assertNever(observation);
  }
}

/**
 * The exact conditional Poisson comparison: `worse` is the one-sided alternative that means a
 * regression (tested against the non-inferiority ratio `ratio0`), the opposite side gives the
 * improvement p-value.
 */
function poissonComparison(canary: Counts, control: Counts, worse: 'less' | 'greater', ratio0: number, confidence: number): Pick<RawTest, 'test' | 'statistic' | 'pValue' | 'rawImprovementPValue' | 'effect' | 'effectSize' | 'attainable'> {
  const worseTest = poissonRateRatioTest(canary, control, { alternative: worse, ratio0, confidence });
  const betterTest = poissonRateRatioTest(canary, control, { alternative: worse === 'less' ? 'greater' : 'less', confidence });
  return {
    test: 'poisson-exact-conditional',
    statistic: worseTest.statistic,
    pValue: worseTest.pValue,
    rawImprovementPValue: betterTest.pValue,
    effect: { scale: 'rate-ratio', estimate: worseTest.estimate, confidenceInterval: worseTest.confidenceInterval },
    effectSize: { name: 'log-rate-ratio', value: Math.log(worseTest.estimate) },
    ...(worseTest.attainablePValues ? { attainable: worseTest.attainablePValues } : {}),
  };
}

/** Gauge readings: means compared with autocorrelation-inflated variances (see gauge-test.ts). */
function testGauge(kpi: KpiDefinition, observation: Extract<KpiObservation, { data: 'samples' }>, alpha: number, config: JudgeConfig, allocationRatio: number, confidence: number): RawTest {
  const worse = kpi.direction === 'higher-is-better' ? 'less' : 'greater';
  const better = worse === 'less' ? 'greater' : 'less';
  const marginSign = kpi.direction === 'higher-is-better' ? -1 : 1;
  let controlMean = 0;
  for (let i = 0; i < observation.control.length; i++) controlMean += observation.control[i]! / observation.control.length;
  let canaryMean = 0;
  for (let i = 0; i < observation.canary.length; i++) canaryMean += observation.canary[i]! / observation.canary.length;
  const worseTest = autocorrelatedMeanTest(observation.canary, observation.control, { alternative: worse, delta0: marginSign * kpi.nonInferiorityMargin * Math.abs(controlMean), confidence });
  const betterTest = autocorrelatedMeanTest(observation.canary, observation.control, { alternative: better, confidence });
  const scale = Math.abs(controlMean) > 0 ? Math.abs(controlMean) : 1;
  // Unit variance per effective reading, from the test's standard error.
  const se = worseTest.standardError;
  const unitVariance = (se * se) / (1 / worseTest.effectiveSize.canary + 1 / worseTest.effectiveSize.control);
  // The power formulas are normal-theory; on few effective readings the t test needs more, as if
  // it were this much less efficient than a z test.
  const df = worseTest.degreesOfFreedom;
  const efficiency = ((normalQuantile(1 - alpha) + normalQuantile(config.power)) / (studentUpperQuantile(alpha, df) + studentUpperQuantile(1 - config.power, df))) ** 2;
  return {
    kpi: kpi.name,
    test: 'autocorrelated-mean-t',
    statistic: worseTest.statistic,
    pValue: worseTest.pValue,
    rawImprovementPValue: betterTest.pValue,
    effect: { scale: 'difference', estimate: worseTest.estimate, confidenceInterval: worseTest.confidenceInterval },
    relativeChange: worseTest.estimate / scale,
    effectSize: { name: 'cohens-d', value: unitVariance > 0 ? worseTest.estimate / Math.sqrt(unitVariance) : Number.NaN },
    minimumDetectableEffect: minimumDetectableDifference({ unitVariance, canarySize: worseTest.effectiveSize.canary, allocationRatio: worseTest.effectiveSize.control / worseTest.effectiveSize.canary, alpha, power: config.power, efficiency }) / scale,
    minimumSampleSize: minimumSampleSize({ unitVariance, delta: kpi.minimumDetectableEffect * scale, allocationRatio, alpha, power: config.power, efficiency }),
    sampleSize: { control: worseTest.effectiveSize.control, canary: worseTest.effectiveSize.canary },
    controlValue: controlMean,
    canaryValue: canaryMean,
    query: observation.query,
  };
}

function noData(kpi: KpiDefinition, observation: KpiObservation): RawTest {
  return {
    kpi: kpi.name,
    test: 'none',
    statistic: Number.NaN,
    pValue: 1,
    rawImprovementPValue: 1,
    effect: { scale: observation.data === 'counts' ? 'difference' : 'shift', estimate: Number.NaN, confidenceInterval: [Number.NaN, Number.NaN] },
    relativeChange: Number.NaN,
    effectSize: { name: observation.data === 'counts' ? 'cohens-h' : 'rank-biserial', value: Number.NaN },
    minimumDetectableEffect: Infinity,
    minimumSampleSize: Infinity,
    sampleSize: { control: 0, canary: 0 },
    controlValue: Number.NaN,
    canaryValue: Number.NaN,
    query: observation.query,
  };
}

/**
 * Judges a finished canary: tests every KPI, Holm-corrects the degradation tests (and, apart,
 * the improvement tests) at the final alpha, classifies each KPI, scores, and classifies the score.
 * A KPI without an observation is Insufficient; Insufficient is never a pass and never a failure.
 */
export function judgeCanary(input: JudgeInput): CanaryJudgement {
  const alpha = finalAlpha(input.config);
  const byName = new Map(input.observations.map((o) => [o.kpi, o]));
  const raws = input.kpis.map((kpi) => {
    const observation = byName.get(kpi.name);
    return observation ? testKpi(kpi, observation, alpha, input.config, input.canaryTrafficShare) : undefined;
  });
  // Only KPIs with enough data enter the correction: a KPI that cannot be judged spends no alpha.
  const tested = raws.flatMap((r, i) => (r && r.test !== 'none' && coverageOf(byName.get(input.kpis[i]!.name)) >= input.config.minimumCoverage ? [i] : []));
  // Harm is corrected within two families: the must-not-degrade guards, and the informative KPIs.
  // A guard's breach must not be diluted by the informative KPIs listed beside it (0 vs 3 failures,
  // exact p = 0.008, was 0.032 after Holm over four KPIs, and then "insufficient" at that size).
  // Within a family the correction is Holm for discrete tests: a guard with too few events to ever
  // reach the level spends none of it (four guards, three of them quiet, kept 0 vs 3 from failing).
  const familyAlpha = familyLevels(input.kpis, tested, alpha, input.config);
  const adjustedWorse = new Array<number>(tested.length).fill(1);
  for (const role of KPI_ROLES) {
    const family = tested.flatMap((index, position) => (input.kpis[index]!.role === role ? [position] : []));
    const adjusted = discreteHolmAdjust(family.map((position) => {
      const raw = raws[tested[position]!]!;
      return raw.attainable ? { p: raw.pValue, attainable: raw.attainable } : { p: raw.pValue };
    }));
    family.forEach((position, k) => (adjustedWorse[position] = adjusted[k]!));
  }
  const adjustedBetter = holmAdjust(tested.map((i) => raws[i]!.rawImprovementPValue));
  const verdicts = input.kpis.map((kpi, i): KpiVerdict => {
    const raw = raws[i];
    const position = tested.indexOf(i);
    const coverage = coverageOf(byName.get(kpi.name));
    if (raw && raw.test !== 'none' && coverage < input.config.minimumCoverage) {
      const { rawImprovementPValue: _unused, attainable: _support, ...rest } = raw;
      return { ...rest, verdict: 'insufficient', failed: false, reason: `data coverage ${(coverage * 100).toFixed(0)}% of the canary window, below the ${(input.config.minimumCoverage * 100).toFixed(0)}% needed`, adjustedPValue: 1, improvementPValue: 1 };
    }
    if (!raw || position < 0) {
      const empty = raw ?? noData(kpi, { kpi: kpi.name, data: 'counts', control: { events: 0, exposure: 0 }, canary: { events: 0, exposure: 0 }, query: { expr: kpi.query, range: { start: 0, end: 0 }, stepSeconds: 0 } });
      const { rawImprovementPValue: _unused, attainable: _support, ...rest } = empty;
      return { ...rest, verdict: 'insufficient', failed: false, reason: 'no data for the canary window', adjustedPValue: 1, improvementPValue: 1 };
    }
    const { rawImprovementPValue: _unused, attainable: _support, ...rest } = raw;
    const adjustedPValue = adjustedWorse[position]!;
    const improvementPValue = adjustedBetter[position]!;
    const badVerdict: Verdict = kpi.direction === 'higher-is-better' ? 'low' : 'high';
    const goodVerdict: Verdict = badVerdict === 'low' ? 'high' : 'low';
    const margin = kpi.nonInferiorityMargin > 0 ? ` by more than the ${(kpi.nonInferiorityMargin * 100).toFixed(1)}% margin` : '';
    const level = familyAlpha[kpi.role];
    if (adjustedPValue <= level) {
      return { ...rest, verdict: badVerdict, failed: true, reason: `canary worse than control${margin} (Holm-adjusted p = ${fmt(adjustedPValue)} <= ${fmt(level)})`, adjustedPValue, improvementPValue };
    }
    if (raw.sampleSize.canary < raw.minimumSampleSize) {
      return { ...rest, verdict: 'insufficient', failed: false, reason: `canary sample ${raw.sampleSize.canary} below the ${raw.minimumSampleSize} needed to detect a ${(kpi.minimumDetectableEffect * 100).toFixed(1)}% change`, adjustedPValue, improvementPValue };
    }
    if (improvementPValue <= alpha) {
      return { ...rest, verdict: goodVerdict, failed: false, reason: `canary better than control (Holm-adjusted p = ${fmt(improvementPValue)})`, adjustedPValue, improvementPValue };
    }
    return { ...rest, verdict: 'pass', failed: false, reason: `no degradation${margin} detected; minimum detectable effect ${(raw.minimumDetectableEffect * 100).toFixed(2)}%`, adjustedPValue, improvementPValue };
  });
  return { ...scoreVerdicts(input.kpis, verdicts, input.config), verdicts, alpha };
}

/**
 * The final alpha of each harm family. Guards roll a canary back on their own; informative KPIs
 * only through the score. When failing every informative KPI with data could bring the score
 * under the marginal threshold while every guard passes, a false informative failure can roll
 * back a null change too: the final alpha is then split between the two families (Bonferroni),
 * so a false rollback from either stays within it. Otherwise each family has the whole of it.
 */
export function familyLevels(kpis: readonly KpiDefinition[], tested: readonly number[], alpha: number, config: JudgeConfig): Record<KpiDefinition['role'], number> {
  let guardWeight = 0;
  let informativeWeight = 0;
  for (const i of tested) {
    const kpi = kpis[i]!;
    if (kpi.role === 'must-not-degrade') guardWeight += kpi.weight;
    else informativeWeight += kpi.weight;
  }
  const informativeCanRollBack = guardWeight > 0 && informativeWeight > 0 && (100 * guardWeight) / (guardWeight + informativeWeight) < config.marginalThreshold;
  const level = informativeCanRollBack ? alpha / 2 : alpha;
  return { 'must-not-degrade': level, informative: level };
}

/** Classifies the score: Kayenta's pass/marginal thresholds, plus hard rules for must-not-degrade KPIs. */
export function scoreVerdicts(kpis: readonly KpiDefinition[], verdicts: readonly KpiVerdict[], config: JudgeConfig): { decision: CanaryDecision; reason: string; score: number } {
  let total = 0;
  let good = 0;
  for (const [i, kpi] of kpis.entries()) {
    const v = verdicts[i]!;
    if (v.verdict === 'insufficient') continue;
    total += kpi.weight;
    if (!v.failed) good += kpi.weight;
  }
  const score = total === 0 ? 0 : (100 * good) / total;
  const failedGuard = kpis.find((kpi, i) => kpi.role === 'must-not-degrade' && verdicts[i]!.failed);
  if (failedGuard) return { decision: 'rollback', reason: `must-not-degrade KPI ${failedGuard.name} degraded`, score };
  if (total === 0) return { decision: 'inconclusive', reason: 'no KPI had enough data', score };
  const missingGuard = kpis.find((kpi, i) => kpi.role === 'must-not-degrade' && verdicts[i]!.verdict === 'insufficient');
  if (missingGuard) return { decision: 'inconclusive', reason: `must-not-degrade KPI ${missingGuard.name} has insufficient data`, score };
  if (score >= config.passThreshold) return { decision: 'proceed', reason: `score ${score.toFixed(1)} >= ${config.passThreshold}`, score };
  if (score < config.marginalThreshold) return { decision: 'rollback', reason: `score ${score.toFixed(1)} < ${config.marginalThreshold}`, score };
  return { decision: 'inconclusive', reason: `score ${score.toFixed(1)} between ${config.marginalThreshold} and ${config.passThreshold}`, score };
}

/**
 * The mSPRT's mixing scale τ for one KPI: the configured relative effect of the control's mean, or
 * of the pooled per-unit standard deviation when that is larger. The standard deviation keeps τ
 * away from zero at a zero baseline (where 5% of 0 made every look undefined) and useful for rare
 * events (5% of a 0.1% error rate is far below any effect worth stopping for).
 */
function mixtureScale(o: WatchObservation, relativeEffect: number): number {
  const control = o.control;
  const controlMean = control.kind === 'counts' ? control.events / control.exposure : control.sum / control.count;
  const pooled = pooledUnit(o.canary, o.control);
  const scale = Math.max(Number.isFinite(controlMean) ? Math.abs(controlMean) : 0, Number.isFinite(pooled.variance) ? Math.sqrt(pooled.variance) : 0);
  return relativeEffect * scale;
}

/**
 * Counts divided by the design effect (the final window's: early in the canary units have sent
 * fewer requests, so the watcher's inflation errs on the safe side), or by the dispersion the
 * per-minute counts show so far when larger; moments (latency) have their count divided by it,
 * which inflates the variance of their mean alike.
 */
function clustered(o: WatchObservation, declared: number): WatchObservation {
  const estimate = o.buckets ? estimateDispersion(o.buckets) : undefined;
  const effect = Math.max(declared, estimate ? dispersionUpperBound(estimate, WATCH_DISPERSION_CONFIDENCE) : 1);
  if (!(effect > 1)) return o;
  const scale = (g: GroupSummary): GroupSummary =>
    g.kind === 'counts' ? { kind: 'counts', ...effectiveCounts(g, effect) } : { kind: 'moments', count: g.count / effect, sum: g.sum / effect, sumOfSquares: g.sumOfSquares / effect };
  return { kpi: o.kpi, control: scale(o.control), canary: scale(o.canary) };
}

function coverageOf(observation: KpiObservation | undefined): number {
  return observation?.data === 'samples' && observation.coverage !== undefined ? observation.coverage : 1;
}

function fmt(p: number): string {
  return p < 1e-4 ? p.toExponential(2) : p.toFixed(4);
}

/**
 * The watcher's mSPRT has no t reference for an estimated variance: it takes the dispersion's upper
 * confidence bound at this level instead of the point estimate.
 */
const WATCH_DISPERSION_CONFIDENCE = 0.9;

/** Cumulative summaries for one KPI at one per-minute look. */
export interface WatchObservation {
  kpi: string;
  control: GroupSummary;
  canary: GroupSummary;
  /** Per-minute counts of each arm since the canary started (count KPIs), for the estimated dispersion. */
  buckets?: CountBuckets;
}

/** Result of one per-minute look. */
export interface WatchResult {
  /** The first must-not-degrade KPI whose confidence sequence lies wholly beyond its margin on the bad side. */
  alarm: { kpi: string; look: SequentialLook } | undefined;
  looks: { kpi: string; look: SequentialLook | undefined }[];
  /** Alpha per KPI (the watcher's share, Bonferroni over the must-not-degrade KPIs). */
  alphaPerKpi: number;
}

/**
 * One per-minute look at a running canary. Valid under any number of looks (mSPRT confidence
 * sequences). Only must-not-degrade KPIs can stop a canary early, and only for degradation.
 */
export function watchCanary(kpis: readonly KpiDefinition[], observations: readonly WatchObservation[], config: JudgeConfig): WatchResult {
  // Gauge readings are autocorrelated: the watcher's plug-in variance would false-alarm far
  // above its alpha (48.6% at AR(1) rho 0.8), so gauges are judged only at the end.
  const guarded = kpis.filter((k) => k.role === 'must-not-degrade' && k.kind !== 'gauge');
  const alphaPerKpi = (config.alpha * config.sequentialAlphaShare) / Math.max(1, guarded.length);
  const byName = new Map(observations.map((o) => [o.kpi, o]));
  const looks: WatchResult['looks'] = [];
  let alarm: WatchResult['alarm'];
  for (const kpi of guarded) {
    const o = byName.get(kpi.name);
    if (!o) continue;
    const effective = clustered(o, config.designEffect);
    const look = msprtLook(effective.canary, effective.control, alphaPerKpi, mixtureScale(effective, config.sequentialMixtureEffect));
    looks.push({ kpi: kpi.name, look });
    if (!look || alarm) continue;
    const margin = kpi.nonInferiorityMargin * Math.abs(look.controlMean);
    const beyond = kpi.direction === 'higher-is-better' ? look.confidenceSequence[1] < -margin : look.confidenceSequence[0] > margin;
    if (beyond) alarm = { kpi: kpi.name, look };
  }
  return { alarm, looks, alphaPerKpi };
}
