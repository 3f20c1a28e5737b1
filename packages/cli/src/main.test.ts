import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generatedNotice } from '@vigil/compiler';
import { runCli } from './main.js';
import { EXIT } from './exit-codes.js';

let root: string;
let out: string;
let err: string;
const io = {
  out: (t: string) => {
    out += t;
  },
  err: (t: string) => {
    err += t;
  },
};
const vigil = (...args: string[]) => runCli(['--root', root, ...args], io, {});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
  await cp(join(import.meta.dirname, 'testdata/in-basic'), root, { recursive: true });
  out = '';
  err = '';
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('vigil generate / check', () => {
  it('writes rules, tests and config, and check then passes', async () => {
    expect(await vigil('generate')).toBe(EXIT.ok);
    expect((await readdir(join(root, 'prometheus/rules'))).sort()).toEqual(['shop.yml', 'vigil-meta.yml']);
    const rules = await readFile(join(root, 'prometheus/rules/shop.yml'), 'utf8');
    expect(rules).toContain('avg(shop_queue_depth{job="shop"}) > 100');
    expect(rules).toContain('sum(rate(shop_checkout_errors_total{job="shop"}[5m]))');
    expect(rules).toContain('slo:sli_error:ratio_rate5m');
    expect(out).toMatch(/alerts tested/);
    out = '';
    expect(await vigil('check')).toBe(EXIT.ok);
    expect(out).toContain('outputs match the definitions');
  });

  it('rewrites only the files whose content changed (unchanged files keep their mtime)', async () => {
    expect(await vigil('generate')).toBe(EXIT.ok);
    const written = Number(/wrote (\d+) files, 0 unchanged/.exec(out)?.[1]);
    expect(written).toBeGreaterThan(5);
    const rulesPath = join(root, 'prometheus/rules/shop.yml');
    const configPath = join(root, 'prometheus/prometheus.yml');
    const before = { rules: (await stat(rulesPath)).mtimeMs, config: (await stat(configPath)).mtimeMs };
    await new Promise((resolve) => setTimeout(resolve, 20));
    const definitions = join(root, 'definitions/app.yaml');
    await writeFile(definitions, (await readFile(definitions, 'utf8')).replace('above: 100', 'above: 150'));
    out = '';
    expect(await vigil('generate')).toBe(EXIT.ok);
    const [, again, unchanged] = /wrote (\d+) files, (\d+) unchanged/.exec(out)!.map(Number);
    expect(again! + unchanged!).toBe(written);
    expect(again).toBeGreaterThan(0);
    expect(unchanged).toBeGreaterThan(0);
    expect((await stat(rulesPath)).mtimeMs).toBeGreaterThan(before.rules);
    expect((await stat(configPath)).mtimeMs).toBe(before.config);
    expect(await readFile(rulesPath, 'utf8')).toContain('> 150');
  });

  it('writes the outputs settings.outputs asks for (default: all but Datadog), and removes those turned off', async () => {
    const exists = async (path: string) => (await stat(join(root, path)).catch(() => undefined)) !== undefined;
    expect(await vigil('generate')).toBe(EXIT.ok);
    expect(await exists('grafana/dashboards/vigil-shop.json')).toBe(true);
    expect(await exists('dashboards/html/vigil-shop.html')).toBe(true);
    expect(await exists('datadog')).toBe(false);
    const path = join(root, 'definitions/app.yaml');
    const original = await readFile(path, 'utf8');
    await writeFile(path, original.replace('retention: 90d }', 'retention: 90d, outputs: [grafana, datadog] }'));
    out = '';
    expect(await vigil('generate')).toBe(EXIT.ok);
    expect(await exists('datadog/monitors/shop.json')).toBe(true);
    expect(await exists('grafana/dashboards/vigil-shop.json')).toBe(true);
    expect(await exists('dashboards/html/vigil-shop.html')).toBe(false);
    expect(out).toContain('removed dashboards/html/vigil-shop.html');
    expect(await vigil('check')).toBe(EXIT.ok);
    await writeFile(path, original.replace('retention: 90d }', 'retention: 90d, outputs: [grafana, pagerduty, grafana] }'));
    err = '';
    expect(await vigil('generate')).toBe(EXIT.invalidDefinitions);
    expect(err).toMatch(/definitions\/app\.yaml:2:\d+: .*outputs/);
  });

  it('check exits 1 with a diff when a definition changes', async () => {
    await vigil('generate');
    const path = join(root, 'definitions/app.yaml');
    await writeFile(path, (await readFile(path, 'utf8')).replace('above: 100', 'above: 150'));
    out = '';
    expect(await vigil('check')).toBe(EXIT.checkFailed);
    expect(out).toContain(`-        expr: 'avg(shop_queue_depth{job="shop"}) > 100'`);
    expect(out).toContain(`+        expr: 'avg(shop_queue_depth{job="shop"}) > 150'`);
    expect(out).toMatch(/Alert test coverage: \d+\/\d+/);
  });

  it('reports bad definitions with file, line and column, exits 2 and writes nothing', async () => {
    const path = join(root, 'definitions/app.yaml');
    await writeFile(path, (await readFile(path, 'utf8')).replace('metric: shop_queue_depth,', 'metric: shop_queue_dept,'));
    expect(await vigil('generate')).toBe(EXIT.invalidDefinitions);
    expect(err).toMatch(/definitions\/app\.yaml:\d+:\d+: unknown metric shop_queue_dept/);
    expect(err).toContain('nothing was written');
    await expect(readdir(join(root, 'prometheus'))).rejects.toThrow();
  });

  it('rejects unknown keys and wrong types at their line', async () => {
    const path = join(root, 'definitions/app.yaml');
    const text = (await readFile(path, 'utf8')).replace('severity: warning', 'severity: warning\n    colour: red');
    await writeFile(path, text);
    expect(await vigil('generate')).toBe(EXIT.invalidDefinitions);
    const line = text.split('\n').findIndex((l) => l.includes('colour')) + 1;
    expect(err).toContain(`definitions/app.yaml:${line}:5: alerts.0: unknown key \`colour\``);
  });

  it('keeps user files and removes stale generated ones', async () => {
    await vigil('generate');
    await writeFile(join(root, 'prometheus/rules/hand-written.yml'), 'groups: []\n');
    await writeFile(join(root, 'prometheus/tests/old.test.yml'), `# ${generatedNotice('promtool-tests')}\n`);
    expect(await vigil('generate')).toBe(EXIT.ok);
    expect(await readdir(join(root, 'prometheus/rules'))).toContain('hand-written.yml');
    expect(await readdir(join(root, 'prometheus/tests'))).not.toContain('old.test.yml');
  });

  it('maps bad usage to exit 64', async () => {
    expect(await vigil('no-such-command')).toBe(EXIT.usage);
  });
});

