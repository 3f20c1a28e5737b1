// Two vigil runs at once in one project share `.vigil-staging/`: the project lock lets one write
// at a time. Real CLI processes, started together many times: every tree is entirely one
// generation, and a holder killed with -9 does not block the next run.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { LOCK_FILE } from './project-lock.js';

const CLI = join(import.meta.dirname, '../../dist/bundle/vigil.mjs');
const IN_BASIC = join(import.meta.dirname, '../testdata/in-basic');
const ROUNDS = 12;

let scratch: string;
/** Two definitions folders in one project, giving two different generations (thresholds and a second service). */
let definitionsA: string;
let definitionsB: string;

function run(dir: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--root', dir, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** Every file under `dir` but the definitions folders, by path. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const paths = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .filter((p) => !p.startsWith('defs-'))
    .sort();
  return Object.fromEntries(await Promise.all(paths.map(async (p) => [p, await readFile(join(dir, p), 'utf8')] as const)));
}

async function project(name: string): Promise<string> {
  const dir = join(scratch, name);
  await cp(IN_BASIC, dir, { recursive: true });
  await rm(join(dir, 'definitions'), { recursive: true });
  await cp(definitionsA, join(dir, 'defs-a'), { recursive: true });
  await cp(definitionsB, join(dir, 'defs-b'), { recursive: true });
  return dir;
}

let treeA: Record<string, string>;
let treeB: Record<string, string>;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'vigil-concurrent-'));
  const basic = await readFile(join(IN_BASIC, 'definitions/app.yaml'), 'utf8');
  definitionsA = join(scratch, 'a');
  definitionsB = join(scratch, 'b');
  await cp(join(IN_BASIC, 'definitions'), definitionsA, { recursive: true });
  await cp(join(IN_BASIC, 'definitions'), definitionsB, { recursive: true });
  await writeFile(
    join(definitionsB, 'app.yaml'),
    basic
      .replace('above: 100', 'above: 101')
      .replace('services:\n', 'services:\n  - { name: cart, team: web, targets: ["localhost:9465"] }\n')
      .replace('metrics:\n', 'metrics:\n  - { name: cart_items, type: gauge, description: Items, service: cart }\n'),
  );
  for (const [name, defs] of [['only-a', 'defs-a'], ['only-b', 'defs-b']] as const) {
    const dir = await project(name);
    expect((await run(dir, ['--definitions', defs, 'generate'])).code).toBe(EXIT.ok);
  }
  treeA = await snapshot(join(scratch, 'only-a'));
  treeB = await snapshot(join(scratch, 'only-b'));
  expect(Object.keys(treeB).length).toBeGreaterThan(Object.keys(treeA).length);
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('concurrent vigil runs in one project', () => {
  it(`two generates started together leave one whole generation, ${ROUNDS} times`, async () => {
    const seen = { a: 0, b: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const dir = await project(`round-${round}`);
      // Half the rounds start from the other generation, so every run has files to change and remove.
      if (round % 2 === 1) expect((await run(dir, ['--definitions', 'defs-b', 'generate'])).code).toBe(EXIT.ok);
      const [first, second] = await Promise.all([
        run(dir, ['--definitions', 'defs-a', 'generate']),
        run(dir, ['--definitions', 'defs-b', 'generate']),
      ]);
      expect([first.code, second.code, first.stderr + second.stderr]).toEqual([EXIT.ok, EXIT.ok, '']);
      const tree = await snapshot(dir);
      const same = (want: Record<string, string>) => JSON.stringify(tree) === JSON.stringify(want);
      if (same(treeA)) seen.a++;
      else if (same(treeB)) seen.b++;
      else expect({ round, tree: Object.keys(tree) }).toEqual({ round, tree: 'entirely A or entirely B' });
      await rm(dir, { recursive: true, force: true });
    }
    expect(seen.a + seen.b).toBe(ROUNDS);
  }, 300_000);

  it('a lint during a generate neither undoes the generate nor fails', async () => {
    for (let round = 0; round < 4; round++) {
      const dir = await project(`check-${round}`);
      expect((await run(dir, ['--definitions', 'defs-a', 'generate'])).code).toBe(EXIT.ok);
      const [generate, check] = await Promise.all([
        run(dir, ['--definitions', 'defs-b', 'generate']),
        run(dir, ['--definitions', 'defs-a', 'lint']),
      ]);
      expect(generate.code).toBe(EXIT.ok);
      expect(check.stderr).not.toMatch(/ENOENT|at .*\.mjs/);
      expect(await snapshot(dir)).toEqual(treeB);
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("a holder killed with -9 leaves its lock, which the next run takes over", async () => {
    const dir = await project('killed');
    const killed = await run(dir, ['--definitions', 'defs-b', 'generate'], { VIGIL_TEST_KILL_AT_STEP: '3' });
    expect(killed.signal).toBe('SIGKILL');
    expect(await stat(join(dir, LOCK_FILE)).then(() => true, () => false)).toBe(true);
    const started = Date.now();
    const next = await run(dir, ['--definitions', 'defs-a', 'generate'], { VIGIL_LOCK_WAIT_MS: '60000' });
    expect([next.code, next.stderr]).toEqual([EXIT.ok, '']);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await snapshot(dir)).toEqual(treeA);
  });

  it('a second run waits a bounded time for a live holder, then exits 1 naming it', async () => {
    const dir = await project('held');
    // This test process holds the lock: a live pid on this host.
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: Date.now() }));
    const started = Date.now();
    const blocked = await run(dir, ['--definitions', 'defs-a', 'generate'], { VIGIL_LOCK_WAIT_MS: '500' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(blocked.code).toBe(EXIT.checkFailed);
    expect(blocked.stderr).toContain(`another vigil run (pid ${process.pid}`);
    expect(blocked.stderr).toContain(LOCK_FILE);
    expect(blocked.stderr).not.toMatch(/\n\s+at /);
    // Nothing was written.
    expect(Object.keys(await snapshot(dir)).filter((p) => p.startsWith('prometheus/rules/') && p.endsWith('.yml'))).toEqual([]);
  });
});
