import { hashHeader } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';
import { toYaml } from '../../emit/yaml.js';
import type { Model } from '../../model/types.js';
import { META_RULE_FILE } from '../../rules/compile.js';
import { compileSlo } from '../../rules/slos.js';
import type { AlertingRule } from '../../rules/types.js';
import { formatDuration } from '../../spec/duration.js';
import { type PromtoolTestCase, synthesizeAlertTests } from '../../synth/alert-tests.js';
import { synthesizeMetaTests, synthesizeWatchdogTests } from '../../synth/meta-tests.js';
import { SLO_STEP_SECONDS, synthesizeSloTests } from '../../synth/slo-tests.js';
import { RULES_DIR } from '../prometheus-rules/prometheus-rules.js';
import type { TestCoverage } from '../target.js';

/** Where promtool tests go; user-written tests may sit beside the generated ones. */
export const TESTS_DIR = 'prometheus/tests';

function testFile(ruleFile: string, evaluationSeconds: number, tests: PromtoolTestCase[]): string {
  return toYaml({
    rule_files: [`../rules/${ruleFile}.yml`],
    evaluation_interval: formatDuration(evaluationSeconds),
    tests,
  }, hashHeader('promtool-tests'));
}

/** Synthesizes promtool tests for every generated alert, with the coverage they reach. */
export function emitPromtoolTests(model: Model): { files: OutputFile[]; coverage: TestCoverage[] } {
  const files: OutputFile[] = [];
  const coverage: TestCoverage[] = [];
  const services = [...model.services].sort((a, b) => a.name.localeCompare(b.name));
  for (const service of services) {
    // promtool evaluates every rule at every step: tests of long windows go in coarser files.
    const byStep = new Map<number, PromtoolTestCase[]>([[60, []]]);
    const add = (step: number, cases: PromtoolTestCase[]) => byStep.set(step, [...(byStep.get(step) ?? []), ...cases]);
    for (const alert of model.alerts.filter((a) => a.service === service)) {
      const result = synthesizeAlertTests(alert);
      if (result.ok) add(result.stepSeconds, result.tests);
      coverage.push({
        alert: alert.name,
        source: alert.source,
        covered: result.ok,
        ...(result.ok ? {} : { reason: result.reason }),
      });
    }
    add(60, synthesizeMetaTests(service, `${RULES_DIR}/${service.name}.yml`));
    coverage.push({ alert: `VigilTargetDown (${service.name})`, covered: true });
    coverage.push({ alert: `VigilRuleEvaluationFailures (${service.name})`, covered: true });
    for (const [step, tests] of [...byStep].sort(([a], [b]) => a - b)) {
      const suffix = step === 60 ? '' : `.${formatDuration(step)}`;
      files.push({ path: `${TESTS_DIR}/${service.name}${suffix}.test.yml`, content: testFile(service.name, step, tests) });
    }

    const sloTests: PromtoolTestCase[] = [];
    for (const slo of model.slos.filter((s) => s.service === service)) {
      const alerts = compileSlo(slo).filter((rule): rule is AlertingRule => rule.type === 'alerting');
      if (alerts.length === 0) continue;
      const result = synthesizeSloTests(slo, alerts);
      if (result.ok) sloTests.push(...result.tests);
      coverage.push({
        alert: `${slo.alertName} (SLO ${slo.name})`,
        source: slo.source,
        covered: result.ok && result.tests.length > 1,
        ...(result.ok ? (result.tests.length > 1 ? {} : { reason: 'no burn tier could be driven to fire' }) : { reason: result.reason }),
      });
    }
    if (sloTests.length > 0) {
      files.push({ path: `${TESTS_DIR}/${service.name}.slo.test.yml`, content: testFile(service.name, SLO_STEP_SECONDS, sloTests) });
    }
  }
  files.push({ path: `${TESTS_DIR}/${META_RULE_FILE}.test.yml`, content: testFile(META_RULE_FILE, 60, synthesizeWatchdogTests()) });
  coverage.push({ alert: 'VigilWatchdog', covered: true });
  return { files, coverage };
}
