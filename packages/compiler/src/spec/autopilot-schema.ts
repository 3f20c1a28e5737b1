import { z } from 'zod';
import { positiveDuration } from './primitives.js';

/**
 * The `autopilot:` section of the definitions: what the controller tunes (parameters in the
 * service's parameters file), what it judges by (KPIs), and how (the VVTV P4 document's
 * defaults: daily 03:00 UTC, canary 60 min at 20%, confidence 0.95, 10 min cycle limit, 24 h
 * manual override, sliding bounds, drift guard, weekly triage).
 */

const duration = positiveDuration;
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a UTC time of day such as 03:00');
const share = z.number().gt(0).lt(1);
const name = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case name such as diversity_weight');
const matchers = z.record(z.string(), z.string());

/** A counter of the catalog, optionally filtered; its `increase()` over the window is taken. */
const counterRef = z.strictObject({ metric: z.string().min(1), matchers: matchers.default({}) });

const kpiBase = {
  name,
  direction: z.enum(['higher', 'lower']),
  weight: z.number().positive().default(1),
  role: z.enum(['must_not_degrade', 'informative']).default('must_not_degrade'),
  /** Relative non-inferiority margin: the canary may be this much worse before it counts. */
  margin: z.number().min(0).lt(1).default(0),
  /** Smallest relative effect the canary must be able to detect (sets the sample size). */
  min_detectable_effect: share.default(0.1),
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
  z.strictObject({ ...kpiBase, promql: z.string().min(1), kind: z.enum(['ratio', 'distribution', 'gauge']) }),
]);

const parameter = z
  .strictObject({
    name,
    /** Dotted path in the parameters file, e.g. `selection.diversity_weight`. */
    path: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/, 'expected a dotted path such as selection.diversity_weight'),
    type: z.enum(['int', 'float']).default('float'),
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
  enabled: z.boolean().default(true),
  /** The parameters file the service reads, relative to the repository root. */
  parameters_file: z.string().min(1),
  /** Prometheus (or compatible) base URL the controller queries. */
  prometheus_url: z.string().url().default('http://localhost:9090'),
  /** SQLite state file. */
  state_file: z.string().min(1).default('.vigil-data/autopilot.db'),
  /** Prefix of the controller's own metrics (`<prefix>_cycles`, ...); the catalog may declare them. */
  metrics_prefix: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a Prometheus metric name prefix such as vvtv_autopilot').default('vigil_autopilot'),
  schedule: z.strictObject({ daily: clock.default('03:00') }).default({ daily: '03:00' }),
  analysis_window: duration.default('24h'),
  canary: z
    .strictObject({
      duration: duration.default('60m'),
      traffic_percent: z.number().gt(0).lt(100).default(20),
      confidence: share.default(0.95),
      /** Time after the canary starts before the watcher looks (warm-up); none by default. */
      initial_delay: duration.optional(),
      /** What an inconclusive canary leads to: it is always reverted; `pause` also waits for a person. */
      on_inconclusive: z.enum(['pause', 'revert', 'notify']).default('pause'),
      /** Consecutive per-minute looks without data for a guard KPI after which the canary is reverted. */
      max_query_errors: z.number().int().positive().default(3),
    })
    .default({ duration: '60m', traffic_percent: 20, confidence: 0.95, on_inconclusive: 'pause', max_query_errors: 3 }),
  /** Decide and explain without writing the parameters file or its candidate. */
  dry_run: z.boolean().default(false),
  max_cycle_duration: duration.default('10m'),
  /** How long versions of the parameters file are kept (the newest 10 and the current one always are). */
  history_retention: duration.default('90d'),
  manual_override: duration.default('24h'),
  max_parameters_per_cycle: z.number().int().positive().default(3),
  sliding_bounds: z
    .strictObject({
      expansion_per_week: share.default(0.05),
      contraction_after_rollback: share.default(0.25),
      stability_days: z.number().int().positive().default(7),
      rollback_threshold: z.number().int().positive().default(3),
      anti_windup: z.boolean().default(true),
    })
    .default({ expansion_per_week: 0.05, contraction_after_rollback: 0.25, stability_days: 7, rollback_threshold: 3, anti_windup: true }),
  drift: z
    .strictObject({
      prediction_error_percent: z.number().positive().default(30),
      rollback_rate_percent: z.number().positive().default(10),
      window: duration.default('14d'),
      pause: duration.default('48h'),
      max_pause: duration.default('7d'),
    })
    .default({ prediction_error_percent: 30, rollback_rate_percent: 10, window: '14d', pause: '48h', max_pause: '7d' }),
  triage: z
    .strictObject({
      weekly: z.strictObject({ day: z.enum(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']), time: clock }).default({ day: 'sunday', time: '02:00' }),
      window: duration.default('7d'),
      patch_after: z.number().int().positive().default(3),
      /** Open issues on a Git forge (off by default). */
      forge: z.strictObject({ url: z.string().url(), repository: z.string().min(1), token_file: z.string().min(1) }).optional(),
    })
    .default({ weekly: { day: 'sunday', time: '02:00' }, window: '7d', patch_after: 3 }),
  gates: z
    .strictObject({
      golden: gate.optional(),
      /** A command printing JSON `{ "name": seconds }`; blocked on a regression above `max_regression`. */
      benchmark: gate.extend({ baseline_file: z.string().min(1), max_regression: share.default(0.2) }).optional(),
    })
    .default({}),
  parameters: z.array(parameter).min(1, 'expected at least one parameter to tune'),
  kpis: z.array(kpi).min(1, 'expected at least one KPI to judge by'),
});

export type AutopilotSpec = z.infer<typeof AutopilotSchema>;
