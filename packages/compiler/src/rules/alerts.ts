import { assertNever } from '../errors.js';
import { snakeCase } from '../model/names.js';
import type { Alert, Bound, Condition } from '../model/types.js';
import { by, num, range } from '../promql/build.js';
import type { AlertingRule, RecordingRule, Rule } from './types.js';
import { metricSelector, valueExpr } from './value.js';

/** The name of the recording rule that holds an alert's watched value. */
export function valueRecordName(alert: Alert): string {
  return `vigil:alert_value:${snakeCase(alert.name)}`;
}

const compare = (expr: string, bound: Bound) => `${expr} ${bound.op} ${num(bound.value)}`;

/** The alert expression, plus the recording rules it reads (kinds that look back over a window). */
export function conditionRules(alert: Alert): { records: RecordingRule[]; expr: string } {
  const condition: Condition = alert.condition;
  const service = alert.service;
  const record = (expr: string): RecordingRule => ({
    type: 'recording',
    record: valueRecordName(alert),
    expr,
    labels: {},
    origin: { kind: condition.kind, definition: alert.name, source: alert.source },
  });
  switch (condition.kind) {
    case 'threshold':
      return { records: [], expr: compare(valueExpr(service, condition.value, alert.by), condition.bound) };
    case 'rate_of_change': {
      const rec = record(valueExpr(service, condition.value, alert.by));
      return { records: [rec], expr: compare(`delta(${rec.record}${range(condition.windowSeconds)})`, condition.bound) };
    }
    case 'anomaly': {
      const rec = record(valueExpr(service, condition.value, alert.by));
      const window = range(condition.windowSeconds);
      const z = `(${rec.record} - avg_over_time(${rec.record}${window})) / stddev_over_time(${rec.record}${window})`;
      const limit = num(condition.zScore);
      const expr =
        condition.direction === 'above'
          ? `${z} > ${limit}`
          : condition.direction === 'below'
            ? `${z} < -${limit}`
            : `abs(${z}) > ${limit}`;
      return { records: [rec], expr };
    }
    case 'forecast': {
      const rec = record(valueExpr(service, condition.value, alert.by));
      return {
        records: [rec],
        expr: compare(
          `predict_linear(${rec.record}${range(condition.windowSeconds)}, ${condition.horizonSeconds})`,
          condition.bound,
        ),
      };
    }
    case 'staleness':
      return {
        records: [],
        expr: `time() - max${by(alert.by)}(${metricSelector(service, condition.metric, condition.matchers)}) > ${condition.olderThanSeconds}`,
      };
    case 'absence': {
      const suffix = condition.metric.type === 'histogram' ? '_count' : '';
      return { records: [], expr: `absent(${metricSelector(service, condition.metric, condition.matchers, suffix)})` };
    }
    case 'ratio': {
      const window = range(condition.windowSeconds);
      const rate = (signal: typeof condition.numerator) =>
        `sum${by(alert.by)}(rate(${metricSelector(service, signal.metric, signal.matchers, signal.metric.type === 'histogram' ? '_count' : '')}${window}))`;
      const ratio = compare(`(${rate(condition.numerator)} / ${rate(condition.denominator)})`, condition.bound);
      const expr =
        condition.minDenominatorRate !== undefined
          ? `${ratio} and ${rate(condition.denominator)} >= ${num(condition.minDenominatorRate)}`
          : ratio;
      return { records: [], expr };
    }
    case 'promql':
      return { records: [], expr: condition.expr.trim() };
    default:
      return assertNever(condition);
  }
}

/** The labels every rule of an alert carries. */
export function alertLabels(alert: Alert, severity = alert.severity): Record<string, string> {
  return { ...alert.labels, service: alert.service.name, severity, team: alert.service.team };
}

/** The annotations of an alert, in Prometheus' conventional names. */
export function alertAnnotations(alert: Alert): Record<string, string> {
  return {
    ...alert.annotations,
    summary: alert.summary,
    ...(alert.description !== undefined ? { description: alert.description } : {}),
    ...(alert.runbook !== undefined ? { runbook_url: alert.runbook } : {}),
    ...(alert.dashboard !== undefined ? { dashboard_url: alert.dashboard } : {}),
  };
}

/**
 * The rules of one alert: its recording rules, the alert, and its escalation (the same alert at
 * a higher severity once it has fired for `escalate_after`, so Alertmanager can inhibit the lower).
 */
export function compileAlert(alert: Alert): Rule[] {
  const { records, expr } = conditionRules(alert);
  const origin = { kind: alert.condition.kind, definition: alert.name, source: alert.source };
  const base: AlertingRule = {
    type: 'alerting',
    alert: alert.name,
    expr,
    forSeconds: alert.condition.forSeconds,
    labels: alertLabels(alert),
    annotations: alertAnnotations(alert),
    origin,
  };
  const rules: Rule[] = [...records, base];
  if (alert.escalation) {
    rules.push({
      ...base,
      forSeconds: alert.condition.forSeconds + alert.escalation.afterSeconds,
      labels: { ...alertLabels(alert, alert.escalation.severity), escalated: 'true' },
    });
  }
  return rules;
}
