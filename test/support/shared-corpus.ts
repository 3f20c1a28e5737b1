import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * Where the shared real-world corpus is, read in place (never copied into the repository):
 * `VIGIL_CORPUS_DIR` when set; else `../shared/corpus` beside the checkout; else, in a clone
 * whose `origin` is a local path (CI clones the project under /tmp), `../shared/corpus` beside
 * that origin. `undefined` when none exists.
 */
export function findSharedCorpus(checkout: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.VIGIL_CORPUS_DIR) return existsSync(env.VIGIL_CORPUS_DIR) ? resolve(env.VIGIL_CORPUS_DIR) : undefined;
  const candidates = [join(checkout, '../shared/corpus')];
  const origin = localOrigin(checkout);
  if (origin !== undefined) candidates.push(join(origin, '../shared/corpus'));
  return candidates.find((dir) => existsSync(dir));
}

/** The checkout's `origin` remote when it is a path on this machine (not a URL or `host:path`), as an absolute directory. */
function localOrigin(checkout: string): string | undefined {
  const result = spawnSync('git', ['remote', 'get-url', 'origin'], { cwd: checkout, encoding: 'utf8' });
  const url = result.status === 0 ? result.stdout.trim() : '';
  if (url === '') return undefined;
  const path = url.startsWith('file://') ? url.slice('file://'.length) : url;
  // `scheme://...` and scp-like `host:path` are remote.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || (!isAbsolute(path) && /^[^/]+:/.test(path))) return undefined;
  const dir = resolve(checkout, path);
  // A bare `.git` path or a repository's `.git` folder: the checkout is its parent.
  return dir.endsWith('/.git') ? dirname(dir) : dir;
}
