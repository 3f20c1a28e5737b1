import { assertNever } from './assert-never.js';

/**
 * The autopilot's contract between the definitions (read by the compiler) and the controller:
 * the closed sets a KPI is described by and the defaults of every setting both sides know.
 * Values here use one spelling; {@link KPI_DIRECTION_SPELLING} and {@link KPI_ROLE_SPELLING}
 * give the one users write in `autopilot:` definitions.
 */

/** Whether a larger value of a KPI is better or worse, in the order users meet them. */
export const KPI_DIRECTIONS = ['higher-is-better', 'lower-is-better'] as const;

/** Whether a larger value of a KPI is better (`higher-is-better`) or worse (`lower-is-better`). */
export type KpiDirection = (typeof KPI_DIRECTIONS)[number];

/** The roles a KPI can play. */
export const KPI_ROLES = ['must-not-degrade', 'informative'] as const;

/** A `must-not-degrade` KPI blocks a promotion on its own; an `informative` one only moves the score. */
export type KpiRole = (typeof KPI_ROLES)[number];

/** The ways a KPI is measured. */
export const KPI_KINDS = ['ratio', 'distribution', 'gauge'] as const;

/**
 * How a KPI is measured, which decides its test: `ratio` (events over exposure, e.g.
 * errors/requests from `increase()`), `distribution` (raw samples, e.g. latencies), `gauge`
 * (per-interval readings, compared as samples).
 */
export type KpiKind = (typeof KPI_KINDS)[number];

/** How users write each direction in definitions (`direction: higher`). */
export const KPI_DIRECTION_SPELLING = { 'higher-is-better': 'higher', 'lower-is-better': 'lower' } as const satisfies Record<KpiDirection, string>;

/** A direction as users write it in definitions. */
export type KpiDirectionSpelling = (typeof KPI_DIRECTION_SPELLING)[KpiDirection];

/** How users write each role in definitions (`role: must_not_degrade`). */
export const KPI_ROLE_SPELLING = { 'must-not-degrade': 'must_not_degrade', informative: 'informative' } as const satisfies Record<KpiRole, string>;

/** A role as users write it in definitions. */
export type KpiRoleSpelling = (typeof KPI_ROLE_SPELLING)[KpiRole];

/** The direction a definition's spelling stands for (`higher` -> `higher-is-better`). */
export function kpiDirectionOf(spelling: KpiDirectionSpelling): KpiDirection {
  switch (spelling) {
    case 'higher':
      return 'higher-is-better';
    case 'lower':
      return 'lower-is-better';
    default:
      return assertNever(spelling);
  }
}

/** The role a definition's spelling stands for (`must_not_degrade` -> `must-not-degrade`). */
export function kpiRoleOf(spelling: KpiRoleSpelling): KpiRole {
  switch (spelling) {
    case 'must_not_degrade':
      return 'must-not-degrade';
    case 'informative':
      return 'informative';
    default:
      return assertNever(spelling);
  }
}

/** Defaults of the KPI fields a definition may omit. */
export interface KpiDefaults {
  /** Relative weight in the canary score and in the optimiser's objective. */
  weight: number;
  role: KpiRole;
  /** Relative non-inferiority margin: the canary may be this much worse before it counts. */
  nonInferiorityMargin: number;
  /** Smallest relative effect the canary must be able to detect (sets the sample size). */
  minimumDetectableEffect: number;
}

/** The KPI defaults, applied once where definitions are read. */
export const KPI_DEFAULTS: Readonly<KpiDefaults> = Object.freeze({
  weight: 1,
  role: 'must-not-degrade',
  nonInferiorityMargin: 0,
  minimumDetectableEffect: 0.1,
});

/** The number types a tuned parameter can have. */
export const PARAMETER_TYPES = ['int', 'float'] as const;

/** A tuned parameter's number type: `int` moves in whole steps, `float` in any. */
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** The type of a parameter whose definition names none. */
export const DEFAULT_PARAMETER_TYPE: ParameterType = 'float';

/** A time of day, UTC. */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

/** How the autopilot widens and narrows each parameter's range. */
export interface SlidingBoundsSettings {
  /** Relative widening of a range per full week of stability (0.05 = +5% of its width). */
  expansionPerWeek: number;
  /** Relative narrowing of a range after a rollback (0.25 = -25% of its width). */
  contractionAfterRollback: number;
  /** Days without rollback before a parameter counts as stable again. */
  stabilityDays: number;
  /** Rollbacks (not yet forgiven by stability) after which a parameter is frozen. */
  rollbackThreshold: number;
  antiWindup: boolean;
}

