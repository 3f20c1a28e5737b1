import type { TargetDescriptor } from '../target.js';

/** The Prometheus rule files, one per service plus Vigil's own meta rules. */
export const prometheusRules: TargetDescriptor<'prometheus-rules'> = {
  name: 'prometheus-rules',
  owns: [{ dir: 'prometheus/rules', files: /\.ya?ml$/ }],
  load: async () => (await import('./emit.js')).emitRules,
};
