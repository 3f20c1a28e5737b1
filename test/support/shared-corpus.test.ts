// The real-world corpus is found from a clean clone too (CI clones under /tmp), by its origin.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSharedCorpus } from './shared-corpus.js';

let scratch: string;
const git = (cwd: string, ...args: string[]) => {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
};

beforeAll(async () => {
  scratch = await realpath(await mkdtemp(join(tmpdir(), 'vigil-corpus-')));
  // work/main is the project, work/shared/corpus the corpus beside it, elsewhere/clone a clone of work/main.
  await mkdir(join(scratch, 'work/shared/corpus/rules'), { recursive: true });
  await mkdir(join(scratch, 'work/main'), { recursive: true });
  git(join(scratch, 'work/main'), 'init', '-q');
  git(join(scratch, 'work/main'), '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'x');
  await mkdir(join(scratch, 'elsewhere'));
  git(join(scratch, 'elsewhere'), 'clone', '-q', join(scratch, 'work/main'), 'clone');
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('findSharedCorpus', () => {
  it('finds ../shared/corpus beside the checkout', () => {
    expect(findSharedCorpus(join(scratch, 'work/main'), {})).toBe(join(scratch, 'work/shared/corpus'));
  });
  it('finds it beside a local origin from a clone elsewhere', () => {
    expect(findSharedCorpus(join(scratch, 'elsewhere/clone'), {})).toBe(join(scratch, 'work/shared/corpus'));
  });
  it('takes VIGIL_CORPUS_DIR first, and a missing one is missing', () => {
    const env = { VIGIL_CORPUS_DIR: join(scratch, 'work/shared/corpus/rules') };
    expect(findSharedCorpus(join(scratch, 'elsewhere/clone'), env)).toBe(env.VIGIL_CORPUS_DIR);
    expect(findSharedCorpus(join(scratch, 'work/main'), { VIGIL_CORPUS_DIR: join(scratch, 'nope') })).toBeUndefined();
  });
  it('is undefined for a clone of a remote URL with nothing beside it', () => {
    git(join(scratch, 'elsewhere/clone'), 'remote', 'set-url', 'origin', 'https://example.com/vigil.git');
    expect(findSharedCorpus(join(scratch, 'elsewhere/clone'), {})).toBeUndefined();
    git(join(scratch, 'elsewhere/clone'), 'remote', 'set-url', 'origin', join(scratch, 'work/main'));
  });
});
