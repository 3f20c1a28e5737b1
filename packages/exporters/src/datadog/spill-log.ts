import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ACK_FILE, SPILL_FILE } from './spill.js';
import type { SeriesBatch } from './types.js';

/**
 * The persistent queue on disk, append-only: a batch is appended once to `datadog-queue.jsonl`
 * when it must survive a restart (the API is failing, or at shutdown), and its id is appended
 * to `datadog-acks.jsonl` when it leaves the queue (sent or dropped). Nothing is rewritten, so
 * the cost of an export during an outage is one batch's write however long the queue is; every
 * write is asynchronous and serialized on one promise chain, one batch per step, so the
 * service's event loop is never held by the queue. Once no persisted batch is left, both files
 * are removed. A backlog that never drains (an outage longer than the queue holds: the oldest
 * batches are evicted and acknowledged as new ones are appended) would grow the file without
 * bound, so once the acknowledged lines outnumber the live ones (and at least
 * `compactAfterAcks`), the live lines are copied to a new file, line by line, which then
 * replaces the old one (the acknowledgements start afresh). A `kill -9` loses nothing appended;
 * a batch in flight when it happens is resent after the restart (at least once; Datadog keeps
 * one copy, see the README).
 */
export class SpillLog {
  private chain: Promise<void> = Promise.resolve();
  private batchFile: FileHandle | undefined;
  private ackFile: FileHandle | undefined;
  private readonly persisted = new Set<string>();
  /** Lines of the batch file already acknowledged (dead weight until a compaction). */
  private acknowledgedOnDisk = 0;
  private compacting = false;

  constructor(
    private readonly dir: string,
    private readonly onError: (error: unknown) => void,
    private readonly compactAfterAcks = 64,
  ) {}

  /** Marks batches as already on disk (loaded from the files at start), with the acknowledged lines the file holds. */
  adopt(batches: readonly SeriesBatch[], acknowledgedLines = 0): void {
    for (const batch of batches) this.persisted.add(batch.id);
    this.acknowledgedOnDisk += acknowledgedLines;
  }

  /** True while some batch on disk is not acknowledged (a backlog from a failure is draining). */
  get live(): boolean {
    return this.persisted.size > 0;
  }

  /** True when `id` is on disk and not acknowledged. */
  has(id: string): boolean {
    return this.persisted.has(id);
  }

  /** Appends the batches not on disk yet. Series are serialized one batch per step of the chain. */
  append(batches: readonly SeriesBatch[]): void {
    const fresh = batches.filter((b) => !this.persisted.has(b.id));
    if (fresh.length === 0) return;
    for (const batch of fresh) this.persisted.add(batch.id);
    this.enqueue(async () => {
      this.batchFile ??= await this.openAppend(SPILL_FILE);
      for (const batch of fresh) await this.batchFile.write(JSON.stringify(batch) + '\n');
    });
  }

  /**
   * Acknowledges batches that left the queue; removes both files once nothing on disk is live.
   * Resolves once the acknowledgement is written (callers that count drops wait for it).
   */
  ack(ids: readonly string[]): Promise<void> {
    const known = ids.filter((id) => this.persisted.delete(id));
    if (known.length === 0) return Promise.resolve();
    if (this.persisted.size === 0) {
      this.enqueue(() => this.reset());
      return this.chain;
    }
    this.enqueue(async () => {
      this.ackFile ??= await this.openAppend(ACK_FILE);
      await this.ackFile.write(known.map((id) => id + '\n').join(''));
      this.acknowledgedOnDisk += known.length;
      if (!this.compacting && this.acknowledgedOnDisk >= Math.max(this.compactAfterAcks, this.persisted.size)) {
        this.compacting = true;
        this.enqueue(() => this.compact());
      }
    });
    return this.chain;
  }

  /** Waits for the writes so far, flushes them to the disk and closes the files. */
  async close(): Promise<void> {
    this.enqueue(async () => {
      for (const handle of [this.batchFile, this.ackFile]) {
        if (!handle) continue;
        await handle.datasync();
        await handle.close();
      }
      this.batchFile = undefined;
      this.ackFile = undefined;
    });
    await this.flushed();
  }

  /** Resolves when every write requested so far is done, and any compaction they started. */
  async flushed(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => this.onError(error));
  }

  private async openAppend(name: string): Promise<FileHandle> {
    await mkdir(this.dir, { recursive: true });
    return open(join(this.dir, name), 'a');
  }

  /**
   * Copies the live lines to `datadog-queue.jsonl.compact` and renames it over the batch file,
   * then removes the acknowledgements (all of them name lines left out). It runs on the write
   * chain, so no append or acknowledgement interleaves; a kill before the rename leaves the old
   * files whole, a kill after it leaves acknowledgements that match nothing.
   */
  private async compact(): Promise<void> {
    try {
      await this.closeFiles();
      const source = join(this.dir, SPILL_FILE);
      const target = `${source}.compact`;
      const out = await open(target, 'w');
      try {
        const lines = createInterface({ input: createReadStream(source, 'utf8'), crlfDelay: Infinity });
        for await (const line of lines) {
          if (line === '') continue;
          const id = lineId(line);
          // A line whose id cannot be read is kept: the reader judges it (and counts it) at the next start.
          if (id === undefined || this.persisted.has(id)) await out.write(line + '\n');
        }
        await out.datasync();
      } finally {
        await out.close();
      }
      await rename(target, source);
      await rm(join(this.dir, ACK_FILE), { force: true });
      this.acknowledgedOnDisk = 0;
    } finally {
      this.compacting = false;
    }
  }

  private async closeFiles(): Promise<void> {
    for (const handle of [this.batchFile, this.ackFile]) await handle?.close();
    this.batchFile = undefined;
    this.ackFile = undefined;
  }

  private async reset(): Promise<void> {
    await this.closeFiles();
    await rm(join(this.dir, SPILL_FILE), { force: true });
    await rm(join(this.dir, ACK_FILE), { force: true });
    this.acknowledgedOnDisk = 0;
  }
}

/** The id of a batch line (`{"id":"...",` as the queue writes it), read without parsing the series. */
function lineId(line: string): string | undefined {
  const match = /^\{"id":("(?:[^"\\]|\\.)*")/.exec(line);
  if (!match) return undefined;
  try {
    const id: unknown = JSON.parse(match[1]!);
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
