import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from './exit-codes.js';
import { runCli } from './main.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-validate-progress-'));
  await cp(join(import.meta.dirname, 'testdata/in-basic'), root, { recursive: true });
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** Runs vigil; every write is logged in order with the stream it went to. */
async function run(...args: string[]): Promise<{ code: number; log: string[] }> {
  const log: string[] = [];
  const io = { out: (t: string) => void log.push(`out ${t}`), err: (t: string) => void log.push(`err ${t}`) };
  return { code: await runCli(['--root', root, ...args], io, {}), log };
}

describe('vigil validate progress', () => {
  it('says on stderr which step starts, with file counts, before the results on stdout; --quiet says nothing on stderr', async () => {
    expect((await run('generate')).code).toBe(EXIT.ok);
    const { code, log } = await run('validate');
    expect(code, log.join('')).toBe(EXIT.ok);
    const progress = log.filter((l) => l.startsWith('err '));
    expect(progress).toEqual([
      'err validate: schema and PromQL...\n',
      expect.stringMatching(/^err validate: promtool check rules \(2 files\)\.\.\.\n$/),
      expect.stringMatching(/^err validate: promtool test rules \(\d+ files?\)\.\.\.\n$/),
      'err validate: promtool check config...\n',
    ]);
    // Each step is announced before its result is printed.
    expect(log.indexOf(progress[1] as string)).toBeLessThan(log.findIndex((l) => l.startsWith('out promtool check rules: ok')));
    const quiet = await run('validate', '--quiet');
    expect(quiet.code).toBe(EXIT.ok);
    expect(quiet.log.filter((l) => l.startsWith('err '))).toEqual([]);
    expect(quiet.log.filter((l) => l.startsWith('out '))).toEqual(log.filter((l) => l.startsWith('out ')));
  });
});
