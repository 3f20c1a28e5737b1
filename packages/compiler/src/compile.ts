import { fail, type Result } from './errors.js';
import { buildModel } from './model/build.js';
import type { Model } from './model/types.js';
import { parseDefinitions, type SourceText } from './spec/load.js';

/** Parses, schema-checks and cross-checks definitions into the model. */
export function loadModel(sources: readonly SourceText[]): Result<Model> {
  const parsed = parseDefinitions(sources);
  if (!parsed.ok) return fail(parsed.issues);
  return buildModel(parsed.value);
}