/** Days of the week as definitions spell them, index = day number (0 = Sunday). */
export const WEEK_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** A day of the week as definitions spell it. */
export type WeekDay = (typeof WEEK_DAYS)[number];

/** A default duration, both as definitions write it and in seconds, so neither is derived by guesswork. */
export interface ContractDuration {
  /** As written in definitions, e.g. `60m`. */
  readonly text: string;
  readonly seconds: number;
}

/**
 * What an inconclusive canary leads to. It is always reverted and recorded for triage; `pause`
 * (the default, as Argo Rollouts pauses for a person) also stops new cycles until an operator
 * resumes, `notify` posts an event for a person and carries on, `revert` only logs it.
 */
export const INCONCLUSIVE_POLICIES = ['pause', 'revert', 'notify'] as const;

/** One of {@link INCONCLUSIVE_POLICIES}. */
export type InconclusivePolicy = (typeof INCONCLUSIVE_POLICIES)[number];

/**
 * What the canary split assigns to a variant (`canarySplit` hashes this unit's id). Requests are
 * independent draws; sessions and users send many requests each, which resemble one another, so
 * count tests must not treat those requests as independent.
 */
export const RANDOMIZATION_UNITS = ['requests', 'sessions', 'users'] as const;

/** One of {@link RANDOMIZATION_UNITS}. */
export type RandomizationUnit = (typeof RANDOMIZATION_UNITS)[number];

const minutes = (n: number): ContractDuration => ({ text: `${n}m`, seconds: n * 60 });
const hours = (n: number): ContractDuration => ({ text: `${n}h`, seconds: n * 3600 });
const days = (n: number): ContractDuration => ({ text: `${n}d`, seconds: n * 86_400 });

/**
 * Defaults of the autopilot settings that definitions may omit and the controller falls back
 * on (the VVTV P4 design's: daily 03:00 UTC, canary 60 min at 20%, confidence 0.95, 10 min cycle
 * limit, 24 h manual override, sliding bounds, drift guard, weekly triage). Times of day are UTC.
 */
export interface AutopilotContractDefaults {
  enabled: boolean;
  daily: TimeOfDay;
  analysisWindow: ContractDuration;
  canary: {
    duration: ContractDuration;
    trafficPercent: number;
    confidence: number;
    /** What an inconclusive canary leads to. */
    onInconclusive: InconclusivePolicy;
    /** Consecutive per-minute looks without data for a guard KPI after which the canary is reverted. */
    maxQueryErrors: number;
    /** The unit the split assigns; requests unless the definitions say otherwise. */
    unit: RandomizationUnit;
    /**
     * Intra-cluster correlation assumed for a session or user unit when the definitions give
     * none: 0.1, a little above the 0.09 measured on user traffic in issue 12, so the default errs
     * towards fewer false alarms.
     */
    intraClusterCorrelation: number;
  };
  maxCycle: ContractDuration;
  historyRetention: ContractDuration;
  manualOverride: ContractDuration;
  maxParametersPerCycle: number;
  slidingBounds: SlidingBoundsSettings;
  drift: { predictionErrorPercent: number; rollbackRatePercent: number; window: ContractDuration; pause: ContractDuration; maxPause: ContractDuration };
  /** `weekly.day` indexes {@link WEEK_DAYS} (0 = Sunday). */
  triage: { weekly: TimeOfDay & { dayOfWeek: number }; window: ContractDuration; patchAfter: number };
  /** Largest benchmark regression a candidate may show (0.2 = 20%). */
  maxBenchmarkRegression: number;
}

/** The autopilot defaults, applied once where definitions are read and in the controller's own config. */
export const AUTOPILOT_CONTRACT_DEFAULTS: Readonly<AutopilotContractDefaults> = Object.freeze({
  enabled: true,
  daily: { hour: 3, minute: 0 },
  analysisWindow: hours(24),
  canary: { duration: minutes(60), trafficPercent: 20, confidence: 0.95, onInconclusive: 'pause' as InconclusivePolicy, maxQueryErrors: 3, unit: 'requests' as RandomizationUnit, intraClusterCorrelation: 0.1 },
  maxCycle: minutes(10),
  historyRetention: days(90),
  manualOverride: hours(24),
  maxParametersPerCycle: 3,
  slidingBounds: { expansionPerWeek: 0.05, contractionAfterRollback: 0.25, stabilityDays: 7, rollbackThreshold: 3, antiWindup: true },
  drift: { predictionErrorPercent: 30, rollbackRatePercent: 10, window: days(14), pause: hours(48), maxPause: days(7) },
  triage: { weekly: { dayOfWeek: 0, hour: 2, minute: 0 }, window: days(7), patchAfter: 3 },
  maxBenchmarkRegression: 0.2,
});
