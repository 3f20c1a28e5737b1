import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '@vigil/compiler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { missingBinaries } from '../support/binaries.js';

const skip = missingBinaries('promtool');
const here = import.meta.dirname;

interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: unknown[];
}
interface PromtoolTest {
  name: string;
  alert_rule_test: AlertRuleTest[];
}
interface PromtoolFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: PromtoolTest[];
}

/**
 * The condition variants fires-exactly.test.ts leaves out (`below`, `falling`, `by` with `min`,
 * escalation, matchers and job scoping, counter rates, histogram quantiles, the ratio's guard),
 * each against hand-written boundaries in testdata/variants.test.yml.
 */
describe.skipIf(skip !== undefined)('condition variants fire exactly when they should (promtool)', () => {
  let dir: string;
  let expectations: PromtoolFile;

  beforeAll(async () => {
    const text = await readFile(join(here, 'testdata/variants.yaml'), 'utf8');
    const result = generate([{ path: 'definitions/variants.yaml', text }]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    dir = await mkdtemp(join(tmpdir(), 'vigil-variants-'));
    await mkdir(join(dir, 'rules'));
    const rules = result.value.outputs.find((o) => o.path === 'prometheus/rules/app.yml');
    if (!rules) throw new Error('no prometheus/rules/app.yml generated');
    await writeFile(join(dir, 'rules/app.yml'), rules.content);
    expectations = parse(await readFile(join(here, 'testdata/variants.test.yml'), 'utf8')) as PromtoolFile;
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes the hand-written expectations', async () => {
    await copyFile(join(here, 'testdata/variants.test.yml'), join(dir, 'variants.test.yml'));
    const run = spawnSync('promtool', ['test', 'rules', join(dir, 'variants.test.yml')], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('pins every boundary to the minute: a quiet evaluation one interval before the first firing one', () => {
    expect(expectations.evaluation_interval).toBe('1m');
    const minutes = (time: string) => Number(/^(\d+)m$/.exec(time)?.[1] ?? Number.NaN);
    const loose = expectations.tests.filter((test) => {
      const firstFiring = Math.min(...test.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => minutes(a.eval_time)));
      return !test.alert_rule_test.some((a) => a.exp_alerts.length === 0 && minutes(a.eval_time) === firstFiring - 1);
    });
    expect(loose.map((test) => test.name)).toEqual([]);
    expect(expectations.tests).toHaveLength(7);
  });
});
