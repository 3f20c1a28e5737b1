import type { TargetDescriptor } from '../target.js';

/** The definitions' JSON Schema, for editors. */
export const jsonSchema: TargetDescriptor<'json-schema'> = {
  name: 'json-schema',
  owns: [{ dir: 'schema', files: /^vigil\.schema\.json$/ }],
  load: async () => (await import('./emit.js')).emitSchema,
};
