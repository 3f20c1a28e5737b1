/**
 * The autopilot's typed configuration and its defaults (from the VVTV P4 design, `autopilot:` block).
 * The edges parse the parameters file, reject unknown keys and apply these defaults once; the core
 * receives a complete {@link AutopilotConfig} and never looks up a string or buries a default.
 */

/** Whether a larger value of a KPI is better or worse. */
export type KpiDirection = 'higher-is-better' | 'lower-is-better';

/** A must-not-degrade KPI blocks a promotion on its own; an informative one only moves the score. */
export type KpiRole = 'must-not-degrade' | 'informative';

/**
 * How a KPI is measured, which decides its test:
 * `ratio` (events over exposure, e.g. errors/requests from `increase()`),
 * `distribution` (raw samples, e.g. latencies), `gauge` (per-interval readings, compared as samples).
 */
export type KpiKind = 'ratio' | 'distribution' | 'gauge';

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

/**
 * What an inconclusive canary leads to. It is always reverted and recorded for triage; `pause`
 * (the default, as Argo Rollouts pauses for a person) also stops new cycles until an operator
 * resumes, `notify` posts an event for a person and carries on, `revert` only logs it.
 */
export type InconclusivePolicy = 'pause' | 'revert' | 'notify';

/** One tunable parameter of the business-logic file. */
export interface ParameterDefinition {
  name: string;
  /** Dotted path in the parameters file (the edges read and write it; the core only carries it). */
  path: string;
  type: 'int' | 'float';
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

/** Defaults for KPI fields the parameters file may omit. */
export interface KpiDefaults {
  weight: number;
  role: KpiRole;
  nonInferiorityMargin: number;
  minimumDetectableEffect: number;
}

/** The design's defaults, typed. */
export const AUTOPILOT_DEFAULTS: Readonly<AutopilotConfig> = Object.freeze({
  enabled: true,
  dailySchedule: { hour: 3, minute: 0 },
  canaryDurationMinutes: 60,
  canaryTrafficShare: 0.2,
  statisticalConfidence: 0.95,
  maxExecutionMinutes: 10,
  emergencyPause: false,
  manualOverrideHours: 24,
  maxParametersPerCycle: 3,
  minimumDataCoverage: 0.9,
  analysisWindowMinutes: 24 * 60,
  maxConsecutiveQueryErrors: 3,
  canaryInitialDelayMinutes: 0,
  onInconclusive: 'pause',
  slidingBounds: {
    expansionRatePerWeek: 0.05,
    contractionRateAfterRollback: 0.25,
    stabilityThresholdDays: 7,
    rollbackThreshold: 3,
    antiWindupEnabled: true,
    maxMomentum: 3,
  },
  drift: {
    predictionErrorThresholdPct: 30,
    rollbackRateThresholdPct: 10,
    monitoringWindowDays: 14,
    pauseDurationHours: 48,
    maxPauseDurationDays: 7,
    minimumCycles: 5,
  },
  triage: {
    weeklySchedule: { dayOfWeek: 0, hour: 2, minute: 0 },
    analysisWindowDays: 7,
    failureThresholdForPatch: 3,
  },
  judge: {
    alpha: 0.05,
    sequentialAlphaShare: 0.5,
    power: 0.8,
    passThreshold: 95,
    marginalThreshold: 75,
    sequentialMixtureEffect: 0.05,
    exactMannWhitneyMaxN: 50,
    minimumCoverage: 0.9,
  },
  validation: { maxBenchmarkRegression: 0.2 },
});

/** Defaults for KPI fields. */
export const KPI_DEFAULTS: Readonly<KpiDefaults> = Object.freeze({
  weight: 1,
  role: 'must-not-degrade',
  nonInferiorityMargin: 0,
  minimumDetectableEffect: 0.1,
});

/** Exhaustiveness guard for closed unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
