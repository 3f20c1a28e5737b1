/**
 * Crash recovery, for real: a controller process (`node` on the built dist) runs the daily cycle
 * and is SIGKILLed at a chosen point; a new runner on the same state database and parameters file
 * must find nothing half-written, finish or undo the cycle left open, and start clean after that.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, type Autopilot } from '@vigil/compiler';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakePrometheus, SHOP_DEFINITIONS, type FakePrometheus } from '../../../../test/support/fake-prometheus.js';
import { AutopilotRunner, type AutopilotNotice } from './runner.js';

const CHILD = join(import.meta.dirname, 'testdata', 'crash-child.mjs');
const ORIGINAL = 'pricing:\n  discount: 0.1 # tuned by the autopilot\n';
const START = Date.parse('2026-11-02T03:00:30Z');
const MINUTE = 60_000;

let prometheus: FakePrometheus;
beforeAll(async () => {
  // A canary no worse than its control: left alone, the cycle promotes.
  prometheus = await fakePrometheus(() => ({ canaryFailed: 9_900, canaryBasket: 52 }));
});
afterAll(async () => {
  await prometheus.close();
});

const definitions = (): string => SHOP_DEFINITIONS.replace('state_file: state.db', `state_file: state.db\n  prometheus_url: ${prometheus.url}`);

/** Runs the child controller until it kills itself (or finishes); returns its signal and output. */
function runChild(dir: string, killAt: string): Promise<{ signal: NodeJS.Signals | null; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, join(dir, 'defs.yaml'), killAt, String(START)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

function restarted(dir: string, now: number, notices: AutopilotNotice[]): AutopilotRunner {
  const model = loadModel([{ path: 'defs.yaml', text: definitions() }]);
  if (!model.ok) throw new Error(JSON.stringify(model.issues));
  return new AutopilotRunner({ autopilot: model.value.autopilots[0] as Autopilot, root: dir, now: () => now, notify: (n) => void notices.push(n), seed: 7 });
}

/** What a SIGKILL at each point must leave behind, and what the restart must make of it. */
const CASES = [
  { killAt: 'canary', fileAfterKill: 'original', status: 'recovered', outcome: 'recovered', fileAfterRestart: 'original', temporaries: 0 },
  { killAt: 'promoting', fileAfterKill: 'original', status: 'completed', outcome: 'promoted', fileAfterRestart: 'promoted', temporaries: 0 },
  // Between the temporary write and the rename: the temporary is left, and the restart removes it.
  { killAt: 'staged', fileAfterKill: 'original', status: 'completed', outcome: 'promoted', fileAfterRestart: 'promoted', temporaries: 1 },
  { killAt: 'promoted', fileAfterKill: 'promoted', status: 'completed', outcome: 'promoted', fileAfterRestart: 'promoted', temporaries: 0 },
] as const;

describe('a controller killed with SIGKILL in the middle of a cycle', () => {
  it.each(CASES)('at $killAt: nothing half-written, the open cycle ends $outcome on restart, the next start is clean', async (c) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-crash-'));
    try {
      await writeFile(join(dir, 'card.yaml'), ORIGINAL);
      await writeFile(join(dir, 'defs.yaml'), definitions());
      const run = await runChild(dir, c.killAt);
      expect(run.signal, run.output).toBe('SIGKILL');
      expect(run.output).toContain(`killed at ${c.killAt}`);

      // Nothing half-written: the file is one whole version, no temporary file is left.
      const card = await readFile(join(dir, 'card.yaml'), 'utf8');
      if (c.fileAfterKill === 'original') expect(card).toBe(ORIGINAL);
      else expect((parse(card) as { pricing: { discount: number } }).pricing.discount).not.toBe(0.1);
      const leftovers = (await readdir(dir)).filter((name) => !['card.yaml', 'card.canary.yaml', 'defs.yaml', '.vigil-history'].includes(name) && !name.startsWith('state.db'));
      expect(leftovers.filter((name) => !name.startsWith('card.yaml.vigil-tmp-'))).toEqual([]);
      expect(leftovers).toHaveLength(c.temporaries);

      const notices: AutopilotNotice[] = [];
      const pilot = restarted(dir, START + 90 * MINUTE, notices);
      await pilot.start();
      expect(notices.map((n) => n.name)).toContain('cycle-recovered');
      expect(notices.some((n) => n.name === 'temporaries-removed')).toBe(c.temporaries > 0);
      expect((await readdir(dir)).filter((name) => name.includes('.vigil-tmp-'))).toEqual([]);
      const state = await pilot.state();
      expect(state.phase).toBe('idle');
      const [cycle] = pilot.db.listCycles();
      expect(cycle).toMatchObject({ status: c.status, decision: { outcome: c.outcome } });
      await expect(readFile(pilot.store.candidateFile, 'utf8')).rejects.toThrow(/ENOENT/);
      const after = await readFile(join(dir, 'card.yaml'), 'utf8');
      const history = await pilot.store.history();
      const byAutopilot = history.filter((v) => v.author === 'autopilot');
      if (c.fileAfterRestart === 'original') {
        expect(after).toBe(ORIGINAL);
        expect(byAutopilot).toEqual([]);
      } else {
        expect(after).toContain('# tuned by the autopilot');
        expect(after).not.toBe(ORIGINAL);
        // Exactly one autopilot version, marked promoted, and it is the file's content.
        expect(byAutopilot).toHaveLength(1);
        expect(byAutopilot[0]).toMatchObject({ outcome: 'promoted' });
        expect(history[0]?.id).toBe(byAutopilot[0]?.id);
        if (c.fileAfterKill === 'promoted') expect(after).toBe(card);
      }
      pilot.db.close();

      // The next start finds nothing to recover, and the next daily slot opens a new cycle.
      const next: AutopilotNotice[] = [];
      const again = restarted(dir, START + 24 * 60 * MINUTE, next);
      await again.start();
      expect(next.map((n) => n.name)).toEqual(['autopilot-started']);
      await again.tick();
      expect((await again.state()).phase).toBe('canary');
      expect(again.db.listCycles()).toHaveLength(2);
      again.db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('during an operator rollback, between the temporary write and the rename: the promoted file stays whole, the restart removes the temporary, the retried rollback starts the override', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-crash-'));
    try {
      await writeFile(join(dir, 'card.yaml'), ORIGINAL);
      await writeFile(join(dir, 'defs.yaml'), definitions());
      const run = await runChild(dir, 'rollback');
      expect(run.signal, run.output).toBe('SIGKILL');
      expect(run.output).toContain('killed at rollback');
      const promoted = await readFile(join(dir, 'card.yaml'), 'utf8');
      expect(promoted).not.toBe(ORIGINAL);
      expect((await readdir(dir)).filter((name) => name.includes('.vigil-tmp-'))).toHaveLength(1);

      const notices: AutopilotNotice[] = [];
      const now = START + 90 * MINUTE;
      const pilot = restarted(dir, now, notices);
      await pilot.start();
      expect(notices.map((n) => n.name)).toContain('temporaries-removed');
      expect((await readdir(dir)).filter((name) => name.includes('.vigil-tmp-'))).toEqual([]);
      // The interrupted rollback left no version: the file and the history agree on the promotion.
      expect(await readFile(join(dir, 'card.yaml'), 'utf8')).toBe(promoted);
      const history = await pilot.store.history();
      expect(history[0]).toMatchObject({ author: 'autopilot', outcome: 'promoted' });
      expect((await pilot.state()).manualOverrideUntil).toBeUndefined();
      // Retried, the rollback lands and the next pass starts the manual override.
      await pilot.store.rollback(history.find((v) => v.author === 'initial')!.id, 'operator rollback');
      await pilot.tick();
      expect(await readFile(join(dir, 'card.yaml'), 'utf8')).toBe(ORIGINAL);
      const state = await pilot.state();
      expect(state.parameters[0]!.value).toBe(0.1);
      expect(state.manualOverrideUntil).toBe(now + 24 * 60 * MINUTE);
      pilot.db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
