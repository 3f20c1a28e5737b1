import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../main.js';
import { EXIT } from '../exit-codes.js';
import { planInit, parseInitOptions } from './init.js';

let root: string;
let out: string;
let err: string;
const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
const vigil = (...args: string[]) => {
  out = '';
  err = '';
  return runCli(['--root', root, ...args], io, {});
};

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-init-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('vigil init', () => {
  it('writes definitions that generate, validate and check cleanly, a CI script and a service on the typed handles', async () => {
    expect(await vigil('init', '--service', 'order-api', '--ci', 'script'), err).toBe(EXIT.ok);
    expect(await files(root)).toEqual([
      '.gitignore',
      'definitions/order-api.yaml',
      'definitions/routing.yaml',
      'definitions/settings.yaml',
      'scripts/vigil-ci.sh',
      'services/order-api/package.json',
      'services/order-api/src/order-api-catalog.ts',
      'services/order-api/src/service.ts',
      'services/order-api/tsconfig.json',
    ]);
    expect((await stat(join(root, 'scripts/vigil-ci.sh'))).mode & 0o111).not.toBe(0);
    expect(await readFile(join(root, 'scripts/vigil-ci.sh'), 'utf8')).toMatch(/npx vigil check\nnpx vigil validate\n/);
    expect(await readFile(join(root, '.gitignore'), 'utf8')).toMatch(/^\*\.vigil-tmp-\*\n\.vigil-staging\/\n\.vigil-staging\.lock\*\n\.vigil-data\/\n\.vigil-history\/\n/);

    expect(await vigil('generate'), err).toBe(EXIT.ok);
    expect(out).toMatch(/6\/6 alerts tested/);
    expect(await vigil('validate'), out + err).toBe(EXIT.ok);
    expect(await vigil('check'), out + err).toBe(EXIT.ok);
    expect(out).toContain('reach a receiver other than unrouted');

    // The catalog module is exactly what `vigil codegen` writes; the service uses its handles.
    const catalog = await readFile(join(root, 'services/order-api/src/order-api-catalog.ts'), 'utf8');
    expect(await vigil('codegen', '--service', 'order-api', '--out', join(root, 'codegen.ts'))).toBe(EXIT.ok);
    expect(catalog).toBe(await readFile(join(root, 'codegen.ts'), 'utf8'));
    const service = await readFile(join(root, 'services/order-api/src/service.ts'), 'utf8');
    expect(service).toContain("import { orderApiCatalog } from './order-api-catalog.js';");
    for (const handle of ['orders', 'inflightRequests', 'queueDepth', 'orderDurationSeconds']) {
      expect(catalog).toContain(`    ${handle}: {`);
      expect(service).toContain(`metrics.${handle}.`);
    }
    const types = await readFile(join(root, 'definitions/order-api.yaml'), 'utf8');
    expect([...types.matchAll(/type: (\w+)/g)].map((m) => m[1]).sort()).toEqual(['counter', 'gauge', 'histogram', 'updowncounter']);
  });

  it('lists what it would write with --dry-run, and writes nothing', async () => {
    expect(await vigil('init', '--dry-run')).toBe(EXIT.ok);
    expect(out).toContain('would write .github/workflows/vigil.yml');
    expect(out).toContain('would write services/shop/src/service.ts');
    expect(await files(root)).toEqual([]);
  });

  it('never overwrites a file without --force: names it, exits 64 and writes nothing', async () => {
    await mkdir(join(root, 'definitions'));
    await writeFile(join(root, 'definitions/routing.yaml'), 'mine\n');
    await writeFile(join(root, '.gitignore'), 'node_modules/\n.vigil-data/');
    expect(await vigil('init', '--ci', 'gitlab')).toBe(EXIT.usage);
    expect(err).toContain('would overwrite definitions/routing.yaml; nothing was written');
    expect(await files(root)).toEqual(['.gitignore', 'definitions/routing.yaml']);
    expect(await readFile(join(root, 'definitions/routing.yaml'), 'utf8')).toBe('mine\n');

    expect(await vigil('init', '--ci', 'gitlab', '--force'), err).toBe(EXIT.ok);
    expect(await readFile(join(root, 'definitions/routing.yaml'), 'utf8')).toContain('notifications:');
    expect(await readFile(join(root, '.gitlab/ci/vigil.yml'), 'utf8')).toMatch(/npx vigil check\n {4}- npx vigil validate\n/);
    // .gitignore keeps its lines and gains only the missing ones.
    const ignore = await readFile(join(root, '.gitignore'), 'utf8');
    expect(ignore.startsWith('node_modules/\n.vigil-data/\n*.vigil-tmp-*\n')).toBe(true);
    expect(ignore.match(/\.vigil-data\//g)).toHaveLength(1);

    // A second run finds everything current: nothing to overwrite, no --force needed.
    expect(await vigil('init', '--ci', 'gitlab'), err).toBe(EXIT.ok);
    expect(out).not.toMatch(/wrote|added/);
  });

  it('rejects a bad service name or CI kind with exit 64', async () => {
    expect(await vigil('init', '--service', 'Shop_1')).toBe(EXIT.usage);
    expect(err).toContain('--service Shop_1: expected lower-case words');
    expect(await vigil('init', '--ci', 'jenkins')).toBe(EXIT.usage);
    expect(err).toContain('--ci jenkins: expected one of github, gitlab, script');
    expect(await files(root)).toEqual([]);
  });

  it('plans a GitHub workflow running check and validate by default', () => {
    const plan = planInit(parseInitOptions({ service: 'shop', ci: 'github' }, 'definitions', '0.1.0'));
    const workflow = plan.find((file) => file.path === '.github/workflows/vigil.yml');
    expect(workflow?.content).toMatch(/- run: npx vigil check\n {6}- run: npx vigil validate\n/);
  });
});
