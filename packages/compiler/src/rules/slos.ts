import { assertNever } from '../errors.js';
import { burnWindowsSeconds } from '../model/burn-tiers.js';
import { errorBudget, errorRatioRecord } from '../model/slo-series.js';
import type { BurnTier, CounterSignal, Slo } from '../model/types.js';
import { bucketMatcher, by, num, range, selector } from '../promql/build.js';
import { formatDuration } from '../spec/duration.js';
import type { AlertingRule, RecordingRule, Rule } from './types.js';
import { metricSelector } from './value.js';
import { compareText } from '../text-order.js';

/** The identifying labels of an SLO's series. */
export function sloLabels(slo: Slo): Record<string, string> {
  return { slo_id: `${slo.service.name}-${slo.name}`, slo_name: slo.name, slo_service: slo.service.name };
}

export { errorBudget, errorRatioRecord } from '../model/slo-series.js';

function rateOf(slo: Slo, signal: CounterSignal, windowSeconds: number, suffix = ''): string {
  const name = suffix === '' && signal.metric.type === 'histogram' ? '_count' : suffix;
  return `sum${by(slo.groupBy)}(rate(${metricSelector(slo.service, signal.metric, signal.matchers, name)}${range(windowSeconds)}))`;
}

/** The SLI error ratio over one window. */
export function errorRatioExpr(slo: Slo, windowSeconds: number): string {
  const sli = slo.sli;
  const w = formatDuration(windowSeconds);
  switch (sli.kind) {
    case 'events':
      if (sli.bad) return `(${rateOf(slo, sli.bad, windowSeconds)}) / (${rateOf(slo, sli.total, windowSeconds)})`;
      return `1 - ((${rateOf(slo, sli.good as CounterSignal, windowSeconds)}) / (${rateOf(slo, sli.total, windowSeconds)}))`;
    case 'latency': {
      const good = {
        metric: sli.metric,
        matchers: [...sli.matchers, bucketMatcher(sli.threshold)].sort((a, b) => compareText(a.label, b.label)),
      };
      const total = { metric: sli.metric, matchers: sli.matchers };
      return `1 - ((${rateOf(slo, good, windowSeconds, '_bucket')}) / (${rateOf(slo, total, windowSeconds, '_count')}))`;
    }
    case 'promql':
      return `(${fillWindow(sli.errorQuery, w)}) / (${fillWindow(sli.totalQuery, w)})`;
    case 'promql_ratio':
      return `(${fillWindow(sli.errorRatioQuery, w)})`;
    default:
      return assertNever(sli);
  }
}

function fillWindow(query: string, window: string): string {
  return query.trim().replaceAll('{{.window}}', window);
}

/** The event rate behind the SLI over a window (for the low-traffic guard), where it is known. */
export function eventRateExpr(slo: Slo, windowSeconds: number): string | undefined {
  const sli = slo.sli;
  switch (sli.kind) {
    case 'events':
      return rateOf(slo, sli.total, windowSeconds);
    case 'latency':
      return rateOf(slo, { metric: sli.metric, matchers: sli.matchers }, windowSeconds, '_count');
    case 'promql':
      return `(${fillWindow(sli.totalQuery, formatDuration(windowSeconds))})`;
    case 'promql_ratio':
      return undefined;
    default:
      return assertNever(sli);
  }
}

function tierExpr(slo: Slo, tier: BurnTier): string {
  const ids = Object.entries(sloLabels(slo)).map(([label, value]) => ({ label, op: '=' as const, value }));
  const limit = `(${num(tier.factor)} * ${num(errorBudget(slo))})`;
  const burn = (window: number) => `${selector(errorRatioRecord(window), ids)} > ${limit}`;
  const both = `(${burn(tier.shortWindowSeconds)}) and (${burn(tier.longWindowSeconds)})`;
  const events = slo.minEventRate !== undefined ? eventRateExpr(slo, tier.longWindowSeconds) : undefined;
  if (events === undefined) return both;
  // Low-traffic guard: a handful of failures on a quiet service must not page anyone.
  return `(${both}) and on (${slo.groupBy.join(', ')}) (${events} >= ${num(slo.minEventRate as number)})`;
}

/** The recording and alerting rules of one SLO (Sloth's layout, one alert per burn tier). */
export function compileSlo(slo: Slo): Rule[] {
  const labels = { ...slo.labels, ...sloLabels(slo) };
  const origin = { kind: 'slo' as const, definition: `${slo.service.name}/${slo.name}`, source: slo.source };
  const recording = (record: string, expr: string): RecordingRule => ({ type: 'recording', record, expr, labels, origin });
  const ids = Object.entries(sloLabels(slo)).map(([label, value]) => ({ label, op: '=' as const, value }));
  const budget = errorBudget(slo);
  const windows = burnWindowsSeconds(slo.tiers.length > 0 ? slo.tiers : undefined);
  const rules: Rule[] = windows.map((window) => recording(errorRatioRecord(window), errorRatioExpr(slo, window)));
  // The shortest recorded window: 5m unless the fast tier is turned off (then 5m is not recorded).
  const shortest = selector(errorRatioRecord(windows[0] as number), ids);
  rules.push(
    recording('slo:objective:ratio', `vector(${num(slo.objectivePercent / 100)})`),
    recording('slo:error_budget:ratio', `vector(${num(budget)})`),
    recording('slo:time_period:days', `vector(${num(slo.windowSeconds / 86400)})`),
    recording('slo:current_burn_rate:ratio', `${shortest} / ${num(budget)}`),
    recording('slo:period_burn_rate:ratio', `avg_over_time(${shortest}${range(slo.windowSeconds)}) / ${num(budget)}`),
    recording(
      'slo:period_error_budget_remaining:ratio',
      `1 - ${selector('slo:period_burn_rate:ratio', ids)}`,
    ),
  );
  for (const tier of slo.tiers) {
    const spec = tier.alert === 'page' ? slo.page : slo.ticket;
    if (!spec) continue;
    const alert: AlertingRule = {
      type: 'alerting',
      alert: slo.alertName,
      expr: tierExpr(slo, tier),
      forSeconds: 0,
      labels: {
        ...slo.alertLabels,
        ...spec.labels,
        burn_tier: tier.name,
        service: slo.service.name,
        severity: spec.severity,
        slo_alert: tier.alert,
        team: slo.service.team,
      },
      annotations: {
        summary: `${slo.service.name} ${slo.name}: error budget burning ${num(tier.factor)}x too fast (${tier.name} tier, ${formatDuration(tier.longWindowSeconds)}/${formatDuration(tier.shortWindowSeconds)} windows)`,
        description: `The SLO ${slo.name} (${num(slo.objectivePercent)}% over ${formatDuration(slo.windowSeconds)}) burns its error budget at over ${num(tier.factor)}x the sustainable rate.`,
        ...(slo.runbook !== undefined ? { runbook_url: slo.runbook } : {}),
        ...slo.alertAnnotations,
        ...spec.annotations,
      },
      origin,
    };
    rules.push(alert);
  }
  return rules;
}
