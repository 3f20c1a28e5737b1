import { mkdir, open, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ACK_FILE, SPILL_FILE } from './spill.js';
import type { SeriesBatch } from './types.js';

/**
 * The persistent queue on disk, append-only: a batch is appended once to `datadog-queue.jsonl`
 * when it must survive a restart (the API is failing, or at shutdown), and its id is appended
 * to `datadog-acks.jsonl` when it leaves the queue (sent or dropped). Nothing is rewritten, so
 * the cost of an export during an outage is one batch's write however long the queue is; every
 * write is asynchronous and serialized on one promise chain, one batch per step, so the
 * service's event loop is never held by the queue. Once no persisted batch is left, both files
 * are removed. A `kill -9` loses nothing appended; a batch in flight when it happens is resent
 * after the restart (at least once; Datadog keeps one copy, see the README).
 */
export class SpillLog {
  private chain: Promise<void> = Promise.resolve();
  private batchFile: FileHandle | undefined;
  private ackFile: FileHandle | undefined;
  private readonly persisted = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Marks batches as already on disk (loaded from the files at start). */
  adopt(batches: readonly SeriesBatch[]): void {
    for (const batch of batches) this.persisted.add(batch.id);
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

  /** Acknowledges batches that left the queue; removes both files once nothing on disk is live. */
  ack(ids: readonly string[]): void {
    const known = ids.filter((id) => this.persisted.delete(id));
    if (known.length === 0) return;
    if (this.persisted.size === 0) {
      this.enqueue(() => this.reset());
      return;
    }
    this.enqueue(async () => {
      this.ackFile ??= await this.openAppend(ACK_FILE);
      await this.ackFile.write(known.map((id) => id + '\n').join(''));
    });
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
    await this.chain;
  }

  /** Resolves when every write requested so far is done. */
  flushed(): Promise<void> {
    return this.chain;
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => this.onError(error));
  }

  private async openAppend(name: string): Promise<FileHandle> {
    await mkdir(this.dir, { recursive: true });
    return open(join(this.dir, name), 'a');
  }

  private async reset(): Promise<void> {
    for (const handle of [this.batchFile, this.ackFile]) await handle?.close();
    this.batchFile = undefined;
    this.ackFile = undefined;
    await rm(join(this.dir, SPILL_FILE), { force: true });
    await rm(join(this.dir, ACK_FILE), { force: true });
  }
}
