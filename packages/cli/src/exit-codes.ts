import { assertNever, isVigilError, type VigilError, type VigilErrorKind } from '@vigil/conventions';

/**
 * The `vigil` exit codes, the only table of them: 0 success; 1 outputs are stale or a check or
 * command failed; 2 the definitions are invalid; 3 a required tool is missing or failed to run;
 * 64 bad usage (EX_USAGE), including files `vigil init` would overwrite.
 */
export const EXIT = { ok: 0, checkFailed: 1, invalidDefinitions: 2, toolError: 3, usage: 64 } as const;

/** One of the codes of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What the CLI does with an error: the code to exit with, and what to print first (if anything). */
export interface ExitDecision {
  code: ExitCode;
  message?: string;
}

function codeOfKind(kind: VigilErrorKind): ExitCode {
  switch (kind) {
    case 'usage':
      return EXIT.usage;
    case 'invalid-definitions':
      return EXIT.invalidDefinitions;
    case 'failed':
      return EXIT.checkFailed;
    case 'tool':
      return EXIT.toolError;
    default:
      return assertNever(kind);
  }
}

// Commander errors are matched by shape: the controller's autopilot command comes from its own
// copy of commander (the bundle does not include the controller), so `instanceof` would miss them.
function commanderExitCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, exitCode } = error as { code?: unknown; exitCode?: unknown };
  return typeof code === 'string' && code.startsWith('commander.') && typeof exitCode === 'number' ? exitCode : undefined;
}

/**
 * The one mapping from typed errors to exit codes; `undefined` for anything else (a bug, which
 * the entry lets crash with its stack). Commander has printed its own errors already.
 */
export function exitDecision(error: unknown): ExitDecision | undefined {
  if (isVigilError(error) && error.kind === 'invalid-definitions' && !error.reported) {
    const { issues } = error as VigilError & { issues: readonly unknown[] };
    return { code: EXIT.invalidDefinitions, message: `${error.message}\nvigil: ${issues.length} problem(s) in the definitions; nothing was written` };
  }
  if (isVigilError(error)) {
    const code = codeOfKind(error.kind);
    return error.reported ? { code } : { code, message: `vigil: ${error.message}` };
  }
  const commander = commanderExitCode(error);
  if (commander !== undefined) return { code: commander === 0 ? EXIT.ok : EXIT.usage };
  return undefined;
}
