// Benchmarks the generated Grafana dashboards against a real Prometheus holding a week of data:
//  - synthesizes 7 days at 15 s resolution for every catalog metric a dashboard reads (the
//    scrape labels of its service, up to 3 label combinations per metric, 2 for histograms),
//    streams it as OpenMetrics and backfills it with `promtool tsdb create-blocks-from openmetrics`;
//  - starts Prometheus on that data with the generated rules and, per dashboard, fires every
//    panel's query at once as Grafana does over a 7-day range: range panels as query_range at
//    the panel's step (7d / its width in pixels, at least the scrape interval), stat, gauge,
//    bar gauge and table panels as one instant query; `$__rate_interval` as Grafana computes it;
//  - reports the wall time per dashboard (median of 3 runs) against the 5 s target (seeds/004),
//    with its slowest query. The SLO recording rules are backfilled too (evaluated every 15 min
//    over the week from the raw data), so SLO panels read a week of them.
// Usage: node scripts/bench-dashboards.mjs [--days 7] [--step 15] [--rule-step 900] [--all]
//   --all also times the generated per-service dashboards (more history to synthesize).
/* global fetch, setTimeout, URLSearchParams */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { generate } from '@vigil/compiler';
import { readDefinitionsDir } from '@vigil/cli';
import { parse as parseYaml } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const DAYS = arg('days', 7);
const STEP = arg('step', 15);
const TARGET_SECONDS = 5;
// promtool re-reads the whole input once per block window: one window of 486 h (its largest
// compatible size, 2 h x 3^5) covers the week in one or two passes instead of ten.
const BLOCK_HOURS = arg('block-hours', 486);
const ALL = process.argv.includes('--all');
const RANGE = DAYS * 86400;
/** Evaluation step of the backfilled SLO recording rules (0: no rule backfill). */
const RULE_STEP = arg('rule-step', 900);
const RUNS = 3;
/** Grafana's dashboard width in pixels on a 1920 px screen, for a panel's max data points. */
const DASHBOARD_PIXELS = 1850;

const result = generate(await readDefinitionsDir(join(root, 'definitions'), root));
if (!result.ok) throw new Error(JSON.stringify(result.issues));
const { model, outputs } = result.value;
const panelsOf = (board) => board.rows.flatMap((row) => row.panels);
// The dashboards of the definitions and the SLO overview; per-service ones with --all.
const boards = model.dashboards.filter((board) => ALL || board.origin.kind !== 'service');

// ---- synthetic week -----------------------------------------------------------------------
const used = model.metrics.filter((metric) =>
  boards.some((board) => panelsOf(board).some((panel) => panel.metric === metric.name || panel.queries.some((q) => q.expr.includes(metric.promName)))) ||
  model.slos.some((slo) => JSON.stringify(slo.sli).includes(`"name":"${metric.name}"`)),
);

function combos(metric, max) {
  let all = [{}];
  for (const label of metric.labels) {
    const values = label.allowedValues?.slice(0, 3) ?? ['a', 'b'];
    all = all.flatMap((combo) => values.map((value) => ({ ...combo, [label.name]: value }))).slice(0, max);
  }
  return all;
}
const labelText = (labels) => `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
const wave = (n, t) => 0.5 + 0.35 * Math.sin(t / 1800 + n * 1.3) + 0.1 * Math.sin(t / 300 + n);

async function writeHistory(path, end) {
  const out = createWriteStream(path);
  const write = async (text) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const start = end - DAYS * 86400;
  let n = 0;
  let samples = 0;
  for (const metric of used) {
    const service = model.services.find((s) => s.name === metric.service);
    const scrape = { job: service?.job ?? 'vigil', instance: service?.targets[0] ?? 'localhost:9464' };
    const family = metric.type === 'counter' ? metric.promName.replace(/_total$/, '') : metric.promName;
    const type = metric.type === 'updowncounter' ? 'gauge' : metric.type;
    await write(`# TYPE ${family} ${type}\n`);
    const series = combos(metric, metric.type === 'histogram' ? 2 : 3).map((labels) => ({ ...scrape, ...labels }));
    for (const labels of series) {
      n++;
      let lines = [];
      let total = 0;
      let count = 0;
      let sum = 0;
      const bounds = metric.buckets ?? [];
      const buckets = bounds.map(() => 0);
      const median = bounds[Math.floor(bounds.length / 2)] ?? 1;
      const ratio = metric.unit === '1' || /ratio|score/.test(metric.name);
      // Label text once per series, not per sample: the synthesis is string-bound.
      const own = labelText(labels);
      const bucketText = [...bounds.map(String), '+Inf'].map((le) => labelText({ ...labels, le }));
      for (let t = start; t <= end; t += STEP) {
        if (metric.type === 'counter') {
          total += STEP * (1 + 2 * wave(n, t));
          lines.push(`${family}_total${own} ${total.toFixed(2)} ${t}`);
        } else if (metric.type === 'histogram') {
          const observations = Math.round(STEP * (2 + 3 * wave(n, t)));
          const scale = median * (0.6 + 0.8 * wave(n + 7, t));
          bounds.forEach((le, i) => {
            buckets[i] += Math.round(observations * (1 - Math.exp(-le / scale)));
            lines.push(`${family}_bucket${bucketText[i]} ${buckets[i]} ${t}`);
          });
          count += observations;
          sum += observations * scale;
          lines.push(`${family}_bucket${bucketText[bounds.length]} ${count} ${t}`);
          lines.push(`${family}_count${own} ${count} ${t}`);
          lines.push(`${family}_sum${own} ${sum.toFixed(2)} ${t}`);
        } else {
          lines.push(`${family}${own} ${(wave(n, t) * (ratio ? 1 : 100)).toFixed(3)} ${t}`);
        }
        if (lines.length >= 20000) {
          samples += lines.length;
          await write(`${lines.join('\n')}\n`);
          lines = [];
        }
      }
      samples += lines.length;
      if (lines.length > 0) await write(`${lines.join('\n')}\n`);
    }
  }
  await write('# EOF\n');
  out.end();
  await once(out, 'finish');
  return { series: n, samples };
}

