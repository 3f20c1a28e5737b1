import {
  AUTOPILOT_CONTRACT_DEFAULTS as D,
  DEFAULT_PARAMETER_TYPE,
  INCONCLUSIVE_POLICIES,
  RANDOMIZATION_UNITS,
  KPI_DEFAULTS,
  KPI_DIRECTION_SPELLING,
  KPI_KINDS,
  KPI_ROLE_SPELLING,
  PARAMETER_TYPES,
  WEEK_DAYS,
  type KpiDirectionSpelling,
  type KpiRoleSpelling,
  type WeekDay,
} from '@vigil/conventions';
import { z } from 'zod';
import { httpUrl, positiveDuration } from './primitives.js';

/**
 * The `autopilot:` section of the definitions: what the controller tunes (parameters in the
 * service's parameters file), what it judges by (KPIs), and how. Its closed sets, their spelling
 * and its defaults are the contract shared with the controller (`@vigil/conventions`).
 */

const duration = positiveDuration;
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a UTC time of day such as 03:00');
const share = z.number().gt(0).lt(1);
const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case name such as diversity_weight');
const matchers = z.record(z.string(), z.string());
const pad = (n: number) => String(n).padStart(2, '0');
const clockOf = (t: { hour: number; minute: number }) => `${pad(t.hour)}:${pad(t.minute)}`;
const directionSpellings = Object.values(KPI_DIRECTION_SPELLING) as [KpiDirectionSpelling, ...KpiDirectionSpelling[]];
const roleSpellings = Object.values(KPI_ROLE_SPELLING) as [KpiRoleSpelling, ...KpiRoleSpelling[]];

/** A counter of the catalog, optionally filtered; its `increase()` over the window is taken. */
const counterRef = z.strictObject({ metric: z.string().min(1), matchers: matchers.default({}) });

const kpiBase = {
  name,
  direction: z.enum(directionSpellings),
  weight: z.number().positive().default(KPI_DEFAULTS.weight),
  role: z.enum(roleSpellings).default(KPI_ROLE_SPELLING[KPI_DEFAULTS.role]),
  /** Relative non-inferiority margin: the canary may be this much worse before it counts. */
  margin: z.number().min(0).lt(1).default(KPI_DEFAULTS.nonInferiorityMargin),
  /** Smallest relative effect the canary must be able to detect (sets the sample size). */
  min_detectable_effect: share.default(KPI_DEFAULTS.minimumDetectableEffect),
  /**
   * The traffic this KPI is expected to see (all variants): `per_minute` denominator events
   * (ratio) or readings and samples (gauge, distribution), with the expected `rate` (ratio) or
   * `relative_sd` (others). `vigil validate` then warns when the canary cannot decide.
   */
  expected_traffic: z.strictObject({ per_minute: z.number().positive(), rate: z.number().min(0).optional(), relative_sd: z.number().positive().optional() }).optional(),
};

const kpi = z.union([
  /** Events over exposure from two catalog counters, e.g. errors over requests. */
  z.strictObject({ ...kpiBase, ratio: z.strictObject({ numerator: counterRef, denominator: counterRef }) }),
  /** Samples of a catalog histogram, compared by their bucket counts. */
  z.strictObject({ ...kpiBase, distribution: z.strictObject({ metric: z.string().min(1), matchers: matchers.default({}) }) }),
  /** Per-interval readings of a catalog gauge. */
  z.strictObject({ ...kpiBase, gauge: z.strictObject({ metric: z.string().min(1), matchers: matchers.default({}) }) }),
  /**
   * Raw PromQL returning one series per `variant` label; `$__range` is replaced by the window.
   * `kind` says which test applies.
   */
  z.strictObject({ ...kpiBase, promql: z.string().min(1), kind: z.enum(KPI_KINDS) }),
]);

const parameter = z
  .strictObject({
    name,
    /** Dotted path in the parameters file, e.g. `selection.diversity_weight`. */
    path: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/, 'expected a dotted path such as selection.diversity_weight'),
    type: z.enum(PARAMETER_TYPES).default(DEFAULT_PARAMETER_TYPE),
    bounds: z.strictObject({ min: z.number(), max: z.number() }),
    /** Hard limits the sliding bounds never cross (default: the initial bounds widened by nothing). */
    limits: z.strictObject({ min: z.number(), max: z.number() }).optional(),
    step: z.number().positive(),
  })
  .refine((p) => p.bounds.min < p.bounds.max, { message: 'bounds.min must be below bounds.max', path: ['bounds'] })
  .refine((p) => !p.limits || (p.limits.min <= p.bounds.min && p.bounds.max <= p.limits.max), {
    message: 'limits must contain the bounds',
    path: ['limits'],
  });

/** A gate run before the canary: a command whose exit status decides. */
const gate = z.strictObject({ command: z.array(z.string().min(1)).min(1), timeout: duration.default('5m') });

