import { hashHeader } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';
import { sortedRecord, toYaml } from '../../emit/yaml.js';
import type { RuleFile, RuleGroup } from '../../rules/types.js';
import { formatDuration } from '../../spec/duration.js';

/** Where rule files go, relative to the project root. */
export const RULES_DIR = 'prometheus/rules';

/**
 * One rule group as Prometheus' rule-file YAML object; the Thanos and Mimir ruler layouts wrap
 * the same object, so every engine loads the same rules.
 */
export function ruleGroupObject(group: RuleGroup): { name: string; rules: Record<string, unknown>[] } {
  return {
    name: group.name,
    rules: group.rules.map((rule) =>
      rule.type === 'recording'
        ? {
            record: rule.record,
            expr: rule.expr,
            ...(Object.keys(rule.labels).length > 0 ? { labels: sortedRecord(rule.labels) } : {}),
          }
        : {
            alert: rule.alert,
            expr: rule.expr,
            ...(rule.forSeconds > 0 ? { for: formatDuration(rule.forSeconds) } : {}),
            labels: sortedRecord(rule.labels),
            annotations: sortedRecord(rule.annotations),
          },
    ),
  };
}

/** Serializes rule files to Prometheus' rule-file YAML. Pure: the caller writes them. */
export function emitPrometheusRules(files: readonly RuleFile[]): OutputFile[] {
  return files.map((file) => ({
    path: `${RULES_DIR}/${file.name}.yml`,
    content: toYaml({ groups: file.groups.map(ruleGroupObject) }, hashHeader('prometheus-rules')),
  }));
}
