import type { TargetDescriptor } from '../target.js';

/** promtool unit tests synthesized for every alert (a user's own tests may sit beside them). */
export const promtoolTests: TargetDescriptor<'promtool-tests'> = {
  name: 'promtool-tests',
  owns: [{ dir: 'prometheus/tests', files: /\.ya?ml$/ }],
  load: async () => (await import('./emit.js')).emitTests,
};
