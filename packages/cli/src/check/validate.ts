import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Generation } from '@vigil/compiler/core';
import { writeOutputsAtomically } from '../io/write-outputs.js';
import { promqlSyntaxErrors } from '@vigil/compiler/core';
import type { SourceIssue } from '@vigil/compiler/core';
import { runTool } from './promtool.js';
import { checkAlertmanagerConfig } from './amtool.js';

/** The outcome of one validation step. */
export interface ValidationStep {
  step: string;
  ok: boolean;
  output: string;
}

/** Every expression of every generated rule, parsed by the PromQL grammar. */
export function parseGeneratedExpressions(generation: Generation): SourceIssue[] {
  const issues: SourceIssue[] = [];
  for (const file of generation.rules) {
    for (const group of file.groups) {
      for (const rule of group.rules) {
        for (const error of promqlSyntaxErrors(rule.expr)) {
          const at = rule.origin.source ?? { file: `prometheus/rules/${file.name}.yml`, line: 1, column: 1 };
          issues.push({ ...at, message: `${rule.type === 'alerting' ? rule.alert : rule.record}: ${error.message}` });
        }
      }
    }
  }
  return issues;
}

/**
 * Writes the generation to a scratch copy of the project (with the user's own rule tests) and
 * runs promtool on it: check rules, test rules, check config. Nothing in `root` is touched.
 * `onStart` hears each step as it starts (with how many files it covers): `promtool test rules`
 * alone can take a minute, and a silent minute looks like a hang.
 */
export async function validateWithPromtool(
  root: string,
  generation: Generation,
  promtool: string,
  amtool = 'amtool',
  onStart: (step: string) => void = () => undefined,
): Promise<ValidationStep[]> {
  const scratch = await mkdtemp(join(tmpdir(), 'vigil-validate-'));
  try {
    await cp(join(root, 'prometheus'), join(scratch, 'prometheus'), { recursive: true }).catch(() => undefined);
    await writeOutputsAtomically(scratch, generation.outputs);
    const rulesDir = join(scratch, 'prometheus/rules');
    const testsDir = join(scratch, 'prometheus/tests');
    const ruleFiles = (await readdir(rulesDir)).filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(rulesDir, n));
    const testFiles = (await readdir(testsDir)).filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(testsDir, n));
    const steps: ValidationStep[] = [];
    const run = (step: string, args: string[], files?: number) => {
      onStart(files === undefined ? step : `${step} (${files} file${files === 1 ? '' : 's'})`);
      const result = runTool(promtool, args, scratch);
      steps.push({ step, ok: result.ok, output: result.output.replaceAll(scratch, '.') });
    };
    run('promtool check rules', ['check', 'rules', ...ruleFiles], ruleFiles.length);
    run('promtool test rules', ['test', 'rules', ...testFiles], testFiles.length);
    run('promtool check config', ['check', 'config', join(scratch, 'prometheus/prometheus.yml')]);
    // The generated Alertmanager configuration and the templates it loads.
    if (generation.model.notifications) {
      onStart('amtool check-config');
      steps.push(await checkAlertmanagerConfig(amtool, scratch));
    }
    return steps;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
