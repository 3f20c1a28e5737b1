import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACK_FILE, readSpill, SPILL_FILE } from './spill.js';
import { SpillLog } from './spill-log.js';
import type { SeriesBatch } from './types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-spill-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function batch(i: number): SeriesBatch {
  return { id: `b${i}`, createdAt: i, series: [{ metric: 'jobs', type: 'count', tags: [`i:${i}`], interval: 10, points: [{ timestamp: 1_700_000_000 + i, value: i }] }] };
}

const lines = (name: string): number => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).length : 0);

describe('SpillLog', () => {
  it('keeps the file bounded while a backlog never drains (the oldest acknowledged as new ones come)', async () => {
    const errors: unknown[] = [];
    const log = new SpillLog(dir, (e) => errors.push(e), 16);
    const live = 5;
    let maxLines = 0;
    for (let i = 0; i < 300; i += 1) {
      log.append([batch(i)]);
      if (i >= live) log.ack([`b${i - live}`]);
      if (i % 10 === 0) {
        await log.flushed();
        maxLines = Math.max(maxLines, lines(SPILL_FILE));
      }
    }
    await log.close();
    expect(errors).toEqual([]);
    // Without compaction the file held all 300 lines; now at most the live ones and one round of acknowledged ones.
    expect(maxLines).toBeLessThanOrEqual(live + 16 + 10);
    expect(lines(SPILL_FILE)).toBeLessThanOrEqual(live + 16 + 1);
    const read = await readSpill(dir);
    expect(read.batches.map((b) => b.id)).toEqual(['b295', 'b296', 'b297', 'b298', 'b299']);
    expect(read.corruptLines).toBe(0);
    expect(read.batches[0]).toEqual(batch(295));
  });

  it('loses no batch appended or acknowledged around a compaction', async () => {
    const log = new SpillLog(dir, (e) => {
      throw e;
    }, 4);
    for (let i = 0; i < 10; i += 1) log.append([batch(i)]);
    // The fifth acknowledgement queues a compaction; these calls land behind and during it.
    log.ack(['b0', 'b1', 'b2', 'b3', 'b4']);
    log.append([batch(10)]);
    log.ack(['b5']);
    log.append([batch(11)]);
    await log.close();
    const read = await readSpill(dir);
    expect(read.batches.map((b) => b.id)).toEqual(['b6', 'b7', 'b8', 'b9', 'b10', 'b11']);
    expect(lines(ACK_FILE)).toBeLessThanOrEqual(1);
  });

  it('counts the acknowledged lines a file holds when it is read back', async () => {
    const log = new SpillLog(dir, () => {}, 1_000);
    for (let i = 0; i < 4; i += 1) log.append([batch(i)]);
    log.ack(['b0', 'b2']);
    await log.close();
    const read = await readSpill(dir);
    expect(read.acknowledgedLines).toBe(2);
    expect(read.batches.map((b) => b.id)).toEqual(['b1', 'b3']);
  });
});
