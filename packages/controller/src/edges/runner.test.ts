import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, type Autopilot } from '@vigil/compiler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakePrometheus, SHOP_DEFINITIONS as DEFINITIONS } from '../../../../test/support/fake-prometheus.js';
import { freePort } from '../../../../test/support/servers.js';
import { AutopilotRunner, autopilotContext, type AutopilotNotice } from './runner.js';

let dir: string;
let clock: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-runner-'));
  await writeFile(join(dir, 'card.yaml'), 'pricing:\n  discount: 0.1 # tuned by the autopilot\n');
  clock = Date.parse('2026-11-02T03:00:30Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runner(url: string, notices: AutopilotNotice[], dryRun?: boolean): Promise<AutopilotRunner> {
  const model = loadModel([{ path: 'defs.yaml', text: DEFINITIONS.replace('state_file: state.db', `state_file: state.db\n  prometheus_url: ${url}`) }]);
  if (!model.ok) throw new Error(JSON.stringify(model.issues));
  const autopilot = model.value.autopilots[0] as Autopilot;
  return new AutopilotRunner({ autopilot, root: dir, now: () => clock, notify: (n) => void notices.push(n), seed: 7, ...(dryRun === undefined ? {} : { dryRun }) });
}

/** Runs the daily cycle through its 60-minute canary, one tick a minute. */
async function runCycle(pilot: AutopilotRunner): Promise<void> {
  await pilot.start();
  await pilot.tick();
  for (let minute = 0; minute < 75; minute++) {
    clock += 60_000;
    await pilot.tick();
    if ((await pilot.state()).phase === 'idle') return;
  }
}

