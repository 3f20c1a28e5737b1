import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isGeneratedText, ownedFiles, type OutputFile, type OwnedFiles } from '@vigil/compiler/core';
import { stageFile, syncDirectory, writeFileAtomically } from '@vigil/conventions/atomic-file';

export { writeFileAtomically } from '@vigil/conventions/atomic-file';

/**
 * Directories with generated files, and the files there that may be Vigil's (user files there
 * are left alone): every registered target's, so a target's files are swept even when a project
 * no longer uses it.
 */
export const GENERATED_DIRS: readonly OwnedFiles[] = ownedFiles();

/** Where a generation is staged before it replaces the outputs, under the project root (same file system, so renames are atomic). */
export const STAGING_DIR = '.vigil-staging';
const JOURNAL = 'journal.json';
/** A temporary file of the atomic writer, left beside its target by a crash. */
const TEMP_FILE = /\.vigil-tmp-\d+-[0-9a-f]+$/;

/** Whether `path` holds a file that Vigil generated (by its header: see `isGeneratedText`). */
async function isGeneratedFile(path: string): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  return text !== undefined && isGeneratedText(text);
}

/**
 * Generated files on disk that the current outputs no longer contain: in an owned directory,
 * matching its pattern and starting with a target's generated header (a JSON file: the mark in
 * its target's field). A file that only mentions the words is the user's and is never listed.
 */
export async function staleGeneratedFiles(root: string, outputs: readonly OutputFile[], owned: readonly OwnedFiles[] = GENERATED_DIRS): Promise<string[]> {
  const wanted = new Set(outputs.map((o) => o.path));
  const stale: string[] = [];
  for (const { dir, files } of owned) {
    for (const name of await listDir(join(root, dir))) {
      const path = `${dir}/${name}`;
      if (wanted.has(path) || !files.test(name)) continue;
      if (await isGeneratedFile(join(root, path))) stale.push(path);
    }
  }
  return stale;
}

async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

/** Temporary files a crashed writer left in the owned directories (`x.yml.vigil-tmp-PID-HEX`). */
async function leftoverTempFiles(root: string, owned: readonly OwnedFiles[]): Promise<string[]> {
  const found: string[] = [];
  for (const { dir } of owned) {
    for (const name of await listDir(join(root, dir))) if (TEMP_FILE.test(name)) found.push(`${dir}/${name}`);
  }
  return [...new Set(found)];
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

/** A switch from the old outputs to the new ones, written before the first rename: the commit point. */
interface Journal {
  version: 1;
  /** Staged file (relative to the staging directory) to its target (relative to the root). */
  moves: { from: string; to: string }[];
  /** Stale generated files to remove, relative to the root. */
  removes: string[];
}

/**
 * Called after each durable step of a write, numbered from 1; the CLI lets a test kill the
 * process there (`VIGIL_TEST_KILL_AT_STEP`) to show that every crash point is recoverable.
 */
export type WriteStepHook = (step: number) => void;

/** Counts steps for a {@link WriteStepHook}. */
function stepper(hook: WriteStepHook | undefined): () => void {
  let step = 0;
  return () => hook?.(++step);
}

/** Applies a committed journal; every step is idempotent, so a crash here is completed by the next run. */
async function applyJournal(root: string, journal: Journal, step: () => void): Promise<void> {
  const staging = join(root, STAGING_DIR);
  const dirs = new Set<string>();
  for (const { from, to } of journal.moves) {
    const target = join(root, to);
    const exists = await stat(join(staging, from)).then(() => true, () => false);
    // Already moved by the run that crashed.
    if (!exists) continue;
    await mkdir(dirname(target), { recursive: true });
    await rename(join(staging, from), target);
    dirs.add(dirname(target));
    step();
  }
  for (const path of journal.removes) {
    // Checked again: a file the user put there since the crash is theirs.
    if (!(await isGeneratedFile(join(root, path)))) continue;
    await rm(join(root, path), { force: true });
    dirs.add(dirname(join(root, path)));
    step();
  }
  await Promise.all([...dirs].map(syncDirectory));
  step();
  await rm(staging, { recursive: true, force: true });
  step();
}

/**
 * Finishes or undoes a write that a crash interrupted: with a committed journal the new outputs
 * are put in place (roll forward), without one the staged files are dropped (the old outputs
 * stand). Either way the tree is one whole generation again. Returns what it did.
 */
export async function recoverInterruptedWrite(root: string): Promise<'none' | 'completed' | 'rolled-back'> {
  const staging = join(root, STAGING_DIR);
  const text = await readFile(join(staging, JOURNAL), 'utf8').catch(() => undefined);
  if (text !== undefined) {
    await applyJournal(root, JSON.parse(text) as Journal, () => undefined);
    return 'completed';
  }
  const present = await stat(staging).then(() => true, () => false);
  if (!present) return 'none';
  await rm(staging, { recursive: true, force: true });
  return 'rolled-back';
}

/**
 * Writes every output or none, and a crash at any moment leaves the old outputs or the new ones,
 * never a mix: the changed files are staged (fsynced) in {@link STAGING_DIR}, then a journal of
 * the renames and removals is committed atomically, then applied; a crash before the journal is
 * rolled back by the next run, a crash after it completed (see {@link recoverInterruptedWrite}).
 * Files that already hold their content are not rewritten, so regeneration touches only what
 * changed (watchers and `make` see no noise). Temporary files a crash left are removed.
 */
export async function writeOutputsAtomically(
  root: string,
  outputs: readonly OutputFile[],
  owned: readonly OwnedFiles[] = GENERATED_DIRS,
  onStep?: WriteStepHook,
): Promise<WriteSummary> {
  const step = stepper(onStep);
  await recoverInterruptedWrite(root);
  await Promise.all((await leftoverTempFiles(root, owned)).map((path) => rm(join(root, path), { force: true })));
  const changed = (
    await Promise.all(outputs.map(async (output) => ((await holds(join(root, output.path), output.content)) ? [] : [output])))
  ).flat();
  const removes = await staleGeneratedFiles(root, outputs, owned);
  if (changed.length === 0 && removes.length === 0) return { written: 0, unchanged: outputs.length, removed: [] };

  const staging = join(root, STAGING_DIR);
  const moves = changed.map((output, i) => ({ from: `${i}`, to: output.path }));
  try {
    await mkdir(staging, { recursive: true });
    // Staged concurrently (their fsyncs overlap), each under a flat name.
    await Promise.all(
      changed.map(async (output, i) => {
        await rename(await stageFile(join(staging, `${i}`), output.content), join(staging, `${i}`));
        step();
      }),
    );
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await syncDirectory(staging);
  const journal: Journal = { version: 1, moves, removes };
  // The commit point: once the journal's rename is durable, the new generation wins.
  await writeFileAtomically(join(staging, JOURNAL), JSON.stringify(journal));
  step();
  await applyJournal(root, journal, step);
  return { written: changed.length, unchanged: outputs.length - changed.length, removed: removes };
}
