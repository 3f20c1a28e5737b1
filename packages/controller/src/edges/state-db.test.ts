import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STATE_SCHEMA_VERSION, StateDb } from './state-db.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('StateDb', () => {
  it('creates the document tables by migration and records cycles, canaries, bounds, drift, triage and state', () => {
    const db = new StateDb(join(dir, 'state.db'));
    expect(db.schemaVersion).toBe(STATE_SCHEMA_VERSION);
    db.startCycle('c1', '2026-11-01T03:00:00.000Z');
    db.updateCycle('c1', { phase: 'canary', proposedChanges: [{ path: 'a', from: 1, to: 2 }], decision: { action: 'canary' } });
    db.putCanary({ canaryId: 'k1', cycleId: 'c1', startedAt: '2026-11-01T03:01:00.000Z', trafficPercentage: 20, verdicts: [{ kpi: 'x', verdict: 'pass' }] });
    db.putCanary({ canaryId: 'k1', cycleId: 'c1', startedAt: '2026-11-01T03:01:00.000Z', trafficPercentage: 20, recommendation: 'proceed', completedAt: '2026-11-01T04:01:00.000Z' });
    db.updateCycle('c1', { status: 'completed', completedAt: '2026-11-01T04:02:00.000Z' });
    expect(db.getCycle('c1')).toMatchObject({ status: 'completed', phase: 'canary', decision: { action: 'canary' }, proposedChanges: [{ path: 'a', from: 1, to: 2 }] });
    expect(db.canariesOf('c1')).toEqual([expect.objectContaining({ recommendation: 'proceed', completedAt: '2026-11-01T04:01:00.000Z' })]);
    expect(() => db.updateCycle('nope', { status: 'failed' })).toThrow(/no cycle nope/);
    expect(() => db.putCanary({ canaryId: 'k2', cycleId: 'missing', startedAt: 'x', trafficPercentage: 20 })).toThrow(/FOREIGN KEY/);

    db.putBounds({ parameterName: 'w', minValue: 0.1, maxValue: 0.9, currentValue: 0.4, stabilityDays: 3, rollbackCount: 0, lastUpdated: 't', boundsHistory: [] });
    expect(() => db.putBounds({ parameterName: 'v', minValue: 2, maxValue: 1, currentValue: 1, stabilityDays: 0, rollbackCount: 0, lastUpdated: 't', boundsHistory: [] })).toThrow(/CHECK/);
    expect(db.getBounds()).toHaveLength(1);

    db.putDrift({ eventId: 'd1', eventType: 'prediction_error', detectedAt: '2026-11-02T00:00:00.000Z', actionTaken: 'pause 48h', metrics: { error: 0.4 } });
    expect(db.driftBetween('2026-11-01', '2026-11-03')).toEqual([expect.objectContaining({ eventId: 'd1', metrics: { error: 0.4 } })]);
    db.putTriage({ reportId: 'r1', generatedAt: '2026-11-08T02:00:00.000Z', periodStart: 'a', periodEnd: 'b', markdown: '# report' });
    expect(db.latestTriage()).toMatchObject({ reportId: 'r1', markdown: '# report' });
    db.setState('pause', { until: 'x', reason: 'drift' }, 'now');
    expect(db.getState('pause')).toEqual({ until: 'x', reason: 'drift' });
    db.deleteState('pause');
    expect(db.getState('pause')).toBeUndefined();
    db.close();
  });

  it('rolls a transaction back whole when any write in it fails', () => {
    const db = new StateDb(':memory:');
    expect(() =>
      db.transaction(() => {
        db.startCycle('c1', 't');
        db.updateCycle('c2', { status: 'failed' });
      }),
    ).toThrow(/no cycle c2/);
    expect(db.listCycles()).toEqual([]);
  });

  it('upgrades an older database in place and refuses a newer one', () => {
    const path = join(dir, 'state.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${STATE_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => new StateDb(path)).toThrow(/newer than this controller/);
  });

  it('keeps every committed cycle when the writing process is killed', { timeout: 60_000 }, async () => {
    const path = join(dir, 'state.db');
    new StateDb(path).close();
    const script = `
      import { StateDb } from ${JSON.stringify(new URL('../../dist/edges/state-db.js', import.meta.url).href)};
      const db = new StateDb(${JSON.stringify(path)});
      for (let i = 0; ; i++) db.transaction(() => { db.startCycle('c' + i, new Date().toISOString()); db.updateCycle('c' + i, { status: 'completed' }); });
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    // Kill mid-loop, once some cycles are committed (start-up time varies with load).
    const deadline = Date.now() + 20_000;
    for (;;) {
      const probe = new Database(path, { readonly: true });
      const count = (probe.prepare('SELECT count(*) AS n FROM autopilot_cycles').get() as { n: number }).n;
      probe.close();
      if (count > 20 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const db = new StateDb(path);
    const cycles = db.listCycles(1_000_000);
    expect(cycles.length).toBeGreaterThan(20);
    // Each transaction landed whole: no cycle is left running.
    expect(db.runningCycles()).toEqual([]);
    db.close();
  });
});
