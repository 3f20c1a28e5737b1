// Reading definitions is bounded and every bad input is a located error with exit 2, not a stack
// trace or minutes of work: a missing folder, a file or a total beyond the limits, NUL bytes and
// invalid UTF-8.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../main.js';
import { EXIT } from '../exit-codes.js';
import { DEFINITION_LIMITS } from './read-definitions.js';

let root: string;
let err: string;
const io = { out: () => undefined, err: (t: string) => void (err += t) };
const vigil = (...args: string[]) => runCli(['--root', root, ...args], io, {});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-read-'));
  await cp(join(import.meta.dirname, '../testdata/in-basic'), root, { recursive: true });
  err = '';
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('reading definitions', () => {
  it('a missing definitions folder is a located error', async () => {
    expect(await vigil('--definitions', 'nowhere', 'generate')).toBe(EXIT.invalidDefinitions);
    expect(err).toMatch(/^nowhere:1:1: no such directory/);
  });

  it('a file beyond the size limit is rejected before it is parsed, quickly', async () => {
    const big = `# ${'x'.repeat(DEFINITION_LIMITS.fileBytes)}\n`;
    await writeFile(join(root, 'definitions/big.yaml'), big);
    const started = performance.now();
    expect(await vigil('generate')).toBe(EXIT.invalidDefinitions);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(err).toMatch(/^definitions\/big\.yaml:1:1: \d+ bytes: a definitions file is at most 1048576 bytes/);
  });

  it('more than the total limit is rejected', async () => {
    const part = `# ${'x'.repeat(DEFINITION_LIMITS.fileBytes - 100)}\n`;
    for (let i = 0; i < DEFINITION_LIMITS.totalBytes / DEFINITION_LIMITS.fileBytes + 1; i++) await writeFile(join(root, `definitions/part-${i}.yaml`), part);
    expect(await vigil('generate')).toBe(EXIT.invalidDefinitions);
    expect(err).toMatch(/^definitions:1:1: \d+ bytes of definitions: at most 4194304 bytes/);
  });

  it('a NUL byte and invalid UTF-8 are rejected at their position', async () => {
    const app = await readFile(join(root, 'definitions/app.yaml'), 'utf8');
    const lines = app.split('\n');
    lines[2] = `${lines[2]}\u0000`;
    await writeFile(join(root, 'definitions/app.yaml'), lines.join('\n'));
    expect(await vigil('generate')).toBe(EXIT.invalidDefinitions);
    expect(err).toContain(`definitions/app.yaml:3:${Buffer.byteLength(lines[2]!) }: NUL byte`);
    err = '';
    const bytes = Buffer.concat([Buffer.from(app.split('\n').slice(0, 4).join('\n') + '\n# caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    await writeFile(join(root, 'definitions/app.yaml'), bytes);
    expect(await vigil('generate')).toBe(EXIT.invalidDefinitions);
    expect(err).toContain('definitions/app.yaml:5:6: invalid UTF-8');
  });
});
