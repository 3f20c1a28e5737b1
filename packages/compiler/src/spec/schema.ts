import { INSTRUMENT_TYPES } from '@vigil/conventions';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import {
  duration,
  hostTarget,
  httpUrl,
  identifier,
  labelName,
  MAX_SLO_WINDOW_SECONDS,
  MAX_WINDOW_SECONDS,
  positiveDuration,
  promqlExpr,
  prometheusLabelName,
  staticText,
  templateText,
  windowedPromql,
} from './primitives.js';
import { AutopilotSchema } from './autopilot-schema.js';
import { dashboardSchema } from './dashboards-schema.js';
import { NotificationsSchema } from './routing-schema.js';
import { DEFAULT_OUTPUTS, OPTIONAL_TARGETS } from '../target-names.js';

/** The only definitions version this compiler reads. */
export const API_VERSION = 'vigil.dev/v1';

const atMost = (max: number) => (text: string) => (parseDuration(text) ?? 0) <= max;
/** An alert condition's range: bounded, since the synthesized tests step through it. */
const window = positiveDuration.refine(atMost(MAX_WINDOW_SECONDS), `expected at most ${MAX_WINDOW_SECONDS / 86_400}d: longer windows make the synthesized tests unbounded`);
/** How long a condition must hold, bounded as windows are. */
const holdFor = duration.refine(atMost(MAX_WINDOW_SECONDS), `expected at most ${MAX_WINDOW_SECONDS / 86_400}d: longer holds make the synthesized tests unbounded`);
const sloWindow = positiveDuration.refine(atMost(MAX_SLO_WINDOW_SECONDS), `expected at most ${MAX_SLO_WINDOW_SECONDS / 86_400}d`);
const alertName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'expected an alert name such as SelectionEntropyLow');
// Names become file names (prometheus/rules/<service>.yml, dashboards/html/vigil-<service>.html): bounded well under 255 bytes.
const kebabName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'expected a lower-case name such as api-availability')
  .refine((name) => name.length <= 100, 'expected at most 100 characters: names become file names');
const labelMap = z.record(prometheusLabelName, z.string());
/** Alert labels are not templated: a `{{` would be expanded by Prometheus and break routing. */
const staticLabelMap = z.record(
  prometheusLabelName,
  // Prometheus drops a label whose value is empty: the alert would not carry it, nor match a route on it.
  staticText.refine((value) => value !== '', 'an empty label value is dropped by Prometheus: remove the label instead'),
);
/** Annotations are Go templates that Prometheus expands: parsed here so promtool never rejects them. */
const annotationMap = z.record(prometheusLabelName, templateText);
const severity = z.enum(['info', 'warning', 'critical']);

/** A label matcher: a plain string is an equality match. */
const matcherValue = z.union([
  z.string(),
  z.strictObject({ regex: z.string() }),
  z.strictObject({ not: z.string() }),
  z.strictObject({ not_regex: z.string() }),
]);
const matchers = z.record(labelName, matcherValue);

/** A file path Prometheus reads a secret from: absolute, so it does not depend on where Prometheus starts. */
const secretFile = z.string().startsWith('/', 'expected an absolute path to the file holding the secret');

/** One `remote_write` endpoint; its secret comes by file, never inline (the config is committed). */
const remoteWrite = z
  .strictObject({
    url: httpUrl,
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'expected a lower-case name such as long-term').optional(),
    basic_auth: z.strictObject({ username: z.string().min(1), password_file: secretFile }).optional(),
    /** `Authorization: Bearer <file contents>`. */
    bearer_token_file: secretFile.optional(),
  })
  .refine((entry) => !(entry.basic_auth && entry.bearer_token_file), 'use basic_auth or bearer_token_file, not both');

/** Replica names: each becomes the `replica` external label of one Prometheus of an HA pair. */
const replicaName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected a lower-case replica name such as a or prom-0');

