// The CLI bundle is rebuilt by `npm run build`, which `npm start` and `npm test` run while other
// processes may be running the bundle (the two-commands test runs `npm start` beside the rest of
// the suite): a rebuild of the same sources must leave every file in place, and a changed one
// must replace files atomically, removing only stale chunks.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BUNDLE = join(ROOT, 'packages/cli/dist/bundle');

function files(): Map<string, { ino: number; mtimeMs: number }> {
  const found = new Map<string, { ino: number; mtimeMs: number }>();
  for (const entry of readdirSync(BUNDLE, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const { ino, mtimeMs } = statSync(path);
    found.set(path, { ino, mtimeMs });
  }
  return found;
}

describe('scripts/bundle-cli.mjs', () => {
  it('rewrites nothing when the sources did not change, and removes only stale chunks', () => {
    const first = spawnSync(process.execPath, ['scripts/bundle-cli.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(first.status, first.stderr).toBe(0);
    const before = files();
    expect(before.has(join(BUNDLE, 'vigil.mjs'))).toBe(true);
    const stale = join(BUNDLE, 'chunks/stale-0000.mjs');
    writeFileSync(stale, 'export {};\n');
    const second = spawnSync(process.execPath, ['scripts/bundle-cli.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/\(0 of \d+ written\)/);
    expect(existsSync(stale)).toBe(false);
    // Same inode and time: the file was not replaced, so no reader could have missed it.
    expect(files()).toEqual(before);
  }, 120_000);
});
