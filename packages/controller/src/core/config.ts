/**
 * The autopilot's typed configuration and its defaults (from the VVTV P4 design, `autopilot:` block).
 * The edges parse the parameters file, reject unknown keys and apply these defaults once; the core
 * receives a complete {@link AutopilotConfig} and never looks up a string or buries a default.
 * The KPI closed sets and the defaults shared with the definitions are the contract in
 * `@vigil/conventions`; they are re-exported here for the core's modules.
 */
import { AUTOPILOT_CONTRACT_DEFAULTS as CONTRACT, type InconclusivePolicy, type KpiDirection, type KpiKind, type KpiRole, type ParameterType } from '@vigil/conventions';

export { assertNever, KPI_DEFAULTS } from '@vigil/conventions';
export type { KpiDefaults, KpiDirection, KpiKind, KpiRole } from '@vigil/conventions';

/** One KPI the autopilot optimises and guards. */
export interface KpiDefinition {
  /** Stable name, e.g. `error_rate`. */
  name: string;
  /** The PromQL the edges run for it (stored with every verdict; the core never runs it). */
  query: string;
  direction: KpiDirection;
  /** Relative weight in the canary score and in the optimiser's objective (> 0). */
  weight: number;
  role: KpiRole;
  kind: KpiKind;
  /**
   * Non-inferiority margin, relative to the control (0.02 = the canary may be up to 2% worse
   * before the degradation counts). 0 means any significant degradation fails.
   */
  nonInferiorityMargin: number;
  /** Smallest relative effect the canary must be able to see (sets the minimum sample size). */
  minimumDetectableEffect: number;
}


export type { InconclusivePolicy };

/** One tunable parameter of the business-logic file. */
export interface ParameterDefinition {
  name: string;
  /** Dotted path in the parameters file (the edges read and write it; the core only carries it). */
  path: string;
  type: ParameterType;
  /** Bounds the autopilot starts with; sliding bounds move from here. */
  initialBounds: { min: number; max: number };
  /** Hard limits the sliding bounds never cross (e.g. 0..1 for a probability). */
  limits: { min: number; max: number };
  /** One base step of the optimiser, in the parameter's unit (> 0). */
  step: number;
}

/** Sliding bounds (design: `sliding_bounds`). */
export interface SlidingBoundsConfig {
  /** Relative widening of a range per full week of stability (0.05 = +5% of its width). */
  expansionRatePerWeek: number;
  /** Relative narrowing of a range after a rollback (0.25 = -25% of its width). */
  contractionRateAfterRollback: number;
  /** Days without rollback before a parameter counts as stable again. */
  stabilityThresholdDays: number;
  /** Rollbacks (not yet forgiven by stability) after which a parameter is frozen. */
  rollbackThreshold: number;
  antiWindupEnabled: boolean;
  /** Momentum cap: a step grows by one base step per consecutive promoted move, up to this many. */
  maxMomentum: number;
}

/** Drift guards (design: `drift_monitoring`). */
export interface DriftConfig {
  /** Mean absolute relative error of predicted vs realised KPI change that counts as drift (%). */
  predictionErrorThresholdPct: number;
  /** Share of decided cycles that rolled back that counts as drift (%). */
  rollbackRateThresholdPct: number;
  monitoringWindowDays: number;
  /** First pause; doubles on each repeat. */
  pauseDurationHours: number;
  maxPauseDurationDays: number;
  /** Decided cycles needed in the window before a rate or error is judged (ours, not in the design). */
  minimumCycles: number;
}

/** Weekly triage (design: `incident_triage`). */
export interface TriageConfig {
  /** Day (0 = Sunday) and time of the weekly run, UTC. */
  weeklySchedule: { dayOfWeek: number; hour: number; minute: number };
  analysisWindowDays: number;
  failureThresholdForPatch: number;
}

/** The canary judge. */
export interface JudgeConfig {
  /** Family-wise error rate for a canary (1 - statistical_confidence_threshold). */
  alpha: number;
  /** Share of alpha spent by the per-minute sequential watcher; the rest goes to the final test. */
  sequentialAlphaShare: number;
  /** Power used for the minimum sample size. */
  power: number;
  /** Weighted score (0..100) at or above which the canary passes. */
  passThreshold: number;
  /** Weighted score below which the canary fails; between the two it is inconclusive. */
  marginalThreshold: number;
  /** mSPRT mixing scale, as a relative effect of the control (the effect the watcher is tuned for). */
  sequentialMixtureEffect: number;
  /**
   * Variance inflation of count KPIs for the unit of randomization (1 for requests; for sessions
   * or users 1 + (requests per unit - 1) x intra-cluster correlation): counts are divided by it
   * before every count test (Rao-Scott), final and per-minute.
   */
  designEffect: number;
  /** Use the exact Mann-Whitney distribution when both groups are at most this size and untied. */
  exactMannWhitneyMaxN: number;
  /**
   * Share of the canary window's expected readings each group must have before a time-series KPI
   * is judged (a gauge read every minute for 60 minutes expects 61); below it the KPI is insufficient.
   */
  minimumCoverage: number;
}

