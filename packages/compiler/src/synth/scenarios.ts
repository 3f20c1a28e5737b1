import { assertNever } from '../errors.js';
import type { Alert, Bound, Condition, ValueSignal } from '../model/types.js';
import { num } from '../promql/build.js';
import { formatDuration } from '../spec/duration.js';
import { counterSeries, driverFor, passes, STEP_SECONDS } from './levels.js';
import { complementLabels, groupLabels, inputLabels } from './labels.js';
import { counterSegments, dyadic, gaugeSegments, type InputSeries, renderValues, seriesName } from './series.js';

/**
 * Input series that keep an alert healthy, then breach its condition at `breachAt`, and what
 * Prometheus will then compute: when the alert goes pending (between `earliestStart` and
 * `latestStart`), with which labels and which value.
 */
export interface AlertScenario {
  breachSeries: InputSeries[];
  healthySeries: InputSeries[];
  length: number;
  breachAt: number;
  earliestStart: number;
  latestStart: number;
  /** The last minute the condition is known to hold (anomalies fade as the window adapts). */
  holdsUntil: number;
  resultLabels: Record<string, string>;
  valueAt(minute: number): number | undefined;
  story: string;
}

export type ScenarioResult = { ok: true; scenario: AlertScenario } | { ok: false; reason: string };

const minutes = (seconds: number) => Math.ceil(seconds / STEP_SECONDS);
const no = (reason: string): ScenarioResult => ({ ok: false, reason });
const describe = (bound: Bound) => `${bound.op === '>' ? 'above' : 'below'} ${num(bound.value)}`;

/** Builds the scenario for one alert; `tail` is how many minutes after the start checks need. */
export function scenarioFor(alert: Alert, tail: number): ScenarioResult {
  const condition: Condition = alert.condition;
  switch (condition.kind) {
    case 'threshold':
      return thresholdScenario(alert, condition.value, condition.bound, tail);
    case 'ratio':
      return ratioScenario(alert, condition, tail);
    case 'rate_of_change':
      return rateOfChangeScenario(alert, condition, tail);
    case 'anomaly':
      return anomalyScenario(alert, condition, tail);
    case 'forecast':
      return forecastScenario(alert, condition, tail);
    case 'staleness':
      return stalenessScenario(alert, condition, tail);
    case 'absence':
      return absenceScenario(alert, condition, tail);
    case 'promql':
      return no('raw PromQL alerts need a `test` block in their condition');
    default:
      return assertNever(condition);
  }
}

function labelsOf(alert: Alert, signal: { metric: ValueSignal['metric']; matchers: ValueSignal['matchers'] }) {
  return inputLabels(alert.service, signal.metric, signal.matchers, alert.by);
}

/**
 * The watched value holds a healthy level, then a breaching one from `breachAt` on. `settle` is
 * how long after the breach the value is guaranteed to pass the bound (its window).
 */
function levelShiftScenario(
  alert: Alert,
  signal: ValueSignal,
  bound: Bound,
  tail: number,
  timing: (settle: number) => { breachAt: number; latestStart: number },
  verb: string,
): ScenarioResult {
  const driver = driverFor(signal);
  const levels = driver.pick(bound);
  if (!levels) return no(`no input of ${signal.metric.name} can be made ${describe(bound)}`);
  const labels = labelsOf(alert, signal);
  if (!labels) return no('no label values satisfy the matchers');
  const { breachAt, latestStart } = timing(driver.settleMinutes);
  const length = Math.max(latestStart, breachAt) + tail + 1;
  const value = driver.valueOf(levels.breach);
  return {
    ok: true,
    scenario: {
      breachSeries: driver.series([[0, levels.healthy], [breachAt, levels.breach]], length, labels),
      healthySeries: driver.series([[0, levels.healthy]], length, labels),
      length,
      breachAt,
      earliestStart: breachAt,
      latestStart: Math.max(breachAt, latestStart),
      holdsUntil: length - 1,
      resultLabels: groupLabels(labels, alert.by),
      valueAt: () => value,
      story: `${signal.metric.name} ${verb} ${describe(bound)} (${num(value)})`,
    },
  };
}

function thresholdScenario(alert: Alert, signal: ValueSignal, bound: Bound, tail: number): ScenarioResult {
  // A rate or quantile reaches the new level once its window holds only breaching samples.
  return levelShiftScenario(alert, signal, bound, tail, (settle) => ({ breachAt: settle + 10, latestStart: settle + 9 + settle }), 'goes');
}