const settings = z.strictObject({
  scrape_interval: duration.default('30s'),
  evaluation_interval: duration.default('30s'),
  retention: duration.default('90d'),
  alertmanagers: z.array(hostTarget).default(['localhost:9093']),
  external_labels: labelMap.default({}),
  /** High availability: one Prometheus per name, each with `replica: <name>`, dropped before Alertmanager. */
  replicas: z
    .array(replicaName)
    .min(2, 'an HA pair needs at least two replicas')
    .refine((list) => new Set(list).size === list.length, 'each replica once')
    .optional(),
  /** Where every Prometheus also sends its samples (VictoriaMetrics, Thanos Receive, Mimir). */
  remote_write: z.array(remoteWrite).default([]),
  /** Grafana's base URL, for the `dashboard_url` annotation of alerts. */
  grafana_url: httpUrl.optional(),
  /** Outputs beside Prometheus's own (always written); by default all but Datadog. */
  outputs: z
    .array(z.enum(OPTIONAL_TARGETS))
    .refine((list) => new Set(list).size === list.length, 'each output once')
    .describe(`Outputs beside the Prometheus rules, tests and config (always written): ${OPTIONAL_TARGETS.join(', ')}. Default: ${DEFAULT_OUTPUTS.join(', ')}.`)
    .optional(),
});

const service = z.strictObject({
  name: kebabName,
  team: staticText.min(1),
  job: z.string().min(1).optional(),
  targets: z.array(hostTarget).default([]),
  metrics_path: z.string().startsWith('/').default('/metrics'),
  scheme: z.enum(['http', 'https']).default('http'),
});

const metricLabel = z.union([
  z.strictObject({ values: z.array(z.string()).min(1), description: z.string().optional() }),
  z.strictObject({ max_cardinality: z.number().int().positive(), description: z.string().optional() }),
]);

const metric = z.strictObject({
  name: identifier,
  type: z.enum(INSTRUMENT_TYPES),
  unit: z.string().default('1'),
  description: z.string().min(1),
  service: kebabName.optional(),
  labels: z.record(labelName, metricLabel).default({}),
  buckets: z.array(z.number()).min(1).optional(),
});

const signal = z.strictObject({ metric: identifier, matchers: matchers.default({}) });

const aggregate = z.enum(['avg', 'min', 'max', 'sum']);
const valueFields = {
  metric: identifier,
  matchers: matchers.default({}),
  aggregate: aggregate.optional(),
  window: window.optional(),
  quantile: z.number().gt(0).lt(1).optional(),
};

const promqlTest = z.strictObject({
  series: z.array(z.strictObject({ series: z.string(), values: z.string() })).min(1),
  interval: duration.default('1m'),
  healthy_at: z.array(duration).default([]),
  fires_at: duration,
  labels: labelMap.default({}),
  value: z.number().optional(),
});

const condition = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('threshold'),
    ...valueFields,
    above: z.number().optional(),
    below: z.number().optional(),
    for: holdFor.default('0s'),
  }),
  z.strictObject({
    kind: z.literal('rate_of_change'),
    ...valueFields,
    window: window,
    rising: z.number().positive().optional(),
    falling: z.number().positive().optional(),
    for: holdFor.default('0s'),
  }),
  z.strictObject({
    kind: z.literal('anomaly'),
    ...valueFields,
    window: window,
    z_score: z.number().positive().default(3),
    direction: z.enum(['above', 'below', 'both']).default('both'),
    for: holdFor.default('0s'),
  }),
  z.strictObject({
    kind: z.literal('forecast'),
    ...valueFields,
    window: window,
    horizon: window,
    above: z.number().optional(),
    below: z.number().optional(),
    for: holdFor.default('0s'),
  }),
  z.strictObject({
    kind: z.literal('staleness'),
    metric: identifier,
    matchers: matchers.default({}),
    older_than: window,
    for: holdFor.default('0s'),
  }),
  z.strictObject({
    kind: z.literal('absence'),
    metric: identifier,
    matchers: matchers.default({}),
    for: holdFor.default('5m'),
  }),
  z.strictObject({
    kind: z.literal('ratio'),
    numerator: signal,
    denominator: signal,
    above: z.number().optional(),
    below: z.number().optional(),
    window: window.default('5m'),
    min_denominator_rate: z.number().nonnegative().optional(),
    for: holdFor.default('0s'),
  }),
  z.strictObject({
    kind: z.literal('promql'),
    expr: promqlExpr,
    for: holdFor.default('0s'),
    test: promqlTest.optional(),
  }),
]);

