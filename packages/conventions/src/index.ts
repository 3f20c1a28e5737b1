/**
 * @vigil/conventions: the rules every Vigil package shares, defined once. File writes are in
 * `@vigil/conventions/atomic-file` (Node only), so this entry stays free of I/O.
 */
export { assertNever } from './assert-never.js';
export { VigilError, UsageError, InvalidDefinitionsError, CommandFailedError, ToolError, isVigilError, type VigilErrorKind, type DefinitionIssue, type VigilErrorOptions } from './errors.js';