function ratioScenario(alert: Alert, condition: Extract<Condition, { kind: 'ratio' }>, tail: number): ScenarioResult {
  const { numerator, denominator, bound } = condition;
  const total = Math.max(1000, Math.ceil((condition.minDenominatorRate ?? 0) * 2));
  const x = bound.value;
  const pick =
    bound.op === '>'
      ? { breach: Math.min(total, Math.floor(x * total * 1.5) + 1), healthy: Math.max(0, Math.floor((x * total) / 2)) }
      : { breach: Math.max(0, Math.ceil((x * total) / 2) - 1), healthy: Math.min(total, Math.floor(x * total * 1.5) + 1) };
  if (!passes(pick.breach / total, bound) || passes(pick.healthy / total, bound)) {
    return no(`no ratio can be made ${describe(bound)}`);
  }
  const numLabels = labelsOf(alert, numerator);
  if (!numLabels) return no('no label values satisfy the numerator matchers');
  const windowMinutes = minutes(condition.windowSeconds);
  const breachAt = windowMinutes + 10;
  const latestStart = breachAt - 1 + windowMinutes;
  const length = latestStart + tail + 1;
  const series = (numeratorRate: number, phase: number): InputSeries[] => {
    const phases = (from: number) =>
      phase === 0 ? [[0, from] as const] : [[0, pick.healthy] as const, [breachAt, from] as const];
    const suffix = (m: typeof numerator.metric) => (m.type === 'histogram' ? '_count' : '');
    if (numerator.metric === denominator.metric) {
      const rest = complementLabels(numerator.metric, { ...numLabels }, numerator.matchers, denominator.matchers);
      if (!rest) return [];
      const restPhases =
        phase === 0
          ? [[0, total - pick.healthy] as const]
          : [[0, total - pick.healthy] as const, [breachAt, total - numeratorRate] as const];
      return [
        counterSeries(numerator.metric, suffix(numerator.metric), phases(numeratorRate), length, numLabels),
        counterSeries(numerator.metric, suffix(numerator.metric), restPhases, length, rest),
      ];
    }
    const denLabels = inputLabels(alert.service, denominator.metric, denominator.matchers, alert.by);
    if (!denLabels) return [];
    return [
      counterSeries(numerator.metric, suffix(numerator.metric), phases(numeratorRate), length, numLabels),
      counterSeries(denominator.metric, suffix(denominator.metric), [[0, total]], length, denLabels),
    ];
  };
  const breachSeries = series(pick.breach, 1);
  if (breachSeries.length === 0) return no('no label values select the denominator without the numerator');
  // The value as Prometheus computes it (promtool's rate() is increase x (1 / range), which is
  // not always the float nearest to increase / range), so `{{ $value }}` renders identically.
  const windowSeconds = condition.windowSeconds;
  const promRate = (perSecond: number) => perSecond * windowSeconds * (1 / windowSeconds);
  const denominatorRate =
    numerator.metric === denominator.metric ? promRate(pick.breach) + promRate(total - pick.breach) : promRate(total);
  const value = promRate(pick.breach) / denominatorRate;
  return {
    ok: true,
    scenario: {
      breachSeries,
      healthySeries: series(pick.healthy, 0),
      length,
      breachAt,
      earliestStart: breachAt,
      latestStart,
      holdsUntil: length - 1,
      resultLabels: groupLabels(numLabels, alert.by),
      valueAt: () => value,
      story: `${numerator.metric.name} over ${denominator.metric.name} goes ${describe(bound)} (${num(pick.breach / total)})`,
    },
  };
}

function gaugeOnly(signal: ValueSignal, kind: string): string | undefined {
  const type = signal.metric.type;
  return type === 'gauge' || type === 'updowncounter' ? undefined : `${kind} tests are synthesized for gauges; ${signal.metric.name} is a ${type}`;
}

function rateOfChangeScenario(
  alert: Alert,
  condition: Extract<Condition, { kind: 'rate_of_change' }>,
  tail: number,
): ScenarioResult {
  const refusal = gaugeOnly(condition.value, 'rate-of-change');
  if (refusal) return no(refusal);
  const labels = labelsOf(alert, condition.value);
  if (!labels) return no('no label values satisfy the matchers');
  const windowMinutes = minutes(condition.windowSeconds);
  const x = condition.bound.value;
  const slope = condition.bound.op === '>' ? dyadic((x * 1.5) / windowMinutes, 'up') : -dyadic((-x * 1.5) / windowMinutes, 'up');
  const change = slope * windowMinutes;
  if (!passes(change, condition.bound) || slope === 0) return no('no ramp can be made steep enough');
  const breachAt = windowMinutes + 10;
  const latestStart = breachAt - 1 + windowMinutes;
  const length = latestStart + tail + 1;
  const name = condition.value.metric.promName;
  const ramp = renderValues([
    ...gaugeSegments([[0, 0]], breachAt),
    { start: slope, step: slope, count: length - breachAt },
  ]);
  return {
    ok: true,
    scenario: {
      breachSeries: [{ series: seriesName(name, labels), values: ramp }],
      healthySeries: [{ series: seriesName(name, labels), values: renderValues(gaugeSegments([[0, 0]], length)) }],
      length,
      breachAt,
      earliestStart: breachAt,
      latestStart,
      holdsUntil: length - 1,
      resultLabels: groupLabels(labels, alert.by),
      valueAt: () => change,
      story: `${condition.value.metric.name} changes by ${num(change)} over ${formatDuration(condition.windowSeconds)}`,
    },
  };
}

