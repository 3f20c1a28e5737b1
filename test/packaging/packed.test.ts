// The packages as a user gets them: `npm pack` each workspace, install the tarballs into an empty
// directory outside this repository (their dependencies from the npm registry or its cache),
// then run docs/use-vigil-in-your-repository.md line by line: init, generate, validate, check,
// the CI script, build and start the scaffolded service, and a real Prometheus scraping it with
// the generated configuration and rules. Assumes `npm run build` ran (`npm test` runs it).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../support/binaries.js';
import { packWorkspaces, REPO, type Run, run, shell, userEnv } from '../support/packed.js';
import { freePort, startPrometheus, waitFor, type RunningPrometheus } from '../support/servers.js';
import { shellCommands, WALKTHROUGH } from './walkthrough.js';

const DOC = join(REPO, 'docs/use-vigil-in-your-repository.md');
const skip = missingBinaries('prometheus', 'promtool', 'amtool');

describe.skipIf(skip)('the packed packages, installed outside the repository', () => {
  let work: string;
  let project: string;
  let tarballs: string[];
  let service: ChildProcess | undefined;
  let prometheus: RunningPrometheus | undefined;
  let servicePort: number;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'vigil-packed-'));
    project = join(work, 'project');
    await mkdir(project);
    tarballs = await packWorkspaces(work);
    const init = await run('npm', ['init', '-y'], project);
    expect(init.code, init.output).toBe(0);
  }, 300_000);

  afterAll(async () => {
    if (service?.pid !== undefined && service.exitCode === null) {
      const exited = new Promise((done) => service?.once('exit', done));
      process.kill(-service.pid, 'SIGTERM');
      await exited;
    }
    await prometheus?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('packs every package, each with its README, and none private', async () => {
    const names = tarballs.map((path) => /^vigil-([a-z]+)-\d/.exec(basename(path))?.[1]).sort();
    expect(names).toEqual(['cli', 'compiler', 'controller', 'conventions', 'demo', 'exporters', 'instrumentation']);
    for (const dir of names) {
      const pkg = JSON.parse(await readFile(join(REPO, 'packages', dir!, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg.private, dir).toBeUndefined();
      expect(pkg.files, dir).toEqual(['dist', 'README.md']);
    }
  });

  it('follows the walkthrough: init, generate, validate, check, the CI step, build and start the service', async () => {
    // The documented lines are the ones exercised here, in this order.
    expect(shellCommands(await readFile(DOC, 'utf8'))).toEqual(WALKTHROUGH.map((step) => step.doc));
    for (const step of WALKTHROUGH) {
      let result: Run | undefined;
      switch (step.kind) {
        case 'install-dev':
          // Not on the registry yet: the packed tarballs stand for @vigil/cli and what it depends on.
          result = await shell(step.doc.replace('@vigil/cli', tarballs.join(' ')), project);
          break;
        case 'install':
          result = await shell(step.doc.replace('@vigil/instrumentation', tarballs.filter((path) => basename(path).startsWith('vigil-instrumentation-')).join(' ')), project);
          break;
        case 'run':
          result = await shell(step.doc, project);
          break;
        case 'start': {
          servicePort = await freePort();
          // Its own process group, so the stop reaches the service under npm and sh.
          service = spawn('sh', ['-c', step.doc.replace('PORT=9464', `PORT=${servicePort}`)], { cwd: project, env: userEnv(), detached: true, stdio: 'ignore' });
          await waitFor(async () => ((await fetch(`http://127.0.0.1:${servicePort}/metrics`)).ok ? true : undefined), 60_000, 'the scaffolded service');
          break;
        }
      }
      if (result) expect(result.code, `${step.doc}\n${result.output}`).toBe(0);
    }
    const installed = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(Object.keys(installed.devDependencies)).toContain('@vigil/cli');
    for (let i = 0; i < 5; i++) expect((await fetch(`http://127.0.0.1:${servicePort}/orders`, { method: 'POST' })).status).toBe(201);
  }, 600_000);

  it('a real Prometheus scraping the service with the generated configuration sees its series and loads the rules', async () => {
    expect(service, 'the service was started by the walkthrough').toBeDefined();
    const generated = join(project, 'prometheus');
    const config = (await readFile(join(generated, 'prometheus.yml'), 'utf8'))
      .replace("'localhost:9464'", `'127.0.0.1:${servicePort}'`)
      .replace('scrape_interval: 30s', 'scrape_interval: 1s');
    const rules = Object.fromEntries(
      await Promise.all((await readdir(join(generated, 'rules'))).map(async (name) => [`rules/${name}`, await readFile(join(generated, 'rules', name), 'utf8')] as const)),
    );
    expect(Object.keys(rules).sort()).toEqual(['rules/shop.yml', 'rules/vigil-meta.yml']);
    prometheus = await startPrometheus(config, rules);
    const query = async (expr: string) => {
      const body = (await (await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return body.data.result;
    };
    const orders = await waitFor(async () => {
      const result = await query('shop_orders_total{job="shop",outcome="ok"}');
      return result.length > 0 ? result : undefined;
    }, 60_000, 'shop_orders_total in Prometheus');
    expect(Number(orders[0]!.value[1])).toBeGreaterThanOrEqual(5);
    for (const series of ['shop_queue_depth', 'shop_inflight_requests', 'shop_order_duration_seconds_bucket']) {
      expect((await query(`${series}{job="shop"}`)).length, series).toBeGreaterThan(0);
    }
    const loaded = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as { data: { groups: { name: string; file: string; rules: { name: string; health: string }[] }[] } };
    const shop = loaded.data.groups.find((group) => group.name === 'vigil-shop');
    expect(shop?.rules.map((rule) => rule.name)).toEqual(expect.arrayContaining(['ShopOrderFailures', 'ShopQueueDeep', 'slo:sli_error:ratio_rate5m']));
    expect(shop?.rules.every((rule) => rule.health !== 'err')).toBe(true);
  }, 120_000);
});
