import type { TargetDescriptor } from '../target.js';

/** Rule namespaces for the Mimir ruler (`mimirtool rules sync mimir/rules/*.yml`). */
export const mimir: TargetDescriptor<'mimir'> = {
  name: 'mimir',
  owns: [{ dir: 'mimir/rules', files: /\.ya?ml$/ }],
  load: async () => (await import('./emit.js')).emitMimir,
};
