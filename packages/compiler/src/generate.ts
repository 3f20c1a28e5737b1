import { fail, ok, type Result } from './errors.js';
import { loadModel } from './compile.js';
import { emitAlertmanager } from './emit/outputs/alertmanager.js';
import { emitDatadog } from './emit/outputs/datadog.js';
import { emitGrafana } from './emit/outputs/grafana.js';
import { emitHtml } from './emit/outputs/html.js';
import type { OutputEmitters } from './outputs.js';
import { emitGeneration, type Generation } from './pipeline.js';
import type { SourceText } from './spec/load.js';

export type { Generation } from './pipeline.js';

/** Every output's emitter, loaded up front (the CLI loads only those a project uses). */
const ALL_EMITTERS: OutputEmitters = { alertmanager: emitAlertmanager, grafana: emitGrafana, html: emitHtml, datadog: emitDatadog };

/**
 * Compiles definitions into every output their settings ask for, in memory: parse and validate,
 * build the model, then one emitter per target.
 */
export function generate(sources: readonly SourceText[]): Result<Generation> {
  const loaded = loadModel(sources);
  if (!loaded.ok) return fail(loaded.issues);
  return ok(emitGeneration(loaded.value, ALL_EMITTERS));
}
