import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutputFile } from '../emit/output.js';
import { GENERATED_HEADER } from '../emit/yaml.js';

/** Directories whose generated files Vigil owns (user files there are left alone). */
export const GENERATED_DIRS = ['prometheus/rules', 'prometheus/tests'];

/** Generated files on disk that the current outputs no longer contain. */
export async function staleGeneratedFiles(root: string, outputs: readonly OutputFile[]): Promise<string[]> {
  const wanted = new Set(outputs.map((o) => o.path));
  const stale: string[] = [];
  for (const dir of GENERATED_DIRS) {
    let names: string[];
    try {
      names = await readdir(join(root, dir));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const path = `${dir}/${name}`;
      if (wanted.has(path) || !/\.ya?ml$/.test(name)) continue;
      const text = await readFile(join(root, path), 'utf8').catch(() => '');
      if (text.startsWith(GENERATED_HEADER.slice(0, 40))) stale.push(path);
    }
  }
  return stale;
}

/** Writes content to a fsynced temporary file beside `target` and returns its path. */
async function stageFile(target: string, content: string): Promise<string> {
  const temp = `${target}.vigil-tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(dirname(target), { recursive: true });
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return temp;
}

/** Writes one file atomically: a fsynced temporary file beside it, then a rename. */
export async function writeFileAtomically(target: string, content: string): Promise<void> {
  await rename(await stageFile(target, content), target);
  // The rename is durable only once the directory entry is on disk.
  const dir = await open(dirname(target), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * Writes every output or none: each goes to a temporary file beside its target (fsynced), and
 * only when all are written are they renamed into place; stale generated files are removed last.
 */
export async function writeOutputsAtomically(root: string, outputs: readonly OutputFile[]): Promise<{ written: number; removed: string[] }> {
  // Stage all files concurrently (their fsyncs overlap); if any fails, remove every staged one.
  const results = await Promise.allSettled(
    outputs.map(async (output) => {
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
  for (const { temp, target } of staged) await rename(temp, target);
  const removed = await staleGeneratedFiles(root, outputs);
  await Promise.all(removed.map((path) => rm(join(root, path), { force: true })));
  return { written: staged.length, removed };
}
