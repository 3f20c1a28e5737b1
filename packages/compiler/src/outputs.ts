import type { OutputFile } from './emit/output.js';
import type { Model } from './model/types.js';

/**
 * The outputs a project chooses, beside the Prometheus ones it always gets (rules, promtool
 * tests, prometheus.yml, the JSON Schema): `settings.outputs` in the definitions.
 */
export const OPTIONAL_OUTPUTS = ['alertmanager', 'grafana', 'html', 'datadog'] as const;

/** One of {@link OPTIONAL_OUTPUTS}. */
export type OptionalOutput = (typeof OPTIONAL_OUTPUTS)[number];

/** Without `settings.outputs`: the Prometheus stack. Datadog needs an account, so it is asked for. */
export const DEFAULT_OUTPUTS: readonly OptionalOutput[] = ['alertmanager', 'grafana', 'html'];

/** Writes one output's files from the model. */
export type OutputEmitter = (model: Model) => OutputFile[];

/** An emitter for each output a generation needs (at least those the model's settings ask for). */
export type OutputEmitters = Partial<Readonly<Record<OptionalOutput, OutputEmitter>>>;

/**
 * Loads the emitters of the given outputs, each module only when asked for: the CLI does not load
 * the Datadog API client (a third of its start-up) for a project that sends nothing to Datadog.
 */
export async function loadOutputEmitters(outputs: Iterable<OptionalOutput>): Promise<OutputEmitters> {
  const loaders: Record<OptionalOutput, () => Promise<OutputEmitter>> = {
    alertmanager: async () => (await import('./emit/outputs/alertmanager.js')).emitAlertmanager,
    grafana: async () => (await import('./emit/outputs/grafana.js')).emitGrafana,
    html: async () => (await import('./emit/outputs/html.js')).emitHtml,
    datadog: async () => (await import('./emit/outputs/datadog.js')).emitDatadog,
  };
  const wanted = [...new Set(outputs)];
  return Object.fromEntries(await Promise.all(wanted.map(async (output) => [output, await loaders[output]()] as const)));
}