describe('AutopilotRunner', () => {
  it("maps the definitions' analysis window to the core: the last 24 h unless set", () => {
    const windowOf = (text: string) => {
      const model = loadModel([{ path: 'defs.yaml', text }]);
      if (!model.ok) throw new Error(JSON.stringify(model.issues));
      return autopilotContext(model.value.autopilots[0] as Autopilot).config.analysisWindowMinutes;
    };
    expect(windowOf(DEFINITIONS)).toBe(24 * 60);
    expect(windowOf(DEFINITIONS.replace('state_file: state.db', 'state_file: state.db\n  analysis_window: 6h'))).toBe(360);
  });

  it("maps the canary's unit of randomization to the judge's design effect (requests: 1)", () => {
    const effectOf = (text: string) => {
      const model = loadModel([{ path: 'defs.yaml', text }]);
      if (!model.ok) throw new Error(JSON.stringify(model.issues));
      return autopilotContext(model.value.autopilots[0] as Autopilot).config.judge.designEffect;
    };
    expect(effectOf(DEFINITIONS)).toBe(1);
    expect(effectOf(DEFINITIONS.replace('state_file: state.db', 'state_file: state.db\n  canary: { unit: users, requests_per_unit: 21, intra_cluster_correlation: 0.09 }'))).toBeCloseTo(2.8, 12);
  });

  it('promotes a change whose canary is no worse, writing a new version of the parameters file', async () => {
    const prometheus = await fakePrometheus(() => ({ canaryFailed: 9_900, canaryBasket: 52 }));
    const notices: AutopilotNotice[] = [];
    try {
      const pilot = await runner(prometheus.url, notices);
      await runCycle(pilot);
      const [cycle] = pilot.db.listCycles();
      expect(cycle, JSON.stringify(notices, null, 1)).toMatchObject({ status: 'completed', decision: { outcome: 'promoted' } });
      const card = await readFile(join(dir, 'card.yaml'), 'utf8');
      expect(card).not.toContain('discount: 0.1 #');
      expect(card).toContain('# tuned by the autopilot');
      const history = await pilot.store.history();
      expect(history[0]).toMatchObject({ author: 'autopilot', outcome: 'promoted' });
      // Back to idle, the daily pass prunes the parameter history by retention.
      expect(pilot.db.getState<number>('last-prune')).toBe(clock);
      expect(pilot.db.canariesOf(cycle?.cycleId as string)[0]).toMatchObject({ trafficPercentage: 20 });
      // The decision keeps every number behind it: each KPI's test, p-value, interval and query.
      const verdicts = (cycle?.decision as { verdicts: Array<Record<string, unknown>> }).verdicts;
      expect(verdicts.map((v) => [v.kpi, v.test])).toEqual([
        ['failed_orders', 'two-proportion-z'],
        ['basket_value', 'autocorrelated-mean-t'],
      ]);
      expect(verdicts[0]).toMatchObject({ pValue: expect.any(Number), effect: { confidenceInterval: [expect.any(Number), expect.any(Number)] }, query: { expr: expect.stringContaining('increase(shop_orders_total') } });
      // Every query asked for the variants.
      expect(prometheus.queries.every((q) => q.includes('variant') || q.startsWith('sum(') || q.startsWith('histogram_quantile'))).toBe(true);
      pilot.db.close();
    } finally {
      await prometheus.close();
    }
  }, 60_000);

  it('rolls back a change whose canary fails more orders, leaving the parameters file as it was', async () => {
    const prometheus = await fakePrometheus(() => ({ canaryFailed: 40_000, canaryBasket: 50 }));
    const notices: AutopilotNotice[] = [];
    try {
      const pilot = await runner(prometheus.url, notices);
      await runCycle(pilot);
      const [cycle] = pilot.db.listCycles();
      expect(cycle?.status, JSON.stringify(notices, null, 1)).toBe('rolled_back');
      expect(await readFile(join(dir, 'card.yaml'), 'utf8')).toBe('pricing:\n  discount: 0.1 # tuned by the autopilot\n');
      expect(pilot.store.candidateFile).toBeDefined();
      await expect(readFile(pilot.store.candidateFile, 'utf8')).rejects.toThrow(/ENOENT/);
      pilot.db.close();
    } finally {
      await prometheus.close();
    }
  }, 60_000);

  it('ends the cycle inconclusive, changing nothing, when Prometheus is down', async () => {
    const notices: AutopilotNotice[] = [];
    const port = await freePort();
    const pilot = await runner(`http://127.0.0.1:${port}`, notices);
    await runCycle(pilot);
    const [cycle] = pilot.db.listCycles();
    expect(cycle).toMatchObject({ status: 'inconclusive', decision: { outcome: 'analysis-inconclusive' } });
    expect(await readFile(join(dir, 'card.yaml'), 'utf8')).toBe('pricing:\n  discount: 0.1 # tuned by the autopilot\n');
    pilot.db.close();
  }, 60_000);

  it('in a dry run decides and explains a promotion without writing the parameters file or a candidate', async () => {
    const prometheus = await fakePrometheus(() => ({ canaryFailed: 9_900, canaryBasket: 52 }));
    const notices: AutopilotNotice[] = [];
    try {
      const pilot = await runner(prometheus.url, notices, true);
      await runCycle(pilot);
      expect(pilot.db.listCycles()[0], JSON.stringify(notices, null, 1)).toMatchObject({ decision: { outcome: 'promoted' } });
      expect(await readFile(join(dir, 'card.yaml'), 'utf8')).toBe('pricing:\n  discount: 0.1 # tuned by the autopilot\n');
      await expect(readFile(pilot.store.candidateFile, 'utf8')).rejects.toThrow(/ENOENT/);
      expect(notices.filter((n) => n.name === 'canary-dry-run').map((n) => n.message)).toEqual([expect.stringMatching(/would write the candidate pricing.discount 0.1 ->/), expect.stringMatching(/would promote/)]);
      // The next pass takes the value from the file again: a dry run leaves no trace in the state.
      clock += 60_000;
      await pilot.tick();
      expect((await pilot.state()).parameters[0]!.value).toBe(0.1);
      pilot.db.close();
    } finally {
      await prometheus.close();
    }
  }, 60_000);

  it('reconciles with an operator rollback: the value comes from the file and the manual override starts (finding 1)', async () => {
    const prometheus = await fakePrometheus(() => ({ canaryFailed: 9_900, canaryBasket: 52 }));
    const notices: AutopilotNotice[] = [];
    try {
      const pilot = await runner(prometheus.url, notices);
      await runCycle(pilot);
      const promoted = (await pilot.state()).parameters[0]!.value;
      expect(promoted).not.toBe(0.1);
      const initial = (await pilot.store.history()).find((v) => v.author === 'initial')!;
      await pilot.store.rollback(initial.id, 'operator rollback');
      clock += 60_000;
      await pilot.tick();
      const state = await pilot.state();
      expect(state.parameters[0]!.value).toBe(0.1);
      expect(state.manualOverrideUntil).toBe(clock + 24 * 3_600_000);
      pilot.db.close();
    } finally {
      await prometheus.close();
    }
  }, 60_000);

  it('takes a hand edit outside the bounds as the value and starts the override, even when another command saw the edit first (finding 1)', async () => {
    const notices: AutopilotNotice[] = [];
    const port = await freePort();
    const pilot = await runner(`http://127.0.0.1:${port}`, notices);
    await pilot.start();
    await writeFile(join(dir, 'card.yaml'), 'pricing:\n  discount: 0.3\n');
    // `vigil autopilot history` records the file as it is: the edit must still count.
    await pilot.store.current();
    clock += 60_000;
    await pilot.tick();
    const state = await pilot.state();
    expect(state.parameters[0]!.value).toBe(0.3);
    expect(state.manualOverrideUntil).toBe(clock + 24 * 3_600_000);
    pilot.db.close();
  });

  it('removes temporary files an interrupted write left behind, on the next start (finding 10)', async () => {
    const port = await freePort();
    const pilot = await runner(`http://127.0.0.1:${port}`, []);
    await pilot.start();
    const stale = [join(dir, 'card.yaml.vigil-tmp-999999-0badf00d'), join(pilot.store.historyDir, '000000000000001-abc.json.vigil-tmp-999999-0badf00d')];
    for (const path of stale) await writeFile(path, 'torn');
    await writeFile(join(dir, 'other.txt'), 'kept');
    const again = await runner(`http://127.0.0.1:${port}`, []);
    await again.start();
    for (const path of stale) await expect(readFile(path, 'utf8')).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(dir, 'other.txt'), 'utf8')).toBe('kept');
    pilot.db.close();
    again.db.close();
  });
});
