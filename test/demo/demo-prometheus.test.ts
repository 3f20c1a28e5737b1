// The demo against a real Prometheus evaluating this repository's generated rules: healthy
// traffic fires nothing but the watchdog and shows every catalog metric; scenarios drive their
// alerts to pending or firing and back. Prometheus's side is accelerated: the rules are a temp
// copy with every range and `for` ten times shorter, scraped and evaluated every second (the
// demo's counters run in real time, since rate thresholds are per real second).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Model } from '@vigil/compiler/core';
import { loadProjectModel, startDemoFromModel, writeScenarioControl } from '@vigil/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../support/binaries.js';
import { type RunningPrometheus, startPrometheus, waitFor } from '../support/servers.js';

const skip = missingBinaries('prometheus');
const ROOT = resolve(import.meta.dirname, '../..');
const SPEED = 10;

interface ApiAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

function seconds(duration: string): number {
  return [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)].reduce((n, p) => n + Number(p[1]) * (UNIT_SECONDS[p[2] as string] as number), 0);
}

/** Every range selector (`[5m]`, `[1h:5m]`) and `for:` of a rule file, `SPEED` times shorter. */
export function accelerate(rules: string): string {
  const duration = /((?:\d+(?:ms|s|m|h|d|w|y))+)/.source;
  const short = (d: string, min: number) => `${Math.max(min, Math.round(seconds(d) / SPEED))}s`;
  return rules
    .replace(new RegExp(`\\[${duration}(?::${duration})?\\]`, 'g'), (_m, range: string, step?: string) => `[${short(range, 3)}${step ? `:${short(step, 1)}` : ''}]`)
    .replace(new RegExp(`^(\\s+for: )${duration}$`, 'gm'), (_m, prefix: string, d: string) => `${prefix}${short(d, 0)}`);
}

