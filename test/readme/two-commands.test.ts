/**
 * The README's two commands are real: `npm start` and `npm test` are package scripts running
 * scripts/bootstrap.sh's matching action, and `npm start` reaches its main job, `vigil up --demo`
 * (started here with `--detach` and its own state directory, then stopped by `vigil down`).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../support/binaries.js';
import { killProcessesNaming, processesNaming, userEnv } from '../support/processes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const BOOTSTRAP = readFileSync(join(ROOT, 'scripts/bootstrap.sh'), 'utf8');
const missing = missingBinaries('prometheus', 'prometheus-alertmanager');

/** The commands of the first sh block under "## The two commands". */
function twoCommands(): string[] {
  const start = README.indexOf('## The two commands');
  expect(start, 'README.md has a "The two commands" section').toBeGreaterThanOrEqual(0);
  const block = /```sh\n([\s\S]*?)```/.exec(README.slice(start))?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}

describe('the README\'s two commands', () => {
  let stateDir: string | undefined;

  afterAll(async () => {
    if (stateDir) {
      killProcessesNaming(stateDir);
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('are npm start and npm test, each a package script running its bootstrap action', () => {
    expect(twoCommands()).toEqual(['npm start', 'npm test']);
    for (const action of ['start', 'test'] as const) {
      expect(SCRIPTS[action]).toBe(`bash scripts/bootstrap.sh ${action}`);
      expect(BOOTSTRAP).toMatch(new RegExp(`^  ${action}\\)$`, 'm'));
    }
    // The main job is the whole loop with demo traffic, as the README says.
    expect(BOOTSTRAP).toMatch(/exec node packages\/cli\/dist\/bundle\/vigil\.mjs up --demo "\$@"/);
  });

  it.skipIf(missing !== undefined)('npm start installs what is missing, builds, and reaches `vigil up --demo`', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'vigil-npm-start-'));
    const start = Date.now();
    // What `npm start -- --detach --dir DIR` runs, under the user's environment.
    const started = spawnSync('bash', ['scripts/bootstrap.sh', 'start', '--detach', '--dir', stateDir], { cwd: ROOT, env: userEnv(), encoding: 'utf8', timeout: 400_000 });
    const output = `${started.stdout}\n${started.stderr}`;
    expect(started.status, output).toBe(0);
    expect(started.stderr).toContain('vigil-setup: vigil up --demo --detach');
    expect(started.stdout).toMatch(/vigil up: ready with demo traffic/);
    for (const where of ['Prometheus', 'Alertmanager', 'Notifications', 'Dashboards', 'State']) expect(started.stdout).toMatch(new RegExp(`^  ${where} +\\S`, 'm'));
    const stack = JSON.parse(readFileSync(join(stateDir, 'stack.json'), 'utf8')) as { demo: boolean; state: string; urls: { prometheus: string } };
    expect(stack).toMatchObject({ demo: true, state: 'ready' });
    expect((await fetch(`${stack.urls.prometheus}/-/ready`)).ok).toBe(true);
    console.log(`npm start (bootstrap, build, vigil up --demo --detach): ${Date.now() - start} ms`);

    const down = spawnSync(process.execPath, [join(ROOT, 'packages/cli/dist/bundle/vigil.mjs'), 'down', '--dir', stateDir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(down.status, `${down.stdout}\n${down.stderr}`).toBe(0);
    expect(processesNaming(stateDir)).toEqual([]);
  }, 480_000);
});
