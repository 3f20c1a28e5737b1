// Benchmarks `vigil generate`: in-process compile time for the users' definitions and for
// synthetic definitions of growing size (linear growth), and the CLI's wall-clock including
// Node start-up against the 1 s target, with bare Node start-up measured in the same run as
// the peer (these machines are noisy: read the ratios).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generate, readDefinitionsDir, toYaml } from '@vigil/rules-generator';
import { stringify } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/rules-generator/dist/cli/main.js');

/** Synthetic definitions: `alerts` alerts of every kind and `slos` SLOs over 10 services. */
function synthetic(alerts, slos) {
  const services = Array.from({ length: 10 }, (_, i) => ({ name: `svc-${i}`, team: `team-${i % 3}`, targets: [`localhost:${9400 + i}`] }));
  const metrics = services.flatMap((s, i) => [
    { name: `m${i}_gauge`, type: 'gauge', description: 'g', service: s.name, labels: { region: { values: ['eu', 'us'] } } },
    { name: `m${i}_events`, type: 'counter', description: 'c', service: s.name, labels: { region: { values: ['eu', 'us'] } } },
    { name: `m${i}_errors`, type: 'counter', description: 'e', service: s.name, labels: { region: { values: ['eu', 'us'] } } },
    { name: `m${i}_latency`, type: 'histogram', description: 'h', service: s.name, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5] },
    { name: `m${i}_last_success`, type: 'gauge', description: 't', service: s.name },
  ]);
  const conditions = [
    (i) => ({ kind: 'threshold', metric: `m${i}_gauge`, above: 0.9, for: '10m' }),
    (i) => ({ kind: 'threshold', metric: `m${i}_latency`, quantile: 0.95, above: 0.3, for: '5m' }),
    (i) => ({ kind: 'ratio', numerator: { metric: `m${i}_errors` }, denominator: { metric: `m${i}_events` }, above: 0.05, for: '5m' }),
    (i) => ({ kind: 'rate_of_change', metric: `m${i}_gauge`, window: '1h', rising: 0.5 }),
    (i) => ({ kind: 'anomaly', metric: `m${i}_gauge`, window: '1d', for: '5m' }),
    (i) => ({ kind: 'forecast', metric: `m${i}_gauge`, window: '6h', horizon: '4h', above: 0.95, for: '15m' }),
    (i) => ({ kind: 'staleness', metric: `m${i}_last_success`, older_than: '26h' }),
    (i) => ({ kind: 'absence', metric: `m${i}_gauge`, for: '10m' }),
  ];
  return {
    apiVersion: 'vigil.dev/v1',
    services,
    metrics,
    alerts: Array.from({ length: alerts }, (_, n) => {
      const i = n % 10;
      const condition = conditions[n % conditions.length](i);
      return {
        name: `Synthetic${n}`,
        severity: n % 5 === 0 ? 'critical' : 'warning',
        summary: 'value {{ $value | humanize }} on {{ $labels.region }}',
        runbook: 'https://runbooks.example/synthetic',
        ...(n % 7 === 0 && n % 5 !== 0 ? { escalate_after: '1h' } : {}),
        ...(condition.kind === 'absence' || condition.metric?.includes('latency') || condition.metric?.includes('last') ? {} : { by: ['region'] }),
        condition,
      };
    }),
    slos: Array.from({ length: slos }, (_, n) => ({
      name: `slo-${n}`,
      service: `svc-${n % 10}`,
      objective: 99.9,
      sli: n % 2 === 0
        ? { events: { bad: { metric: `m${n % 10}_errors` }, total: { metric: `m${n % 10}_events` } } }
        : { latency: { metric: `m${n % 10}_latency`, threshold: 0.5 } },
    })),
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function compileOnce(sources) {
  const result = generate(sources);
  if (!result.ok) throw new Error(JSON.stringify(result.issues.slice(0, 3)));
  return result.value;
}

const rows = [];
const seeds = await readDefinitionsDir(join(root, 'definitions'), root);
const seedAlerts = compileOnce(seeds).coverage.length;
rows.push({ case: `users' definitions (${seedAlerts} alerts incl. meta)`, ms: time(() => compileOnce(seeds), 7), alerts: seedAlerts });
for (const alerts of [1000, 2000, 5000, 10000]) {
  const text = stringify(synthetic(alerts, 50));
  const sources = [{ path: 'definitions/synthetic.yaml', text }];
  rows.push({ case: `${alerts} alerts + 50 SLOs`, ms: time(() => compileOnce(sources), alerts >= 5000 ? 3 : 5), alerts });
}

console.log('\nIn-process generate() (median):');
console.log('case'.padEnd(44), 'ms'.padStart(9), 'us/alert'.padStart(10));
for (const row of rows) console.log(row.case.padEnd(44), row.ms.toFixed(1).padStart(9), ((row.ms * 1000) / row.alerts).toFixed(1).padStart(10));
const perAlert = rows.slice(1).map((r) => r.ms / r.alerts);
console.log(`growth: time per alert at 10,000 / at 1,000 = ${(perAlert[3] / perAlert[0]).toFixed(2)} (1.00 is linear)`);

// Why generated YAML is written by Vigil's own emitter: the same data through both.
{
  const data = synthetic(5000, 50);
  const library = time(() => stringify(data, { lineWidth: 0 }), 3);
  const own = time(() => toYaml(data), 3);
  console.log(`\nYAML of 5,000 alerts: yaml.stringify ${library.toFixed(0)} ms, Vigil toYaml ${own.toFixed(0)} ms (${(library / own).toFixed(1)}x faster)`);
}

// Wall-clock of the CLI, Node start-up included, against bare Node start-up in the same run.
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
try {
  mkdirSync(join(dir, 'definitions'));
  writeFileSync(join(dir, 'definitions/synthetic.yaml'), stringify(synthetic(1000, 50)));
  const wall = (args) =>
    time(() => {
      const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(run.stderr);
    }, 5);
  const bare = wall(['-e', '']);
  const cliMs = wall([cli, '--root', dir, 'generate']);
  console.log('\nCLI wall-clock, 1,000 alerts + 50 SLOs (median of 5):');
  console.log(`  vigil generate: ${cliMs.toFixed(0)} ms; bare node -e "": ${bare.toFixed(0)} ms; ratio ${(cliMs / bare).toFixed(1)}x`);
  console.log(`  target < 1000 ms: ${cliMs < 1000 ? 'PASS' : 'FAIL'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
