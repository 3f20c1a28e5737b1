import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatadogSeries, SeriesBatch } from './types.js';

/** File that holds the spilled queue, one batch per line, appended. */
export const SPILL_FILE = 'datadog-queue.jsonl';

/** File of acknowledged batch ids (sent or dropped), one per line, appended. */
export const ACK_FILE = 'datadog-acks.jsonl';

/** A spilled queue read back: the batches, and what could not be read (counted as dropped). */
export interface SpillContents {
  batches: SeriesBatch[];
  /** Lines that were not a batch (unparseable or of the wrong shape) or held series that were not. */
  corruptLines: number;
  /** Points in the unreadable parts (estimated from `"timestamp"` keys where the JSON is broken). */
  lostPoints: number;
  /** Lines of batches already acknowledged (skipped; they weigh on the file until it is compacted). */
  acknowledgedLines: number;
}

/**
 * Reads `<dir>/datadog-queue.jsonl`; an absent file is an empty queue. Never throws on content:
 * the file may be truncated by a crash, edited by hand or written by another version, so every
 * line is checked field by field; a bad series is skipped and its points counted, the rest of its
 * batch kept.
 */
export async function readSpill(dir: string): Promise<SpillContents> {
  let text: string;
  try {
    text = await readFile(join(dir, SPILL_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { batches: [], corruptLines: 0, lostPoints: 0, acknowledgedLines: 0 };
    throw error;
  }
  const acked = await readAcks(dir);
  const batches: SeriesBatch[] = [];
  let corruptLines = 0;
  let lostPoints = 0;
  let acknowledgedLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const parsed = parseBatchLine(line);
    if (parsed.batch && acked.has(parsed.batch.id)) {
      acknowledgedLines += 1;
      continue;
    }
    if (parsed.batch) batches.push(parsed.batch);
    if (parsed.lostPoints > 0 || !parsed.batch || parsed.damaged) corruptLines += 1;
    lostPoints += parsed.lostPoints;
  }
  return { batches, corruptLines, lostPoints, acknowledgedLines };
}

/** Ids of acknowledged batches; a line cut by a crash matches no id, so its batch is resent. */
async function readAcks(dir: string): Promise<Set<string>> {
  try {
    return new Set((await readFile(join(dir, ACK_FILE), 'utf8')).split('\n').filter((id) => id !== ''));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
}

/** One spill line checked: the batch when it is one (bad series removed), and the points lost. */
export function parseBatchLine(line: string): { batch?: SeriesBatch; lostPoints: number; damaged: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { lostPoints: countTimestampKeys(line), damaged: true };
  }
  if (!isRecord(value) || typeof value.id !== 'string' || !Array.isArray(value.series)) {
    return { lostPoints: countTimestampKeys(line), damaged: true };
  }
  const series: DatadogSeries[] = [];
  let lostPoints = 0;
  let damaged = false;
  for (const candidate of value.series as unknown[]) {
    if (isSeries(candidate)) {
      series.push(candidate);
    } else {
      damaged = true;
      lostPoints += countTimestampKeys(JSON.stringify(candidate) ?? '');
    }
  }
  const createdAt = typeof value.createdAt === 'number' && Number.isFinite(value.createdAt) ? value.createdAt : 0;
  if (series.length === 0) return { lostPoints, damaged: true };
  return { batch: { id: value.id, series, createdAt }, lostPoints, damaged };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSeries(value: unknown): value is DatadogSeries {
  if (!isRecord(value)) return false;
  if (typeof value.metric !== 'string' || value.metric === '') return false;
  if (value.type !== 'count' && value.type !== 'gauge') return false;
  if (!Array.isArray(value.tags) || !value.tags.every((t) => typeof t === 'string')) return false;
  if (value.interval !== undefined && !(typeof value.interval === 'number' && Number.isFinite(value.interval))) return false;
  if (value.unit !== undefined && typeof value.unit !== 'string') return false;
  if (!Array.isArray(value.points) || value.points.length === 0) return false;
  return value.points.every((p) => isRecord(p) && Number.isFinite(p.timestamp) && typeof p.timestamp === 'number' && typeof p.value === 'number' && Number.isFinite(p.value));
}

/** Points in damaged JSON, estimated by their `"timestamp"` keys. */
function countTimestampKeys(text: string): number {
  return text.match(/"timestamp"/g)?.length ?? 0;
}

/**
 * Moves a damaged spill file aside (`datadog-queue.jsonl.corrupt-<ms>`) so it is kept for
 * inspection but never read again; the readable batches are written back by the caller.
 */
export async function quarantineSpill(dir: string, nowMs: number): Promise<string> {
  const target = join(dir, `${SPILL_FILE}.corrupt-${nowMs}`);
  await rename(join(dir, SPILL_FILE), target);
  // The acks belonged to the moved file; the readable batches are appended afresh.
  await rm(join(dir, ACK_FILE), { force: true });
  return target;
}
