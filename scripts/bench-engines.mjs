// Benchmarks the two rule engines Vigil's outputs run on, with Debian's binaries on loopback:
//  - rule-evaluation cost per group: Prometheus (`/api/v1/rules` evaluationTime) and vmalert
//    against VictoriaMetrics (`vmalert_iteration_duration_seconds` sum/count), for the users'
//    definitions and for 1,000 synthetic alerts + 50 SLOs, each engine scraping the same
//    synthetic services (every catalog metric, its label values) every 5 s;
//  - per-series memory of each engine: resident memory before and after a load of `LOAD_SERIES`
//    gauges scraped every 5 s (Prometheus directly, VictoriaMetrics through vmagent).
// One table; figures vary with the machine (2 shared cores here): read the ratios.
/* global fetch, setTimeout */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generate } from '@vigil/compiler';
import { readDefinitionsDir } from '@vigil/cli';
import { synthetic } from './synthetic-definitions.mjs';

const root = resolve(import.meta.dirname, '..');
const LOAD_SERIES = Number(process.env.BENCH_LOAD_SERIES ?? 100_000);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 45_000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const binary of ['prometheus', 'victoria-metrics', 'vmalert', 'vmagent']) {
  if (spawnSync('sh', ['-c', `command -v ${binary}`]).status !== 0) {
    console.log(`bench-engines: ${binary} is missing (apt-get install prometheus victoria-metrics); skipped`);
    process.exit(process.env.CI === 'true' ? 1 : 0);
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts a binary, waits for `readyPath`, returns { url, pid, stop }. */
async function start(binary, args, port, readyPath) {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => (log = (log + chunk).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}${readyPath}`)).ok) return { url, pid: child.pid, stop };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await sleep(250);
  }
  await stop();
  throw new Error(`${binary} did not start:\n${log}`);
}

/** Resident memory of a process, in bytes. */
function rss(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** The synthetic definitions scripts/bench.mjs compiles, as sources, with no optional output. */
function syntheticSources(alerts, slos) {
  return [{ path: 'definitions/synthetic.json', text: JSON.stringify({ ...synthetic(alerts, slos), settings: { outputs: [] } }) }];
}

/** Prometheus text for one service's catalog metrics; values move with time. */
function exposition(model, serviceName, t) {
  const lines = [];
  let n = 0;
  for (const metric of model.metrics.filter((m) => m.service === serviceName)) {
    const values = metric.labels.map((label) => label.allowedValues?.slice(0, 4) ?? ['a', 'b']);
    const count = Math.max(1, ...values.map((v) => v.length));
    for (let i = 0; i < count; i++) {
      const labels = metric.labels.map((label, l) => `${label.name}="${values[l][i % values[l].length]}"`).join(',');
      const wave = 0.5 + 0.4 * Math.sin(t / 60 + n++);
      if (metric.type === 'counter') lines.push(`${metric.promName.replace(/_total$/, '')}_total{${labels}} ${Math.round(t * (1 + wave))}`);
      else if (metric.type === 'histogram') {
        const bounds = metric.buckets ?? [0.1, 0.5, 1];
        bounds.forEach((le, b) => lines.push(`${metric.promName}_bucket{${labels}${labels ? ',' : ''}le="${le}"} ${Math.round(t * (b + 1))}`));
        lines.push(`${metric.promName}_bucket{${labels}${labels ? ',' : ''}le="+Inf"} ${Math.round(t * (bounds.length + 1))}`);
        lines.push(`${metric.promName}_count{${labels}} ${Math.round(t * (bounds.length + 1))}`, `${metric.promName}_sum{${labels}} ${t}`);
      } else lines.push(`${metric.promName}{${labels}} ${wave.toFixed(4)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One HTTP server: `/svc/<service>` for the catalog, `/load` for the memory load. */
async function startTargets(getModel) {
  const load = Array.from({ length: LOAD_SERIES }, (_, i) => `bench_load{shard="${i % 100}",series="${i}"} `);
  const server = createServer((req, res) => {
    const t = Date.now() / 1000;
    if (req.url === '/load') {
      res.end(`${load.map((prefix, i) => prefix + ((i + Math.floor(t)) % 1000)).join('\n')}\n`);
      return;
    }
    const service = decodeURIComponent(req.url?.replace(/^\/svc\//, '') ?? '');
    res.end(exposition(getModel(), service, t));
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { port, close: () => new Promise((r) => server.close(r)) };
}

function scrapeConfig(model, targetsPort, withLoad) {
  const jobs = model.services.map((s) => `  - { job_name: "${s.job}", metrics_path: "/svc/${encodeURIComponent(s.name)}", static_configs: [{ targets: ["127.0.0.1:${targetsPort}"] }] }`);
  if (withLoad) jobs.push(`  - { job_name: load, metrics_path: /load, scrape_timeout: 4s, static_configs: [{ targets: ["127.0.0.1:${targetsPort}"] }] }`);
  return `global: { scrape_interval: 5s, evaluation_interval: 5s }\nrule_files: ["rules/*.yml"]\nscrape_configs:\n${jobs.join('\n')}\n`;
}

/** Runs both engines on one rule set; returns per-group evaluation seconds for each. */
async function ruleCost(label, sources, targets, setModel) {
  const result = generate(sources);
  if (!result.ok) throw new Error(`${label}: ${JSON.stringify(result.issues.slice(0, 3))}`);
  const { model, outputs } = result.value;
  setModel(model);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-engines-'));
  const ruleFiles = outputs.filter((o) => o.path.startsWith('prometheus/rules/'));
  spawnSync('mkdir', ['-p', join(dir, 'rules')]);
  for (const file of ruleFiles) writeFileSync(join(dir, 'rules', file.path.split('/').at(-1)), file.content);
  writeFileSync(join(dir, 'prometheus.yml'), scrapeConfig(model, targets.port, false));
  const [pPort, vPort, aPort, rPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const prometheus = await start('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'p')}`, `--web.listen-address=127.0.0.1:${pPort}`], pPort, '/-/ready');
  const victoria = await start('victoria-metrics', [`-httpListenAddr=127.0.0.1:${vPort}`, `-storageDataPath=${join(dir, 'v')}`, '-search.minStalenessInterval=5m', '-loggerLevel=ERROR'], vPort, '/health');
  const vmagent = await start('vmagent', [`-httpListenAddr=127.0.0.1:${aPort}`, `-promscrape.config=${join(dir, 'prometheus.yml')}`, '-promscrape.config.strictParse=false', `-remoteWrite.url=${victoria.url}/api/v1/write`, `-remoteWrite.tmpDataPath=${join(dir, 'q')}`, '-loggerLevel=ERROR'], aPort, '/health');
  const vmalert = await start(
    'vmalert',
    [...ruleFiles.map((f) => `-rule=${join(dir, 'rules', f.path.split('/').at(-1))}`), `-datasource.url=${victoria.url}`, `-remoteWrite.url=${victoria.url}`, '-evaluationInterval=5s', `-notifier.url=http://127.0.0.1:${await freePort()}`, `-httpListenAddr=127.0.0.1:${rPort}`, '-loggerLevel=ERROR'],
    rPort,
    '/health',
  );
  try {
    await sleep(SETTLE_MS);
    const samples = [];
    for (let i = 0; i < 5; i++) {
      const body = await (await fetch(`${prometheus.url}/api/v1/rules`)).json();
      samples.push(Object.fromEntries(body.data.groups.map((g) => [g.name, g.evaluationTime])));
      await sleep(5000);
    }
    const promGroups = Object.keys(samples[0]).map((name) => samples.reduce((s, x) => s + (x[name] ?? 0), 0) / samples.length);
    const metricsText = await (await fetch(`${vmalert.url}/metrics`)).text();
    const sums = new Map();
    const counts = new Map();
    for (const line of metricsText.split('\n')) {
      const m = /^vmalert_iteration_duration_seconds_(sum|count)\{.*group="([^"]+)".*\} (\S+)$/.exec(line);
      if (m) (m[1] === 'sum' ? sums : counts).set(m[2], Number(m[3]));
    }
    const vmGroups = [...sums.keys()].map((g) => sums.get(g) / Math.max(1, counts.get(g) ?? 1));
    const rules = ruleFiles.reduce((n, f) => n + (f.content.match(/^\s+- (alert|record):/gm)?.length ?? 0), 0);
    return { label, groups: promGroups.length, rules, prometheus: promGroups, vmalert: vmGroups };
  } finally {
    await vmalert.stop();
    await vmagent.stop();
    await victoria.stop();
    await prometheus.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Resident memory per series: RSS after the load minus RSS before, over the series count. */
async function seriesMemory(targets, model) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-mem-'));
  writeFileSync(join(dir, 'base.yml'), scrapeConfig(model, targets.port, false).replace('rule_files: ["rules/*.yml"]\n', ''));
  writeFileSync(join(dir, 'load.yml'), `global: { scrape_interval: 5s }\nscrape_configs:\n  - { job_name: load, metrics_path: /load, scrape_timeout: 4s, static_configs: [{ targets: ["127.0.0.1:${targets.port}"] }] }\n`);
  const [pPort, vPort, aPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const prometheus = await start('prometheus', [`--config.file=${join(dir, 'load.yml')}`, `--storage.tsdb.path=${join(dir, 'p')}`, `--web.listen-address=127.0.0.1:${pPort}`], pPort, '/-/ready');
  const victoria = await start('victoria-metrics', [`-httpListenAddr=127.0.0.1:${vPort}`, `-storageDataPath=${join(dir, 'v')}`, '-search.latencyOffset=0s', '-loggerLevel=ERROR'], vPort, '/health');
  const idle = { prometheus: rss(prometheus.pid), victoria: rss(victoria.pid) };
  const vmagent = await start('vmagent', [`-httpListenAddr=127.0.0.1:${aPort}`, `-promscrape.config=${join(dir, 'load.yml')}`, `-remoteWrite.url=${victoria.url}/api/v1/write`, `-remoteWrite.tmpDataPath=${join(dir, 'q')}`, '-loggerLevel=ERROR'], aPort, '/health');
  try {
    await sleep(SETTLE_MS);
    const loaded = { prometheus: rss(prometheus.pid), victoria: rss(victoria.pid), vmagent: rss(vmagent.pid) };
    await fetch(`${victoria.url}/internal/force_flush`);
    const count = async (url) => Number((await (await fetch(`${url}/api/v1/query?query=count(bench_load)`)).json()).data.result[0]?.value[1] ?? 0);
    return { idle, loaded, series: { prometheus: await count(prometheus.url), victoria: await count(victoria.url) } };
  } finally {
    await vmagent.stop();
    await victoria.stop();
    await prometheus.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (s) => `${(s * 1000).toFixed(2)} ms`;
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
const sum = (list) => list.reduce((a, b) => a + b, 0);

let model;
const targets = await startTargets(() => model);
try {
  const users = await ruleCost('users\' definitions', await readDefinitionsDir(join(root, 'definitions'), root), targets, (m) => (model = m));
  const usersModel = model;
  const synthetic1000 = await ruleCost('1,000 alerts + 50 SLOs', syntheticSources(1000, 50), targets, (m) => (model = m));
  console.log('\nRule evaluation per group (Prometheus: mean of 5 reads of /api/v1/rules evaluationTime; vmalert: iteration duration sum/count)');
  console.log('| rule set | groups | rules | engine | median per group | slowest group | all groups, one round |');
  console.log('|---|---:|---:|---|---:|---:|---:|');
  for (const r of [users, synthetic1000]) {
    for (const [engine, list] of [['Prometheus 2.42', r.prometheus], ['vmalert 1.79 + VictoriaMetrics', r.vmalert]]) {
      console.log(`| ${r.label} | ${r.groups} | ${r.rules} | ${engine} | ${ms(median(list))} | ${ms(Math.max(...list))} | ${ms(sum(list))} |`);
    }
  }
  model = usersModel;
  const memory = await seriesMemory(targets, model);
  console.log(`\nMemory under a load of ${LOAD_SERIES.toLocaleString('en')} active series, scraped every 5 s for ${SETTLE_MS / 1000} s`);
  console.log('| engine | series stored | RSS idle | RSS loaded | bytes per series |');
  console.log('|---|---:|---:|---:|---:|');
  const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  for (const engine of ['prometheus', 'victoria']) {
    const per = (memory.loaded[engine] - memory.idle[engine]) / Math.max(1, memory.series[engine]);
    console.log(`| ${engine === 'prometheus' ? 'Prometheus 2.42' : 'VictoriaMetrics 1.79'} | ${memory.series[engine].toLocaleString('en')} | ${mib(memory.idle[engine])} | ${mib(memory.loaded[engine])} | ${per.toFixed(0)} |`);
  }
  console.log(`| vmagent (the scraper in front of VictoriaMetrics) | | | ${mib(memory.loaded.vmagent)} | ${(memory.loaded.vmagent / LOAD_SERIES).toFixed(0)} |`);
} finally {
  await targets.close();
}
