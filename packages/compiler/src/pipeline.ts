import type { TestCoverage } from './emit/promtool-tests.js';
import { emitJsonSchema } from './emit/json-schema.js';
import type { OutputFile } from './emit/output.js';
import { emitPrometheusConfig } from './emit/prometheus-config.js';
import { emitPrometheusRules } from './emit/prometheus-rules.js';
import { emitPromtoolTests } from './emit/promtool-tests.js';
import type { Model } from './model/types.js';
import type { OutputEmitters } from './outputs.js';
import { compileRules } from './rules/compile.js';
import type { RuleFile } from './rules/types.js';
import { compareText } from './text-order.js';

/** Everything one run of the compiler produces, before anything is written. */
export interface Generation {
  model: Model;
  rules: RuleFile[];
  outputs: OutputFile[];
  coverage: TestCoverage[];
}

/**
 * Every output of a model, in memory: the Prometheus ones, then each output the settings ask
 * for, by its emitter. Adding a target is adding an emitter (see outputs.ts), not editing this.
 */
export function emitGeneration(model: Model, emitters: OutputEmitters): Generation {
  const rules = compileRules(model);
  const tests = emitPromtoolTests(model);
  const outputs = [...emitPrometheusRules(rules), ...tests.files, ...emitPrometheusConfig(model), ...emitJsonSchema()];
  for (const output of model.settings.outputs) {
    const emit = emitters[output];
    if (!emit) throw new Error(`no emitter loaded for output ${output}`);
    outputs.push(...emit(model));
  }
  return { model, rules, outputs: outputs.sort((a, b) => compareText(a.path, b.path)), coverage: tests.coverage };
}
