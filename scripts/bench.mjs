// Benchmarks `vigil generate`, all in one run, reported as one table:
//  - in-process generate() on the repository's definitions (read from disk), median of 7;
//  - in-process generate() on synthetic definitions of 1,000 / 2,000 / 5,000 / 10,000 alerts of
//    every condition kind + 50 SLOs, with the time per alert (flat = linear growth);
//  - wall-clock of the CLI `vigil generate --root DIR` on 1,000 alerts + 50 SLOs (Node start-up
//    included) into an empty directory, against the 1 s target, with its peers measured
//    interleaved in the same run: the same over current outputs, the unbundled CLI, bare
//    `node -e ""` and the CLI's start-up alone. These machines are noisy: read the ratios.
//  - Vigil's YAML emitter against `yaml.stringify`, and the two YAML parsers definitions go through.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generate, toYaml } from '@vigil/compiler';
import { readDefinitionsDir } from '@vigil/cli';
import { synthetic } from './synthetic-definitions.mjs';
import { fastValue } from '../packages/compiler/dist/spec/load.js';
import { LineCounter, parseDocument, stringify } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/cli/dist/bundle/vigil.mjs');
const unbundledCli = join(root, 'packages/cli/dist/bin.js');

/** Synthetic definitions: `alerts` alerts of every kind and `slos` SLOs over 10 services. */


const stats = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
};

