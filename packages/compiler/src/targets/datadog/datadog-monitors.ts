import type { v1 } from '@datadog/datadog-api-client';
// Only the v1 serializer: the package's root import loads every API of both versions (2.7 s).
import { ObjectSerializer } from '@datadog/datadog-api-client/dist/packages/datadog-api-client-v1/models/ObjectSerializer.js';
import { assertNever } from '../../errors.js';
import { datadogCountSeries, datadogTag } from '@vigil/conventions';
import { snakeCase } from '../../model/names.js';
import type { Alert, Bound, CounterSignal, Model, Service, Severity, Slo, ValueSignal } from '../../model/types.js';
import { ddBy, ddDuration, ddFilter, ddMinutes, ddNumber, UnmappedError } from './datadog-query.js';
import { datadogMonitorMark } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';
import { compareText } from '../../text-order.js';

/**
 * Delays applied to every monitor. Evaluation waits a minute for the exporter's 10 s pushes
 * (and a retry or two) to land; new groups (a new pod, a new label value) get a minute to
 * report before they can alert.
 */
export const DATADOG_MONITOR_DELAYS = { evaluationDelaySeconds: 60, newGroupDelaySeconds: 60 } as const;

/** Monitor priority (1 highest) for each severity. */
const PRIORITY: Record<Severity, number> = { critical: 1, warning: 3, info: 5 };

/** One generated monitor: its stable id (the `vigil_id` tag and file name) and body. */
export interface DatadogMonitorDefinition {
  id: string;
  /** The service whose file holds the monitor. */
  service: string;
  monitor: v1.Monitor;
}

/** A definition with no Datadog monitor, and why. */
export interface SkippedDefinition {
  name: string;
  reason: string;
}

/** What the monitor mapping produced. */
export interface DatadogMonitors {
  monitors: DatadogMonitorDefinition[];
  skipped: SkippedDefinition[];
}

interface MappedQuery {
  query: string;
  thresholds: v1.MonitorThresholds;
  options?: Partial<v1.MonitorOptions>;
  /** What the Datadog query leaves out, stated in the monitor's message. */
  caveat?: string;
}

/** The per-group value of a signal as a Datadog query, and how it aggregates over time. */
function valueQuery(service: Service, signal: ValueSignal, groupBy: readonly string[]): { query: string; rate: boolean } {
  const { metric, matchers, aggregate } = signal;
  const filter = ddFilter(service, matchers);
  const by = ddBy(groupBy);
  switch (metric.type) {
    case 'gauge':
    case 'updowncounter':
      return { query: `${aggregate}:${metric.name}${filter}${by}`, rate: false };
    case 'counter':
      return { query: `${aggregate}:${metric.name}${filter}${by}.as_rate()`, rate: true };
    case 'histogram':
      if (signal.quantile !== undefined) {
        throw new UnmappedError(`quantile ${signal.quantile} of histogram ${metric.name}: Datadog metric queries cannot compute a quantile from per-bucket counts`);
      }
      return { query: `sum:${metric.name}.sum${filter}${by}.as_count() / sum:${metric.name}.count${filter}${by}.as_count()`, rate: true };
  }
}

function counterQuery(service: Service, signal: CounterSignal, groupBy: readonly string[]): string {
  return `sum:${datadogCountSeries(signal.metric.name, signal.metric.type)}${ddFilter(service, signal.matchers)}${ddBy(groupBy)}.as_count()`;
}

const critical = (bound: Bound): v1.MonitorThresholds => ({ critical: bound.value });
const window = (seconds: number): v1.MonitorThresholdWindowOptions => ({ triggerWindow: `last_${ddDuration(seconds)}`, recoveryWindow: `last_${ddDuration(seconds)}` });

/**
 * `quantile(q) > X` over a histogram, as the share of observations above X: the quantile passes
 * X exactly when more than 1 - q of the observations lie above it. Exact when X is a bucket
 * boundary (the exporter tags each bucket's count with its `upper_bound`); otherwise unmapped.
 */
function quantileThreshold(alert: Alert, signal: ValueSignal, bound: Bound, forSeconds: number): MappedQuery {
  const { metric, matchers } = signal;
  const quantile = signal.quantile!;
  const within = (metric.buckets ?? []).filter((b) => b <= bound.value);
  if (!(metric.buckets ?? []).includes(bound.value)) {
    throw new UnmappedError(`quantile ${quantile} of histogram ${metric.name} against ${bound.value}, which is not one of its bucket bounds: Datadog has no quantile over per-bucket counts`);
  }
  const filter = ddFilter(alert.service, matchers);
  const bucketFilter = ddFilter(alert.service, matchers, { key: 'upper_bound', values: within.map(ddNumber) });
  const by = ddBy(alert.by);
  const total = `sum:${metric.name}.count${filter}${by}.as_count()`;
  const above = `(${total} - sum:${metric.name}.bucket${bucketFilter}${by}.as_count()) / ${total}`;
  const share = Number((1 - quantile).toPrecision(12));
  return {
    query: `sum(last_${ddDuration(Math.max(signal.windowSeconds, forSeconds))}):${above} ${bound.op} ${ddNumber(share)}`,
    thresholds: { critical: share },
  };
}

