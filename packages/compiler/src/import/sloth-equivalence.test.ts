/**
 * The same promtool test, run once against Sloth's generated rules and once against the rules
 * Vigil compiles from the imported spec, must pass for both: page and ticket alerts fire at the
 * same evaluations. The expected alerts are not copied from either output: a small model below
 * computes them from the input series with Sloth's documented windows and factors.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../compile.js';
import { emitPrometheusRules } from '../targets/prometheus-rules/prometheus-rules.js';
import { compileRules, META_RULE_FILE } from '../rules/compile.js';
import { importSloth } from './sloth.js';

const PROMTOOL = '/usr/bin/promtool';
const TESTDATA = join(import.meta.dirname, 'testdata', 'sloth');
const ALERTS_QUERY = 'max by (alertname, sloth_severity) (ALERTS{alertstate="firing"})';

/** Sloth's multi-window multi-burn-rate alerts for a 30d period: [short, long] windows in minutes, factor. */
const SLOTH_TIERS = {
  page: [
    { short: 5, long: 60, factor: 14.4 },
    { short: 30, long: 360, factor: 6 },
  ],
  ticket: [
    { short: 120, long: 1440, factor: 3 },
    { short: 360, long: 4320, factor: 1 },
  ],
} as const;
type Severity = keyof typeof SLOTH_TIERS;

/** Input series sampled every `step` minutes from minute 0, and the SLI error ratio they give. */
interface Scenario {
  /** Minutes between samples; every window is a multiple of it. */
  step: number;
  series: { series: string; values: number[] }[];
  /**
   * The error ratio over the `window` minutes up to minute `t` (a multiple of `step`), as
   * Prometheus 2.x computes it: ranges are closed, [t - window, t], and never reach before the
   * first sample.
   */
  errorRatio: (window: number, t: number) => number;
}

interface Phase {
  name: string;
  minutes: number;
}

/**
 * Request counters: `total` requests a step of which `errors` fail, per phase. With samples at
 * both ends of every range and counters starting at 0, rate() needs no extrapolation, so the
 * error ratio over a window is exactly the increase of errors over the increase of requests.
 */
function requestScenario(job: string, step: number, phases: (Phase & { total: number; errors: number })[]): Scenario {
  const ok = [0];
  const bad = [0];
  for (const phase of phases) {
    for (let i = 0; i < phase.minutes / step; i++) {
      ok.push((ok.at(-1) as number) + phase.total - phase.errors);
      bad.push((bad.at(-1) as number) + phase.errors);
    }
  }
  const at = (series: number[], i: number) => series[i] as number;
  return {
    step,
    series: [
      { series: `http_request_duration_seconds_count{job="${job}",code="200"}`, values: ok },
      { series: `http_request_duration_seconds_count{job="${job}",code="500"}`, values: bad },
    ],
    errorRatio: (window, minute) => {
      const t = minute / step;
      const from = Math.max(0, t - window / step);
      const errors = at(bad, t) - at(bad, from);
      const total = at(ok, t) + at(bad, t) - at(ok, from) - at(bad, from);
      return errors / total;
    },
  };
}

/** Satisfaction-ratio gauges of some clients, per phase; the error ratio is 1 - their mean over the window. */
function gaugeScenario(metric: string, clients: string[], step: number, phases: (Phase & { values: number[] })[]): Scenario {
  const series = clients.map(() => [] as number[]);
  for (const [index, phase] of phases.entries()) {
    for (let i = index === 0 ? 0 : 1; i <= phase.minutes / step; i++) {
      series.forEach((values, client) => {
        values.push(phase.values[client] as number);
      });
    }
  }
  return {
    step,
    series: clients.map((client, i) => ({ series: `${metric}{client="${client}"}`, values: series[i] as number[] })),
    errorRatio: (window, minute) => {
      const t = minute / step;
      const from = Math.max(0, t - window / step);
      let sum = 0;
      let count = 0;
      for (const values of series) {
        for (let i = from; i <= t; i++) {
          sum += values[i] as number;
          count++;
        }
      }
      return 1 - sum / count;
    },
  };
}

