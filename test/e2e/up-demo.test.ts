/**
 * The whole loop, live, with the real binaries: `vigil up --demo --detach` on a copy of this
 * repository's definitions and on a project made by `vigil init` from the packed packages.
 *
 * Repository (the steps overlap so the file takes about 8 minutes, bounded by Alertmanager's
 * generated group_interval of 5m before a resolved notification goes out):
 *  - every target is up (Prometheus /api/v1/targets) within 60 s of `vigil up`;
 *  - healthy for 5 minutes: no alert but the watchdog pending or firing, after a grace of two
 *    evaluation intervals past the first scrapes. It runs while the scenario below runs, so the
 *    alerts that scenario declares are left out of it (and only those);
 *  - `vigil scenario run scholar-dependency-down`: ScholarDependencyDown (a gauge, `for: 1m`) goes
 *    pending, then firing, reaches the sink for its receiver with its labels, annotations, links
 *    and grouping, and resolves (in Prometheus, then at the sink) after the scenario ends;
 *  - Chromium opens the HTML dashboard of the alert's metric from stack.json: the panel is drawn,
 *    its threshold tag names the alert's threshold, and the data it was drawn from dips below it;
 *  - `vigil down` leaves no process naming the temporary directory.
 * Init project (alongside): targets up within 60 s, then 60 s with no alert but the watchdog
 * (shorter than 5 minutes: its demo is one service and the repository case already holds 5), down.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../support/binaries.js';
import { packWorkspaces, REPO, run } from '../support/packed.js';
import { killProcessesNaming, processesNaming, userEnv } from '../support/processes.js';
import { waitFor } from '../support/servers.js';

const VIGIL = join(REPO, 'packages/cli/dist/bundle/vigil.mjs');
const CHROMIUM = '/usr/bin/chromium';
const missing = missingBinaries('prometheus', 'prometheus-alertmanager') ?? (existsSync(CHROMIUM) ? undefined : `missing ${CHROMIUM}`);

const SCENARIO = 'scholar-dependency-down';
const ALERT = 'ScholarDependencyDown';
const METRIC = 'scholar_dependency_up';
const HEALTHY_MS = 5 * 60_000;
const INIT_HEALTHY_MS = 60_000;
/** Two evaluation intervals (30 s generated): absence alerts rightly pending before the first scrape settle. */
const GRACE_MS = 60_000;

interface StackJson {
  urls: { prometheus: string; alertmanager: string; sink: string; dashboards: string };
  dashboardPages: { uid: string; url: string }[];
}
interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}
interface SinkNotification {
  receiver: string;
  status: 'firing' | 'resolved';
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
  links: { name: string; url: string }[];
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}

const readStack = (root: string): StackJson => JSON.parse(readFileSync(join(root, '.vigil/stack.json'), 'utf8')) as StackJson;
const alerts = async (stack: StackJson) => (await getJson<{ data: { alerts: ApiAlert[] } }>(`${stack.urls.prometheus}/api/v1/alerts`)).data.alerts;
const notifications = async (stack: StackJson) => (await getJson<{ notifications: SinkNotification[] }>(`${stack.urls.sink}/api/notifications`)).notifications;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until Prometheus has every active target up; the ms since `since`. */
async function everyTargetUp(stack: StackJson, since: number): Promise<{ ms: number; targets: number }> {
  const targets = await waitFor(
    async () => {
      const body = await getJson<{ data: { activeTargets: { health: string }[] } }>(`${stack.urls.prometheus}/api/v1/targets?state=active`);
      const active = body.data.activeTargets;
      return active.length > 1 && active.every((t) => t.health === 'up') ? active.length : undefined;
    },
    Math.max(1000, since + 60_000 - Date.now()),
    'every target up within 60 s of vigil up',
  );
  return { ms: Date.now() - since, targets };
}

/** Every alert but the watchdog (and `ignored` names) seen pending or firing over `ms`, polled. */
async function unhealthyOver(stack: StackJson, ms: number, ignored: readonly string[] = []): Promise<string[]> {
  const seen = new Set<string>();
  const until = Date.now() + ms;
  while (Date.now() < until) {
    for (const alert of await alerts(stack).catch(() => [])) {
      const name = alert.labels.alertname ?? '';
      if (name !== 'VigilWatchdog' && !ignored.includes(name)) seen.add(`${name} ${alert.state} ${JSON.stringify(alert.labels)}`);
    }
    await sleep(5000);
  }
  return [...seen];
}