/** Maps an alert's condition to a Datadog metric monitor query; throws {@link UnmappedError}. */
function conditionQuery(alert: Alert): MappedQuery {
  const condition = alert.condition;
  const service = alert.service;
  switch (condition.kind) {
    case 'threshold': {
      if (condition.value.metric.type === 'histogram' && condition.value.quantile !== undefined) return quantileThreshold(alert, condition.value, condition.bound, condition.forSeconds);
      const { query, rate } = valueQuery(service, condition.value, alert.by);
      // A gauge must stay past the bound for the whole `for` ("at all times"); a rate is already
      // an average, taken over its window (or `for`, when longer).
      const seconds = rate ? Math.max(condition.value.windowSeconds, condition.forSeconds) : condition.forSeconds;
      const timeAggregation = rate ? (query.includes('.as_count()') ? 'sum' : 'avg') : condition.bound.op === '>' ? 'min' : 'max';
      return { query: `${timeAggregation}(last_${ddDuration(seconds)}):${query} ${condition.bound.op} ${ddNumber(condition.bound.value)}`, thresholds: critical(condition.bound) };
    }
    case 'rate_of_change': {
      // delta over the window = the sum of point-to-point differences over it.
      const { query } = valueQuery(service, condition.value, alert.by);
      return { query: `sum(last_${ddDuration(condition.windowSeconds)}):diff(${query}) ${condition.bound.op} ${ddNumber(condition.bound.value)}`, thresholds: critical(condition.bound) };
    }
    case 'anomaly': {
      const { query } = valueQuery(service, condition.value, alert.by);
      const direction = condition.direction === 'both' ? '' : `, direction='${condition.direction}'`;
      const trigger = Math.max(condition.forSeconds, 300);
      return {
        query: `avg(last_${ddDuration(trigger)}):anomalies(${query}, 'basic', ${ddNumber(condition.zScore)}${direction}) >= 1`,
        thresholds: { critical: 1, criticalRecovery: 0 },
        options: { thresholdWindows: window(trigger) },
      };
    }
    case 'forecast': {
      const { query } = valueQuery(service, condition.value, alert.by);
      const above = condition.bound.op === '>';
      const trigger = Math.max(condition.forSeconds, 300);
      return {
        query: `${above ? 'max' : 'min'}(next_${ddDuration(condition.horizonSeconds)}):forecast(${query}, 'linear', 1, history='${ddDuration(condition.windowSeconds)}') ${above ? '>=' : '<='} ${ddNumber(condition.bound.value)}`,
        thresholds: critical(condition.bound),
        options: { thresholdWindows: window(trigger) },
      };
    }
    case 'staleness': {
      // The metric holds a Unix timestamp; Datadog has no `time()`, so "older than" becomes
      // "has not advanced for that long"; a series that stops reporting fires as no data.
      const series = `max:${condition.metric.name}${ddFilter(service, condition.matchers)}${ddBy(alert.by)}`;
      return {
        query: `sum(last_${ddDuration(condition.olderThanSeconds)}):diff(${series}) <= 0`,
        thresholds: { critical: 0 },
        options: { notifyNoData: true, noDataTimeframe: ddMinutes(condition.olderThanSeconds + condition.forSeconds, 2) },
      };
    }
    case 'absence': {
      // Only "no data" can fire: the count of reporting series is never below 1 while data flows.
      const series = `${condition.metric.type === 'counter' || condition.metric.type === 'histogram' ? 'sum' : 'avg'}:${datadogCountSeries(condition.metric.name, condition.metric.type)}${ddFilter(service, condition.matchers)}`;
      const seconds = Math.max(condition.forSeconds, 120);
      return {
        query: `avg(last_${ddDuration(seconds)}):count_not_null(${series}) < 1`,
        thresholds: { critical: 1 },
        options: { notifyNoData: true, noDataTimeframe: ddMinutes(seconds, 2) },
      };
    }
    case 'ratio': {
      // As for rates: `for` cannot be stacked on a windowed sum, so a longer `for` widens the window.
      const numerator = counterQuery(service, condition.numerator, alert.by);
      const denominator = counterQuery(service, condition.denominator, alert.by);
      return {
        query: `sum(last_${ddDuration(Math.max(condition.windowSeconds, condition.forSeconds))}):${numerator} / ${denominator} ${condition.bound.op} ${ddNumber(condition.bound.value)}`,
        thresholds: critical(condition.bound),
        // A metric monitor query cannot gate one ratio on another series (PromQL's `and`).
        ...(condition.minDenominatorRate !== undefined ? { caveat: `min_denominator_rate ${ddNumber(condition.minDenominatorRate)}/s is not enforced in Datadog: low traffic can fire this monitor.` } : {}),
      };
    }
    case 'promql':
      throw new UnmappedError('raw PromQL has no Datadog translation');
    default:
      return assertNever(condition);
  }
}