/**
 * The pairs with alerts. Each gets two promtool test groups in the one test file:
 * - `minutes` (a sample a minute, ~18h): healthy, fast burn (page), slow burn (ticket), recovery,
 *   checked at every minute;
 * - `days` (a sample every 5 minutes, ~45h): long enough that the 1d window no longer reaches
 *   back to the first sample while the 3d one does, so the two differ; checked every 5 minutes.
 */
const SCENARIOS: Record<string, { minutes: Scenario; days: Scenario }> = {
  // Objective 99.9%: budget 0.1%; page above 1.44% (5m/1h) or 0.6% (30m/6h), ticket above 0.3% (2h/1d) or 0.1% (6h/3d).
  'getting-started': {
    minutes: requestScenario('myservice', 1, [
      { name: 'healthy', minutes: 120, total: 600, errors: 0 },
      { name: 'fast burn', minutes: 30, total: 600, errors: 30 },
      { name: 'slow burn', minutes: 480, total: 600, errors: 3 },
      { name: 'recovery', minutes: 480, total: 600, errors: 0 },
    ]),
    days: requestScenario('myservice', 5, [
      { name: 'healthy', minutes: 60, total: 5000, errors: 0 },
      { name: 'slow burn at 3.2x', minutes: 600, total: 5000, errors: 16 },
      { name: 'healthy', minutes: 1080, total: 5000, errors: 0 },
      { name: 'slow burn at 2x: the 3d window still holds the first burn, the 1d window does not', minutes: 420, total: 5000, errors: 10 },
      { name: 'short spike: pages through the fast tier alone (the 6h window stays below 6x)', minutes: 20, total: 5000, errors: 300 },
      { name: 'recovery', minutes: 480, total: 5000, errors: 0 },
    ]),
  },
  // Objective 95%: budget 5%; page above 72% (5m/1h) or 30% (30m/6h), ticket above 15% (2h/1d) or 5% (6h/3d).
  'raw-home-wifi': {
    minutes: gaugeScenario('unifipoller_client_satisfaction_ratio', ['laptop', 'phone'], 1, [
      { name: 'healthy', minutes: 120, values: [0.99, 0.97] },
      { name: 'fast burn', minutes: 60, values: [0.05, 0.15] },
      { name: 'slow burn', minutes: 480, values: [0.8, 0.84] },
      { name: 'recovery', minutes: 480, values: [0.99, 0.97] },
    ]),
    days: gaugeScenario('unifipoller_client_satisfaction_ratio', ['laptop', 'phone'], 5, [
      { name: 'healthy', minutes: 60, values: [0.99, 0.99] },
      { name: 'slow burn at 3.2x', minutes: 600, values: [0.84, 0.84] },
      { name: 'healthy', minutes: 1080, values: [0.99, 0.99] },
      { name: 'slow burn at 2x: the 3d window still holds the first burn, the 1d window does not', minutes: 420, values: [0.9, 0.9] },
      { name: 'spike: pages through the fast tier alone (the 6h window stays below 6x)', minutes: 50, values: [0.02, 0.08] },
      { name: 'recovery', minutes: 480, values: [0.99, 0.97] },
    ]),
  },
};

type Verdict = boolean | 'unsure';

/** `ratio > threshold`, or `unsure` when float rounding in Prometheus could tip it either way. */
function above(ratio: number, threshold: number): Verdict {
  if (Number.isNaN(ratio)) return false;
  if (Math.abs(ratio - threshold) <= 1e-9 * threshold) return 'unsure';
  return ratio > threshold;
}

function all(verdicts: Verdict[]): Verdict {
  if (verdicts.includes(false)) return false;
  return verdicts.includes('unsure') ? 'unsure' : true;
}

function any(verdicts: Verdict[]): Verdict {
  if (verdicts.includes(true)) return true;
  return verdicts.includes('unsure') ? 'unsure' : false;
}

type Tiers = Record<Severity, readonly { short: number; long: number; factor: number }[]>;

