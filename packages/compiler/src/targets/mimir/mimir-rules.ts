import { hashHeader } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';
import { toYaml } from '../../emit/yaml.js';
import type { RuleFile } from '../../rules/types.js';
import { ruleGroupObject } from '../prometheus-rules/prometheus-rules.js';

/** Where the Mimir namespace files go, relative to the project root. */
export const MIMIR_RULES_DIR = 'mimir/rules';

/**
 * One namespace file per rule file, in mimirtool's format (`namespace:` then `groups:`): the
 * namespace is the rule file's name, so `mimirtool rules sync` replaces exactly the groups Vigil
 * generated for a service and leaves other namespaces of the tenant alone.
 */
export function emitMimirRules(files: readonly RuleFile[]): OutputFile[] {
  return files.map((file) => ({
    path: `${MIMIR_RULES_DIR}/${file.name}.yml`,
    content: toYaml({ namespace: file.name, groups: file.groups.map(ruleGroupObject) }, hashHeader('mimir')),
  }));
}
