import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { InvalidDefinitionsError, type DefinitionIssue } from '@vigil/conventions';
import type { SourceText } from '@vigil/compiler/core';

/**
 * Bounds on what is read, so time and memory stay bounded whatever the input (5 MB of
 * definitions took 23 s and 850 MB): far above any real project (this repository's are 100 KiB).
 */
export const DEFINITION_LIMITS = { fileBytes: 1024 * 1024, totalBytes: 4 * 1024 * 1024, files: 500 } as const;

/** What to do when the directory does not exist. */
export interface ReadDefinitionsOptions {
  /** `error` (the definitions: a located error) or `empty` (optional folders: no files). */
  missing?: 'error' | 'empty';
  /** Whether {@link DEFINITION_LIMITS} apply (not to generated rule files, which `lint` reads and may be larger). */
  limits?: boolean;
}

/** The byte offset of the first invalid UTF-8 sequence, or -1. */
function invalidUtf8At(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    const size = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (size === 0 || i + size > bytes.length) return i;
    for (let k = 1; k < size; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    // Overlong, surrogate and beyond-U+10FFFF forms.
    const next = bytes[i + 1] as number;
    if ((b === 0xe0 && next < 0xa0) || (b === 0xed && next >= 0xa0) || (b === 0xf0 && next < 0x90) || (b === 0xf4 && next >= 0x90)) return i;
    i += size;
  }
  return -1;
}

/** Line and column (1-based, columns in bytes) of a byte offset. */
function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * Reads every `*.yaml` / `*.yml` file under a directory, sorted, paths relative to `root`. A
 * missing directory, a file or total beyond {@link DEFINITION_LIMITS}, a NUL byte or invalid
 * UTF-8 is a located {@link InvalidDefinitionsError}, not a stack trace.
 */
export async function readDefinitionsDir(dir: string, root: string, options: ReadDefinitionsOptions = {}): Promise<SourceText[]> {
  const here = relative(root, dir) || '.';
  const fail = (issues: DefinitionIssue[]): never => {
    throw new InvalidDefinitionsError(issues);
  };
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    if (options.missing === 'empty') return [];
    return fail([{ file: here, line: 1, column: 1, message: 'no such directory: expected a folder of *.yaml definitions (create it, or pass --definitions)' }]);
  }
  const paths = entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  const limits = options.limits ?? true;
  if (limits && paths.length > DEFINITION_LIMITS.files) {
    fail([{ file: here, line: 1, column: 1, message: `${paths.length} files: at most ${DEFINITION_LIMITS.files} definitions files are read` }]);
  }
  const issues: DefinitionIssue[] = [];
  if (limits) {
    let total = 0;
    const sizes = await Promise.all(paths.map(async (path) => (await stat(path)).size));
    paths.forEach((path, i) => {
      const size = sizes[i] as number;
      total += size;
      if (size > DEFINITION_LIMITS.fileBytes) issues.push({ file: relative(root, path), line: 1, column: 1, message: `${size} bytes: a definitions file is at most ${DEFINITION_LIMITS.fileBytes} bytes (1 MiB); split it` });
    });
    if (issues.length === 0 && total > DEFINITION_LIMITS.totalBytes) {
      issues.push({ file: here, line: 1, column: 1, message: `${total} bytes of definitions: at most ${DEFINITION_LIMITS.totalBytes} bytes (4 MiB) in all` });
    }
    if (issues.length > 0) fail(issues);
  }
  const sources = await Promise.all(
    paths.map(async (path) => {
      const bytes = await readFile(path);
      const file = relative(root, path);
      const invalid = invalidUtf8At(bytes);
      if (invalid !== -1) issues.push({ file, ...position(bytes, invalid), message: 'invalid UTF-8: definitions are UTF-8 text' });
      const nul = bytes.indexOf(0);
      if (nul !== -1) issues.push({ file, ...position(bytes, nul), message: 'NUL byte: definitions are text' });
      return { path: file, text: bytes.toString('utf8') };
    }),
  );
  if (issues.length > 0) fail(issues);
  return sources;
}
