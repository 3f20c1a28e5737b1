import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GENERATED_MARK, ownedFiles, type OutputFile, type OwnedFiles } from '@vigil/compiler/core';
import { stageFile, syncDirectory } from '@vigil/conventions/atomic-file';

export { writeFileAtomically } from '@vigil/conventions/atomic-file';

/**
 * Directories with generated files, and the files there that may be Vigil's (user files there
 * are left alone): every registered target's, so a target's files are swept even when a project
 * no longer uses it.
 */
export const GENERATED_DIRS: readonly OwnedFiles[] = ownedFiles();

/**
 * Generated files on disk that the current outputs no longer contain: in an owned directory,
 * matching its pattern and carrying the generated mark (a header comment, or a JSON file's
 * description or `$comment`).
 */
export async function staleGeneratedFiles(root: string, outputs: readonly OutputFile[], owned: readonly OwnedFiles[] = GENERATED_DIRS): Promise<string[]> {
  const wanted = new Set(outputs.map((o) => o.path));
  const stale: string[] = [];
  for (const { dir, files } of owned) {
    let names: string[];
    try {
      names = await readdir(join(root, dir));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const path = `${dir}/${name}`;
      if (wanted.has(path) || !files.test(name)) continue;
      const text = await readFile(join(root, path), 'utf8').catch(() => '');
      if (text.includes(GENERATED_MARK)) stale.push(path);
    }
  }
  return stale;
}

/** Whether `path` already holds exactly `content` (a missing or unreadable file does not). */
async function holds(path: string, content: string): Promise<boolean> {
  try {
    return (await readFile(path, 'utf8')) === content;
  } catch {
    return false;
  }
}

/** What {@link writeOutputsAtomically} did. */
export interface WriteSummary {
  /** Files whose content changed or that are new. */
  written: number;
  /** Files that already held their content, left untouched (mtime kept, no write). */
  unchanged: number;
  /** Stale generated files removed. */
  removed: string[];
}

/**
 * Writes every output or none: each changed one goes to a temporary file beside its target
 * (fsynced), and only when all are written are they renamed into place and their directories
 * synced; stale generated files are removed last. Files that already hold their content are not
 * rewritten, so regeneration touches only what changed (watchers and `make` see no noise).
 */
export async function writeOutputsAtomically(root: string, outputs: readonly OutputFile[], owned: readonly OwnedFiles[] = GENERATED_DIRS): Promise<WriteSummary> {
  const changed = (
    await Promise.all(outputs.map(async (output) => ((await holds(join(root, output.path), output.content)) ? [] : [output])))
  ).flat();
  // Stage all files concurrently (their fsyncs overlap); if any fails, remove every staged one.
  const results = await Promise.allSettled(
    changed.map(async (output) => {
      const target = join(root, output.path);
      return { temp: await stageFile(target, output.content), target };
    }),
  );
  const staged = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true })));
    throw failure.reason;
  }
  await Promise.all(staged.map(({ temp, target }) => rename(temp, target)));
  await Promise.all([...new Set(staged.map(({ target }) => dirname(target)))].map(syncDirectory));
  const removed = await staleGeneratedFiles(root, outputs, owned);
  await Promise.all(removed.map((path) => rm(join(root, path), { force: true })));
  return { written: staged.length, unchanged: outputs.length - changed.length, removed };
}
