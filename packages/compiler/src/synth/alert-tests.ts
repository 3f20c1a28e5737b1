import type { Alert } from '../model/types.js';
import { alertAnnotations, alertLabels } from '../rules/alerts.js';
import { formatDuration } from '../spec/duration.js';
import { STEP_SECONDS, withStep } from './levels.js';
import { type AlertScenario, scenarioFor } from './scenarios.js';
import type { InputSeries } from './series.js';
import { renderTemplate, TemplateError } from './template.js';
import { compareText } from '../text-order.js';

/** An alert expected to fire at one evaluation time. */
export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

/** One `alert_rule_test` entry of a promtool test. */
export interface AlertRuleCheck {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpectedAlert[];
}

/** One promtool test case. */
export interface PromtoolTestCase {
  name: string;
  interval: string;
  input_series: InputSeries[];
  alert_rule_test: AlertRuleCheck[];
}

/** Tests synthesized for an alert, or why none could be; `stepSeconds` is their evaluation interval. */
export type SynthesisResult = { ok: true; tests: PromtoolTestCase[]; stepSeconds: number } | { ok: false; reason: string };

const STEPS = [60, 300, 900, 3600];
const MAX_SAMPLES = 2000;

/** The finest step that divides every duration of the alert and keeps its test under MAX_SAMPLES. */
export function stepFor(alert: Alert): number {
  const c = alert.condition;
  const durations = [
    c.forSeconds,
    alert.escalation?.afterSeconds ?? 0,
    'windowSeconds' in c ? c.windowSeconds : 0,
    'value' in c ? c.value.windowSeconds : 0,
    c.kind === 'staleness' ? c.olderThanSeconds : 0,
  ].filter((d) => d > 0);
  if (c.kind === 'absence' || c.kind === 'promql') return 60;
  const longest = Math.max(600, ...durations) * 2 + durations.reduce((a, b) => a + b, 0);
  const dividing = STEPS.filter((step) => durations.every((d) => d % step === 0));
  return dividing.find((step) => longest / step <= MAX_SAMPLES) ?? dividing[dividing.length - 1] ?? 60;
}

const at = (minute: number) => formatDuration(minute * STEP_SECONDS);
const ceilMinutes = (seconds: number) => Math.ceil(seconds / STEP_SECONDS);

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareText(a, b)));
}

/** What promtool will see for a firing alert: labels and annotations rendered as Prometheus does. */
export function expectAlert(
  labels: Record<string, string>,
  annotations: Record<string, string>,
  resultLabels: Record<string, string>,
  value: number | undefined,
): ExpectedAlert {
  const rendered = Object.fromEntries(
    Object.entries(annotations).map(([key, template]) => [key, renderTemplate(template, { labels: resultLabels, value })]),
  );
  return { exp_labels: sorted({ ...resultLabels, ...labels }), exp_annotations: sorted(rendered) };
}

/**
 * Synthesizes promtool tests for one alert from its condition: quiet while healthy, not firing
 * before its `for` has passed, firing after it with the right labels and annotations, escalating
 * on time, and quiet on input that stays healthy throughout.
 */
export function synthesizeAlertTests(alert: Alert): SynthesisResult {
  if (alert.condition.kind === 'promql') {
    return promqlTests(alert, alert.escalation ? ceilMinutes(alert.escalation.afterSeconds) : 0);
  }
  const step = stepFor(alert);
  return withStep(step, () => {
    const forSteps = ceilMinutes(alert.condition.forSeconds);
    const escalationSteps = alert.escalation ? ceilMinutes(alert.escalation.afterSeconds) : 0;
    const built = scenarioFor(alert, forSteps + escalationSteps + 5);
    if (!built.ok) return built;
    try {
      return { ok: true, tests: scenarioTests(alert, built.scenario, forSteps, escalationSteps), stepSeconds: step };
    } catch (error) {
      if (error instanceof TemplateError) return { ok: false, reason: `a template ${error.message}` };
      throw error;
    }
  });
}

