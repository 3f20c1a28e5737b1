// Benchmarks `vigil up`: the time from starting `vigil up --detach` to the first successful
// scrape of every target (Prometheus's /api/v1/targets: every active target "up"), per project:
//  - a project made by `vigil init`, and a copy of this repository's definitions;
//  - two modes: each service job served by a tiny /metrics endpoint whose file_sd file is written
//    before `vigil up`, and `vigil up --demo` (the demo's simulated services, as `npm start` runs);
//  - reports median, min and max of a few runs for: the command returning (Prometheus and
//    Alertmanager ready), every target scraped, and `vigil down`.
// The scrape time is bounded by the generated scrape interval: Prometheus spreads a new target's
// first scrape over one interval (30 s in both projects), so it is far from the ready time.
// Usage: node scripts/bench-up.mjs [--runs 3] [--demo | --no-demo] (both modes by default)
/* global fetch, setTimeout */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';

const root = resolve(import.meta.dirname, '..');
const vigilBin = join(root, 'packages/cli/dist/bundle/vigil.mjs');
const runsIndex = process.argv.indexOf('--runs');
const RUNS = runsIndex >= 0 ? Number(process.argv[runsIndex + 1]) : 3;
const MODES = process.argv.includes('--demo') ? [true] : process.argv.includes('--no-demo') ? [false] : [false, true];

function vigil(cwd, args) {
  const result = spawnSync(process.execPath, [vigilBin, ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vigil ${args.join(' ')} exited ${result.status}\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One /metrics endpoint per job, on a free port. */
async function serveJobs(jobs) {
  return Promise.all(
    jobs.map(async (job) => {
      const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`# TYPE bench_probe gauge\nbench_probe{job_hint="${job}"} 1\n`));
      await new Promise((done) => server.listen(0, '127.0.0.1', done));
      return { job, port: server.address().port, close: () => new Promise((done) => server.close(done)) };
    }),
  );
}

/** The service jobs of the project, as the generated prometheus.yml names them (not `prometheus`). */
function serviceJobs(projectRoot) {
  const text = readFileSync(join(projectRoot, 'prometheus/prometheus.yml'), 'utf8');
  return [...text.matchAll(/job_name: (\S+)/g)].map((m) => m[1]).filter((job) => job !== 'prometheus');
}

async function oneRun(name, prepare, demo) {
  const dir = mkdtempSync(join(tmpdir(), `vigil-bench-up-${name}-`));
  prepare(dir);
  // Generated once beforehand so the job list is known; `vigil up` generates again (unchanged).
  vigil(dir, ['generate']);
  const jobs = serviceJobs(dir);
  const endpoints = demo ? [] : await serveJobs(jobs);
  mkdirSync(join(dir, '.vigil/targets'), { recursive: true });
  for (const { job, port } of endpoints) writeFileSync(join(dir, '.vigil/targets', `${job}.json`), JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: {} }]));
  try {
    const start = performance.now();
    vigil(dir, ['up', '--detach', ...(demo ? ['--demo'] : [])]);
    const ready = performance.now() - start;
    const stack = JSON.parse(readFileSync(join(dir, '.vigil/stack.json'), 'utf8'));
    let scraped;
    const deadline = start + 180_000;
    while (performance.now() < deadline) {
      const targets = await (await fetch(`${stack.urls.prometheus}/api/v1/targets?state=active`)).json();
      const active = targets.data.activeTargets;
      if (active.length >= jobs.length + 1 && active.every((t) => t.health === 'up')) {
        scraped = performance.now() - start;
        break;
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    if (scraped === undefined) throw new Error(`${name}: not every target up within 180 s`);
    const downStart = performance.now();
    vigil(dir, ['down']);
    const down = performance.now() - downStart;
    return { ready, scraped, down, targets: jobs.length + 1 };
  } finally {
    spawnSync(process.execPath, [vigilBin, 'down'], { cwd: dir });
    await Promise.all(endpoints.map((e) => e.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}

const projects = [
  ['vigil init project', (dir) => vigil(dir, ['init', '--service', 'shop'])],
  ['this repository', (dir) => cpSync(join(root, 'definitions'), join(dir, 'definitions'), { recursive: true })],
];

console.log(`vigil up benchmark (node ${process.version}, ${RUNS} runs each; seconds)`);
console.log('| project | mode | targets | up --detach returns (median / min / max) | every target scraped (median / min / max) | down (median) |');
console.log('| --- | --- | ---: | --- | --- | ---: |');
for (const demo of MODES) {
  for (const [name, prepare] of projects) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await oneRun(name.replaceAll(' ', '-'), prepare, demo));
    const stat = (key) => {
      const values = runs.map((r) => r[key] / 1000);
      return `${median(values).toFixed(2)} / ${Math.min(...values).toFixed(2)} / ${Math.max(...values).toFixed(2)}`;
    };
    const mode = demo ? 'vigil up --demo' : 'one /metrics endpoint per job';
    console.log(`| ${name} | ${mode} | ${runs[0].targets} | ${stat('ready')} | ${stat('scraped')} | ${median(runs.map((r) => r.down / 1000)).toFixed(2)} |`);
  }
}
