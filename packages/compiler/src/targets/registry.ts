import type { TargetName } from '../target-names.js';
import { alertmanager } from './alertmanager/index.js';
import { datadog } from './datadog/index.js';
import { grafana } from './grafana/index.js';
import { html } from './html/index.js';
import { jsonSchema } from './json-schema/index.js';
import { mimir } from './mimir/index.js';
import { prometheusConfig } from './prometheus-config/index.js';
import { prometheusRules } from './prometheus-rules/index.js';
import { promtoolTests } from './promtool-tests/index.js';
import { thanos } from './thanos/index.js';
import type { LoadedTarget, OwnedFiles, TargetDescriptor, TargetRegistry } from './target.js';

/**
 * Every output target, by name: the one registry. Typed against the closed set of names, so a
 * target named in target-names.ts but missing here (or filed under another name) fails to
 * compile. Importing it loads no emitter: each entry's `load` does, when asked.
 */
export const TARGETS = {
  'prometheus-rules': prometheusRules,
  'promtool-tests': promtoolTests,
  'prometheus-config': prometheusConfig,
  'json-schema': jsonSchema,
  alertmanager,
  grafana,
  html,
  datadog,
  thanos,
  mimir,
} as const satisfies { readonly [N in TargetName]: TargetDescriptor<N> };

/**
 * Loads the emitters of the named targets, in the order named, each module only when asked for:
 * the CLI does not load the Datadog API client (a third of its start-up) for a project that
 * sends nothing to Datadog. A test may pass a registry with an extra target.
 */
export async function loadTargets(names: readonly string[], registry: TargetRegistry = TARGETS): Promise<LoadedTarget[]> {
  return Promise.all(
    [...new Set(names)].map(async (name) => {
      const target = registry[name];
      if (!target) throw new Error(`no output target named ${name} in the registry`);
      return { name, emit: await target.load() };
    }),
  );
}

/** A directory a target owns, with the target's name. */
export interface OwnedBy extends OwnedFiles {
  readonly target: string;
}

/** Every directory a registry's targets write into, and which files there may be generated. */
export function ownedFiles(registry: TargetRegistry = TARGETS): OwnedBy[] {
  return Object.values(registry).flatMap((target) => target.owns.map((owned) => ({ target: target.name, ...owned })));
}
