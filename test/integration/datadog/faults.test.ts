import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeDatadog } from '@vigil/exporters';
import type { FakeDatadog, FakeFailure } from '@vigil/exporters';

const SERVICE = fileURLToPath(new URL('./service.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One service process: what it collected, how it ended. */
interface Service {
  child: ChildProcess;
  collected: number[];
  stats?: Record<string, unknown>;
  lines: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startService(url: string, dir: string): Promise<Service> {
  const child = spawn(process.execPath, [SERVICE, url, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const service: Service = { child, collected: [], lines: [], exit: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))) };
  let buffer = '';
  return new Promise((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        service.lines.push(line);
        if (line === 'ready') resolve(service);
        if (line.startsWith('collected ')) service.collected.push(Number(line.slice(10)));
        if (line.startsWith('stats ')) service.stats = JSON.parse(line.slice(6)) as Record<string, unknown>;
      }
    });
  });
}

describe('Datadog push with separate processes: outage, hang, slow API, 429, kill -9 during the outage and the drain, a corrupt spill file', () => {
  let fake: FakeDatadog;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeDatadog();
    dir = await mkdtemp(join(tmpdir(), 'vigil-dd-faults-'));
  });
  afterAll(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers what each process collected before its end, counts every drop by points and never crashes', async () => {
    const phase = (failure: (() => FakeFailure) | undefined) => fake.setHandler(failure ? () => failure() : undefined);

    // A: healthy, then an outage, killed during the outage.
    const a = await startService(fake.url, dir);
    await sleep(2_000);
    phase(() => ({ status: 503 }));
    await sleep(2_500);
    a.child.kill('SIGKILL');
    const endA = await a.exit;

    // B (after more than a second, so its first points do not share A's last second): the outage
    // goes on, then a hanging API, a slow one, 429s, recovery, and a kill during the drain.
    await sleep(1_100);
    const b = await startService(fake.url, dir);
    await sleep(1_500);
    phase(() => ({ until: new Promise(() => {}) }));
    await sleep(1_500);
    phase(() => ({ delayMs: 450 }));
    await sleep(2_000);
    phase(() => ({ status: 429, headers: { 'x-ratelimit-reset': '0.3' } }));
    await sleep(1_500);
    phase(() => ({ delayMs: 60 }));
    await sleep(700);
    b.child.kill('SIGKILL');
    const endB = await b.exit;

    // C: a corrupt line appended to the spill file (3 points), then healthy and a graceful stop.
    await appendFile(join(dir, 'datadog-queue.jsonl'), '{"id":"x","series":[{"metric":"orders.placed","type":"count","tags":[],"points":[{"timestamp":1,"value":1},{"timestamp":2,"value":"?"},{"timestamp":3\n');
    await sleep(1_100);
    phase(undefined);
    const c = await startService(fake.url, dir);
    await sleep(3_000);
    c.child.kill('SIGTERM');
    const endC = await c.exit;

    // Accepted copies of one series and second beyond the first: the at-least-once resends.
    const seen = new Map<string, number>();
    for (const s of fake.acceptedSeries()) for (const p of s.points) seen.set(`${s.metric}|${(s.tags ?? []).join(',')}|${p.timestamp}`, (seen.get(`${s.metric}|${(s.tags ?? []).join(',')}|${p.timestamp}`) ?? 0) + 1);
    const duplicates = [...seen.values()].reduce((n, k) => n + k - 1, 0);
    const delivered = fake.storedTotal('orders.placed');
    const last = (s: Service, back = 0) => s.collected.at(-1 - back) ?? 0;
    const report = {
      delivered,
      collected: { a: last(a), b: last(b), c: last(c) },
      duplicates,
      dropped: c.stats?.dropped,
      ends: { a: endA.signal, b: endB.signal, c: endC.code },
    };
    console.log('datadog fault test:', JSON.stringify(report));

    expect(endA.signal).toBe('SIGKILL');
    expect(endB.signal).toBe('SIGKILL');
    expect(endC.code).toBe(0);
    for (const s of [a, b, c]) expect(s.lines.filter((l) => l.startsWith('unhandled'))).toEqual([]);
    // A killed process loses what it collected after its last batch reached the disk: at most its
    // last collection; everything before is delivered, nothing more than it collected.
    expect(delivered).toBeLessThanOrEqual(last(a) + last(b) + last(c));
    expect(delivered).toBeGreaterThanOrEqual(last(a, 1) + last(b, 1) + last(c));
    // The corrupt line's 3 points (by their timestamp keys: one whole, one non-numeric, one cut) are counted, never sent.
    expect((c.stats?.dropped as Record<string, number>)['corrupt-spill']).toBe(3);
    expect(Object.entries(c.stats?.dropped as Record<string, number>).filter(([reason, n]) => reason !== 'corrupt-spill' && n > 0)).toEqual([]);
  });
});