/**
 * Prometheus template references in a summary as Datadog's message variables: `{{ $value }}`
 * becomes `{{value}}` and `{{ $labels.x }}` `{{x.name}}`; pipes (`| humanize`) are dropped.
 */
export function datadogMessageText(text: string): string {
  return text
    .replace(/\{\{\s*\$value(?:\s*\|[^}]*)?\s*\}\}/g, '{{value}}')
    .replace(/\{\{\s*\$labels\.(\w+)(?:\s*\|[^}]*)?\s*\}\}/g, (_, label: string) => `{{${datadogTag(label)}.name}}`);
}

function footer(id: string): string {
  return datadogMonitorMark(id);
}

function tags(id: string, service: Service, severity: Severity, labels: Record<string, string>): string[] {
  const extra = Object.entries(labels).map(([key, value]) => `${datadogTag(key)}:${datadogTag(value)}`);
  const fixed = [`managed_by:vigil`, `service:${datadogTag(service.name)}`, `severity:${severity}`, `team:${datadogTag(service.team)}`, `vigil_id:${id}`];
  const fixedKeys = new Set(fixed.map((tag) => tag.split(':')[0]));
  return [...new Set([...fixed, ...extra.filter((tag) => !fixedKeys.has(tag.split(':')[0]))])].sort();
}

function alertMonitor(alert: Alert, id: string): v1.Monitor {
  const mapped = conditionQuery(alert);
  const lines = [datadogMessageText(alert.summary), alert.description && datadogMessageText(alert.description), alert.runbook && `Runbook: ${alert.runbook}`, alert.dashboard && `Dashboard: ${alert.dashboard}`, mapped.caveat && `Note: ${mapped.caveat}`];
  const escalation = alert.escalation;
  // Datadog cannot raise a monitor's severity over time; the escalation becomes a re-notification.
  const renotifySeconds = alert.cooldownSeconds ?? escalation?.afterSeconds;
  const options: v1.MonitorOptions = {
    evaluationDelay: DATADOG_MONITOR_DELAYS.evaluationDelaySeconds,
    includeTags: true,
    newGroupDelay: DATADOG_MONITOR_DELAYS.newGroupDelaySeconds,
    notifyNoData: false,
    requireFullWindow: false,
    thresholds: mapped.thresholds,
    ...(renotifySeconds !== undefined ? { renotifyInterval: ddMinutes(renotifySeconds) } : {}),
    ...(escalation ? { escalationMessage: `Still firing after ${ddDuration(escalation.afterSeconds)}: escalated to ${escalation.severity}.` } : {}),
    ...mapped.options,
  };
  return {
    message: [...lines.filter((line): line is string => Boolean(line)), '', footer(id)].join('\n'),
    name: `[${alert.service.name}] ${alert.name}`,
    options,
    priority: PRIORITY[alert.severity],
    query: mapped.query,
    tags: tags(id, alert.service, alert.severity, alert.labels),
    type: 'query alert',
  };
}

/** The SLO's error ratio as a Datadog query: event counts, or a histogram's share above its latency bound. */
function sloErrorRatio(slo: Slo): string {
  const sli = slo.sli;
  const by = ddBy(slo.groupBy);
  switch (sli.kind) {
    case 'events': {
      const total = counterQuery(slo.service, sli.total, slo.groupBy);
      return sli.bad ? `${counterQuery(slo.service, sli.bad, slo.groupBy)} / ${total}` : `(${total} - ${counterQuery(slo.service, sli.good!, slo.groupBy)}) / ${total}`;
    }
    case 'latency': {
      const buckets = sli.metric.buckets ?? [];
      if (!buckets.includes(sli.threshold)) {
        throw new UnmappedError(`latency SLI threshold ${sli.threshold} is not a bucket bound of ${sli.metric.name}: Datadog cannot count the observations below it`);
      }
      const filter = ddFilter(slo.service, sli.matchers);
      const good = ddFilter(slo.service, sli.matchers, { key: 'upper_bound', values: buckets.filter((b) => b <= sli.threshold).map(ddNumber) });
      const total = `sum:${sli.metric.name}.count${filter}${by}.as_count()`;
      return `(${total} - sum:${sli.metric.name}.bucket${good}${by}.as_count()) / ${total}`;
    }
    case 'promql':
    case 'promql_ratio':
      throw new UnmappedError(`${sli.kind} SLI: raw PromQL has no Datadog translation`);
    default:
      return assertNever(sli);
  }
}