function time(fn, runs) {
  fn(); // warm-up: JIT, caches
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

function compileOnce(sources) {
  const result = generate(sources);
  if (!result.ok) throw new Error(JSON.stringify(result.issues.slice(0, 3)));
  return result.value;
}

const started = performance.now();
const rows = [];
const row = (name, s, extra = {}) => rows.push({ name, ...s, ...extra });

// (i) the repository's definitions, read from disk as the CLI does.
const seeds = await readDefinitionsDir(join(root, 'definitions'), root);
const seedAlerts = compileOnce(seeds).coverage.length;
row(`repo definitions (${seeds.length} files, ${seedAlerts} alerts incl. meta)`, time(() => compileOnce(seeds), 7), { alerts: seedAlerts });

// (ii) synthetic definitions of growing size.
const sizes = [1000, 2000, 5000, 10000];
const perAlert = new Map();
for (const alerts of sizes) {
  const sources = [{ path: 'definitions/synthetic.yaml', text: stringify(synthetic(alerts, 50)) }];
  const s = time(() => compileOnce(sources), alerts >= 5000 ? 3 : 5);
  perAlert.set(alerts, s.median / alerts);
  row(`synthetic ${alerts.toLocaleString('en')} alerts + 50 SLOs`, s, { alerts });
}

// (iii) CLI wall-clock against its peers, interleaved so that load spikes hit all of them:
//  - `fresh`: the shipped (bundled) CLI into an empty directory, default outputs: the target;
//  - `everything`: the same with every output on (Datadog monitors and dashboards too);
//  - `again`: the same CLI over its own outputs, nothing changed, nothing rewritten;
//  - `unbundled`: the same code run from tsc's output, module by module (why the CLI ships bundled);
//  - `bare` node, and `help`: the bundled CLI's start-up alone (`vigil --help`).
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
const cliStats = {};
try {
  mkdirSync(join(dir, 'definitions'));
  writeFileSync(join(dir, 'definitions/synthetic.yaml'), stringify(synthetic(1000, 50)));
  // The same with every output on: Datadog monitors and dashboards too.
  mkdirSync(join(dir, 'definitions-all'));
  writeFileSync(join(dir, 'definitions-all/synthetic.yaml'), stringify({ ...synthetic(1000, 50), settings: { outputs: ['alertmanager', 'grafana', 'html', 'datadog'] } }));
  const fresh = (name, definitions = 'definitions') => {
    const target = join(dir, `fresh-${name}`);
    mkdirSync(target);
    symlinkSync(join(dir, definitions), join(target, 'definitions'));
    return target;
  };
  const commands = {
    fresh: (i) => [cli, 'generate', '--root', fresh(i)],
    everything: (i) => [cli, 'generate', '--root', fresh(`all${i}`, 'definitions-all')],
    again: () => [cli, 'generate', '--root', dir],
    unbundled: (i) => [unbundledCli, 'generate', '--root', fresh(`u${i}`)],
    bare: () => ['-e', ''],
    help: () => [cli, '--help'],
  };
  const samples = Object.fromEntries(Object.keys(commands).map((key) => [key, []]));
  const runs = 7;
  for (let i = 0; i <= runs; i++) {
    for (const [key, args] of Object.entries(commands)) {
      const start = performance.now();
      const run = spawnSync(process.execPath, args(i), { encoding: 'utf8' });
      const ms = performance.now() - start;
      if (run.status !== 0) throw new Error(`${key}: exit ${run.status}\n${run.stdout}${run.stderr}`);
      if (i > 0) samples[key].push(ms); // the first round warms the file cache
    }
  }
  for (const key of Object.keys(commands)) cliStats[key] = stats(samples[key]);
  row('CLI `vigil generate`, 1,000 alerts + 50 SLOs, empty dir (wall)', cliStats.fresh, { alerts: 1000 });
  row('  same, every output (Datadog too), empty dir (wall)', cliStats.everything, { alerts: 1000 });
  row('  same, outputs already current (wall)', cliStats.again, { alerts: 1000 });
  row('  same, unbundled (tsc output, wall)', cliStats.unbundled, { alerts: 1000 });
  row('bare `node -e ""` (wall)', cliStats.bare);
  row('`vigil --help`: start-up of the bundled CLI (wall)', cliStats.help);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// YAML parser comparison (why definitions are read by js-yaml first, see spec/load.ts).
const syntheticText = stringify(synthetic(1000, 50));
const yamlParse = time(() => parseDocument(syntheticText, { lineCounter: new LineCounter(), uniqueKeys: true }).toJS(), 5);
const fastParse = time(() => fastValue(syntheticText), 5);
row('read 1,000 alerts of YAML: yaml parseDocument + toJS', yamlParse);
row('read 1,000 alerts of YAML: fast path (js-yaml)', fastParse);

// YAML emitter comparison (why generated files are written by Vigil's own emitter).
const data = synthetic(5000, 50);
const library = time(() => stringify(data, { lineWidth: 0 }), 3);
const own = time(() => toYaml(data), 3);
row('YAML of 5,000 alerts: yaml.stringify', library);
row('YAML of 5,000 alerts: Vigil toYaml', own);

const fmt = (ms) => (ms >= 10000 ? ms.toFixed(0) : ms.toFixed(1));
const header = ['case', 'median ms', 'min ms', 'max ms', 'runs', 'us/alert'];
const table = rows.map((r) => [
  r.name,
  fmt(r.median),
  fmt(r.min),
  fmt(r.max),
  String(r.n),
  r.alerts ? ((r.median * 1000) / r.alerts).toFixed(0) : '',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
console.log(`\nVigil benchmark (node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)})\n`);
console.log(line(header));
console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const t of table) console.log(line(t));

const base = perAlert.get(1000);
console.log('\nGrowth (time per alert relative to 1,000 alerts; 1.00 is linear):');
console.log(`  ${sizes.map((n) => `${n.toLocaleString('en')}: ${(perAlert.get(n) / base).toFixed(2)}`).join('   ')}`);
const worst = Math.max(...sizes.map((n) => perAlert.get(n) / base));
console.log(`  linear within 1.5x: ${worst <= 1.5 ? 'yes' : 'NO'}`);

console.log('\nRatios (same run):');
console.log(`  CLI (empty dir) / bare node:         ${(cliStats.fresh.median / cliStats.bare.median).toFixed(1)}x`);
console.log(`  CLI every output / default outputs:  ${(cliStats.everything.median / cliStats.fresh.median).toFixed(2)}x`);
console.log(`  CLI unbundled / bundled:             ${(cliStats.unbundled.median / cliStats.fresh.median).toFixed(2)}x`);
console.log(`  CLI outputs current / empty dir:     ${(cliStats.again.median / cliStats.fresh.median).toFixed(2)}x`);
console.log(`  start-up (--help) share of the CLI:  ${((100 * cliStats.help.median) / cliStats.fresh.median).toFixed(0)}%`);
console.log(`  yaml parseDocument / js-yaml:        ${(yamlParse.median / fastParse.median).toFixed(1)}x`);
console.log(`  yaml.stringify / Vigil toYaml:       ${(library.median / own.median).toFixed(1)}x`);
const target = cliStats.fresh.median;
console.log(`\n${target < 1000 ? 'PASS' : 'FAIL'}: vigil generate on 1,000 alerts + 50 SLOs into an empty directory takes ${fmt(target)} ms wall-clock (median of ${cliStats.fresh.n}, min ${fmt(cliStats.fresh.min)}), target < 1000 ms; with every output ${fmt(cliStats.everything.median)} ms`);
console.log(`(bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