/** Whether Sloth's page or ticket alert fires at minute `t`: any tier with both windows over its burn factor. */
function fires(scenario: Scenario, severity: Severity, budget: number, t: number, tiers: Tiers): Verdict {
  return any(
    tiers[severity].map((tier) =>
      all([
        above(scenario.errorRatio(tier.short, t), tier.factor * budget),
        above(scenario.errorRatio(tier.long, t), tier.factor * budget),
      ]),
    ),
  );
}

interface Expectation {
  minute: number;
  firing: Severity[];
}

function expectations(scenario: Scenario, budget: number, tiers: Tiers = SLOTH_TIERS): { checks: Expectation[]; unsure: number[] } {
  const minutes = ((scenario.series[0]?.values.length ?? 1) - 1) * scenario.step;
  const checks: Expectation[] = [];
  const unsure: number[] = [];
  for (let minute = 0; minute <= minutes; minute += scenario.step) {
    const page = fires(scenario, 'page', budget, minute, tiers);
    const ticket = fires(scenario, 'ticket', budget, minute, tiers);
    if (page === 'unsure' || ticket === 'unsure') {
      unsure.push(minute);
      continue;
    }
    checks.push({ minute, firing: [...(page ? ['page' as const] : []), ...(ticket ? ['ticket' as const] : [])] });
  }
  return { checks, unsure };
}

/** The minutes at which the expected firing set changes, e.g. `150: page+ticket`. */
function transitions(checks: Expectation[]): string[] {
  const out: string[] = [];
  let last = '';
  for (const check of checks) {
    const now = check.firing.join('+') || 'none';
    if (now !== last) out.push(`${check.minute}m: ${now}`);
    last = now;
  }
  return out;
}

interface TestGroup {
  name: string;
  scenario: Scenario;
  checks: Expectation[];
}

/**
 * One promtool test file; the two runs differ only in `rule_files`. Rules are evaluated every
 * minute; a `days` group checks only times on its 5-minute sample grid, where every range is
 * aligned to samples (the query at t sees exactly the evaluation at t: a resolved alert leaves
 * a stale marker).
 */
function promtoolTest(ruleFiles: string[], groupOrder: string[], alertName: string, groups: TestGroup[]): string {
  return stringify(
    {
      rule_files: ruleFiles,
      evaluation_interval: '1m',
      group_eval_order: groupOrder,
      tests: groups.map((group) => ({
        name: group.name,
        interval: `${group.scenario.step}m`,
        input_series: group.scenario.series.map((s) => ({ series: s.series, values: s.values.join(' ') })),
        promql_expr_test: group.checks.map((check) => ({
          expr: ALERTS_QUERY,
          eval_time: `${check.minute}m`,
          exp_samples: check.firing.map((severity) => ({
            labels: `{alertname="${alertName}", sloth_severity="${severity}"}`,
            value: 1,
          })),
        })),
      })),
    },
    { lineWidth: 0 },
  );
}

function runPromtool(file: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(PROMTOOL, ['test', 'rules', file]);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ status: null, output: `${output}${String(error)}` }));
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** Group names in file order, so promtool evaluates recordings before the alerts that read them. */
function groupNames(ruleFileText: string): string[] {
  return (parse(ruleFileText) as { groups: { name: string }[] }).groups.map((group) => group.name);
}