export const AutopilotSchema = z.strictObject({
  /** The service whose parameters are tuned (its metrics carry a `variant` label). */
  service: z.string().min(1),
  enabled: z.boolean().default(D.enabled),
  /** The parameters file the service reads, relative to the repository root. */
  parameters_file: z.string().min(1),
  /** Prometheus (or compatible) base URL the controller queries. */
  prometheus_url: httpUrl.default('http://localhost:9090'),
  /** SQLite state file. */
  state_file: z.string().min(1).default('.vigil-data/autopilot.db'),
  /** Prefix of the controller's own metrics (`<prefix>_cycles`, ...); the catalog may declare them. */
  metrics_prefix: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a Prometheus metric name prefix such as vvtv_autopilot').default('vigil_autopilot'),
  schedule: z.strictObject({ daily: clock.default(clockOf(D.daily)) }).default({ daily: clockOf(D.daily) }),
  analysis_window: duration.default(D.analysisWindow.text),
  canary: z
    .strictObject({
      duration: duration.default(D.canary.duration.text),
      traffic_percent: z.number().gt(0).lt(100).default(D.canary.trafficPercent),
      confidence: share.default(D.canary.confidence),
      /** Time after the canary starts before the watcher looks (warm-up); none by default. */
      initial_delay: duration.optional(),
      /** What an inconclusive canary leads to: it is always reverted; `pause` also waits for a person. */
      on_inconclusive: z.enum(INCONCLUSIVE_POLICIES).default(D.canary.onInconclusive),
      /** Consecutive per-minute looks without data for a guard KPI after which the canary is reverted. */
      max_query_errors: z.number().int().positive().default(D.canary.maxQueryErrors),
      /** What the split assigns to a variant: requests, or sessions and users that send many requests each. */
      unit: z.enum(RANDOMIZATION_UNITS).default(D.canary.unit),
      /**
       * Requests one session or user sends over the canary window: best E[n²]/E[n] of the
       * per-unit counts (the mean plus variance over mean), which the design effect needs.
       */
      requests_per_unit: z.number().min(1).optional(),
      /** How alike one unit's requests are (0: independent); default 0.1 for sessions and users. */
      intra_cluster_correlation: z.number().min(0).lt(1).optional(),
    })
    .refine((c) => c.unit === 'requests' || c.requests_per_unit !== undefined, {
      message: 'a canary split by sessions or users needs requests_per_unit (requests one unit sends over the canary window), so the count tests can allow for their correlation',
      path: ['requests_per_unit'],
    })
    .default({
      duration: D.canary.duration.text,
      traffic_percent: D.canary.trafficPercent,
      confidence: D.canary.confidence,
      on_inconclusive: D.canary.onInconclusive,
      max_query_errors: D.canary.maxQueryErrors,
      unit: D.canary.unit,
    }),
  /** Decide and explain without writing the parameters file or its candidate. */
  dry_run: z.boolean().default(false),
  max_cycle_duration: duration.default(D.maxCycle.text),
  /** How long versions of the parameters file are kept (the newest 10 and the current one always are). */
  history_retention: duration.default(D.historyRetention.text),
  manual_override: duration.default(D.manualOverride.text),
  max_parameters_per_cycle: z.number().int().positive().default(D.maxParametersPerCycle),
  sliding_bounds: z
    .strictObject({
      expansion_per_week: share.default(D.slidingBounds.expansionPerWeek),
      contraction_after_rollback: share.default(D.slidingBounds.contractionAfterRollback),
      stability_days: z.number().int().positive().default(D.slidingBounds.stabilityDays),
      rollback_threshold: z.number().int().positive().default(D.slidingBounds.rollbackThreshold),
      anti_windup: z.boolean().default(D.slidingBounds.antiWindup),
    })
    .default({
      expansion_per_week: D.slidingBounds.expansionPerWeek,
      contraction_after_rollback: D.slidingBounds.contractionAfterRollback,
      stability_days: D.slidingBounds.stabilityDays,
      rollback_threshold: D.slidingBounds.rollbackThreshold,
      anti_windup: D.slidingBounds.antiWindup,
    }),
  drift: z
    .strictObject({
      prediction_error_percent: z.number().positive().default(D.drift.predictionErrorPercent),
      rollback_rate_percent: z.number().positive().default(D.drift.rollbackRatePercent),
      window: duration.default(D.drift.window.text),
      pause: duration.default(D.drift.pause.text),
      max_pause: duration.default(D.drift.maxPause.text),
    })
    .default({
      prediction_error_percent: D.drift.predictionErrorPercent,
      rollback_rate_percent: D.drift.rollbackRatePercent,
      window: D.drift.window.text,
      pause: D.drift.pause.text,
      max_pause: D.drift.maxPause.text,
    }),
  triage: z
    .strictObject({
      weekly: z.strictObject({ day: z.enum(WEEK_DAYS), time: clock }).default({ day: WEEK_DAYS[D.triage.weekly.dayOfWeek] as WeekDay, time: clockOf(D.triage.weekly) }),
      window: duration.default(D.triage.window.text),
      patch_after: z.number().int().positive().default(D.triage.patchAfter),
      /** Open issues on a Git forge (off by default). */
      forge: z.strictObject({ url: httpUrl, repository: z.string().min(1), token_file: z.string().min(1) }).optional(),
    })
    .default({
      weekly: { day: WEEK_DAYS[D.triage.weekly.dayOfWeek] as WeekDay, time: clockOf(D.triage.weekly) },
      window: D.triage.window.text,
      patch_after: D.triage.patchAfter,
    }),
  gates: z
    .strictObject({
      golden: gate.optional(),
      /** A command printing JSON `{ "name": seconds }`; blocked on a regression above `max_regression`. */
      benchmark: gate.extend({ baseline_file: z.string().min(1), max_regression: share.default(D.maxBenchmarkRegression) }).optional(),
    })
    .default({}),
  parameters: z.array(parameter).min(1, 'expected at least one parameter to tune'),
  kpis: z.array(kpi).min(1, 'expected at least one KPI to judge by'),
});

export type AutopilotSpec = z.infer<typeof AutopilotSchema>;
