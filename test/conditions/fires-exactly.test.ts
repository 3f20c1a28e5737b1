import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generate } from '@vigil/compiler';
import { readDefinitionsDir, validateWithPromtool } from '@vigil/cli';
import { describe, expect, it } from 'vitest';
import { missingBinaries } from '../support/binaries.js';

const skip = missingBinaries('promtool');
const here = import.meta.dirname;
const repository = resolve(here, '../..');

describe.skipIf(skip !== undefined)('alerts fire exactly when they should (promtool)', () => {
  it('one alert of each condition kind, against hand-written expectations', async () => {
    const text = await readFile(join(here, 'testdata/definitions.yaml'), 'utf8');
    const result = generate([{ path: 'definitions.yaml', text }]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const dir = await mkdtemp(join(tmpdir(), 'vigil-exact-'));
    try {
      await mkdir(join(dir, 'rules'));
      const rules = result.value.outputs.find((o) => o.path === 'prometheus/rules/app.yml');
      await writeFile(join(dir, 'rules/app.yml'), rules?.content ?? '');
      await copyFile(join(here, 'testdata/fires-exactly.test.yml'), join(dir, 'fires-exactly.test.yml'));
      const run = spawnSync('promtool', ['test', 'rules', join(dir, 'fires-exactly.test.yml')], { encoding: 'utf8' });
      expect(run.stdout + run.stderr).toContain('SUCCESS');
      expect(run.status).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('every generated alert test and every hand-written test of the repository passes, and the config checks', async () => {
    const sources = await readDefinitionsDir(join(repository, 'definitions'), repository);
    const result = generate(sources);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const uncovered = result.value.coverage.filter((c) => !c.covered);
    expect(uncovered).toEqual([]);
    const steps = await validateWithPromtool(repository, result.value, 'promtool');
    for (const step of steps) expect({ step: step.step, ok: step.ok, output: step.ok ? '' : step.output }).toEqual({ step: step.step, ok: true, output: '' });
    expect(steps.map((s) => s.step)).toEqual(['promtool check rules', 'promtool test rules', 'promtool check config', 'amtool check-config']);
  }, 600_000);
});
