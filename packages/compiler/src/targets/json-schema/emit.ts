import type { TargetEmit } from '../target.js';
import { emitJsonSchema } from './json-schema.js';

/** `schema/vigil.schema.json`: the definitions' JSON Schema, for editors. */
export const emitSchema: TargetEmit = () => ({ files: emitJsonSchema() });
