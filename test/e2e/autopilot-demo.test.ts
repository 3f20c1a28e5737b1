// The autopilot, visible: `vigil up --demo --detach` in a temporary copy of this repository's
// definitions and card runs the controller on its accelerated clock against the stack's real
// Prometheus. Within bounded time a good change is promoted (history says promoted, the card's
// copy moved within bounds, the committed card untouched, the controller's metrics scraped for
// the Autopilot Health dashboard); then `vigil scenario run autopilot-bad-change` makes the next
// canary worse and it is rolled back (history says so, the card keeps the promoted value);
// `vigil down` leaves no process naming the directory.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesNaming } from '../support/processes.js';
import { parse } from 'yaml';
import { missingBinaries } from '../support/binaries.js';
import { waitFor } from '../support/servers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const VIGIL = join(ROOT, 'packages/cli/dist/bundle/vigil.mjs');
const CARD = 'examples/vvtv/business_logic.yaml';
const missing = missingBinaries('prometheus', 'prometheus-alertmanager');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function vigil(cwd: string, args: string[]): Run {
  const result = spawnSync(process.execPath, [VIGIL, ...args], { cwd, encoding: 'utf8', timeout: 150_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface History {
  cycles: Array<{ cycleId: string; status: string; outcome?: string }>;
  versions: Array<{ author: string; outcome?: string }>;
}

function history(root: string): History {
  const run = vigil(root, ['autopilot', 'history', '--json']);
  if (run.status !== 0) throw new Error(`autopilot history exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as History;
}


type Card = { selection: { diversity_weight: number; novelty_boost: number }; curator: { apply_budget_per_hour: number } };
const readCard = (path: string) => parse(readFileSync(path, 'utf8')) as Card;

describe.skipIf(missing !== undefined)(`the demo autopilot on an accelerated clock (${missing ?? 'real prometheus and alertmanager'})`, () => {
  let root: string;
  let stack: { urls: { prometheus: string }; autopilot: { stateFile: string; parametersFile: string; metricsUrl: string } };
  let startedAt: number;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vigil-autopilot-demo-'));
    cpSync(join(ROOT, 'definitions'), join(root, 'definitions'), { recursive: true });
    mkdirSync(join(root, 'examples/vvtv'), { recursive: true });
    cpSync(join(ROOT, CARD), join(root, CARD));
    startedAt = Date.now();
    const up = vigil(root, ['up', '--demo', '--detach']);
    if (up.status !== 0) throw new Error(`vigil up --demo --detach exited ${up.status}\n${up.stdout}\n${up.stderr}`);
    expect(up.stdout).toMatch(/Autopilot +vvtv-core, accelerated \(demo only\)/);
    stack = JSON.parse(readFileSync(join(root, '.vigil/stack.json'), 'utf8')) as typeof stack;
  }, 180_000);

  afterAll(async () => {
    if (!root) return;
    vigil(root, ['down']);
    for (const line of processesNaming(root)) process.kill(Number(line.split(':')[0]), 'SIGKILL');
    await rm(root, { recursive: true, force: true });
    // The figures the report quotes.
    console.log(`autopilot demo figures (s since vigil up): ${JSON.stringify(figures)}`);
  }, 60_000);

  it('promotes a good change: history says promoted, the card copy moved up within bounds, the committed card did not', async () => {
    const before = readCard(join(root, CARD));
    const promoted = await waitFor(
      async () => {
        const h = history(root);
        const decided = h.cycles.find((c) => c.outcome !== undefined && c.status !== 'running');
        if (decided && decided.outcome !== 'promoted') throw new Error(`first cycle not promoted: ${JSON.stringify(h.cycles)}`);
        return decided ? h : undefined;
      },
      480_000,
      'a first cycle to be promoted',
    );
    figures.firstPromotion = Math.round((Date.now() - startedAt) / 1000);
    expect(promoted.versions[0]).toMatchObject({ author: 'autopilot' });
    const after = readCard(stack.autopilot.parametersFile);
    const moved = [after.selection.diversity_weight - before.selection.diversity_weight, after.selection.novelty_boost - before.selection.novelty_boost, after.curator.apply_budget_per_hour - before.curator.apply_budget_per_hour];
    expect(moved.some((d) => d > 0)).toBe(true);
    expect(moved.every((d) => d >= 0)).toBe(true);
    expect(after.selection.diversity_weight).toBeGreaterThanOrEqual(0.2);
    expect(after.selection.diversity_weight).toBeLessThanOrEqual(0.6);
    expect(after.curator.apply_budget_per_hour).toBeLessThanOrEqual(60);
    expect(readFileSync(join(root, CARD), 'utf8')).toBe(readFileSync(join(ROOT, CARD), 'utf8'));
    // status and explain read the running stack's state by default.
    const status = vigil(root, ['autopilot', 'status']);
    expect(status.status).toBe(0);
    expect(status.stderr).toContain('running demo stack');
    expect(status.stdout).toMatch(/last cycle:.*promoted/);
    const explain = vigil(root, ['autopilot', 'explain', promoted.cycles.find((c) => c.outcome === 'promoted')?.cycleId ?? '']);
    expect(explain.status, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('selection_entropy');
    // The Autopilot Health dashboard's metrics: the controller's own, scraped by Prometheus.
    await waitFor(
      async () => {
        const query = encodeURIComponent('sum(vvtv_autopilot_cycles_total{job="vvtv-autopilot",status="completed"})');
        const body = (await (await fetch(`${stack.urls.prometheus}/api/v1/query?query=${query}`)).json()) as { data: { result: Array<{ value: [number, string] }> } };
        return Number(body.data.result[0]?.value[1] ?? 0) >= 1 ? true : undefined;
      },
      90_000,
      "Prometheus to scrape the controller's completed cycle",
    );
  }, 600_000);

  it('rolls back a bad change under autopilot-bad-change: history says rolled back, the card keeps the promoted values', async () => {
    const promotedCard = readFileSync(stack.autopilot.parametersFile, 'utf8');
    const promotedBefore = history(root).cycles.filter((c) => c.outcome === 'promoted').length;
    const scenarioAt = Date.now();
    const run = vigil(root, ['scenario', 'run', 'autopilot-bad-change', '--detach']);
    expect(run.status, run.stderr).toBe(0);
    const rolledBack = await waitFor(
      async () => {
        const h = history(root);
        return h.cycles.some((c) => c.status === 'rolled_back') ? h : undefined;
      },
      330_000,
      'a cycle to be rolled back',
    );
    figures.rollbackAfterScenario = Math.round((Date.now() - scenarioAt) / 1000);
    figures.rollback = Math.round((Date.now() - startedAt) / 1000);
    const cycle = rolledBack.cycles.find((c) => c.status === 'rolled_back');
    expect(['rolled-back', 'early-stopped']).toContain(cycle?.outcome);
    // A rollback writes no version of the card: every autopilot version is a promoted cycle's.
    const promotions = rolledBack.cycles.filter((c) => c.outcome === 'promoted').length;
    expect(rolledBack.versions.filter((v) => v.author === 'autopilot')).toHaveLength(promotions);
    // The canary running when the scenario started may still have been promoted (little of it
    // was bad); when none was, the card is exactly the promoted one.
    if (promotions === promotedBefore) expect(readFileSync(stack.autopilot.parametersFile, 'utf8')).toBe(promotedCard);
    expect(existsSync(stack.autopilot.parametersFile.replace(/\.yaml$/, '.canary.yaml'))).toBe(false);
  }, 420_000);

  it('vigil down stops everything, the autopilot included', async () => {
    const down = vigil(root, ['down']);
    expect(down.status, down.stderr).toBe(0);
    await waitFor(async () => (processesNaming(root).length === 0 ? true : undefined), 20_000, 'no process naming the directory');
    expect(existsSync(join(root, '.vigil/stack.json'))).toBe(false);
    await expect(fetch(stack.autopilot.metricsUrl)).rejects.toThrow();
  }, 60_000);
});