/** How far past the z-score bound a simulated value must be to call it, in relative terms. */
const Z_MARGIN = 0.02;

function anomalyScenario(alert: Alert, condition: Extract<Condition, { kind: 'anomaly' }>, tail: number): ScenarioResult {
  const { metric } = condition.value;
  if (metric.type === 'histogram') return no(`anomaly tests are synthesized for gauges and counters; ${metric.name} is a histogram`);
  const labels = labelsOf(alert, condition.value);
  if (!labels) return no('no label values satisfy the matchers');
  const windowMinutes = minutes(condition.windowSeconds);
  const breachAt = windowMinutes + 10;
  const healthy = 16;
  const shift = condition.direction === 'below' ? -8 : 16;
  const isCounter = metric.type === 'counter';
  const rateMinutes = minutes(condition.value.windowSeconds);
  const needed = minutes(condition.forSeconds) + (alert.escalation ? minutes(alert.escalation.afterSeconds) : 0);
  const horizon = breachAt + Math.max(tail, needed + 10) + windowMinutes;
  // The recorded value at each minute: the gauge itself, or the counter's rate over its window.
  const level = (minute: number) => (minute < breachAt ? healthy : healthy + shift);
  const recorded: number[] = [];
  const cumulative = [0];
  for (let minute = 1; minute <= horizon; minute++) cumulative.push((cumulative[minute - 1] as number) + level(minute) * STEP_SECONDS);
  for (let minute = 0; minute <= horizon; minute++) {
    if (!isCounter) recorded.push(level(minute));
    else {
      const from = Math.max(0, minute - rateMinutes);
      recorded.push(((cumulative[minute] as number) - (cumulative[from] as number)) / (rateMinutes * STEP_SECONDS));
    }
  }
  // Scanning for the firing window uses prefix sums (linear time); the value shown in
  // annotations is recomputed the way Prometheus does, at the few check times only.
  const sums = [0];
  const squares = [0];
  for (const value of recorded) {
    sums.push((sums[sums.length - 1] as number) + value);
    squares.push((squares[squares.length - 1] as number) + value * value);
  }
  const orient = (z: number) => (condition.direction === 'both' ? Math.abs(z) : z);
  const zFast = (minute: number) => {
    const from = Math.max(0, minute - windowMinutes);
    const n = minute + 1 - from;
    const mean = ((sums[minute + 1] as number) - (sums[from] as number)) / n;
    const variance = ((squares[minute + 1] as number) - (squares[from] as number)) / n - mean * mean;
    return orient(((recorded[minute] as number) - mean) / Math.sqrt(Math.max(variance, 0)));
  };
  const zAt = (minute: number) => orient(zScore(recorded.slice(Math.max(0, minute - windowMinutes), minute + 1)));
  const limit = condition.direction === 'below' ? -condition.zScore : condition.zScore;
  const beyond = (z: number, margin: number) =>
    condition.direction === 'below' ? z < limit * (1 + margin) : z > limit * (1 + margin);
  let start = -1;
  for (let minute = breachAt; minute < horizon; minute++) {
    if (beyond(zFast(minute), 0)) {
      start = minute;
      break;
    }
  }
  if (start < 0) return no(`a level shift never passes a z-score of ${num(condition.zScore)} over ${formatDuration(condition.windowSeconds)}`);
  const latestStart = beyond(zFast(start), Z_MARGIN) ? start : start + 1;
  let holdsUntil = latestStart;
  while (holdsUntil + 1 < horizon && beyond(zFast(holdsUntil + 1), Z_MARGIN)) holdsUntil++;
  if (holdsUntil - latestStart < needed) {
    return no(`a level shift holds a z-score past ${num(condition.zScore)} for ${holdsUntil - latestStart}m, less than the alert needs`);
  }
  const length = holdsUntil + 1;
  const name = metric.promName;
  const input = (phases: readonly (readonly [number, number])[]): InputSeries[] =>
    isCounter
      ? [counterSeries(metric, '', phases, length, labels)]
      : [{ series: seriesName(name, labels), values: renderValues(gaugeSegments(phases, length)) }];
  return {
    ok: true,
    scenario: {
      breachSeries: input([[0, healthy], [breachAt, healthy + shift]]),
      healthySeries: input([[0, healthy]]),
      length,
      breachAt,
      earliestStart: start,
      latestStart,
      holdsUntil,
      resultLabels: groupLabels(labels, alert.by),
      valueAt: zAt,
      story: `${metric.name} shifts from ${healthy} to ${healthy + shift}${isCounter ? ' per second' : ''}`,
    },
  };
}

