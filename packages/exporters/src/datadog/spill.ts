import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeriesBatch } from './types.js';

/** File that holds the spilled queue, one batch per line. */
export const SPILL_FILE = 'datadog-queue.jsonl';

/**
 * Writes the queue to `<dir>/datadog-queue.jsonl` atomically: a temporary file is written and
 * fsync'd, renamed over the old one, and the directory fsync'd, so a crash leaves either the old
 * or the new queue, never half of one. An empty queue removes the file.
 */
export async function writeSpill(dir: string, batches: readonly SeriesBatch[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, SPILL_FILE);
  if (batches.length === 0) {
    await rm(target, { force: true });
    await syncDirectory(dir);
    return;
  }
  const temporary = `${target}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(batches.map((b) => JSON.stringify(b)).join('\n') + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, target);
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}

/** A spilled queue read back: the batches, and lines that could not be parsed (counted as dropped). */
export interface SpillContents {
  batches: SeriesBatch[];
  corruptLines: number;
}

/** Reads `<dir>/datadog-queue.jsonl`; an absent file is an empty queue. */
export async function readSpill(dir: string): Promise<SpillContents> {
  let text: string;
  try {
    text = await readFile(join(dir, SPILL_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { batches: [], corruptLines: 0 };
    throw error;
  }
  const batches: SeriesBatch[] = [];
  let corruptLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = JSON.parse(line) as SeriesBatch;
      if (typeof parsed.id !== 'string' || !Array.isArray(parsed.series)) throw new Error('not a batch');
      batches.push(parsed);
    } catch {
      corruptLines += 1;
    }
  }
  return { batches, corruptLines };
}
