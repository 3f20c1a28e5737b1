import type { TargetDescriptor } from '../target.js';

/** Rule files for the Thanos ruler (`thanos rule --rule-file=thanos/rules/*.yml`). */
export const thanos: TargetDescriptor<'thanos'> = {
  name: 'thanos',
  owns: [{ dir: 'thanos/rules', files: /\.ya?ml$/ }],
  load: async () => (await import('./emit.js')).emitThanos,
};