// ---- Prometheus ---------------------------------------------------------------------------
const freePort = () =>
  new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-dash-'));
let prometheus;
try {
  const end = Math.floor(Date.now() / 1000 / 60) * 60;
  let t0 = performance.now();
  const { series, samples } = await writeHistory(join(dir, 'history.om'), end);
  const synthSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const backfill = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', `--max-block-duration=${BLOCK_HOURS}h`, join(dir, 'history.om'), join(dir, 'data')], { encoding: 'utf8' });
  if (backfill.status !== 0) throw new Error(`promtool backfill failed: ${backfill.stderr}`);
  const backfillSeconds = (performance.now() - t0) / 1000;
  rmSync(join(dir, 'history.om'));
  mkdirSync(join(dir, 'rules'), { recursive: true });
  for (const output of outputs.filter((o) => o.path.startsWith('prometheus/rules/'))) {
    writeFileSync(join(dir, 'rules', output.path.slice('prometheus/rules/'.length)), output.content);
  }
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: ${STEP}s, evaluation_interval: 30s }\nrule_files: ["rules/*.yml"]\n`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const start = async () => {
    prometheus = spawn(
      'prometheus',
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=30d'],
      { stdio: 'ignore' },
    );
    for (let i = 0; ; i++) {
      if (i > 480) throw new Error('Prometheus did not become ready');
      try {
        if ((await fetch(`${url}/-/ready`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const stop = async () => {
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      await once(prometheus, 'exit');
    }
  };
  await start();
  console.log(
    `History: ${used.length} metrics, ${series} series, ${(samples / 1e6).toFixed(1)} M samples over ${DAYS} d at ${STEP} s` +
      ` (synthesized in ${synthSeconds.toFixed(1)} s, backfilled in ${backfillSeconds.toFixed(1)} s)`,
  );

  // SLO panels read recording rules. Their history is computed from the raw week through the
  // API (query_range of each rule's expression every RULE_STEP, as `promtool tsdb
  // create-blocks-from rules` does, which writes one 2 h block per rule and window: a thousand
  // blocks for a week) and backfilled as OpenMetrics in one block. Rules reading other rules
  // need those loaded first: three passes, one per layer, Prometheus restarted after each.
  if (RULE_STEP > 0) {
    t0 = performance.now();
    const generated = outputs
      .filter((o) => o.path.startsWith('prometheus/rules/'))
      .flatMap((o) => parseYaml(o.content).groups.flatMap((group) => group.rules))
      .filter((rule) => rule.record?.startsWith('slo:'));
    const layers = [
      (record) => record.startsWith('slo:sli_error:') || ['slo:objective:ratio', 'slo:error_budget:ratio', 'slo:time_period:days'].includes(record),
      (record) => record === 'slo:current_burn_rate:ratio' || record === 'slo:period_burn_rate:ratio',
      (record) => record === 'slo:period_error_budget_remaining:ratio',
    ];
    let recorded = 0;
    for (const [index, layer] of layers.entries()) {
      const families = new Map();
      for (const rule of generated.filter((candidate) => layer(candidate.record))) {
        const params = new URLSearchParams({ query: rule.expr, start: String(end - RANGE), end: String(end), step: String(RULE_STEP) });
        const body = await (await fetch(`${url}/api/v1/query_range`, { method: 'POST', body: params })).json();
        if (body.status !== 'success') throw new Error(`${rule.record}: ${body.error}`);
        const lines = families.get(rule.record) ?? [];
        for (const series of body.data.result) {
          const { __name__: _name, ...labels } = series.metric;
          const text = labelText({ ...labels, ...(rule.labels ?? {}) });
          for (const [t, value] of series.values) lines.push(`${rule.record}${text} ${value} ${t}`);
        }
        families.set(rule.record, lines);
      }
      const file = join(dir, `rules-${index}.om`);
      const text = [...families].map(([record, lines]) => `# TYPE ${record} gauge\n${lines.map((line) => `${line}\n`).join('')}`).join('');
      recorded += [...families.values()].reduce((total, lines) => total + lines.length, 0);
      writeFileSync(file, `${text}# EOF\n`);
      const output = join(dir, `rules-${index}`);
      const run = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', `--max-block-duration=${BLOCK_HOURS}h`, file, output], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`promtool rule backfill failed: ${run.stderr}`);
      await stop();
      for (const block of readdirSync(output)) renameSync(join(output, block), join(dir, 'data', block));
      await start();
    }
    console.log(
      `SLO recording rules: ${generated.length} rules, ${recorded} samples backfilled over ${DAYS} d every ${RULE_STEP} s in three passes (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  } else {
    console.log('SLO recording rules: no history (--rule-step 0); SLO panels read only what the rules recorded since start-up');
  }

  // ---- Grafana's arithmetic -----------------------------------------------------------------
  const NICE = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  const stepFor = (panel) => {
    const pixels = Math.round(((panel.gridPos?.w ?? 12) / 24) * DASHBOARD_PIXELS);
    const raw = Math.max(RANGE / pixels, STEP);
    return NICE.find((nice) => nice >= raw) ?? raw;
  };
  const substitute = (expr, interval) =>
    expr
      .replaceAll('$__rate_interval', `${Math.max(interval + STEP, 4 * STEP)}s`)
      .replaceAll('$__interval', `${interval}s`)
      .replaceAll('$__range', `${RANGE}s`)
      .replace(/\$\{?([A-Za-z_]\w*)\}?/g, '.*');

  const query = async (panel, q) => {
    const step = stepFor(panel);
    const expr = substitute(q.expr, step);
    const params = q.instant
      ? new URLSearchParams({ query: expr, time: String(end) })
      : new URLSearchParams({ query: expr, start: String(end - RANGE), end: String(end), step: String(step) });
    const started = performance.now();
    const response = await fetch(`${url}/api/v1/${q.instant ? 'query' : 'query_range'}`, { method: 'POST', body: params });
    const body = await response.json();
    const ms = performance.now() - started;
    if (body.status !== 'success') throw new Error(`${panel.title}: ${expr}: ${body.error}`);
    return { ms, title: panel.title, series: body.data.result.length };
  };

  const rows = [];
  for (const board of boards) {
    const queries = panelsOf(board).flatMap((panel) => panel.queries.map((q) => [panel, q]));
    const runs = [];
    let slowest;
    let seriesShown = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const timings = await Promise.all(queries.map(([panel, q]) => query(panel, q)));
      runs.push(performance.now() - started);
      seriesShown = timings.reduce((total, timing) => total + timing.series, 0);
      const worst = timings.reduce((a, b) => (b.ms > a.ms ? b : a));
      if (!slowest || worst.ms > slowest.ms) slowest = worst;
    }
    runs.sort((a, b) => a - b);
    const median = runs[Math.floor(runs.length / 2)];
    rows.push({ uid: board.uid, queries: queries.length, seriesShown, median, slowest });
  }

  console.log(`\nDashboards over ${DAYS} d, all panel queries fired together (median of ${RUNS}), target ${TARGET_SECONDS} s:`);
  console.log(`${'dashboard'.padEnd(32)} ${'queries'.padStart(7)} ${'series'.padStart(6)} ${'wall ms'.padStart(8)} ${'x target'.padStart(9)}  slowest query`);
  for (const row of rows) {
    console.log(
      `${row.uid.padEnd(32)} ${String(row.queries).padStart(7)} ${String(row.seriesShown).padStart(6)} ${row.median.toFixed(0).padStart(8)} ${(row.median / (TARGET_SECONDS * 1000)).toFixed(3).padStart(9)}  ${row.slowest.title} (${row.slowest.ms.toFixed(0)} ms, ${row.slowest.series} series)`,
    );
  }
  const over = rows.filter((row) => row.median > TARGET_SECONDS * 1000);
  console.log(over.length === 0 ? `\nEvery dashboard answers under ${TARGET_SECONDS} s.` : `\nOver ${TARGET_SECONDS} s: ${over.map((row) => row.uid).join(', ')}`);
  process.exitCode = over.length === 0 ? 0 : 1;
} finally {
  if (prometheus && prometheus.exitCode === null) {
    prometheus.kill('SIGTERM');
    await once(prometheus, 'exit');
  }
  rmSync(dir, { recursive: true, force: true });
}