function scenarioTests(alert: Alert, s: AlertScenario, forMinutes: number, escalationMinutes: number): PromtoolTestCase[] {
  const base = (minute: number) => expectAlert(alertLabels(alert), alertAnnotations(alert), s.resultLabels, s.valueAt(minute));
  const escalated = (minute: number) =>
    expectAlert(
      { ...alertLabels(alert, alert.escalation?.severity), escalated: 'true' },
      alertAnnotations(alert),
      s.resultLabels,
      s.valueAt(minute),
    );
  const checks: AlertRuleCheck[] = [];
  const check = (minute: number, alerts: ExpectedAlert[]) =>
    checks.push({ eval_time: at(minute), alertname: alert.name, exp_alerts: alerts });
  check(s.breachAt - 1, []);
  if (forMinutes > 0) check(s.earliestStart + forMinutes - 1, []);
  const firesAt = s.latestStart + forMinutes;
  // When the start is uncertain, the escalated alert may already fire at `firesAt`: the later
  // check with both alerts then proves the base alert fires.
  const escalationUncertain = alert.escalation !== undefined && firesAt >= s.earliestStart + forMinutes + escalationMinutes;
  if (!escalationUncertain) check(firesAt, [base(firesAt)]);
  if (alert.escalation) {
    const notYet = s.earliestStart + forMinutes + escalationMinutes - 1;
    if (notYet >= firesAt) check(notYet, [base(notYet)]);
    const escalatesAt = s.latestStart + forMinutes + escalationMinutes;
    check(escalatesAt, [base(escalatesAt), escalated(escalatesAt)]);
  }
  const last = s.length - 1;
  return [
    { name: `${alert.name}: fires when ${s.story}`, interval: formatDuration(STEP_SECONDS), input_series: s.breachSeries, alert_rule_test: checks },
    {
      name: `${alert.name}: quiet on healthy input`,
      interval: formatDuration(STEP_SECONDS),
      input_series: s.healthySeries,
      alert_rule_test: [...new Set([s.breachAt, Math.floor(last / 2), last])].map((minute) => ({
        eval_time: at(minute),
        alertname: alert.name,
        exp_alerts: [],
      })),
    },
  ];
}

function promqlTests(alert: Alert, escalationMinutes: number): SynthesisResult {
  const condition = alert.condition;
  if (condition.kind !== 'promql' || !condition.test) {
    return { ok: false, reason: 'raw PromQL alerts need a `test` block (series, fires_at) in their condition' };
  }
  const test = condition.test;
  try {
    const fire = () => expectAlert(alertLabels(alert), alertAnnotations(alert), test.labels, test.value);
    const checks: AlertRuleCheck[] = test.healthyAtSeconds.map((seconds) => ({
      eval_time: formatDuration(seconds),
      alertname: alert.name,
      exp_alerts: [],
    }));
    checks.push({ eval_time: formatDuration(test.firesAtSeconds), alertname: alert.name, exp_alerts: [fire()] });
    if (alert.escalation) {
      const escalatesAt = test.firesAtSeconds + escalationMinutes * STEP_SECONDS;
      checks.push({
        eval_time: formatDuration(escalatesAt),
        alertname: alert.name,
        exp_alerts: [
          fire(),
          expectAlert({ ...alertLabels(alert, alert.escalation.severity), escalated: 'true' }, alertAnnotations(alert), test.labels, test.value),
        ],
      });
    }
    return {
      ok: true,
      stepSeconds: 60,
      tests: [
        {
          name: `${alert.name}: fires on the user's scenario`,
          interval: formatDuration(test.intervalSeconds),
          input_series: test.series,
          alert_rule_test: checks,
        },
      ],
    };
  } catch (error) {
    if (error instanceof TemplateError) return { ok: false, reason: `a template ${error.message}; give test.value` };
    throw error;
  }
}
