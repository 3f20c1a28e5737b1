import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { SourceText } from '@vigil/compiler/core';

/** Reads every `*.yaml` / `*.yml` file under a directory, sorted, paths relative to `root`. */
export async function readDefinitionsDir(dir: string, root: string): Promise<SourceText[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  return Promise.all(paths.map(async (path) => ({ path: relative(root, path), text: await readFile(path, 'utf8') })));
}