const alert = z.strictObject({
  name: alertName,
  service: kebabName.optional(),
  severity,
  summary: templateText.min(1),
  description: templateText.optional(),
  runbook: httpUrl.optional(),
  dashboard: httpUrl.optional(),
  labels: staticLabelMap.default({}),
  annotations: annotationMap.default({}),
  by: z.array(labelName).default([]),
  cooldown: duration.optional(),
  escalate_after: duration.optional(),
  escalate_to: severity.optional(),
  condition,
});

const eventsSli = z.strictObject({
  good: signal.optional(),
  bad: signal.optional(),
  total: signal,
});
const tierSwitch = z.boolean().default(true);
const sloAlert = z.strictObject({
  severity: severity.optional(),
  labels: staticLabelMap.default({}),
  annotations: annotationMap.default({}),
  disable: z.boolean().default(false),
});

const slo = z.strictObject({
  name: kebabName,
  service: kebabName,
  objective: z.number().gt(0).lt(100),
  window: sloWindow.default('30d'),
  description: z.string().optional(),
  sli: z.union([
    z.strictObject({ events: eventsSli }),
    z.strictObject({
      latency: z.strictObject({
        metric: identifier,
        matchers: matchers.default({}),
        threshold: z.number().positive(),
      }),
    }),
    z.strictObject({ promql: z.strictObject({ error_query: windowedPromql, total_query: windowedPromql }) }),
    z.strictObject({ promql_ratio: z.strictObject({ error_ratio_query: windowedPromql }) }),
  ]),
  group_by: z.array(labelName).default([]),
  min_event_rate: z.number().nonnegative().optional(),
  labels: staticLabelMap.default({}),
  runbook: httpUrl.optional(),
  alerting: z
    .strictObject({
      name: alertName.optional(),
      labels: staticLabelMap.default({}),
      annotations: annotationMap.default({}),
      page: sloAlert.default({ labels: {}, annotations: {}, disable: false }),
      ticket: sloAlert.default({ labels: {}, annotations: {}, disable: false }),
      tiers: z
        .strictObject({ fast: tierSwitch, medium: tierSwitch, slow: tierSwitch, slowest: tierSwitch })
        .default({ fast: true, medium: true, slow: true, slowest: true }),
    })
    .default({
      labels: {},
      annotations: {},
      page: { labels: {}, annotations: {}, disable: false },
      ticket: { labels: {}, annotations: {}, disable: false },
      tiers: { fast: true, medium: true, slow: true, slowest: true },
    }),
});

/** One definitions file, as written by users (the spec, not the model). */
export const DefinitionsFileSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  settings: settings.optional(),
  services: z.array(service).default([]),
  metrics: z.array(metric).default([]),
  alerts: z.array(alert).default([]),
  slos: z.array(slo).default([]),
  dashboards: z.array(dashboardSchema).default([]),
  notifications: NotificationsSchema.optional(),
  /** The controller's autopilot for one service (at most one per service). */
  autopilot: AutopilotSchema.optional(),
});

/** A parsed and schema-checked definitions file, defaults applied. */
export type DefinitionsFile = z.infer<typeof DefinitionsFileSchema>;
export type SettingsSpec = z.infer<typeof settings>;
export type ServiceSpec = z.infer<typeof service>;
export type MetricSpec = z.infer<typeof metric>;
export type AlertSpec = z.infer<typeof alert>;
export type ConditionSpec = z.infer<typeof condition>;
export type SloSpec = z.infer<typeof slo>;
export type MatcherSpec = z.infer<typeof matcherValue>;
export type SignalSpec = z.infer<typeof signal>;

/** The JSON Schema for editors (yaml-language-server), generated from the zod schema. */
export function definitionsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(DefinitionsFileSchema, { io: 'input', unrepresentable: 'any' });
  return { ...schema, title: 'Vigil definitions', $id: 'https://vigil.dev/schema/v1.json' };
}
