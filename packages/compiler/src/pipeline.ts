import type { OutputFile } from './emit/output.js';
import type { Model } from './model/types.js';
import { compileRules } from './rules/compile.js';
import type { RuleFile } from './rules/types.js';
import type { LoadedTarget, TestCoverage } from './targets/target.js';
import { compareText } from './text-order.js';

/** Everything one run of the compiler produces, before anything is written. */
export interface Generation {
  model: Model;
  rules: RuleFile[];
  outputs: OutputFile[];
  coverage: TestCoverage[];
}

/**
 * Every output of a model, in memory: the rules compiled once, then each target's emitter in
 * turn. Which targets run is the caller's choice (`targetNamesFor(model.settings)`); adding a
 * target is adding it to the registry (targets/registry.ts), not editing this.
 */
export function emitGeneration(model: Model, targets: readonly LoadedTarget[]): Generation {
  const rules = compileRules(model);
  const outputs: OutputFile[] = [];
  const coverage: TestCoverage[] = [];
  const writers = new Map<string, string>();
  for (const target of targets) {
    const emitted = target.emit({ model, rules });
    for (const file of emitted.files) {
      const other = writers.get(file.path);
      if (other !== undefined) throw new Error(`targets ${other} and ${target.name} both write ${file.path}`);
      writers.set(file.path, target.name);
      outputs.push(file);
    }
    if (emitted.coverage) coverage.push(...emitted.coverage);
  }
  return { model, rules, outputs: outputs.sort((a, b) => compareText(a.path, b.path)), coverage };
}
