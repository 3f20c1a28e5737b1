// The CLI on golden files: `vigil generate` on testdata/in-basic writes exactly testdata/out-basic.
// Update after an intended change with
//   UPDATE_GOLDEN=1 npx vitest run packages/cli/src/golden.test.ts
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './main.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

async function filesUnder(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  const nested = await Promise.all(
    names.map(async (name) => ((await stat(join(dir, name))).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)])),
  );
  return nested.flat();
}

async function contents(dir: string, skip: (path: string) => boolean = () => false): Promise<Record<string, string>> {
  const paths = (await filesUnder(dir)).map((path) => relative(dir, path)).filter((path) => !skip(path));
  return Object.fromEntries(await Promise.all(paths.sort().map(async (path) => [path, await readFile(join(dir, path), 'utf8')] as const)));
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-cli-golden-'));
  await cp(join(TESTDATA, 'in-basic'), root, { recursive: true });
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('vigil generate on golden files', () => {
  it('writes testdata/out-basic from testdata/in-basic', async () => {
    let err = '';
    const code = await runCli(['--root', root, 'generate'], { out: () => {}, err: (t) => (err += t) }, {});
    expect(err).toBe('');
    expect(code).toBe(0);
    const written = await contents(root, (path) => path.startsWith('definitions/'));
    const expected = join(TESTDATA, 'out-basic');
    if (UPDATE) {
      await rm(expected, { recursive: true, force: true });
      for (const [path, content] of Object.entries(written)) {
        await mkdir(dirname(join(expected, path)), { recursive: true });
        await writeFile(join(expected, path), content);
      }
    }
    expect(Object.keys(written).length).toBeGreaterThan(5);
    expect(written).toEqual(await contents(expected));
  });
});
