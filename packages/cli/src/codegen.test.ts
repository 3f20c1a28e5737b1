import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, type Model } from '@vigil/compiler';
import { emitTypeScriptCatalog } from '@vigil/compiler/codegen';
import { runCli } from './main.js';
import { EXIT } from './exit-codes.js';
import { readDefinitionsDir } from './io/read-definitions.js';

const repoRoot = resolve(import.meta.dirname, '../../..');

async function shippedModel(): Promise<Model> {
  const result = loadModel(await readDefinitionsDir(join(repoRoot, 'definitions'), repoRoot));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

describe('vigil codegen', () => {
  it('writes the catalog atomically, and exits 64 for an unknown service', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-codegen-'));
    let out = '';
    let err = '';
    const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
    try {
      const target = join(dir, 'catalog.ts');
      expect(await runCli(['--root', repoRoot, 'codegen', '--service', 'vvtv-core', '--out', target], io, {})).toBe(EXIT.ok);
      expect(out).toContain('wrote');
      expect(await readFile(target, 'utf8')).toBe(emitTypeScriptCatalog(await shippedModel(), { service: 'vvtv-core' }));
      expect(await runCli(['--root', repoRoot, 'codegen', '--service', 'nope', '--out', join(dir, 'x.ts')], io, {})).toBe(EXIT.usage);
      expect(err).toContain('unknown service nope');
      await expect(readFile(join(dir, 'x.ts'))).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
