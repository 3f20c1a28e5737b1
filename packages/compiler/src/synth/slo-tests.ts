import type { BurnTier, CounterSignal, Slo } from '../model/types.js';
import { num } from '../promql/build.js';
import { errorBudget, sloLabels } from '../rules/slos.js';
import type { AlertingRule } from '../rules/types.js';
import { formatDuration } from '../spec/duration.js';
import { type AlertRuleCheck, type ExpectedAlert, expectAlert, type PromtoolTestCase, type SynthesisResult } from './alert-tests.js';
import { complementLabels, groupLabels, inputLabels } from './labels.js';
import { counterSegments, type InputSeries, renderValues, seriesName } from './series.js';
import { TemplateError } from './template.js';

/** SLO tests sample every 5 minutes: burn windows reach 3 days. */
export const SLO_STEP_SECONDS = 300;
const TOTAL_RATE = 100_000;
const START = 2;
/** A tier is only asserted when every ratio is at least this far from its threshold. */
const MARGIN = 0.1;

/** Error rates (per second, of TOTAL_RATE) before and from sample START on; traffic flows throughout. */
type Phase = { before: number; after: number };

function counter(name: string, labels: Record<string, string>, rate: (errors: number) => number, phase: Phase, length: number): InputSeries {
  return {
    series: seriesName(name, labels),
    values: renderValues(
      counterSegments(
        [
          [0, rate(phase.before) * SLO_STEP_SECONDS],
          [START, rate(phase.after) * SLO_STEP_SECONDS],
        ],
        length,
      ),
    ),
  };
}

/** Input series that make an SLI's error ratio `errorRate / TOTAL_RATE` from sample START on. */
function sliSeries(slo: Slo, phase: Phase, length: number): InputSeries[] | string {
  const sli = slo.sli;
  const bad = (errors: number) => errors;
  const good = (errors: number) => TOTAL_RATE - errors;
  const total = () => TOTAL_RATE;
  const nameOf = (signal: CounterSignal, suffix = '') =>
    `${signal.metric.promName}${suffix || (signal.metric.type === 'histogram' ? '_count' : '')}`;
  const labelsOf = (signal: CounterSignal) => inputLabels(slo.service, signal.metric, signal.matchers, slo.groupBy);
  switch (sli.kind) {
    case 'events': {
      const part = (sli.bad ?? sli.good) as CounterSignal;
      const partRate = sli.bad ? bad : good;
      const partLabels = labelsOf(part);
      if (!partLabels) return 'no label values satisfy the SLI matchers';
      if (part.metric === sli.total.metric) {
        const rest = complementLabels(part.metric, partLabels, part.matchers, sli.total.matchers);
        if (!rest) return 'no label values select the total without the part';
        const restRate = sli.bad ? good : bad;
        return [counter(nameOf(part), partLabels, partRate, phase, length), counter(nameOf(part), rest, restRate, phase, length)];
      }
      const totalLabels = labelsOf(sli.total);
      if (!totalLabels) return 'no label values satisfy the total matchers';
      return [counter(nameOf(part), partLabels, partRate, phase, length), counter(nameOf(sli.total), totalLabels, total, phase, length)];
    }
    case 'latency': {
      const labels = inputLabels(slo.service, sli.metric, sli.matchers, slo.groupBy);
      if (!labels) return 'no label values satisfy the SLI matchers';
      const buckets = sli.metric.buckets ?? [];
      return [
        ...[...buckets.map((b) => num(b)), '+Inf'].map((le, i) =>
          counter(
            `${sli.metric.promName}_bucket`,
            { ...labels, le },
            (buckets[i] ?? Infinity) < sli.threshold ? () => 0 : buckets[i] === sli.threshold ? good : total,
            phase,
            length,
          ),
        ),
        counter(`${sli.metric.promName}_count`, labels, total, phase, length),
      ];
    }
    case 'promql':
    case 'promql_ratio':
      return 'SLIs written in raw PromQL name series Vigil cannot synthesize';
  }
}

function resultLabels(slo: Slo, length: number): Record<string, string> | string {
  const series = sliSeries(slo, { before: 0, after: 0 }, length);
  if (typeof series === 'string') return series;
  const first = series[0] as InputSeries;
  const labels = Object.fromEntries(
    [...first.series.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], JSON.parse(`"${m[2]}"`)]),
  ) as Record<string, string>;
  return { ...groupLabels(labels, slo.groupBy), ...slo.labels, ...sloLabels(slo) };
}