/** Pre-canary gates. */
export interface ValidationConfig {
  /** Block when any benchmark regresses more than this share vs its baseline (0.2 = 20%). */
  maxBenchmarkRegression: number;
}

/** The whole autopilot configuration. */
export interface AutopilotConfig {
  enabled: boolean;
  /** Daily cycle time, UTC. */
  dailySchedule: { hour: number; minute: number };
  canaryDurationMinutes: number;
  /** Share of traffic the canary receives (0.2 = 20%). */
  canaryTrafficShare: number;
  statisticalConfidence: number;
  /** Limit for the work phases of a cycle (analysis, proposal, validation), canary window excluded. */
  maxExecutionMinutes: number;
  emergencyPause: boolean;
  /** After an operator changes parameters by hand, the autopilot keeps off for this long. */
  manualOverrideHours: number;
  /** Parameters changed in one cycle (ours: keeps effects attributable). */
  maxParametersPerCycle: number;
  /** Share of the KPI window that must be covered by data before analysis decides anything. */
  minimumDataCoverage: number;
  /** How far back the analysis reads the KPIs before proposing (design: the last 24 h). */
  analysisWindowMinutes: number;
  /**
   * Consecutive per-minute looks at a canary without data for a must-not-degrade KPI (a query
   * failed or a series is missing) after which the canary is reverted (Argo's consecutive error
   * limit): a canary never runs unwatched.
   */
  maxConsecutiveQueryErrors: number;
  /** Minutes after a canary starts before the per-minute watcher looks (warm-up). */
  canaryInitialDelayMinutes: number;
  onInconclusive: InconclusivePolicy;
  slidingBounds: SlidingBoundsConfig;
  drift: DriftConfig;
  triage: TriageConfig;
  judge: JudgeConfig;
  validation: ValidationConfig;
}

/** The design's defaults, typed: the contract's ({@link CONTRACT}) in the core's units, plus the core's own. */
export const AUTOPILOT_DEFAULTS: Readonly<AutopilotConfig> = Object.freeze({
  enabled: CONTRACT.enabled,
  dailySchedule: CONTRACT.daily,
  canaryDurationMinutes: CONTRACT.canary.duration.seconds / 60,
  canaryTrafficShare: CONTRACT.canary.trafficPercent / 100,
  statisticalConfidence: CONTRACT.canary.confidence,
  maxExecutionMinutes: CONTRACT.maxCycle.seconds / 60,
  emergencyPause: false,
  manualOverrideHours: CONTRACT.manualOverride.seconds / 3600,
  maxParametersPerCycle: CONTRACT.maxParametersPerCycle,
  minimumDataCoverage: 0.9,
  analysisWindowMinutes: CONTRACT.analysisWindow.seconds / 60,
  maxConsecutiveQueryErrors: CONTRACT.canary.maxQueryErrors,
  canaryInitialDelayMinutes: 0,
  onInconclusive: CONTRACT.canary.onInconclusive,
  slidingBounds: {
    expansionRatePerWeek: CONTRACT.slidingBounds.expansionPerWeek,
    contractionRateAfterRollback: CONTRACT.slidingBounds.contractionAfterRollback,
    stabilityThresholdDays: CONTRACT.slidingBounds.stabilityDays,
    rollbackThreshold: CONTRACT.slidingBounds.rollbackThreshold,
    antiWindupEnabled: CONTRACT.slidingBounds.antiWindup,
    maxMomentum: 3,
  },
  drift: {
    predictionErrorThresholdPct: CONTRACT.drift.predictionErrorPercent,
    rollbackRateThresholdPct: CONTRACT.drift.rollbackRatePercent,
    monitoringWindowDays: CONTRACT.drift.window.seconds / 86_400,
    pauseDurationHours: CONTRACT.drift.pause.seconds / 3600,
    maxPauseDurationDays: CONTRACT.drift.maxPause.seconds / 86_400,
    minimumCycles: 5,
  },
  triage: {
    weeklySchedule: CONTRACT.triage.weekly,
    analysisWindowDays: CONTRACT.triage.window.seconds / 86_400,
    failureThresholdForPatch: CONTRACT.triage.patchAfter,
  },
  judge: {
    alpha: 0.05,
    sequentialAlphaShare: 0.5,
    power: 0.8,
    passThreshold: 95,
    marginalThreshold: 75,
    sequentialMixtureEffect: 0.05,
    designEffect: 1,
    exactMannWhitneyMaxN: 50,
    minimumCoverage: 0.9,
  },
  validation: { maxBenchmarkRegression: CONTRACT.maxBenchmarkRegression },
});