/** One monitor per burn tier of an SLO: the error ratio over the tier's long window. */
function sloMonitors(slo: Slo): DatadogMonitorDefinition[] {
  const errors = sloErrorRatio(slo);
  const budget = 1 - slo.objectivePercent / 100;
  return slo.tiers.map((tier) => {
    const id = datadogTag(snakeCase(`${slo.alertName}_${tier.name}`));
    const spec = tier.alert === 'page' ? slo.page : slo.ticket;
    const severity: Severity = spec?.severity ?? (tier.alert === 'page' ? 'critical' : 'warning');
    const limit = Number((tier.factor * budget).toPrecision(12));
    const lines = [
      `SLO ${slo.name} (${ddNumber(slo.objectivePercent)}% over ${ddDuration(slo.windowSeconds)}) burns its error budget ${ddNumber(tier.factor)}x too fast over ${ddDuration(tier.longWindowSeconds)} (${tier.name} tier, ${tier.alert}).`,
      slo.description,
      slo.runbook && `Runbook: ${slo.runbook}`,
    ];
    const monitor: v1.Monitor = {
      message: [...lines.filter((line): line is string => Boolean(line)), '', footer(id)].join('\n'),
      name: `[${slo.service.name}] ${slo.alertName} ${tier.name} burn`,
      options: {
        evaluationDelay: DATADOG_MONITOR_DELAYS.evaluationDelaySeconds,
        includeTags: true,
        newGroupDelay: DATADOG_MONITOR_DELAYS.newGroupDelaySeconds,
        notifyNoData: false,
        requireFullWindow: false,
        thresholds: { critical: limit },
      },
      priority: PRIORITY[severity],
      query: `sum(last_${ddDuration(tier.longWindowSeconds)}):${errors} > ${ddNumber(limit)}`,
      tags: tags(id, slo.service, severity, { ...slo.labels, ...slo.alertLabels, slo: slo.name }),
      type: 'query alert',
    };
    return { id, service: slo.service.name, monitor };
  });
}

/**
 * Maps every alert (and every burn tier of an event-count SLO) to a Datadog metric monitor over
 * the series Vigil's Datadog exporter sends. What has no Datadog equivalent is skipped with a
 * reason instead of being approximated silently.
 */
export function datadogMonitors(model: Model): DatadogMonitors {
  const monitors: DatadogMonitorDefinition[] = [];
  const skipped: SkippedDefinition[] = [];
  const add = (definition: DatadogMonitorDefinition): number => monitors.push(definition);
  // Alert names may repeat across services; the id (a Datadog tag, so lower case) must not.
  const counts = new Map<string, number>();
  for (const alert of model.alerts) counts.set(snakeCase(alert.name), (counts.get(snakeCase(alert.name)) ?? 0) + 1);
  for (const alert of model.alerts) {
    const base = snakeCase(alert.name);
    const id = datadogTag(counts.get(base)! > 1 ? `${snakeCase(alert.service.name)}_${base}` : base);
    try {
      add({ id, service: alert.service.name, monitor: alertMonitor(alert, id) });
    } catch (error) {
      if (!(error instanceof UnmappedError)) throw error;
      skipped.push({ name: alert.name, reason: error.message });
    }
  }
  for (const slo of model.slos) {
    try {
      sloMonitors(slo).forEach((definition) => add(definition));
    } catch (error) {
      if (!(error instanceof UnmappedError)) throw error;
      skipped.push({ name: slo.name, reason: error.message });
    }
  }
  return { monitors, skipped };
}

/** A JSON value with object keys sorted, so files and comparisons are deterministic. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** A monitor as the API takes it (snake_case wire JSON from the client's serializer). */
export function monitorWireJson(monitor: v1.Monitor): Record<string, unknown> {
  return sortKeys(ObjectSerializer.serialize(monitor, 'Monitor', '')) as Record<string, unknown>;
}

/**
 * `datadog/monitors/<service>.json`, one per service: its monitors (alerts and SLO burn tiers)
 * keyed by vigil id. One file per service, like the rule files: a file per monitor made
 * generation on 1,000 alerts spend most of its time creating files.
 */
export function emitDatadogMonitors(model: Model): OutputFile[] {
  const byService = new Map<string, [string, Record<string, unknown>][]>();
  for (const { id, service, monitor } of datadogMonitors(model).monitors) {
    byService.set(service, [...(byService.get(service) ?? []), [id, monitorWireJson(monitor)]]);
  }
  // Each monitor's keys are sorted already; only the ids need ordering.
  return [...byService].map(([service, monitors]) => ({
    path: `datadog/monitors/${service}.json`,
    content: `${JSON.stringify(Object.fromEntries(monitors.sort(([a], [b]) => compareText(a, b))), null, 2)}\n`,
  }));
}
