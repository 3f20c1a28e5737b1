import { fail, ok, type Result } from './errors.js';
import { loadModel } from './compile.js';
import { emitGeneration, type Generation } from './pipeline.js';
import type { SourceText } from './spec/load.js';
import { targetNamesFor } from './target-names.js';
import { EAGER_EMITTERS } from './targets/eager.js';

export type { Generation } from './pipeline.js';

/**
 * Compiles definitions into every output their settings ask for, in memory and synchronously:
 * parse and validate, build the model, then one emitter per target (all loaded up front; the CLI
 * loads only those a project uses, through `loadTargets`).
 */
export function generate(sources: readonly SourceText[]): Result<Generation> {
  const loaded = loadModel(sources);
  if (!loaded.ok) return fail(loaded.issues);
  const targets = targetNamesFor(loaded.value.settings).map((name) => ({ name, emit: EAGER_EMITTERS[name] }));
  return ok(emitGeneration(loaded.value, targets));
}
