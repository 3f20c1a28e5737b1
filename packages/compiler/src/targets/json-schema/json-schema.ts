import { generatedNotice } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';
import { definitionsJsonSchema } from '../../spec/schema.js';

/** Where the JSON Schema goes, relative to the project root. */
export const JSON_SCHEMA_PATH = 'schema/vigil.schema.json';

/**
 * The JSON Schema for editors, emitted from the zod schema so the two never drift. JSON has no
 * comments: the generated notice is the schema's `$comment`, its first key.
 */
export function emitJsonSchema(): OutputFile[] {
  const schema = { $comment: generatedNotice('json-schema'), ...definitionsJsonSchema() };
  return [{ path: JSON_SCHEMA_PATH, content: `${JSON.stringify(schema, null, 2)}\n` }];
}