/** `vigil up --demo --detach` in `root` with `command` (the repository's bundle or the installed bin). */
async function upDemo(command: string[], root: string): Promise<{ stack: StackJson; startedAt: number; output: string }> {
  const startedAt = Date.now();
  const up = await run(command[0] as string, [...command.slice(1), 'up', '--demo', '--detach'], root);
  if (up.code !== 0) throw new Error(`vigil up --demo --detach in ${root} exited ${up.code}\n${up.output}`);
  return { stack: readStack(root), startedAt, output: up.output };
}

/** `vigil down`, then whatever still names the directory (none may be). */
async function downLeaves(command: string[], root: string): Promise<string[]> {
  const down = await run(command[0] as string, [...command.slice(1), 'down'], root);
  if (down.code !== 0) throw new Error(`vigil down exited ${down.code}\n${down.output}`);
  return processesNaming(root);
}

/** The init project from the packed packages: install, init, up, checks, down. Its own figures. */
async function initProjectRun(work: string): Promise<{ upMs: number; targets: number; unhealthy: string[]; left: string[]; output: string }> {
  const project = join(work, 'project');
  await mkdir(project);
  const tarballs = await packWorkspaces(work);
  for (const [command, args] of [
    ['npm', ['init', '-y']],
    ['npm', ['install', '--save-dev', '--no-audit', '--no-fund', ...tarballs]],
    ['npx', ['vigil', 'init', '--service', 'shop']],
  ] as const) {
    const result = await run(command, [...args], project);
    if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.output}`);
  }
  const bin = ['npx', 'vigil'];
  const { stack, startedAt, output } = await upDemo(bin, project);
  try {
    const up = await everyTargetUp(stack, startedAt);
    await sleep(GRACE_MS);
    const unhealthy = await unhealthyOver(stack, INIT_HEALTHY_MS);
    return { upMs: up.ms, targets: up.targets, unhealthy, left: await downLeaves(bin, project), output };
  } finally {
    await run('npx', ['vigil', 'down'], project);
  }
}

describe.skipIf(missing !== undefined)(`vigil up --demo end to end (${missing ?? 'real binaries'})`, () => {
  const repoCommand = [process.execPath, VIGIL];
  let repo: string;
  let work: string;
  let stack: StackJson;
  let startedAt: number;
  let upOutput: string;
  let targetsUp: { ms: number; targets: number };
  let healthy: Promise<string[]>;
  let initProject: Promise<Awaited<ReturnType<typeof initProjectRun>>>;
  let browser: Browser | undefined;
  let scenario: ChildProcess | undefined;

  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'vigil-e2e-repo-'));
    work = await mkdtemp(join(tmpdir(), 'vigil-e2e-init-'));
    cpSync(join(REPO, 'definitions'), join(repo, 'definitions'), { recursive: true });
    // The init project packs, installs and runs alongside; its test awaits it.
    initProject = initProjectRun(work);
    initProject.catch(() => undefined);
    ({ stack, startedAt, output: upOutput } = await upDemo(repoCommand, repo));
  }, 180_000);

  afterAll(async () => {
    scenario?.kill('SIGINT');
    await browser?.close();
    for (const dir of [repo, work]) {
      if (!dir) continue;
      spawnSync(process.execPath, [VIGIL, 'down'], { cwd: dir });
      killProcessesNaming(dir);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('repository: says where everything is, and every target is up within 60 s', async () => {
    for (const where of ['Prometheus', 'Alertmanager', 'Notifications', 'Dashboards']) expect(upOutput).toMatch(new RegExp(`^  ${where} +http://127\\.0\\.0\\.1:\\d+`, 'm'));
    targetsUp = await everyTargetUp(stack, startedAt);
    console.log(`e2e repository: ${targetsUp.targets} targets up ${targetsUp.ms} ms after vigil up --demo --detach started`);
    expect(targetsUp.targets).toBeGreaterThan(10);
    // From here, in parallel with the scenario: 5 minutes with nothing but the watchdog.
    healthy = sleep(GRACE_MS).then(() => unhealthyOver(stack, HEALTHY_MS, [ALERT]));
    healthy.catch(() => undefined);
  }, 90_000);

  it(`repository: ${SCENARIO} drives ${ALERT} pending, firing, to the sink, and resolved after it ends`, async () => {
    const rules = await getJson<{ data: { groups: { rules: { name: string; type: string; duration: number; labels: Record<string, string>; annotations: Record<string, string> }[] }[] } }>(`${stack.urls.prometheus}/api/v1/rules`);
    const rule = rules.data.groups.flatMap((g) => g.rules).find((r) => r.type === 'alerting' && r.name === ALERT);
    expect(rule, `${ALERT} is loaded`).toBeDefined();
    // Long enough for pending (`for` from the loaded rule) then firing, at 30 s scrapes and evaluations.
    const holdSeconds = (rule?.duration ?? 60) + 120;
    const start = Date.now();
    scenario = spawn(process.execPath, [VIGIL, 'scenario', 'run', SCENARIO, '--duration', `${holdSeconds}s`], { cwd: repo, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let scenarioOutput = '';
    scenario.stdout?.on('data', (chunk: Buffer) => (scenarioOutput += chunk.toString()));
    scenario.stderr?.on('data', (chunk: Buffer) => (scenarioOutput += chunk.toString()));
    const ended = new Promise<number | null>((done) => scenario?.once('close', done));

    const states: { state: string; ms: number }[] = [];
    let firing: ApiAlert | undefined;
    while (!firing && Date.now() < start + holdSeconds * 1000) {
      const found = (await alerts(stack)).find((a) => a.labels.alertname === ALERT);
      if (found && states.at(-1)?.state !== found.state) states.push({ state: found.state, ms: Date.now() - start });
      if (found?.state === 'firing') firing = found;
      else await sleep(2000);
    }
    expect(states.map((s) => s.state), scenarioOutput).toEqual(['pending', 'firing']);
    const alert = firing as ApiAlert;
    expect(alert.labels).toMatchObject({ alertname: ALERT, service: 'ai-scholar-api', team: 'scholar', severity: 'critical' });
    expect(alert.labels.dependency, 'the scenario takes a dependency down').toBeTruthy();

    const isOurs = (n: SinkNotification) => n.alerts.some((a) => a.labels.alertname === ALERT);
    const delivered = await waitFor(async () => (await notifications(stack)).find((n) => isOurs(n) && n.status === 'firing'), 120_000, `${ALERT} at the sink`);
    const deliveredMs = Date.now() - start;
    // The generated routing: critical scholar alerts go to scholar-oncall, grouped by alertname and service.
    expect(delivered.receiver).toBe('scholar-oncall');
    expect(delivered.groupLabels).toEqual({ alertname: ALERT, service: 'ai-scholar-api' });
    expect(delivered.groupKey).toContain(`alertname="${ALERT}"`);
    // Grouping: every alert of the group (one per dependency down) in one notification, none other.
    expect(delivered.alerts.every((a) => a.labels.alertname === ALERT && a.labels.service === 'ai-scholar-api')).toBe(true);
    expect(new Set(delivered.alerts.map((a) => a.labels.dependency)).size).toBe(delivered.alerts.length);
    expect((await notifications(stack)).filter((n) => n.groupKey === delivered.groupKey && n.status === 'firing')).toHaveLength(1);
    const sent = delivered.alerts.find((a) => a.labels.dependency === alert.labels.dependency);
    expect(sent?.labels).toEqual(alert.labels);
    expect(sent?.annotations).toEqual(alert.annotations);
    expect(sent?.annotations.summary).toBe(`AI Scholar dependency ${alert.labels.dependency} is down`);
    const links = Object.fromEntries(delivered.links.map((l) => [l.name, l.url]));
    expect(links.runbook_url).toBe('https://runbooks.vigil.example/scholar/scholar-dependency-down');
    expect(links.dashboard_url).toMatch(/\/d\/scholar-service-health\b/);
    expect(links.source).toMatch(new RegExp(`^${stack.urls.prometheus}/graph\\?`));

    expect(await ended, scenarioOutput).toBe(0);
    expect(scenarioOutput).toContain('back to healthy');
    const endedAt = Date.now();
    await waitFor(async () => ((await alerts(stack)).some((a) => a.labels.alertname === ALERT) ? undefined : true), 120_000, `${ALERT} to resolve in Prometheus`);
    const resolvedMs = Date.now() - endedAt;
    // Alertmanager sends the resolution at the group's next flush: up to group_interval (5m) later.
    const resolved = await waitFor(async () => (await notifications(stack)).find((n) => isOurs(n) && n.status === 'resolved'), 330_000, `${ALERT} resolved at the sink`);
    expect(resolved.receiver).toBe('scholar-oncall');
    expect(resolved.groupKey).toBe(delivered.groupKey);
    console.log(
      `e2e repository: ${ALERT} ${states.map((s) => `${s.state} at ${s.ms} ms`).join(', ')}; at the sink (${delivered.receiver}) at ${deliveredMs} ms; ` +
        `scenario held ${holdSeconds} s; resolved in Prometheus ${resolvedMs} ms and at the sink ${Date.now() - endedAt} ms after it ended`,
    );
  }, 720_000);

  it(`repository: Chromium shows the excursion of ${METRIC} and the threshold on its HTML dashboard`, async () => {
    // The page charting the alert's metric over time with the alert's threshold (the service's generated dashboard).
    type PageModel = { dashboard: { rows: { panels: { title: string; type: string; queries: { expr: string; instant?: boolean }[]; thresholds?: { value: number; alert?: string }[] }[] }[] } };
    const modelOf = (html: string) => JSON.parse(/<script type="application\/json" id="vigil-dashboard">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}') as PageModel;
    const charts = (model: PageModel) =>
      model.dashboard.rows.flatMap((r) => r.panels).find((p) => p.type === 'timeseries' && p.queries.some((q) => !q.instant && q.expr.includes(METRIC)) && (p.thresholds ?? []).some((t) => t.alert === ALERT));
    let page: { uid: string; url: string } | undefined;
    let panel: ReturnType<typeof charts>;
    for (const candidate of stack.dashboardPages) {
      panel = charts(modelOf(await (await fetch(candidate.url)).text()));
      if (panel) {
        page = candidate;
        break;
      }
    }
    expect(page, `stack.json lists a dashboard charting ${METRIC} with ${ALERT}'s threshold`).toBeDefined();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The series the page fetched and drew, as Prometheus answered them.
    const drawn: { metric: Record<string, string>; values: [number, string][] }[] = [];
    tab.on('response', (response) => {
      if (!response.url().includes('/api/v1/query_range') || !decodeURIComponent(response.url()).includes(METRIC)) return;
      void response
        .json()
        .then((body: { data?: { result?: typeof drawn } }) => drawn.push(...(body.data?.result ?? [])))
        .catch(() => undefined);
    });
    await tab.goto((page as { url: string }).url);
    await tab.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
    await tab.waitForFunction(`document.querySelectorAll('.vd-panel').length > 0 && document.querySelectorAll('.vd-panel[data-state="loading"]').length === 0`, undefined, { timeout: 30_000 });
    const threshold = (panel?.thresholds ?? []).find((t) => t.alert === ALERT)?.value as number;
    const shown = (await tab.evaluate(`[...document.querySelectorAll('.vd-panel')].filter((p) => p.querySelector('.vd-panel-title')?.textContent === ${JSON.stringify(panel?.title)}).map((p) => ({
      state: p.dataset.state, series: Number(p.dataset.series || 0),
      thresholds: [...p.querySelectorAll('.vd-threshold')].map((t) => ({ text: t.textContent, alert: t.title })),
      ink: (() => { const c = p.querySelector('canvas'); if (!c || !c.width) return 0; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })(),
    }))`)) as { state: string; series: number; thresholds: { text: string; alert: string }[]; ink: number }[];
    expect(shown).toHaveLength(1);
    const view = shown[0]!;
    expect(view.state).toBe('ok');
    expect(view.series).toBeGreaterThan(0);
    expect(view.ink, 'the chart is drawn').toBeGreaterThan(100);
    expect(view.thresholds.find((t) => t.alert === ALERT)?.text).toContain(String(threshold));
    await waitFor(async () => (drawn.length > 0 ? true : undefined), 10_000, `the page's ${METRIC} data`);
    const values = drawn.flatMap((s) => s.values.map(([, v]) => Number(v)));
    // The excursion (a dependency down: below the threshold) and the healthy level around it.
    expect(Math.min(...values)).toBeLessThan(threshold);
    expect(Math.max(...values)).toBeGreaterThanOrEqual(threshold);
    console.log(`e2e repository: dashboard ${page?.uid}, panel ${panel?.title}: ${drawn.length} series drawn, ${values.filter((v) => v < threshold).length} of ${values.length} points below the threshold ${threshold}`);
  }, 90_000);

  it('repository: 5 minutes with no alert but the watchdog (besides the scenario\'s own)', async () => {
    expect(await healthy).toEqual([]);
  }, HEALTHY_MS + GRACE_MS + 60_000);

  it('repository: vigil down leaves no process', async () => {
    expect(await downLeaves(repoCommand, repo)).toEqual([]);
    expect(existsSync(join(repo, '.vigil/stack.json'))).toBe(false);
  }, 60_000);

  it('a project made by `vigil init` from the packed packages: up --demo, targets, healthy, down', async () => {
    const result = await initProject;
    console.log(`e2e init project: ${result.targets} targets up ${result.upMs} ms after vigil up --demo --detach started`);
    expect(result.output).toMatch(/vigil up: ready with demo traffic/);
    expect(result.upMs).toBeLessThanOrEqual(60_000);
    expect(result.unhealthy).toEqual([]);
    expect(result.left).toEqual([]);
  }, 600_000);
});