describe.skipIf(skip !== undefined)('the demo under a real Prometheus with the generated rules', () => {
  let model: Model;
  let demo: Awaited<ReturnType<typeof startDemoFromModel>>;
  let prometheus: RunningPrometheus;
  let dir: string;
  let control: string;
  const startedAt = Date.now();
  let upAfterMs = 0;

  const alerts = async (): Promise<ApiAlert[]> => {
    const body = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as { data: { alerts: ApiAlert[] } };
    return body.data.alerts;
  };
  const query = async (expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
    const body = (await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    return body.data.result;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-demo-'));
    control = join(dir, 'scenario.json');
    model = await loadProjectModel(ROOT, join(ROOT, 'definitions'));
    demo = await startDemoFromModel(model, { projectDir: dir, definitionsDir: join(ROOT, 'definitions'), targetsDir: join(dir, 'targets'), scenarioControlFile: control });
    const ruleFiles = (await readdir(join(ROOT, 'prometheus/rules'))).filter((f) => f.endsWith('.yml'));
    const files = Object.fromEntries(await Promise.all(ruleFiles.map(async (f) => [`rules/${f}`, accelerate(await readFile(join(ROOT, 'prometheus/rules', f), 'utf8'))] as const)));
    const jobs = demo.services.map((s) => `  - job_name: '${s.job}'\n    file_sd_configs:\n      - files: ['${join(dir, 'targets', `${s.job}.json`)}']\n        refresh_interval: 1s\n`).join('');
    const config = `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - 'rules/*.yml'\nscrape_configs:\n${jobs}`;
    prometheus = await startPrometheus(config, files);
    await waitFor(
      async () => {
        const up = await query('up == 1');
        return up.length === demo.services.length ? true : undefined;
      },
      60_000,
      'every demo target up',
    );
    upAfterMs = Date.now() - startedAt;
    // Before the first scrape every absence alert is rightly pending; wait for the evaluation after it.
    await new Promise((r) => setTimeout(r, 5000));
  }, 120_000);

  afterAll(async () => {
    await demo?.stop();
    await prometheus?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stays healthy: for 60 s no alert but the watchdog is pending or firing, and every catalog metric has series', async () => {
    const seen = new Set<string>();
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      for (const alert of await alerts()) {
        if (alert.labels.alertname !== 'VigilWatchdog') seen.add(`${alert.labels.alertname} ${alert.state} ${JSON.stringify(alert.labels)}`);
      }
      await new Promise((r) => setTimeout(r, 3000));
    }
    expect([...seen]).toEqual([]);
    const names = new Set((await query('group by (__name__) ({job!=""})')).map((r) => r.metric.__name__));
    const missing = model.metrics.map((m) => (m.type === 'histogram' ? `${m.promName}_bucket` : m.promName)).filter((n) => !names.has(n));
    expect(missing).toEqual([]);
    const series = Number((await query('count({job!=""})'))[0]?.value[1] ?? 0);
    console.log(`demo: ${demo.services.length} targets up after ${upAfterMs} ms; ${model.metrics.length} catalog metrics, ${series} series scraped`);
    expect(series).toBeGreaterThan(model.metrics.length);
  }, 120_000);

  // The SLO's slower tiers (6h to 3d windows) rightly keep burning long after; the page tier must end.
  for (const [scenario, alert, labels] of [
    ['diversity-loss', 'DiversityLoss', {}],
    ['error-budget-burn', 'ScholarApiAvailabilityBudgetBurn', { burn_tier: 'fast' }],
    ['breaker-open', 'ChorusCircuitBreakerOpen', {}],
  ] as const) {
    const matches = (a: ApiAlert) => a.labels.alertname === alert && Object.entries(labels).every(([k, v]) => a.labels[k] === v);
    it(`${scenario}: ${alert} goes pending or firing, and resolves after the scenario ends`, async () => {
      const start = Date.now();
      const holdMs = 30_000;
      await writeScenarioControl(control, { version: 1, scenario, startedAt: new Date(start).toISOString(), endsAt: new Date(start + holdMs).toISOString() });
      const active = await waitFor(
        async () => {
          const found = (await alerts()).find(matches);
          return found ? found.state : undefined;
        },
        holdMs,
        `${alert} pending or firing`,
      );
      const firstMs = Date.now() - start;
      await new Promise((r) => setTimeout(r, Math.max(0, start + holdMs - Date.now())));
      await writeScenarioControl(control, { version: 1, scenario: null });
      const ended = Date.now();
      await waitFor(async () => ((await alerts()).some(matches) ? undefined : true), 90_000, `${alert} to resolve`);
      console.log(`demo: scenario ${scenario}: ${alert} ${active} after ${firstMs} ms, resolved ${Date.now() - ended} ms after the end`);
      expect(['pending', 'firing']).toContain(active);
    }, 200_000);
  }
  it('the other named seed scenarios drive each of their alerts to pending or firing', async () => {
    const timings: string[] = [];
    const missed: string[] = [];
    for (const name of ['curator-budget-exhausted', 'backup-stale', 'backup-verification-failed', 'health-degraded', 'carbon-budget']) {
      const scenario = demo.scenarios.find((s) => s.name === name);
      expect(scenario, name).toBeDefined();
      const start = Date.now();
      await writeScenarioControl(control, { version: 1, scenario: name, startedAt: new Date(start).toISOString(), endsAt: new Date(start + 30_000).toISOString() });
      for (const alert of scenario?.alerts ?? []) {
        try {
          const state = await waitFor(async () => (await alerts()).find((a) => a.labels.alertname === alert)?.state, Math.max(1000, start + 30_000 - Date.now()), alert);
          timings.push(`${name}: ${alert} ${state} after ${Date.now() - start} ms`);
        } catch {
          missed.push(`${name}: ${alert}`);
        }
      }
      await writeScenarioControl(control, { version: 1, scenario: null });
    }
    console.log(`demo: ${timings.join('; ')}`);
    expect(missed).toEqual([]);
  }, 200_000);
});
