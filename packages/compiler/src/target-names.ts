/**
 * The names of Vigil's output targets: a closed set, so `targets/registry.ts` (typed against it)
 * fails to compile when a target is missing. A leaf with no imports: the spec and the model read
 * the names (`settings.outputs`) without importing any target.
 */

/** Targets every project gets: the Prometheus rules, their promtool tests, prometheus.yml and the JSON Schema. */
export const ALWAYS_TARGETS = ['prometheus-rules', 'promtool-tests', 'prometheus-config', 'json-schema'] as const;

/** Targets a project chooses with `settings.outputs`. */
export const OPTIONAL_TARGETS = ['alertmanager', 'grafana', 'html', 'datadog', 'thanos', 'mimir'] as const;

/** One of {@link ALWAYS_TARGETS}. */
export type AlwaysTarget = (typeof ALWAYS_TARGETS)[number];

/** One of {@link OPTIONAL_TARGETS}: a value of `settings.outputs`. */
export type OptionalTarget = (typeof OPTIONAL_TARGETS)[number];

/** Every target's name. */
export type TargetName = AlwaysTarget | OptionalTarget;

/** Every target's name, the always-on ones first. */
export const TARGET_NAMES: readonly TargetName[] = [...ALWAYS_TARGETS, ...OPTIONAL_TARGETS];

/** Without `settings.outputs`: the Prometheus stack. Datadog needs an account, so it is asked for. */
export const DEFAULT_OUTPUTS: readonly OptionalTarget[] = ['alertmanager', 'grafana', 'html'];

/** The targets a project's generation runs: the always-on ones, then those its settings choose. */
export function targetNamesFor(settings: { readonly outputs: readonly OptionalTarget[] }): TargetName[] {
  return [...ALWAYS_TARGETS, ...settings.outputs];
}