describe('the shipped executable (dist/bundle/vigil.mjs, built by `npm run build`)', () => {
  const bundle = join(import.meta.dirname, '../dist/bundle/vigil.mjs');
  const run = (args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8' });

  it('writes exactly what the library writes, and exits as it does', async () => {
    const library = await mkdtemp(join(tmpdir(), 'vigil-lib-'));
    try {
      await cp(join(import.meta.dirname, 'testdata/in-basic'), library, { recursive: true });
      expect(await runCli(['--root', library, 'generate'], io, {})).toBe(EXIT.ok);
      const shipped = run(['--root', root, 'generate']);
      expect(shipped.status, shipped.stderr).toBe(EXIT.ok);
      const files = async (dir: string) => (await readdir(dir, { recursive: true })).filter((f) => !f.startsWith('definitions')).sort();
      const written = await files(root);
      expect(written).toEqual(await files(library));
      expect(written.length).toBeGreaterThan(10);
      for (const file of written) {
        if ((await stat(join(root, file))).isFile()) expect(await readFile(join(root, file), 'utf8'), file).toBe(await readFile(join(library, file), 'utf8'));
      }
      expect(run(['--root', root, 'check']).status).toBe(EXIT.ok);
      expect(run(['--root', root, 'no-such-command']).status).toBe(EXIT.usage);
    } finally {
      await rm(library, { recursive: true, force: true });
    }
  });

  it('ends quietly when its reader closes the pipe', () => {
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${bundle}" schema | head -c 10`], { encoding: 'utf8' });
    expect(piped.stdout).toHaveLength(10);
    expect(piped.stderr).not.toMatch(/EPIPE|Error/);
  });
});
