import { hostname } from 'node:os';
import { join } from 'node:path';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { CommandFailedError } from '@vigil/conventions';
import { isAlive, processStartTime } from './process-identity.js';

/**
 * The lock file beside {@link STAGING_DIR}: one vigil run at a time may stage, apply or recover a
 * write in a project, since they share `.vigil-staging/`.
 */
export const LOCK_FILE = '.vigil-staging.lock';
/** Held briefly while a stale lock is removed, so two waiters never both remove the same one (and one the other's new lock). */
const TAKEOVER_FILE = '.vigil-staging.lock.takeover';

/** Who holds the lock: written into the lock file when it is created. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** When the holder took the lock, in ms since the epoch. */
  startedAt: number;
  /** The holder's process start time (clock ticks since boot, Linux), so a reused pid is not taken for it. */
  processStart?: number;
}

/** How long to wait, and when a lock of another host is taken as abandoned. */
export interface LockOptions {
  /** How long a second run waits for the holder before giving up (ms). */
  waitMs: number;
  /** A lock held from another host (whose pid cannot be checked) older than this is stale (ms). */
  staleAfterMs: number;
  /** Between two attempts (ms). */
  pollMs: number;
}

/** The waits the CLI uses unless the environment says otherwise: 30 s for the holder, 10 minutes for another host's lock. */
export const DEFAULT_LOCK_OPTIONS: LockOptions = { waitMs: 30_000, staleAfterMs: 600_000, pollMs: 50 };

/** The lock file's owner; `undefined` for a missing file, `'unreadable'` for one whose holder died before writing it. */
async function readOwner(path: string): Promise<LockOwner | 'unreadable' | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.hostname === 'string' && typeof owner.startedAt === 'number') return owner as LockOwner;
  } catch {
    // Fall through: written only partly.
  }
  return 'unreadable';
}

/** Why a lock is stale (its holder is gone), or `undefined` while it may still be held. */
function staleReason(owner: LockOwner, now: number, options: LockOptions): string | undefined {
  if (owner.hostname === hostname()) {
    if (!isAlive(owner.pid)) return `pid ${owner.pid} is not running`;
    // The holder died and the kernel gave its pid to another process since.
    const start = owner.processStart === undefined ? undefined : processStartTime(owner.pid);
    return start !== undefined && start !== owner.processStart ? `pid ${owner.pid} is another process now` : undefined;
  }
  return now - owner.startedAt > options.staleAfterMs ? `held from ${owner.hostname} since ${new Date(owner.startedAt).toISOString()}` : undefined;
}

/** Creates the lock file exclusively (O_EXCL) with this process as owner; false when it exists. */
async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Removes the lock at `path` if it still holds `seen` (the stale content read before), under the
 * takeover file so that no other waiter removes a lock created in between. A takeover file older
 * than a few seconds was left by a waiter killed mid-takeover and is removed.
 */
async function removeStale(root: string, path: string, seen: string): Promise<void> {
  const takeover = join(root, TAKEOVER_FILE);
  const mine = await tryCreate(takeover, { pid: process.pid, hostname: hostname(), startedAt: Date.now() });
  if (!mine) {
    const age = Date.now() - ((await stat(takeover).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (age > 5_000) await rm(takeover, { force: true });
    return;
  }
  try {
    const now = await readFile(path, 'utf8').catch(() => undefined);
    if (now === seen) {
      // Renamed away first: a rename is atomic, so a reader never sees half a removal.
      const aside = `${path}.stale-${process.pid}`;
      await rename(path, aside);
      await rm(aside, { force: true });
    }
  } finally {
    await rm(takeover, { force: true });
  }
}

/** A lock this process holds; {@link release} removes it. */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes the project's lock, waiting up to `options.waitMs` for another vigil run to finish; a
 * lock whose holder died (its pid is not running on this host, or another host's lock is older
 * than `staleAfterMs`, or the file is empty because its holder died creating it) is taken over.
 * Throws a {@link CommandFailedError} naming the holder when the wait runs out.
 */
export async function acquireProjectLock(root: string, options: LockOptions = DEFAULT_LOCK_OPTIONS): Promise<HeldLock> {
  const path = join(root, LOCK_FILE);
  const processStart = processStartTime(process.pid);
  const me: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: Date.now(), ...(processStart !== undefined ? { processStart } : {}) };
  const deadline = Date.now() + options.waitMs;
  let holder: LockOwner | 'unreadable' | undefined;
  for (;;) {
    const created = await tryCreate(path, me).catch((error: NodeJS.ErrnoException) => {
      // A read-only checkout (CI): no run can write there, so there is nothing to exclude.
      if (error.code === 'EROFS' || error.code === 'EACCES') return 'read-only' as const;
      throw error;
    });
    if (created === 'read-only') return { release: async () => undefined };
    if (created) {
      return { release: () => rm(path, { force: true }) };
    }
    const seen = await readFile(path, 'utf8').catch(() => undefined);
    holder = await readOwner(path);
    if (seen !== undefined && holder !== undefined) {
      const age = Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? Date.now());
      // A holder writes its owner right after creating the file; an empty one a second later was left by a crash.
      const stale = holder === 'unreadable' ? age > 1_000 : staleReason(holder, Date.now(), options) !== undefined;
      if (stale) {
        await removeStale(root, path, seen);
        continue;
      }
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
  const who =
    holder === undefined || holder === 'unreadable'
      ? 'another vigil run'
      : `another vigil run (pid ${holder.pid} on ${holder.hostname}, since ${new Date(holder.startedAt).toISOString()})`;
  throw new CommandFailedError(
    `${who} is writing this project's outputs (${LOCK_FILE}); waited ${Math.round(options.waitMs / 1000)} s. Try again when it ends, or remove ${LOCK_FILE} if no vigil runs there.`,
  );
}

/** Runs `fn` holding the project's lock (see {@link acquireProjectLock}), and releases it whatever happens. */
export async function withProjectLock<T>(root: string, fn: () => Promise<T>, options: LockOptions = DEFAULT_LOCK_OPTIONS): Promise<T> {
  const lock = await acquireProjectLock(root, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
