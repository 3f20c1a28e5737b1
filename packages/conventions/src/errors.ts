/**
 * The typed errors Vigil's libraries throw for the `vigil` command to turn into exit codes (the
 * table and the one mapping live in `@vigil/cli`). Libraries never pick exit codes: they throw
 * one of these, and only the CLI entry decides what a kind means for the process.
 */

/** What went wrong, as the CLI's exit-code table distinguishes it. */
export type VigilErrorKind = 'usage' | 'invalid-definitions' | 'failed' | 'tool';

/** A problem at a place in a definitions file. */
export interface DefinitionIssue {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Formats an issue the way compilers do: `file:line:column: message`. */
export function formatIssue(issue: DefinitionIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;
}

// The CLI bundles its own copy of this module while the controller loads the installed one, so
// `instanceof` fails across them; a registry-wide symbol marks Vigil errors from either copy.
const BRAND = Symbol.for('@vigil/conventions/error');

/** Options shared by every Vigil error. */
export interface VigilErrorOptions {
  cause?: unknown;
  /** True when the thrower already printed what went wrong: the CLI prints nothing more. */
  reported?: boolean;
}

/** Base class of the typed errors; its `kind` picks the exit code. */
export abstract class VigilError extends Error {
  abstract readonly kind: VigilErrorKind;
  /** True when the message was already printed (a check's report, a command's own output). */
  readonly reported: boolean;
  readonly [BRAND] = true;
  constructor(message: string, options: VigilErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reported = options.reported ?? false;
  }
}

/** Bad command-line input, or a conflict only the user can settle (files `vigil init` would overwrite). */
export class UsageError extends VigilError {
  readonly kind = 'usage';
  override readonly name = 'UsageError';
}

/** The definitions were rejected; carries every issue found. */
export class InvalidDefinitionsError extends VigilError {
  readonly kind = 'invalid-definitions';
  override readonly name = 'InvalidDefinitionsError';
  readonly issues: readonly DefinitionIssue[];
  constructor(issues: readonly DefinitionIssue[], options: VigilErrorOptions = {}) {
    super(issues.map(formatIssue).join('\n'), options);
    this.issues = issues;
  }
}

/** A check or command failed: stale outputs, a failing promtool test, an API error, a refused rollback. */
export class CommandFailedError extends VigilError {
  readonly kind = 'failed';
  override readonly name = 'CommandFailedError';
}

/** An external tool (promtool, amtool) is missing or failed to run. */
export class ToolError extends VigilError {
  readonly kind = 'tool';
  override readonly name = 'ToolError';
}

/** Whether `error` is one of the errors above, from any copy of this module. */
export function isVigilError(error: unknown): error is VigilError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}
