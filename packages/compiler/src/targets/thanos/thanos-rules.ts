import { hashHeader } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';
import { toYaml } from '../../emit/yaml.js';
import type { RuleFile } from '../../rules/types.js';
import { ruleGroupObject } from '../prometheus-rules/prometheus-rules.js';

/** Where the Thanos ruler's files go, relative to the project root. */
export const THANOS_RULES_DIR = 'thanos/rules';

/**
 * Prometheus' rule files with the one field the Thanos ruler adds to a group:
 * `partial_response_strategy`. `abort` (Thanos' default, written out so it is read) fails the
 * evaluation when a store does not answer, rather than judging an alert on part of the data:
 * a missing store then shows as a rule-evaluation failure, which VigilRuleEvaluationFailures
 * reports, instead of a silently resolved alert.
 */
export function emitThanosRules(files: readonly RuleFile[]): OutputFile[] {
  return files.map((file) => ({
    path: `${THANOS_RULES_DIR}/${file.name}.yml`,
    content: toYaml(
      { groups: file.groups.map((group) => ({ ...ruleGroupObject(group), partial_response_strategy: 'abort' })) },
      hashHeader('thanos'),
    ),
  }));
}
