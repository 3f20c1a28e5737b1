import { definitionsJsonSchema } from '../spec/schema.js';
import type { OutputFile } from './output.js';

/** The JSON Schema for editors, emitted from the zod schema so the two never drift. */
export function emitJsonSchema(): OutputFile[] {
  return [{ path: 'schema/vigil.schema.json', content: `${JSON.stringify(definitionsJsonSchema(), null, 2)}\n` }];
}
