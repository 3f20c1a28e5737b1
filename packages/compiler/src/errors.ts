/** Where in a definitions file something was found. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One problem found in the definitions: where it is, what is wrong and what was expected. */
export interface SourceIssue extends SourceLocation {
  message: string;
}

/** Expected failures are values, not exceptions. */
export type Result<T> = { ok: true; value: T } | { ok: false; issues: SourceIssue[] };

/** Builds a successful {@link Result}. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failed {@link Result}. */
export function fail<T = never>(issues: SourceIssue[]): Result<T> {
  return { ok: false, issues };
}

/** Formats an issue as `file:line:column: message` (the shared rule). */
export { formatIssue } from '@vigil/conventions';

/** Marks the end of an exhaustive `switch` over a closed set (the shared one, re-exported for the compiler's modules). */
export { assertNever } from '@vigil/conventions';
