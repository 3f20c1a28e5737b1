import { prometheusLabelName, prometheusMetricName } from '@vigil/conventions';
import { buildAutopilots } from './build-autopilot.js';
import type { SourceIssue, SourceLocation, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { parseDuration } from '../spec/duration.js';
import type { LoadedDefinitions } from '../spec/load.js';
import type { AlertSpec, ConditionSpec, MatcherSpec, MetricSpec, SettingsSpec, SignalSpec, SloSpec } from '../spec/schema.js';
import { BURN_TIERS } from './burn-tiers.js';
import { buildDashboards } from './build-dashboards.js';
import { buildNotifications, linkDashboards } from './build-routing.js';
import type {
  Aggregation,
  Alert,
  Bound,
  Condition,
  CounterSignal,
  Matcher,
  Metric,
  Model,
  Service,
  Settings,
  Severity,
  Sli,
  Slo,
  SloAlertSpec,
  ValueSignal,
} from './types.js';
import { SEVERITIES } from './types.js';
import { compareText } from '../text-order.js';
import { DEFAULT_OUTPUTS } from '../target-names.js';

/** Labels every scraped series carries besides the metric's own. */
export const SCRAPE_LABELS = ['job', 'instance'] as const;

const DEFAULT_SETTINGS: SettingsSpec = {
  scrape_interval: '30s',
  evaluation_interval: '30s',
  retention: '90d',
  alertmanagers: ['localhost:9093'],
  external_labels: {},
  remote_write: [],
};

const seconds = (text: string): number => parseDuration(text) as number;

/** Collects issues while the model is built, so every problem is reported at once. */
class IssueSink {
  readonly issues: SourceIssue[] = [];
  add(at: SourceLocation, message: string): void {
    this.issues.push({ ...at, message });
  }
}

function toMatchers(spec: Record<string, MatcherSpec>): Matcher[] {
  return Object.entries(spec)
    .map(([label, value]): Matcher => {
      const name = prometheusLabelName(label);
      if (typeof value === 'string') return { label: name, op: '=', value };
      if ('regex' in value) return { label: name, op: '=~', value: value.regex };
      if ('not' in value) return { label: name, op: '!=', value: value.not };
      return { label: name, op: '!~', value: value.not_regex };
    })
    .sort((a, b) => compareText(a.label, b.label));
}

function boundOf(spec: { above?: number | undefined; below?: number | undefined }): Bound | undefined {
  if (spec.above !== undefined && spec.below === undefined) return { op: '>', value: spec.above };
  if (spec.below !== undefined && spec.above === undefined) return { op: '<', value: spec.below };
  return undefined;
}

function nextSeverity(severity: Severity): Severity {
  const index = SEVERITIES.indexOf(severity);
  return SEVERITIES[Math.min(index + 1, SEVERITIES.length - 1)] as Severity;
}

/**
 * Maps schema-checked definitions to the model, checking what the schema cannot: unique names
 * across files, references to services, metrics and labels, and names that collide once
 * sanitized for Prometheus.
 */
export function buildModel(files: readonly LoadedDefinitions[]): Result<Model> {
  const sink = new IssueSink();
  const settings = buildSettings(files, sink);
  const services = buildServices(files, sink);
  const metrics = buildMetrics(files, services, sink);
  const alerts = buildAlerts(files, services, metrics, sink);
  const slos = buildSlos(files, services, metrics, alerts, sink);
  const notifications = buildNotifications(files, services, alerts, slos, (at, message) => sink.add(at, message));
  const dashboards = buildDashboards(files, { services, metrics, alerts, slos }, (at, message) => sink.add(at, message));
  linkDashboards(files, alerts, slos, dashboards);
  const autopilots = buildAutopilots(files, { services, metrics }, (at, message) => sink.add(at, message));
  if (sink.issues.length > 0) return fail(sink.issues);
  return ok({ autopilots, settings, services: [...services.values()], metrics: [...metrics.values()], alerts, slos, dashboards, ...(notifications ? { notifications } : {}) });
}

function buildSettings(files: readonly LoadedDefinitions[], sink: IssueSink): Settings {
  const declared = files.filter((file) => file.spec.settings !== undefined);
  for (const extra of declared.slice(1)) {
    const first = declared[0] as LoadedDefinitions;
    sink.add(extra.locate(['settings']), `settings are already declared in ${first.path}; declare them once`);
  }
  const spec = declared[0]?.spec.settings ?? DEFAULT_SETTINGS;
  const evaluation = seconds(spec.evaluation_interval);
  const scrape = seconds(spec.scrape_interval);
  if (declared[0] && (evaluation === 0 || scrape === 0)) {
    sink.add(declared[0].locate(['settings']), 'scrape and evaluation intervals must be greater than zero');
  }
  return {
    scrapeIntervalSeconds: scrape,
    evaluationIntervalSeconds: evaluation,
    retentionSeconds: seconds(spec.retention),
    alertmanagers: spec.alertmanagers,
    externalLabels: spec.external_labels,
    replicas: spec.replicas ?? [],
    remoteWrite: spec.remote_write.map((entry) => ({
      url: entry.url,
      ...(entry.name ? { name: entry.name } : {}),
      ...(entry.basic_auth ? { basicAuth: { username: entry.basic_auth.username, passwordFile: entry.basic_auth.password_file } } : {}),
      ...(entry.bearer_token_file ? { bearerTokenFile: entry.bearer_token_file } : {}),
    })),
    outputs: spec.outputs ?? DEFAULT_OUTPUTS,
  };
}

function buildServices(files: readonly LoadedDefinitions[], sink: IssueSink): Map<string, Service> {
  const services = new Map<string, Service>();
  const jobs = new Map<string, string>();
  for (const file of files) {
    file.spec.services.forEach((spec, index) => {
      const source = file.locate(['services', index, 'name']);
      const existing = services.get(spec.name);
      if (existing) {
        sink.add(source, `service ${spec.name} is already declared at ${existing.source.file}:${existing.source.line}`);
        return;
      }
      const job = spec.job ?? spec.name;
      const jobOwner = jobs.get(job);
      if (jobOwner) sink.add(source, `scrape job ${job} is already used by service ${jobOwner}`);
      jobs.set(job, spec.name);
      services.set(spec.name, {
        name: spec.name,
        team: spec.team,
        job,
        targets: spec.targets,
        metricsPath: spec.metrics_path,
        scheme: spec.scheme,
        source,
      });
    });
  }
  return services;
}

function buildMetrics(
  files: readonly LoadedDefinitions[],
  services: Map<string, Service>,
  sink: IssueSink,
): Map<string, Metric> {
  const metrics = new Map<string, Metric>();
  const byPromName = new Map<string, Metric>();
  for (const file of files) {
    file.spec.metrics.forEach((spec, index) => {
      const at = (...path: (string | number)[]) => file.locate(['metrics', index, ...path]);
      const metric = buildMetric(spec, at('name'), at, services, sink);
      const existing = metrics.get(spec.name);
      if (existing) {
        sink.add(at('name'), `metric ${spec.name} is already declared at ${existing.source.file}:${existing.source.line}`);
        return;
      }
      const collision = byPromName.get(metric.promName);
      if (collision) {
        sink.add(
          at('name'),
          `metric ${spec.name} becomes ${metric.promName} in Prometheus, like ${collision.name} (${collision.source.file}:${collision.source.line}); rename one`,
        );
        return;
      }
      metrics.set(spec.name, metric);
      byPromName.set(metric.promName, metric);
    });
  }
  return metrics;
}

function buildMetric(
  spec: MetricSpec,
  source: SourceLocation,
  at: (...path: (string | number)[]) => SourceLocation,
  services: Map<string, Service>,
  sink: IssueSink,
): Metric {
  if (spec.type === 'counter' && /_total$/.test(spec.name)) {
    sink.add(source, `counter ${spec.name} must not end in _total: the exporter adds it (expected ${spec.name.replace(/_total$/, '')})`);
  }
  if (/[._](bucket|sum|count)$/.test(spec.name) && spec.type === 'histogram') {
    sink.add(source, `histogram ${spec.name} must not end in _bucket, _sum or _count: the exporter adds them`);
  }
  if (spec.service !== undefined && !services.has(spec.service)) {
    sink.add(at('service'), `unknown service ${spec.service}: expected one of ${[...services.keys()].join(', ') || '(none declared)'}`);
  }
  if (spec.type === 'histogram') {
    const buckets = spec.buckets ?? [];
    if (buckets.length === 0) sink.add(source, `histogram ${spec.name} needs \`buckets\` (explicit bucket boundaries)`);
    for (let i = 1; i < buckets.length; i++) {
      if ((buckets[i] as number) <= (buckets[i - 1] as number)) {
        sink.add(at('buckets', i), 'histogram buckets must be strictly increasing');
        break;
      }
    }
  } else if (spec.buckets !== undefined) {
    sink.add(at('buckets'), `only histograms have buckets; ${spec.name} is a ${spec.type}`);
  }
  const labels: Metric['labels'] = [];
  const seen = new Map<string, string>();
  for (const [key, label] of Object.entries(spec.labels)) {
    const name = prometheusLabelName(key);
    // Prometheus' own, and those the OpenTelemetry exporter adds to every series.
    const reserved = ['le', 'quantile', 'job', 'instance', '__name__', 'otel_scope_name', 'otel_scope_version', 'otel_metric_overflow'];
    if (reserved.includes(name) || name.startsWith('__')) {
      sink.add(at('labels', key), `label ${key} is reserved by Prometheus or the exporter; choose another name`);
    }
    const clash = seen.get(name);
    if (clash !== undefined) {
      sink.add(at('labels', key), `label keys ${clash} and ${key} both become ${name} in Prometheus; rename one`);
    }
    seen.set(name, key);
    labels.push({
      name,
      ...('values' in label ? { allowedValues: label.values } : { maxCardinality: label.max_cardinality }),
    });
  }
  labels.sort((a, b) => compareText(a.name, b.name));
  return {
    name: spec.name,
    type: spec.type,
    unit: spec.unit,
    description: spec.description,
    ...(spec.service !== undefined ? { service: spec.service } : {}),
    labels,
    ...(spec.buckets !== undefined ? { buckets: spec.buckets } : {}),
    promName: prometheusMetricName(spec.name, spec.type),
    source,
  };
}

/** Resolves catalog references inside one alert or SLO, reporting at the right line. */
class Resolver {
  constructor(
    private readonly metrics: Map<string, Metric>,
    private readonly sink: IssueSink,
    private readonly locate: (...path: (string | number)[]) => SourceLocation,
  ) {}

  metric(name: string, ...path: (string | number)[]): Metric | undefined {
    const metric = this.metrics.get(name);
    if (!metric) {
      const near = [...this.metrics.keys()].filter((known) => known.includes(name) || name.includes(known)).slice(0, 3);
      this.sink.add(
        this.locate(...path),
        `unknown metric ${name}: expected a metric of the catalog${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`,
      );
    }
    return metric;
  }

  labels(metric: Metric, labels: readonly string[], what: string, ...path: (string | number)[]): void {
    const known = new Set<string>([...metric.labels.map((label) => label.name), ...SCRAPE_LABELS]);
    for (const label of labels) {
      if (!known.has(prometheusLabelName(label))) {
        this.sink.add(
          this.locate(...path),
          `${what} label ${label} is not a label of ${metric.name}: expected one of ${[...known].sort().join(', ')}`,
        );
      }
    }
  }

  matchers(metric: Metric, spec: Record<string, MatcherSpec>, ...path: (string | number)[]): Matcher[] {
    const matchers = toMatchers(spec);
    this.labels(metric, Object.keys(spec), 'matcher', ...path);
    for (const matcher of matchers) {
      if (matcher.op === '=~' || matcher.op === '!~') {
        try {
          new RegExp(matcher.value);
        } catch {
          this.sink.add(this.locate(...path, matcher.label), `invalid regular expression ${JSON.stringify(matcher.value)}`);
        }
      }
      const allowed = metric.labels.find((label) => label.name === matcher.label)?.allowedValues;
      if (allowed && matcher.op === '=' && !allowed.includes(matcher.value)) {
        this.sink.add(
          this.locate(...path, matcher.label),
          `${matcher.label}=${JSON.stringify(matcher.value)} can never match: expected one of ${allowed.join(', ')}`,
        );
      }
    }
    return matchers;
  }

  counter(spec: SignalSpec, ...path: (string | number)[]): CounterSignal | undefined {
    const metric = this.metric(spec.metric, ...path, 'metric');
    if (!metric) return undefined;
    if (metric.type !== 'counter' && metric.type !== 'histogram') {
      this.sink.add(this.locate(...path, 'metric'), `${metric.name} is a ${metric.type}: expected a counter (events are counted)`);
    }
    return { metric, matchers: this.matchers(metric, spec.matchers, ...path, 'matchers') };
  }
}

function buildAlerts(
  files: readonly LoadedDefinitions[],
  services: Map<string, Service>,
  metrics: Map<string, Metric>,
  sink: IssueSink,
): Alert[] {
  const alerts: Alert[] = [];
  const names = new Map<string, SourceLocation>();
  for (const file of files) {
    file.spec.alerts.forEach((spec, index) => {
      const at = (...path: (string | number)[]) => file.locate(['alerts', index, ...path]);
      const source = at('name');
      const previous = names.get(spec.name);
      if (previous) sink.add(source, `alert ${spec.name} is already declared at ${previous.file}:${previous.line}`);
      names.set(spec.name, source);
      const resolve = new Resolver(metrics, sink, at);
      const condition = buildCondition(spec.condition, resolve, at, sink);
      const service = resolveService(spec.service, condition, services, sink, at);
      if (!condition || !service) return;
      const watched = watchedMetric(condition);
      if (watched) resolve.labels(watched, spec.by, '`by`', 'by');
      const escalation = buildEscalation(spec, at, sink);
      alerts.push({
        name: spec.name,
        service,
        severity: spec.severity,
        summary: spec.summary,
        ...(spec.description !== undefined ? { description: spec.description } : {}),
        ...(spec.runbook !== undefined ? { runbook: spec.runbook } : {}),
        ...(spec.dashboard !== undefined ? { dashboard: spec.dashboard } : {}),
        labels: spec.labels,
        annotations: spec.annotations,
        by: spec.by.map(prometheusLabelName),
        ...(spec.cooldown !== undefined ? { cooldownSeconds: seconds(spec.cooldown) } : {}),
        ...(escalation ? { escalation } : {}),
        condition,
        source,
      });
      checkReservedLabels(spec.labels, at, sink);
      checkGroupingLabels(spec, at, sink);
    });
  }
  return alerts;
}

const RESERVED_ALERT_LABELS = ['alertname', 'severity', 'service', 'team'];

function checkReservedLabels(
  labels: Record<string, string>,
  at: (...path: (string | number)[]) => SourceLocation,
  sink: IssueSink,
): void {
  for (const key of Object.keys(labels)) {
    if (RESERVED_ALERT_LABELS.includes(key)) {
      sink.add(at('labels', key), `label ${key} is set by Vigil; use the alert's own \`${key === 'alertname' ? 'name' : key}\` field`);
    }
  }
}

/**
 * A `by` label that the alert's own labels overwrite (Vigil's `service`, `severity`, `team`,
 * `escalated`, or a key of `labels`) would make every group the same label set once Prometheus
 * applies them: with two groups active, evaluation fails ("vector contains metrics with the same
 * labelset after applying alert labels") and the alert never fires. Refused where it is written.
 */
function checkGroupingLabels(spec: AlertSpec, at: (...path: (string | number)[]) => SourceLocation, sink: IssueSink): void {
  const overwritten = new Set([...RESERVED_ALERT_LABELS, ...Object.keys(spec.labels), ...(spec.escalate_after !== undefined ? ['escalated'] : [])]);
  spec.by.forEach((label, index) => {
    const name = prometheusLabelName(label);
    if (!overwritten.has(name)) return;
    const owner = RESERVED_ALERT_LABELS.includes(name) || name === 'escalated' ? 'Vigil sets on every alert' : 'the alert sets in `labels`';
    sink.add(
      at('by', index),
      `\`by\` label ${name} is also a label ${owner}, which replaces the grouped value: two groups would become one label set and the alert would fail to evaluate; group by other labels (or aggregate it away)`,
    );
  });
}

function buildEscalation(
  spec: AlertSpec,
  at: (...path: (string | number)[]) => SourceLocation,
  sink: IssueSink,
): Alert['escalation'] {
  if (spec.escalate_after === undefined) {
    if (spec.escalate_to !== undefined) sink.add(at('escalate_to'), '`escalate_to` needs `escalate_after`');
    return undefined;
  }
  const severity = spec.escalate_to ?? nextSeverity(spec.severity);
  if (SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(spec.severity)) {
    sink.add(
      at(spec.escalate_to !== undefined ? 'escalate_to' : 'escalate_after'),
      `an escalation must raise the severity above ${spec.severity}${spec.escalate_to ? '' : ' (critical is already the highest)'}`,
    );
    return undefined;
  }
  const afterSeconds = seconds(spec.escalate_after);
  if (afterSeconds === 0) sink.add(at('escalate_after'), '`escalate_after` must be longer than 0s');
  return { afterSeconds, severity };
}

function watchedMetric(condition: Condition): Metric | undefined {
  switch (condition.kind) {
    case 'threshold':
    case 'rate_of_change':
    case 'anomaly':
    case 'forecast':
      return condition.value.metric;
    case 'staleness':
    case 'absence':
      return condition.metric;
    case 'ratio':
      return condition.numerator.metric;
    case 'promql':
      return undefined;
  }
}

function resolveService(
  name: string | undefined,
  condition: Condition | undefined,
  services: Map<string, Service>,
  sink: IssueSink,
  at: (...path: (string | number)[]) => SourceLocation,
): Service | undefined {
  const fromMetric = condition ? watchedMetric(condition)?.service : undefined;
  const chosen = name ?? fromMetric;
  if (chosen === undefined) {
    sink.add(at('name'), 'the alert needs a `service` (its metric names none)');
    return undefined;
  }
  const service = services.get(chosen);
  if (!service) {
    sink.add(at(name !== undefined ? 'service' : 'name'), `unknown service ${chosen}: expected one of ${[...services.keys()].join(', ') || '(none declared)'}`);
  }
  return service;
}

function buildValue(
  spec: {
    metric: string;
    matchers: Record<string, MatcherSpec>;
    aggregate?: Aggregation | undefined;
    window?: string | undefined;
    quantile?: number | undefined;
  },
  resolve: Resolver,
  at: (...path: (string | number)[]) => SourceLocation,
  sink: IssueSink,
  kindDefaultsWindow: boolean,
): ValueSignal | undefined {
  const metric = resolve.metric(spec.metric, 'condition', 'metric');
  if (!metric) return undefined;
  const matchers = resolve.matchers(metric, spec.matchers, 'condition', 'matchers');
  if (spec.quantile !== undefined && metric.type !== 'histogram') {
    sink.add(at('condition', 'quantile'), `\`quantile\` applies to histograms; ${metric.name} is a ${metric.type}`);
  }
  // For gauges the condition's `window` is the kind's own (rate of change, anomaly...), not a rate window.
  const rateWindow = kindDefaultsWindow ? 300 : spec.window !== undefined ? seconds(spec.window) : 300;
  return {
    metric,
    matchers,
    aggregate: spec.aggregate ?? (metric.type === 'counter' ? 'sum' : 'avg'),
    windowSeconds: rateWindow,
    ...(spec.quantile !== undefined ? { quantile: spec.quantile } : {}),
  };
}

function buildCondition(
  spec: ConditionSpec,
  resolve: Resolver,
  at: (...path: (string | number)[]) => SourceLocation,
  sink: IssueSink,
): Condition | undefined {
  const forSeconds = seconds(spec.for);
  const needBound = (bound: Bound | undefined): Bound | undefined => {
    if (!bound) sink.add(at('condition'), 'expected exactly one of `above` or `below`');
    return bound;
  };
  switch (spec.kind) {
    case 'threshold': {
      const value = buildValue(spec, resolve, at, sink, false);
      const bound = needBound(boundOf(spec));
      return value && bound ? { kind: 'threshold', value, bound, forSeconds } : undefined;
    }
    case 'rate_of_change': {
      const value = buildValue(spec, resolve, at, sink, true);
      const rising = spec.rising;
      const falling = spec.falling;
      if ((rising === undefined) === (falling === undefined)) {
        sink.add(at('condition'), 'expected exactly one of `rising` or `falling`');
        return undefined;
      }
      const bound: Bound = rising !== undefined ? { op: '>', value: rising } : { op: '<', value: -(falling as number) };
      return value ? { kind: 'rate_of_change', value, windowSeconds: seconds(spec.window), bound, forSeconds } : undefined;
    }
    case 'anomaly': {
      const value = buildValue(spec, resolve, at, sink, true);
      return value
        ? { kind: 'anomaly', value, windowSeconds: seconds(spec.window), zScore: spec.z_score, direction: spec.direction, forSeconds }
        : undefined;
    }
    case 'forecast': {
      const value = buildValue(spec, resolve, at, sink, true);
      const bound = needBound(boundOf(spec));
      return value && bound
        ? {
            kind: 'forecast',
            value,
            windowSeconds: seconds(spec.window),
            horizonSeconds: seconds(spec.horizon),
            bound,
            forSeconds,
          }
        : undefined;
    }
    case 'staleness': {
      const metric = resolve.metric(spec.metric, 'condition', 'metric');
      if (!metric) return undefined;
      if (metric.type !== 'gauge') {
        sink.add(at('condition', 'metric'), `${metric.name} is a ${metric.type}: staleness needs a gauge holding a Unix timestamp in seconds`);
      }
      const matchers = resolve.matchers(metric, spec.matchers, 'condition', 'matchers');
      return { kind: 'staleness', metric, matchers, olderThanSeconds: seconds(spec.older_than), forSeconds };
    }
    case 'absence': {
      const metric = resolve.metric(spec.metric, 'condition', 'metric');
      if (!metric) return undefined;
      const matchers = resolve.matchers(metric, spec.matchers, 'condition', 'matchers');
      return { kind: 'absence', metric, matchers, forSeconds };
    }
    case 'ratio': {
      const numerator = resolve.counter(spec.numerator, 'condition', 'numerator');
      const denominator = resolve.counter(spec.denominator, 'condition', 'denominator');
      const bound = needBound(boundOf(spec));
      if (!numerator || !denominator || !bound) return undefined;
      return {
        kind: 'ratio',
        numerator,
        denominator,
        bound,
        windowSeconds: seconds(spec.window),
        ...(spec.min_denominator_rate !== undefined ? { minDenominatorRate: spec.min_denominator_rate } : {}),
        forSeconds,
      };
    }
    case 'promql':
      return {
        kind: 'promql',
        expr: spec.expr,
        forSeconds,
        ...(spec.test
          ? {
              test: {
                series: spec.test.series,
                intervalSeconds: seconds(spec.test.interval),
                healthyAtSeconds: spec.test.healthy_at.map(seconds),
                firesAtSeconds: seconds(spec.test.fires_at),
                labels: spec.test.labels,
                ...(spec.test.value !== undefined ? { value: spec.test.value } : {}),
              },
            }
          : {}),
      };
  }
}

function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

function buildSlos(
  files: readonly LoadedDefinitions[],
  services: Map<string, Service>,
  metrics: Map<string, Metric>,
  alerts: readonly Alert[],
  sink: IssueSink,
): Slo[] {
  const slos: Slo[] = [];
  const ids = new Map<string, SourceLocation>();
  const alertNames = new Set(alerts.map((alert) => alert.name));
  for (const file of files) {
    file.spec.slos.forEach((spec, index) => {
      const at = (...path: (string | number)[]) => file.locate(['slos', index, ...path]);
      const source = at('name');
      const id = `${spec.service}-${spec.name}`;
      const previous = ids.get(id);
      if (previous) sink.add(source, `SLO ${spec.name} of ${spec.service} is already declared at ${previous.file}:${previous.line}`);
      ids.set(id, source);
      const service = services.get(spec.service);
      if (!service) {
        sink.add(at('service'), `unknown service ${spec.service}: expected one of ${[...services.keys()].join(', ') || '(none declared)'}`);
        return;
      }
      const sli = buildSli(spec, new Resolver(metrics, sink, at), at, sink);
      if (!sli) return;
      const alertName = spec.alerting.name ?? `${pascalCase(spec.service)}${pascalCase(spec.name)}ErrorBudgetBurn`;
      if (alertNames.has(alertName)) sink.add(at('alerting', 'name'), `alert name ${alertName} is already used by an alert`);
      const tierSwitch = spec.alerting.tiers;
      checkReservedLabels(spec.alerting.labels, (...path) => at('alerting', ...path), sink);
      checkReservedLabels(spec.alerting.page.labels, (...path) => at('alerting', 'page', ...path), sink);
      checkReservedLabels(spec.alerting.ticket.labels, (...path) => at('alerting', 'ticket', ...path), sink);
      const page = sloAlert(spec.alerting.page, 'critical');
      const ticket = sloAlert(spec.alerting.ticket, 'warning');
      const tiers = BURN_TIERS.filter(
        (tier) => tierSwitch[tier.name] && (tier.alert === 'page' ? page !== undefined : ticket !== undefined),
      );
      const windowSeconds = seconds(spec.window);
      if (windowSeconds < 3 * 86400) sink.add(at('window'), 'the SLO window must be at least 3d, the longest burn-rate window');
      slos.push({
        name: spec.name,
        service,
        objectivePercent: spec.objective,
        windowSeconds,
        ...(spec.description !== undefined ? { description: spec.description } : {}),
        sli,
        groupBy: spec.group_by.map(prometheusLabelName),
        ...(spec.min_event_rate !== undefined ? { minEventRate: spec.min_event_rate } : {}),
        labels: spec.labels,
        ...(spec.runbook !== undefined ? { runbook: spec.runbook } : {}),
        alertName,
        alertLabels: spec.alerting.labels,
        alertAnnotations: spec.alerting.annotations,
        ...(page ? { page } : {}),
        ...(ticket ? { ticket } : {}),
        tiers,
        source,
      });
    });
  }
  return slos;
}

function sloAlert(spec: SloSpec['alerting']['page'], severity: Severity): SloAlertSpec | undefined {
  if (spec.disable) return undefined;
  return { severity: spec.severity ?? severity, labels: spec.labels, annotations: spec.annotations };
}

function buildSli(
  spec: SloSpec,
  resolve: Resolver,
  at: (...path: (string | number)[]) => SourceLocation,
  sink: IssueSink,
): Sli | undefined {
  const sli = spec.sli;
  const checkGroupBy = (metric: Metric) => resolve.labels(metric, spec.group_by, '`group_by`', 'group_by');
  if ('events' in sli) {
    const { good, bad, total } = sli.events;
    if ((good === undefined) === (bad === undefined)) {
      sink.add(at('sli', 'events'), 'expected exactly one of `good` or `bad` beside `total`');
      return undefined;
    }
    const totalSignal = resolve.counter(total, 'sli', 'events', 'total');
    const partSignal = good
      ? resolve.counter(good, 'sli', 'events', 'good')
      : resolve.counter(bad as SignalSpec, 'sli', 'events', 'bad');
    if (!totalSignal || !partSignal) return undefined;
    checkGroupBy(totalSignal.metric);
    checkGroupBy(partSignal.metric);
    return good
      ? { kind: 'events', good: partSignal, total: totalSignal }
      : { kind: 'events', bad: partSignal, total: totalSignal };
  }
  if ('latency' in sli) {
    const metric = resolve.metric(sli.latency.metric, 'sli', 'latency', 'metric');
    if (!metric) return undefined;
    if (metric.type !== 'histogram') {
      sink.add(at('sli', 'latency', 'metric'), `${metric.name} is a ${metric.type}: a latency SLI needs a histogram`);
      return undefined;
    }
    if (!(metric.buckets ?? []).includes(sli.latency.threshold)) {
      sink.add(
        at('sli', 'latency', 'threshold'),
        `threshold ${sli.latency.threshold} is not a bucket of ${metric.name}: expected one of ${(metric.buckets ?? []).join(', ')}`,
      );
      return undefined;
    }
    checkGroupBy(metric);
    const matchers = resolve.matchers(metric, sli.latency.matchers, 'sli', 'latency', 'matchers');
    return { kind: 'latency', metric, matchers, threshold: sli.latency.threshold };
  }
  const needsWindow = (query: string, ...path: string[]) => {
    if (!query.includes('{{.window}}')) sink.add(at('sli', ...path), 'expected the query to use `{{.window}}` for its range');
  };
  if ('promql' in sli) {
    needsWindow(sli.promql.error_query, 'promql', 'error_query');
    needsWindow(sli.promql.total_query, 'promql', 'total_query');
    return { kind: 'promql', errorQuery: sli.promql.error_query, totalQuery: sli.promql.total_query };
  }
  needsWindow(sli.promql_ratio.error_ratio_query, 'promql_ratio', 'error_ratio_query');
  return { kind: 'promql_ratio', errorRatioQuery: sli.promql_ratio.error_ratio_query };
}

