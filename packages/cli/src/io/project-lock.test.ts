// The project lock on its own: exclusive, released, stale locks taken over, a bounded wait.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isVigilError } from '@vigil/conventions';
import { processStartTime } from './process-identity.js';
import { acquireProjectLock, LOCK_FILE, withProjectLock } from './project-lock.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-lock-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const quick = { waitMs: 300, staleAfterMs: 60_000, pollMs: 10 };
const exists = (path: string) => stat(path).then(() => true, () => false);

/** The pid of a process that has exited (so no process has it, barring reuse in the test's second). */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('exit', () => resolve(child.pid as number));
  });
}

describe('the project lock', () => {
  it('records its holder and is removed on release', async () => {
    const lock = await acquireProjectLock(root, quick);
    const owner = JSON.parse(await readFile(join(root, LOCK_FILE), 'utf8')) as { pid: number; hostname: string; startedAt: number };
    expect(owner).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Math.abs(owner.startedAt - Date.now())).toBeLessThan(10_000);
    await lock.release();
    expect(await exists(join(root, LOCK_FILE))).toBe(false);
  });

  it('runs one holder at a time', async () => {
    let inside = 0;
    let most = 0;
    const work = () =>
      withProjectLock(root, async () => {
        most = Math.max(most, ++inside);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inside--;
      }, { ...quick, waitMs: 10_000 });
    await Promise.all(Array.from({ length: 20 }, work));
    expect(most).toBe(1);
  });

  it('a live holder makes a second run give up after the wait, naming the holder', async () => {
    const lock = await acquireProjectLock(root, quick);
    const started = Date.now();
    const error = await acquireProjectLock(root, quick).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(quick.waitMs);
    expect(isVigilError(error) && error.kind).toBe('failed');
    expect((error as Error).message).toContain(`pid ${process.pid} on ${hostname()}`);
    await lock.release();
  });

  it('takes over a lock whose holder is dead, an empty one, and an old one of another host; waits for a recent one of another host', async () => {
    const path = join(root, LOCK_FILE);
    await writeFile(path, JSON.stringify({ pid: await deadPid(), hostname: hostname(), startedAt: Date.now() }));
    await (await acquireProjectLock(root, quick)).release();

    await writeFile(path, JSON.stringify({ pid: 1, hostname: 'elsewhere.example', startedAt: Date.now() - 2 * quick.staleAfterMs }));
    await (await acquireProjectLock(root, quick)).release();

    await writeFile(path, '');
    const old = new Date(Date.now() - 5_000);
    await utimes(path, old, old);
    await (await acquireProjectLock(root, quick)).release();

    await writeFile(path, JSON.stringify({ pid: 1, hostname: 'elsewhere.example', startedAt: Date.now() }));
    await expect(acquireProjectLock(root, quick)).rejects.toThrow(/pid 1 on elsewhere\.example/);
  });

  it('takes over a lock whose pid now belongs to another process (its start time differs); waits while it is the holder', async () => {
    const path = join(root, LOCK_FILE);
    const start = processStartTime(process.pid);
    if (start === undefined) throw new Error('no /proc start time on this machine');
    // This test's own (live) pid, recorded with another start time: the holder died, the pid was reused.
    await writeFile(path, JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: Date.now() - 60_000, processStart: start - 1 }));
    const started = Date.now();
    await (await acquireProjectLock(root, quick)).release();
    expect(Date.now() - started).toBeLessThan(quick.waitMs);
    // The same pid with its real start time is a live holder: the wait runs out.
    await writeFile(path, JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: Date.now(), processStart: start }));
    await expect(acquireProjectLock(root, quick)).rejects.toThrow(/pid \d+ on /);
    // The owner this process writes carries its start time.
    await rm(path, { force: true });
    const lock = await acquireProjectLock(root, quick);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: process.pid, processStart: start });
    await lock.release();
  });

  it('many waiters on one stale lock: exactly one holds it at a time', async () => {
    await writeFile(join(root, LOCK_FILE), JSON.stringify({ pid: await deadPid(), hostname: hostname(), startedAt: 0 }));
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withProjectLock(root, async () => {
          most = Math.max(most, ++inside);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inside--;
        }, { ...quick, waitMs: 10_000 }),
      ),
    );
    expect(most).toBe(1);
  });
});
