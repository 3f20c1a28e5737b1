import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { WriteSeries } from './remote-write.js';

/** Parses a duration such as `5m`, `1h30m` or `90s` into seconds. */
export function durationSeconds(text: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(amount) * (units[unit as string] ?? 0);
  return total;
}

/** Expands promtool's notation (`a+bxn`, `a-bxn`, `axn`, `_`, `_xn`) into values; `undefined` is a gap. */
export function expandValues(notation: string): (number | undefined)[] {
  const values: (number | undefined)[] = [];
  for (const token of notation.trim().split(/\s+/).filter(Boolean)) {
    const gap = /^_(?:x(\d+))?$/.exec(token);
    if (gap) {
      for (let i = 0; i < Number(gap[1] ?? 1); i++) values.push(undefined);
      continue;
    }
    const run = /^(-?[\d.e+]+?)(?:([+-])([\d.e+]+))?x(\d+)$/.exec(token);
    if (run) {
      const start = Number(run[1]);
      const step = run[3] === undefined ? 0 : Number(run[3]) * (run[2] === '-' ? -1 : 1);
      for (let i = 0; i <= Number(run[4]); i++) values.push(start + step * i);
      continue;
    }
    if (token === 'stale') throw new Error('stale markers are not fed to the engines');
    values.push(Number(token));
  }
  return values;
}

/** Parses `name{a="b", c="d"}` into labels with `__name__`. */
export function parseSelector(selector: string): Record<string, string> {
  const match = /^([a-zA-Z_:][\w:]*)?\s*(?:\{(.*)\})?$/.exec(selector.trim());
  if (!match) throw new Error(`cannot parse series ${selector}`);
  const labels: Record<string, string> = {};
  if (match[1]) labels.__name__ = match[1];
  for (const [, name, value] of (match[2] ?? '').matchAll(/([a-zA-Z_]\w*)\s*=\s*("(?:[^"\\]|\\.)*")/g)) {
    labels[name as string] = JSON.parse(value as string) as string;
  }
  return labels;
}

/** The firing expectation a promtool test states: alert `alertname` fires (or not) at `evalSeconds`. */
export interface Expectation {
  alertname: string;
  evalSeconds: number;
  firing: number;
}

/** One generated promtool test case turned into series and an evaluation plan. */
export interface Scenario {
  /** `<test file>#<case index>`. */
  id: string;
  name: string;
  ruleFiles: string[];
  evaluationSeconds: number;
  /** Samples at offsets (seconds from the scenario start). */
  series: { labels: Record<string, string>; samples: (readonly [number, number])[] }[];
  lengthSeconds: number;
  expectations: Expectation[];
}

interface TestFile {
  rule_files: string[];
  evaluation_interval?: string;
  tests: {
    name?: string;
    interval?: string;
    input_series: { series: string; values: string }[];
    alert_rule_test?: { eval_time: string; alertname: string; exp_alerts?: unknown[] }[];
  }[];
}

/** Reads every generated promtool test file (not users' own tests) under `testsDir`. */
export function loadScenarios(testsDir: string): Scenario[] {
  const scenarios: Scenario[] = [];
  for (const file of readdirSync(testsDir).filter((name) => name.endsWith('.test.yml')).sort()) {
    const doc = parse(readFileSync(join(testsDir, file), 'utf8')) as TestFile;
    const evaluationSeconds = durationSeconds(doc.evaluation_interval ?? '1m');
    doc.tests.forEach((test, index) => {
      const interval = durationSeconds(test.interval ?? doc.evaluation_interval ?? '1m');
      const series = test.input_series.map((input) => ({
        labels: parseSelector(input.series),
        samples: expandValues(input.values).flatMap((value, i) => (value === undefined ? [] : [[i * interval, value] as const])),
      }));
      const expectations = (test.alert_rule_test ?? []).map((check) => ({
        alertname: check.alertname,
        evalSeconds: durationSeconds(check.eval_time),
        firing: check.exp_alerts?.length ?? 0,
      }));
      const lastSample = Math.max(0, ...series.flatMap((s) => s.samples.map(([t]) => t)));
      const lastEval = Math.max(0, ...expectations.map((e) => e.evalSeconds));
      scenarios.push({
        id: `${file}#${index}`,
        name: test.name ?? `${file} case ${index}`,
        ruleFiles: doc.rule_files.map((path) => join(testsDir, path)),
        evaluationSeconds,
        series,
        lengthSeconds: Math.max(lastSample, lastEval),
        expectations,
      });
    });
  }
  return scenarios;
}

/**
 * The scenario's series placed at `startMs`. promtool starts a test at the Unix epoch, so a
 * series whose values are times (named `*_timestamp_seconds`, as Prometheus' naming asks) holds
 * times since the epoch: it moves by the same offset, or `time() - <timestamp>` would change.
 */
export function seriesAt(scenario: Scenario, startMs: number): WriteSeries[] {
  return scenario.series.map((one) => {
    const shift = (one.labels.__name__ ?? '').endsWith('_timestamp_seconds') ? startMs / 1000 : 0;
    return { labels: one.labels, samples: one.samples.map(([t, v]) => [startMs + t * 1000, v + shift] as const) };
  });
}
