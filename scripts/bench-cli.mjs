// Times the autopilot's read-only commands as a user runs them: whole `vigil` processes
// (start-up included) on this repository's definitions, in a scratch copy so no state file is
// left behind, against `vigil --help` (start-up alone) measured in the same run. The target is
// under a second each; these machines are noisy: read the median and the spread (farm-bench
// gives CPU time too).
// Run after `npm run build`: node scripts/bench-cli.mjs [runs]
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const repo = resolve(import.meta.dirname, '..');
const vigil = join(repo, 'packages/cli/dist/bundle/vigil.mjs');
const runs = Number(process.argv[2] ?? 7);
const root = await mkdtemp(join(tmpdir(), 'vigil-bench-cli-'));

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall-clock milliseconds of one whole process. */
function once(args, expectedStatus = 0) {
  const start = performance.now();
  const result = spawnSync(process.execPath, [vigil, '--root', root, ...args], { encoding: 'utf8' });
  const wall = performance.now() - start;
  if (result.status !== expectedStatus) throw new Error(`vigil ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { wall };
}

try {
  await cp(join(repo, 'definitions'), join(root, 'definitions'), { recursive: true });
  await cp(join(repo, 'examples/vvtv/business_logic.yaml'), join(root, 'examples/vvtv/business_logic.yaml'));
  const cases = [
    ['vigil --help (start-up alone)', ['--help']],
    ['vigil autopilot status', ['autopilot', 'status']],
    ['vigil autopilot status --json', ['autopilot', 'status', '--json']],
    ['vigil autopilot history', ['autopilot', 'history']],
    ['vigil autopilot history --json', ['autopilot', 'history', '--json']],
    // A scratch project has no cycle: explain loads and opens all the same, then exits 64 (usage).
    ['vigil autopilot explain (no such cycle, exit 64)', ['autopilot', 'explain', 'cycle-none'], 64],
  ];
  for (const [, args, status] of cases) once(args, status); // warm-up: Node's compile cache, the state file
  console.log(`| command (${runs} runs, whole process) | median wall | min | max |`);
  console.log('|---|---|---|---|');
  for (const [name, args, status] of cases) {
    const walls = Array.from({ length: runs }, () => once(args, status).wall);
    console.log(`| ${name} | ${median(walls).toFixed(0)} ms | ${Math.min(...walls).toFixed(0)} ms | ${Math.max(...walls).toFixed(0)} ms |`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