describe('an imported Sloth spec alerts when Sloth alerts (promtool)', () => {
  for (const name of ['getting-started', 'raw-home-wifi', 'no-alerts']) {
    it(name, { timeout: 180_000 }, async (ctx) => {
      const spec = readFileSync(join(TESTDATA, name, 'spec.yml'), 'utf8');
      const slothRules = readFileSync(join(TESTDATA, name, 'generated.yml'), 'utf8');
      const imported = importSloth(spec, `${name}/spec.yml`);
      if (!imported.ok) throw new Error(imported.issues.map((i) => `${i.line}: ${i.message}`).join('\n'));
      const model = loadModel([{ path: `${name}/imported.yml`, text: imported.value }]);
      if (!model.ok) throw new Error(model.issues.map((i) => `${i.line}: ${i.message}`).join('\n'));
      // The watchdog file is left out: it always fires by design, and Sloth has no such alert.
      const vigilRules = emitPrometheusRules(compileRules(model.value).filter((file) => file.name !== META_RULE_FILE));

      const slo = model.value.slos[0];
      const slothAlerts = (parse(slothRules) as { groups: { rules: { alert?: string }[] }[] }).groups
        .flatMap((group) => group.rules)
        .filter((rule) => rule.alert !== undefined);
      const scenarios = SCENARIOS[name];
      if (!scenarios) {
        // A pair without alerts: neither side may alert on the SLO.
        expect(slothAlerts).toEqual([]);
        expect(slo?.page).toBeUndefined();
        expect(slo?.ticket).toBeUndefined();
        return;
      }

      if (!existsSync(PROMTOOL)) {
        if (process.env.CI === 'true') throw new Error(`promtool is required in CI: not found at ${PROMTOOL}`);
        ctx.skip(`promtool not found at ${PROMTOOL} (install prometheus; CI=true makes this a failure)`);
      }

      const objective = (parse(spec) as { slos: { objective: number }[] }).slos[0]?.objective as number;
      const budget = (100 - objective) / 100;
      const alertName = slothAlerts[0]?.alert as string;
      const groups: TestGroup[] = (['minutes', 'days'] as const).map((group) => {
        const { checks, unsure } = expectations(scenarios[group], budget);
        expect(unsure.length, `${group}: too many checks on a float tie`).toBeLessThan(checks.length / 100);
        // Every scenario must exercise both alerts: a page, a ticket without a page, quiet at both ends.
        expect(checks.some((c) => c.firing.includes('page')), `${group}: no page`).toBe(true);
        expect(checks.some((c) => c.firing.join() === 'ticket'), `${group}: no ticket alone`).toBe(true);
        expect(checks[0]?.firing, `${group}: alerts at the start`).toEqual([]);
        expect(checks.at(-1)?.firing, `${group}: alerts at the end`).toEqual([]);
        return { name: `${name} ${group}`, scenario: scenarios[group], checks };
      });
      // The days scenario must tell the 3d window from the 1d one: with 1d in place of 3d,
      // the ticket would fire at other times.
      const swapped = { ...SLOTH_TIERS, ticket: SLOTH_TIERS.ticket.map((t) => ({ ...t, long: Math.min(t.long, 1440) })) };
      expect(transitions(expectations(scenarios.days, budget, swapped).checks)).not.toEqual(transitions(groups[1]?.checks ?? []));

      const dir = mkdtempSync(join(tmpdir(), `vigil-sloth-${name}-`));
      try {
        writeFileSync(join(dir, 'sloth.yml'), slothRules);
        const vigilFiles = vigilRules.map((file, i) => {
          const base = `vigil-${i}.yml`;
          writeFileSync(join(dir, base), file.content);
          return base;
        });
        // promtool evaluates rule groups in random order unless told: pin the order of both
        // rule sets in the one shared list, so Sloth's alert group reads the recordings of the
        // same evaluation, as Vigil's single group does.
        const groupOrder = [groupNames(slothRules), ...vigilRules.map((file) => groupNames(file.content))].flat();
        const slothTest = promtoolTest(['sloth.yml'], groupOrder, alertName, groups);
        const vigilTest = promtoolTest(vigilFiles, groupOrder, alertName, groups);
        expect(vigilTest.replace(/^rule_files:\n( {2}- .*\n)+/, '')).toBe(slothTest.replace(/^rule_files:\n( {2}- .*\n)+/, ''));
        writeFileSync(join(dir, 'test-sloth.yml'), slothTest);
        writeFileSync(join(dir, 'test-vigil.yml'), vigilTest);

        const [sloth, vigil] = await Promise.all([
          runPromtool(join(dir, 'test-sloth.yml')),
          runPromtool(join(dir, 'test-vigil.yml')),
        ]);
        const context = groups.map((g) => `${g.name}: ${transitions(g.checks).join(', ')}`).join('; ');
        expect(sloth.status, `Sloth's rules fail the test (${context}):\n${sloth.output.slice(0, 4000)}`).toBe(0);
        expect(vigil.status, `Vigil's rules fail the test (${context}):\n${vigil.output.slice(0, 4000)}`).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
