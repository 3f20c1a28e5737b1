// One atomic writer for every package that writes files (the CLI's outputs, the controller's
// parameters and state): a crash leaves the old file or the new one, never a torn one.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes content to a fsynced temporary file beside `target` and returns its path. */
export async function stageFile(target: string, content: string): Promise<string> {
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

/** Makes renames in a directory durable: they are on disk only once the directory entry is. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes one file atomically: a fsynced temporary file beside it, then a rename. */
export async function writeFileAtomically(target: string, content: string): Promise<void> {
  await rename(await stageFile(target, content), target);
  await syncDirectory(dirname(target));
}