/** Which tiers fire `minutesIn` after the error ratio jumped to `ratio`; undefined when too close to call. */
function firingTiers(slo: Slo, ratio: number, minutesIn: number): BurnTier[] | undefined {
  const budget = errorBudget(slo);
  // Traffic flows from the first sample, errors from START: windows reaching back before the
  // first sample hold only what exists.
  const elapsed = START * SLO_STEP_SECONDS + minutesIn * 60;
  const windowed = (windowSeconds: number) =>
    (ratio * Math.min(minutesIn * 60, windowSeconds)) / Math.min(windowSeconds, elapsed);
  const firing: BurnTier[] = [];
  for (const tier of slo.tiers) {
    const limit = tier.factor * budget;
    const short = windowed(tier.shortWindowSeconds);
    const long = windowed(tier.longWindowSeconds);
    const near = (value: number) => Math.abs(value - limit) / limit < MARGIN;
    const fires = short > limit && long > limit;
    if (fires) {
      if (near(short) || near(long)) return undefined;
      firing.push(tier);
    } else if ([short, long].filter((value) => value <= limit).every(near)) {
      return undefined;
    }
  }
  return firing;
}

/**
 * Synthesizes promtool tests for an SLO's burn-rate alerts: for each tier, an error ratio of
 * 1.5x its burn factor fires that tier once its long window has filled, and not at half of it;
 * an error ratio of half the budget stays quiet.
 */
export function synthesizeSloTests(slo: Slo, alerts: readonly AlertingRule[]): SynthesisResult {
  if (alerts.length === 0) return { ok: true, tests: [], stepSeconds: SLO_STEP_SECONDS };
  const budget = errorBudget(slo);
  const longest = Math.max(...slo.tiers.map((t) => t.longWindowSeconds)) / SLO_STEP_SECONDS;
  const length = START + longest + 4;
  const labels = resultLabels(slo, length);
  if (typeof labels === 'string') return { ok: false, reason: labels };
  const ruleFor = (tier: BurnTier) => alerts.find((rule) => rule.labels.burn_tier === tier.name) as AlertingRule;
  const expected = (tiers: BurnTier[]): ExpectedAlert[] =>
    tiers.map((tier) => expectAlert(ruleFor(tier).labels, ruleFor(tier).annotations, labels, undefined));
  const tests: PromtoolTestCase[] = [];
  try {
    for (const tier of slo.tiers) {
      const ratio = 1.5 * tier.factor * budget;
      const errorRate = Math.round(ratio * TOTAL_RATE);
      if (ratio >= 1 || errorRate === 0) continue;
      const series = sliSeries(slo, { before: 0, after: errorRate }, length);
      if (typeof series === 'string') return { ok: false, reason: series };
      const actualRatio = errorRate / TOTAL_RATE;
      const checks: AlertRuleCheck[] = [];
      const longMinutes = tier.longWindowSeconds / 60;
      for (const minutesIn of [Math.round(longMinutes / 2 / 5) * 5, longMinutes]) {
        const tiers = firingTiers(slo, actualRatio, minutesIn);
        if (!tiers) continue;
        checks.push({
          eval_time: formatDuration((START * SLO_STEP_SECONDS) + minutesIn * 60),
          alertname: slo.alertName,
          exp_alerts: expected(tiers),
        });
      }
      if (!checks.some((c) => c.exp_alerts.length > 0)) continue;
      tests.push({
        name: `${slo.alertName}: ${tier.name} tier fires at ${num(tier.factor * 1.5)}x the budget burn`,
        interval: formatDuration(SLO_STEP_SECONDS),
        input_series: series,
        alert_rule_test: checks,
      });
    }
    const quietRate = Math.round(0.5 * budget * TOTAL_RATE);
    const quiet = sliSeries(slo, { before: quietRate, after: quietRate }, length);
    if (typeof quiet === 'string') return { ok: false, reason: quiet };
    tests.push({
      name: `${slo.alertName}: quiet at half the budget burn`,
      interval: formatDuration(SLO_STEP_SECONDS),
      input_series: quiet,
      alert_rule_test: [1, 6, 24, 72].map((hours) => ({
        eval_time: formatDuration(START * SLO_STEP_SECONDS + hours * 3600),
        alertname: slo.alertName,
        exp_alerts: [],
      })),
    });
  } catch (error) {
    if (error instanceof TemplateError) return { ok: false, reason: `a template ${error.message}` };
    throw error;
  }
  return { ok: true, tests, stepSeconds: SLO_STEP_SECONDS };
}
