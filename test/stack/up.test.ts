// `vigil up` end to end with the real binaries: a project made by `vigil init` and a copy of this
// repository's definitions, each started detached on free ports, checked through HTTP, stopped by
// `vigil down`; a foreground `vigil up` stopped by SIGINT; a missing binary. No process may be
// left: every test looks for any process whose command line names its temporary directory.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesNaming } from '../support/processes.js';
import { parse } from 'yaml';
import { missingBinaries } from '../support/binaries.js';
import { freePort, type MetricsEndpoint, startMetricsEndpoint, waitFor } from '../support/servers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const VIGIL = join(ROOT, 'packages/cli/dist/bundle/vigil.mjs');
const missing = missingBinaries('prometheus', 'prometheus-alertmanager');

interface StackJson {
  state: string;
  dir: string;
  urls: { prometheus: string; alertmanager: string; sink: string; dashboards: string };
  dashboardPages: { uid: string; url: string }[];
  processes: { role: string; pid: number }[];
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function vigil(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  const result = spawnSync(process.execPath, [VIGIL, ...args], { cwd, env, encoding: 'utf8', timeout: 150_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}


const readStack = (root: string): StackJson => JSON.parse(readFileSync(join(root, '.vigil/stack.json'), 'utf8')) as StackJson;

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** Kills whatever a failed test left (by the pids stack.json lists, then by directory). */
function killLeftovers(root: string): void {
  const stackFile = join(root, '.vigil/stack.json');
  const pids = existsSync(stackFile) ? readStack(root).processes.map((p) => p.pid) : [];
  for (const line of processesNaming(root)) pids.push(Number(line.split(':')[0]));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

interface Project {
  name: string;
  root: string;
  /** The service job whose targets file the test replaces with its own /metrics endpoint. */
  job: string;
  up: Run;
  stack: StackJson;
}

async function startProject(name: string, prepare: (root: string) => void, job: string): Promise<Project> {
  const root = await mkdtemp(join(tmpdir(), `vigil-up-${name}-`));
  prepare(root);
  const up = vigil(root, ['up', '--detach']);
  if (up.status !== 0) throw new Error(`vigil up --detach in ${name} exited ${up.status}\n${up.stdout}\n${up.stderr}`);
  return { name, root, job, up, stack: readStack(root) };
}

describe.skipIf(missing !== undefined)(`vigil up (${missing ?? 'real prometheus and alertmanager'})`, () => {
  const projects: Project[] = [];
  let endpoint: MetricsEndpoint;

  beforeAll(async () => {
    endpoint = await startMetricsEndpoint();
    endpoint.set('# TYPE vigil_up_test_probe gauge\nvigil_up_test_probe 1\n');
    projects.push(
      ...(await Promise.all([
        startProject('init', (root) => {
          const init = vigil(root, ['init', '--service', 'shop']);
          if (init.status !== 0) throw new Error(init.stderr);
        }, 'shop'),
        startProject('repository', (root) => cpSync(join(ROOT, 'definitions'), join(root, 'definitions'), { recursive: true }), 'vvtv-core'),
      ])),
    );
  }, 180_000);

  afterAll(async () => {
    for (const project of projects) {
      vigil(project.root, ['down']);
      killLeftovers(project.root);
      await rm(project.root, { recursive: true, force: true });
    }
    await endpoint?.close();
  });

  it('generates, then says where everything is in stack.json and on stdout', () => {
    for (const { root, up, stack } of projects) {
      expect(existsSync(join(root, 'prometheus/prometheus.yml'))).toBe(true);
      expect(stack.state).toBe('ready');
      expect(stack.processes.map((p) => p.role).sort()).toEqual(['alertmanager', 'prometheus', 'vigil']);
      for (const url of Object.values(stack.urls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      expect(up.stdout).toContain(stack.urls.prometheus);
      expect(up.stdout).toContain(stack.urls.sink);
      // The generated files are not edited: local mode has its own copies.
      expect(readFileSync(join(root, 'prometheus/prometheus.yml'), 'utf8')).not.toContain(stack.urls.prometheus.slice(7));
      expect(existsSync(join(root, '.vigil/config/prometheus.yml'))).toBe(true);
    }
  });

  it('Prometheus is ready and has loaded every generated rule group', async () => {
    for (const { root, stack } of projects) {
      expect((await fetch(`${stack.urls.prometheus}/-/ready`)).ok).toBe(true);
      const expected = readdirSync(join(root, 'prometheus/rules')).flatMap(
        (file) => (parse(readFileSync(join(root, 'prometheus/rules', file), 'utf8')) as { groups: { name: string }[] }).groups.map((g) => g.name),
      );
      const rules = await getJson<{ data: { groups: { name: string }[] } }>(`${stack.urls.prometheus}/api/v1/rules`);
      expect(rules.data.groups.map((g) => g.name).sort()).toEqual(expected.sort());
      expect(expected.length).toBeGreaterThan(0);
    }
  });

  it('Alertmanager is ready with the local configuration: every receiver a webhook to the sink', async () => {
    for (const { root, stack } of projects) {
      const status = await getJson<{ config: { original: string } }>(`${stack.urls.alertmanager}/api/v2/status`);
      const config = parse(status.config.original) as { receivers: { name: string; webhook_configs?: { url: string }[] }[] };
      const generated = parse(readFileSync(join(root, 'alertmanager/alertmanager.yml'), 'utf8')) as { receivers: { name: string }[] };
      expect(config.receivers.map((r) => r.name)).toEqual(generated.receivers.map((r) => r.name));
      for (const receiver of config.receivers) {
        expect(receiver.webhook_configs).toEqual([expect.objectContaining({ url: `${stack.urls.sink}/hook/${encodeURIComponent(receiver.name)}` })]);
      }
    }
  });

  it('scrapes a target written to a file_sd file while running', async () => {
    const target = `127.0.0.1:${endpoint.port}`;
    await Promise.all(
      projects.map(async ({ root, job, stack }) => {
        const file = join(root, '.vigil/targets', `${job}.json`);
        // Seeded with the definitions' own targets until someone writes the file.
        expect(JSON.parse(await readFile(file, 'utf8'))).toEqual([{ targets: expect.any(Array), labels: {} }]);
        await writeFile(`${file}.tmp`, JSON.stringify([{ targets: [target], labels: {} }]));
        await rename(`${file}.tmp`, file);
        const query = encodeURIComponent(`up{job="${job}",instance="${target}"} == 1`);
        await waitFor(
          async () => ((await getJson<{ data: { result: unknown[] } }>(`${stack.urls.prometheus}/api/v1/query?query=${query}`)).data.result.length === 1 ? true : undefined),
          80_000,
          `${job} scraped from its file_sd file`,
        );
      }),
    );
  }, 120_000);

  it('an alert sent through Alertmanager reaches the sink with its labels and the receiver it was routed to', async () => {
    await Promise.all(
      projects.map(async ({ name, stack }) => {
        // A service of its own, so the alert opens a new group (group_by: alertname, service): joined to
        // the real watchdog's group, it would wait for that group's next interval (5 min in init).
        const labels = { alertname: 'VigilWatchdog', service: `probe-${name}`, severity: 'none', probe: `<b>${name}</b>` };
        const posted = await fetch(`${stack.urls.alertmanager}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify([{ labels, annotations: { runbook_url: 'https://runbooks.example/watchdog', summary: 'javascript:alert(1)' }, generatorURL: `${stack.urls.prometheus}/graph` }]),
        });
        expect(posted.ok).toBe(true);
        const notification = await waitFor(
          async () => {
            const { notifications } = await getJson<{ notifications: { receiver: string; status: string; alerts: { labels: Record<string, string> }[]; links: { name: string; url: string }[] }[] }>(
              `${stack.urls.sink}/api/notifications`,
            );
            return notifications.find((n) => n.alerts.some((a) => a.labels.probe === labels.probe));
          },
          80_000,
          `the ${name} notification at the sink`,
        );
        expect(notification.receiver).toBe('deadman-switch');
        expect(notification.status).toBe('firing');
        expect(notification.alerts.find((a) => a.labels.probe === labels.probe)?.labels).toMatchObject(labels);
        expect(notification.links).toContainEqual({ name: 'runbook_url', url: 'https://runbooks.example/watchdog' });
        const page = await (await fetch(stack.urls.sink)).text();
        expect(page).toContain('deadman-switch');
        expect(page).toContain('&#60;b&#62;');
        expect(page).not.toContain(`<b>${name}</b>`);
        const jsonl = readFileSync(join(stack.dir, 'notifications.jsonl'), 'utf8').trim().split('\n');
        expect(jsonl.map((line) => (JSON.parse(line) as { receiver: string }).receiver)).toContain('deadman-switch');
      }),
    );
  }, 120_000);

  it('serves the HTML dashboards from the same origin as Prometheus', async () => {
    for (const { root, stack } of projects) {
      expect(stack.dashboardPages.map((p) => `${p.uid}.html`).sort()).toEqual(readdirSync(join(root, 'dashboards/html')).sort());
      const page = stack.dashboardPages[0] as { uid: string; url: string };
      expect(page.url.startsWith(`${stack.urls.prometheus}/`)).toBe(true);
      const response = await fetch(page.url);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(readFileSync(join(root, 'dashboards/html', `${page.uid}.html`), 'utf8'));
    }
  });

  it('a second vigil up says one is running; vigil down stops every process and removes stack.json', async () => {
    for (const { root, stack } of projects) {
      const again = vigil(root, ['up', '--detach']);
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('already running');
      expect(readStack(root).processes).toEqual(stack.processes);
      const down = vigil(root, ['down']);
      expect(down.status, down.stderr).toBe(0);
      expect(down.stdout).toContain('prometheus');
      expect(existsSync(join(root, '.vigil/stack.json'))).toBe(false);
      expect(processesNaming(root)).toEqual([]);
      // The targets file the test wrote is the user's: kept.
      expect(existsSync(join(root, '.vigil/targets'))).toBe(true);
    }
  });
});

describe.skipIf(missing !== undefined)('vigil up in the foreground', () => {
  let root: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vigil-up-fg-'));
    const init = vigil(root, ['init', '--service', 'shop']);
    if (init.status !== 0) throw new Error(init.stderr);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    killLeftovers(root);
    await rm(root, { recursive: true, force: true });
  });

  it('stops everything on SIGINT, leaving no process and no stack.json', async () => {
    child = spawn(process.execPath, [VIGIL, 'up'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => child?.once('exit', (code) => resolveExit(code)));
    await waitFor(async () => (output.includes('Ctrl-C stops everything') ? true : undefined), 60_000, `vigil up to be ready: ${output}`);
    const stack = readStack(root);
    expect(stack.processes.find((p) => p.role === 'vigil')?.pid).toBe(child.pid);
    expect((await fetch(`${stack.urls.alertmanager}/-/ready`)).ok).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('no process left');
    expect(existsSync(join(root, '.vigil/stack.json'))).toBe(false);
    expect(processesNaming(root)).toEqual([]);
    // The file_sd files it seeded are removed with it; the generated outputs stay.
    expect(readdirSync(join(root, '.vigil/targets'))).toEqual([]);
    expect(existsSync(join(root, 'prometheus/prometheus.yml'))).toBe(true);
  }, 90_000);
});

describe.skipIf(missing !== undefined)('vigil up --port-base on a taken port', () => {
  let root: string;
  let holder: Server | undefined;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vigil-up-taken-'));
    const init = vigil(root, ['init', '--service', 'shop']);
    if (init.status !== 0) throw new Error(init.stderr);
  });

  afterAll(async () => {
    if (holder) await new Promise((resolveClose) => holder?.close(resolveClose));
    killLeftovers(root);
    await rm(root, { recursive: true, force: true });
  });

  it('exits 1 naming the port and the flag, when the real Prometheus cannot bind it, and leaves no process', async () => {
    // Prometheus's port taken; Alertmanager and the sink start on the next two, then stop again.
    const base = await freePort();
    holder = createNetServer();
    await new Promise<void>((resolveListen) => holder?.listen(base, '127.0.0.1', resolveListen));
    const run = vigil(root, ['up', '--detach', '--port-base', String(base)]);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(1);
    expect(run.stderr).toContain(`vigil: up: Prometheus cannot listen on 127.0.0.1:${base}: address already in use (--port-base ${base}`);
    expect(run.stderr).not.toMatch(/at .*\.(m?js|ts):\d+/);
    expect(existsSync(join(root, '.vigil/stack.json'))).toBe(false);
    expect(processesNaming(root)).toEqual([]);
  }, 120_000);
});

describe('vigil up without the binaries', () => {
  it('exits with the missing-tool code and names the Debian package to install', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigil-up-nobin-'));
    try {
      // Only node's own directory on PATH: no prometheus, no prometheus-alertmanager.
      const run = vigil(root, ['up'], { ...process.env, PATH: dirname(process.execPath), VIGIL_PROMETHEUS: '', VIGIL_ALERTMANAGER: '' });
      expect(run.status).toBe(3);
      expect(run.stderr).toContain('apt-get install prometheus');
      expect(existsSync(join(root, '.vigil/stack.json'))).toBe(false);
      const amOnly = vigil(root, ['up'], { ...process.env, PATH: dirname(process.execPath), VIGIL_PROMETHEUS: '/bin/true', VIGIL_ALERTMANAGER: '' });
      expect(amOnly.status).toBe(3);
      expect(amOnly.stderr).toContain('apt-get install prometheus-alertmanager');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

// The contract of src/up/demo-contract.ts, implemented by a stand-in module (VIGIL_DEMO_MODULE),
// so `--demo` is tested here whether or not @vigil/demo is installed.
const FAKE_DEMO = `import { createServer } from 'node:http';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
export async function startDemo({ projectDir, definitionsDir, targetsDir, onLog }) {
  const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('demo_probe 1\\n'));
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const port = server.address().port;
  const file = join(targetsDir, 'shop.json');
  await writeFile(file, JSON.stringify([{ targets: ['127.0.0.1:' + port], labels: {} }]));
  await writeFile(join(projectDir, 'demo-started.json'), JSON.stringify({ definitionsDir, targetsDir, port }));
  onLog('shop on ' + port);
  return {
    services: [{ job: 'shop', url: 'http://127.0.0.1:' + port + '/metrics' }],
    async stop() {
      await new Promise((done) => server.close(done));
      await rm(file, { force: true });
      await writeFile(join(projectDir, 'demo-stopped'), '');
    },
  };
}
`;

describe.skipIf(missing !== undefined)('vigil up --demo', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vigil-up-demo-'));
    const init = vigil(root, ['init', '--service', 'shop']);
    if (init.status !== 0) throw new Error(init.stderr);
    await writeFile(join(root, 'fake-demo.mjs'), FAKE_DEMO);
  });

  afterAll(async () => {
    vigil(root, ['down']);
    killLeftovers(root);
    await rm(root, { recursive: true, force: true });
  });

  it('calls startDemo with the project, definitions and targets directories, scrapes its services, stops it at down', async () => {
    const up = vigil(root, ['up', '--detach', '--demo'], { ...process.env, VIGIL_DEMO_MODULE: join(root, 'fake-demo.mjs') });
    expect(up.status, up.stderr).toBe(0);
    const started = JSON.parse(readFileSync(join(root, 'demo-started.json'), 'utf8')) as { definitionsDir: string; targetsDir: string; port: number };
    expect(started).toMatchObject({ definitionsDir: join(root, 'definitions'), targetsDir: join(root, '.vigil/targets') });
    expect(up.stdout).toContain(`demo: shop on ${started.port}`);
    expect(readStack(root)).toMatchObject({ demo: true });
    const stack = readStack(root);
    const query = encodeURIComponent(`up{job="shop",instance="127.0.0.1:${started.port}"} == 1`);
    await waitFor(
      async () => ((await getJson<{ data: { result: unknown[] } }>(`${stack.urls.prometheus}/api/v1/query?query=${query}`)).data.result.length === 1 ? true : undefined),
      80_000,
      'the demo service scraped',
    );
    expect(vigil(root, ['down']).status).toBe(0);
    expect(existsSync(join(root, 'demo-stopped'))).toBe(true);
    expect(existsSync(join(root, '.vigil/targets/shop.json'))).toBe(false);
    expect(processesNaming(root)).toEqual([]);
  }, 120_000);

  it('a demo module that is not there exits with the missing-tool code, starting nothing', () => {
    const run = vigil(root, ['up', '--demo'], { ...process.env, VIGIL_DEMO_MODULE: join(root, 'no-such-demo.mjs') });
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('no-such-demo.mjs');
    expect(existsSync(join(root, '.vigil/stack.json'))).toBe(false);
    expect(processesNaming(root)).toEqual([]);
  });
});