/** The z-score of the newest sample against its window, as avg_over_time and stddev_over_time compute it. */
function zScore(values: readonly number[]): number {
  let count = 0;
  let mean = 0;
  for (const v of values) {
    count++;
    mean += v / count - mean / count;
  }
  count = 0;
  let runningMean = 0;
  let aux = 0;
  for (const v of values) {
    count++;
    const delta = v - runningMean;
    runningMean += delta / count;
    aux += delta * (v - runningMean);
  }
  const latest = values[values.length - 1] as number;
  return (latest - mean) / Math.sqrt(aux / count);
}

function forecastScenario(alert: Alert, condition: Extract<Condition, { kind: 'forecast' }>, tail: number): ScenarioResult {
  const refusal = gaugeOnly(condition.value, 'forecast');
  if (refusal) return no(refusal);
  const windowMinutes = minutes(condition.windowSeconds);
  // Once the fit window holds only the new level, a flat line predicts that level at any horizon.
  return levelShiftScenario(
    alert,
    condition.value,
    condition.bound,
    tail,
    () => ({ breachAt: windowMinutes + 10, latestStart: 2 * windowMinutes + 10 }),
    'settles',
  );
}

function stalenessScenario(alert: Alert, condition: Extract<Condition, { kind: 'staleness' }>, tail: number): ScenarioResult {
  const labels = inputLabels(alert.service, condition.metric, condition.matchers, alert.by);
  if (!labels) return no('no label values satisfy the matchers');
  const limitMinutes = condition.olderThanSeconds / STEP_SECONDS;
  const breachAt = 10;
  // The timestamp stops at (breachAt - 1) minutes; its age passes the limit one sample later.
  const start = breachAt - 1 + Math.floor(limitMinutes) + 1;
  const length = start + tail + 1;
  const last = (breachAt - 1) * STEP_SECONDS;
  const name = condition.metric.promName;
  return {
    ok: true,
    scenario: {
      breachSeries: [
        {
          series: seriesName(name, labels),
          values: renderValues([
            ...counterSegments([[0, STEP_SECONDS]], breachAt),
            { start: last, step: 0, count: length - breachAt },
          ]),
        },
      ],
      healthySeries: [{ series: seriesName(name, labels), values: renderValues(counterSegments([[0, STEP_SECONDS]], length)) }],
      length,
      breachAt,
      earliestStart: start,
      latestStart: start,
      holdsUntil: length - 1,
      resultLabels: groupLabels(labels, alert.by),
      valueAt: (minute) => minute * STEP_SECONDS - last,
      story: `${condition.metric.name} stops advancing for over ${formatDuration(condition.olderThanSeconds)}`,
    },
  };
}

function absenceScenario(alert: Alert, condition: Extract<Condition, { kind: 'absence' }>, tail: number): ScenarioResult {
  const labels = inputLabels(alert.service, condition.metric, condition.matchers, []);
  if (!labels) return no('no label values satisfy the matchers');
  const breachAt = 10;
  // The last sample stays visible for the 5m lookback; absent() turns true 4 or 5 minutes later.
  const length = breachAt + 5 + tail + 1;
  const name = condition.metric.type === 'histogram' ? `${condition.metric.promName}_count` : condition.metric.promName;
  const equality = Object.fromEntries(
    [{ label: 'job', op: '=', value: alert.service.job }, ...condition.matchers]
      .filter((m) => m.op === '=')
      .map((m) => [m.label, m.value]),
  );
  return {
    ok: true,
    scenario: {
      breachSeries: [{ series: seriesName(name, labels), values: renderValues([...gaugeSegments([[0, 1]], breachAt), { gap: length - breachAt }]) }],
      healthySeries: [{ series: seriesName(name, labels), values: renderValues(gaugeSegments([[0, 1]], length)) }],
      length,
      breachAt,
      earliestStart: breachAt + 4,
      latestStart: breachAt + 5,
      holdsUntil: length - 1,
      resultLabels: equality,
      valueAt: () => 1,
      story: `${condition.metric.name} disappears`,
    },
  };
}
