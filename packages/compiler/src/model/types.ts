import type { InstrumentType } from '@vigil/conventions';
import type { Autopilot } from './autopilot.js';
import type { SourceLocation } from '../errors.js';
import type { Dashboard } from './dashboards.js';
import type { Notifications } from './routing.js';
import type { Matcher } from '../promql/matcher.js';

export type { Matcher } from '../promql/matcher.js';
import type { OptionalTarget } from '../target-names.js';

export { SEVERITIES } from './severity.js';
export type { Severity } from './severity.js';
import type { Severity } from './severity.js';

/** The catalog's instrument types are a shared convention; re-exported for the model's readers. */
export type { InstrumentType };
export type Aggregation = 'avg' | 'min' | 'max' | 'sum';


/** One remote-write endpoint: the URL carries no credential; secrets are read from files. */
export interface RemoteWrite {
  url: string;
  name?: string;
  basicAuth?: { username: string; passwordFile: string };
  bearerTokenFile?: string;
}

/** Global settings, defaults applied. Durations are in seconds. */
export interface Settings {
  scrapeIntervalSeconds: number;
  evaluationIntervalSeconds: number;
  retentionSeconds: number;
  alertmanagers: string[];
  externalLabels: Record<string, string>;
  /** Names of the Prometheus replicas of an HA pair; empty for a single Prometheus. */
  replicas: string[];
  /** Remote-write endpoints, secrets by file. */
  remoteWrite: RemoteWrite[];
  /** The outputs written beside Prometheus's, in the order the definitions list them. */
  outputs: readonly OptionalTarget[];
}

export interface Service {
  name: string;
  team: string;
  job: string;
  targets: string[];
  metricsPath: string;
  scheme: 'http' | 'https';
  source: SourceLocation;
}

export interface MetricLabel {
  /** The Prometheus label name (sanitized). */
  name: string;
  allowedValues?: string[];
  maxCardinality?: number;
}

/** A catalog metric with the exact series names Vigil's exporters write. */
export interface Metric {
  /** The OpenTelemetry instrument name as declared. */
  name: string;
  type: InstrumentType;
  unit: string;
  description: string;
  service?: string;
  labels: MetricLabel[];
  buckets?: number[];
  /** The series name of the sample (counters: `..._total`; histograms: the base name). */
  promName: string;
  source: SourceLocation;
}

/** The value an alert watches, reduced to one number per group. */
export interface ValueSignal {
  metric: Metric;
  matchers: Matcher[];
  aggregate: Aggregation;
  windowSeconds: number;
  quantile?: number;
}

export interface CounterSignal {
  metric: Metric;
  matchers: Matcher[];
}

export type Bound = { op: '>' | '<'; value: number };

export type Condition =
  | { kind: 'threshold'; value: ValueSignal; bound: Bound; forSeconds: number }
  | { kind: 'rate_of_change'; value: ValueSignal; windowSeconds: number; bound: Bound; forSeconds: number }
  | {
      kind: 'anomaly';
      value: ValueSignal;
      windowSeconds: number;
      zScore: number;
      direction: 'above' | 'below' | 'both';
      forSeconds: number;
    }
  | { kind: 'forecast'; value: ValueSignal; windowSeconds: number; horizonSeconds: number; bound: Bound; forSeconds: number }
  | { kind: 'staleness'; metric: Metric; matchers: Matcher[]; olderThanSeconds: number; forSeconds: number }
  | { kind: 'absence'; metric: Metric; matchers: Matcher[]; forSeconds: number }
  | {
      kind: 'ratio';
      numerator: CounterSignal;
      denominator: CounterSignal;
      bound: Bound;
      windowSeconds: number;
      minDenominatorRate?: number;
      forSeconds: number;
    }
  | { kind: 'promql'; expr: string; forSeconds: number; test?: PromqlTestSpec };

export type ConditionKind = Condition['kind'];

/** A user-supplied scenario for a raw PromQL alert, which Vigil cannot synthesize. */
export interface PromqlTestSpec {
  series: { series: string; values: string }[];
  intervalSeconds: number;
  healthyAtSeconds: number[];
  firesAtSeconds: number;
  labels: Record<string, string>;
  value?: number;
}

export interface Alert {
  name: string;
  service: Service;
  severity: Severity;
  summary: string;
  description?: string;
  runbook?: string;
  dashboard?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  by: string[];
  cooldownSeconds?: number;
  escalation?: { afterSeconds: number; severity: Severity };
  condition: Condition;
  source: SourceLocation;
}

export type BurnTierName = 'fast' | 'medium' | 'slow' | 'slowest';

/** One multi-window burn-rate tier (Google SRE workbook). */
export interface BurnTier {
  name: BurnTierName;
  alert: 'page' | 'ticket';
  longWindowSeconds: number;
  shortWindowSeconds: number;
  factor: number;
}

export type Sli =
  | { kind: 'events'; good?: CounterSignal; bad?: CounterSignal; total: CounterSignal }
  | { kind: 'latency'; metric: Metric; matchers: Matcher[]; threshold: number }
  | { kind: 'promql'; errorQuery: string; totalQuery: string }
  | { kind: 'promql_ratio'; errorRatioQuery: string };

export interface SloAlertSpec {
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface Slo {
  name: string;
  service: Service;
  objectivePercent: number;
  windowSeconds: number;
  description?: string;
  sli: Sli;
  groupBy: string[];
  minEventRate?: number;
  labels: Record<string, string>;
  runbook?: string;
  alertName: string;
  alertLabels: Record<string, string>;
  alertAnnotations: Record<string, string>;
  page?: SloAlertSpec;
  ticket?: SloAlertSpec;
  tiers: BurnTier[];
  source: SourceLocation;
}

/** The normalized, cross-checked definitions every emitter reads. */
export interface Model {
  settings: Settings;
  services: Service[];
  metrics: Metric[];
  alerts: Alert[];
  slos: Slo[];
  /** Generated dashboards: the definitions' own, then the SLO overview. */
  dashboards: Dashboard[];
  /** Alertmanager routing, when a definitions file declares `notifications:`. */
  notifications?: Notifications;
  /** Autopilots for the controller, one per service at most. */
  autopilots: Autopilot[];
}
