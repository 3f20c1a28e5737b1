// The hostile-definitions corpus (testdata/fuzz/make-corpus.mjs: malformed YAML, alias bombs,
// huge windows and durations, long names, template and PromQL text, NUL and invalid UTF-8,
// secrets in URLs, huge numbers, odd structure and paths; plus the size limits, made here) run
// through the bundled CLI as child processes with a 256 MB heap and a time limit each. Every case
// ends in exit 0 with outputs `promtool check rules` and `amtool check-config` accept (JSON parses), or exit 2 with a located
// `file:line:column` error and nothing written; never a stack trace, an out-of-memory or a timeout.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../../../test/support/binaries.js';
import { EXIT } from './exit-codes.js';

const CLI = join(import.meta.dirname, '../dist/bundle/vigil.mjs');
const MAKE_CORPUS = join(import.meta.dirname, 'testdata/fuzz/make-corpus.mjs');
const BASIC = join(import.meta.dirname, 'testdata/in-basic/definitions/app.yaml');
const HEAP_MB = 256;
const TIME_LIMIT_MS = 30_000;
const PARALLEL = 4;
/** Records the child's peak resident memory (KiB) when it exits, whatever the exit. */
const RSS_HOOK = `data:text/javascript,${encodeURIComponent('import { appendFileSync } from "node:fs"; process.on("exit", () => appendFileSync(process.env.VIGIL_FUZZ_RSS_FILE, `${process.resourceUsage().maxRSS}\\n`));')}`;

interface Outcome {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
  rssKiB: number;
}

let scratch: string;
let corpus: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'vigil-fuzz-'));
  corpus = join(scratch, 'corpus');
  const made = spawnSync(process.execPath, [MAKE_CORPUS, corpus], { encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  // The size limits, made here rather than kept: 600 files, one file over 1 MiB, 5 MiB in all.
  const basic = await readFile(BASIC, 'utf8');
  const many = join(corpus, 'limit-too-many-files');
  await mkdir(many);
  await writeFile(join(many, 'app.yaml'), basic);
  for (let i = 0; i < 600; i++) await writeFile(join(many, `x${i}.yaml`), 'apiVersion: vigil.dev/v1\n');
  await writeFile(join(corpus, 'limit-file-over-1mib.yaml'), basic.replace('summary: "Queue depth {{ $value }} above 100"', `summary: "${'x'.repeat(1_100_000)}"`));
  const total = join(corpus, 'limit-total-over-4mib');
  await mkdir(total);
  await writeFile(join(total, 'app.yaml'), basic);
  for (let i = 0; i < 5; i++) await writeFile(join(total, `pad${i}.yaml`), `apiVersion: vigil.dev/v1\n# ${'p'.repeat(1_000_000)}\n`);
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Runs `vigil generate` on one case in its own project, with the heap cap and the time limit. */
async function runCase(name: string): Promise<Outcome> {
  const root = join(scratch, 'projects', name);
  const definitions = join(root, 'definitions');
  await mkdir(definitions, { recursive: true });
  const source = join(corpus, name);
  if ((await stat(source)).isDirectory()) {
    for (const file of await readdir(source)) await writeFile(join(definitions, file), await readFile(join(source, file)));
  } else await writeFile(join(definitions, 'app.yaml'), await readFile(source));
  const rssFile = join(scratch, 'rss', `${name}.txt`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', RSS_HOOK, CLI, '--root', root, 'generate'], {
      env: { ...process.env, VIGIL_FUZZ_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: TIME_LIMIT_MS,
      killSignal: 'SIGKILL',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const ms = Date.now() - started;
      void readFile(rssFile, 'utf8')
        .catch(() => '0')
        .then((text) => resolve({ name, code, signal, stderr, ms, rssKiB: Number(text.trim()) }));
    });
  });
}

/** Runs `task` over `items`, `parallel` at a time. */
async function pool<T, R>(items: readonly T[], parallel: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i] as T);
      }
    }),
  );
  return results;
}

/** Every file under `dir`, relative to it. */
async function files(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

const LOCATED = /(^|\n)definitions(\/[^\n:]+)?:\d+:\d+: \S/;
const STACK = /\n\s+at .+[:(]\d+:\d+\)?|\b(TypeError|RangeError|ReferenceError|SyntaxError): |FATAL ERROR|heap out of memory/;

describe.skipIf(missingBinaries('promtool', 'amtool') !== undefined)('the hostile-definitions corpus through the bundled CLI', () => {
  it(`every case: exit 0 with valid outputs or exit 2 located with nothing written (heap ${HEAP_MB} MB, ${TIME_LIMIT_MS / 1000} s each)`, async () => {
    await mkdir(join(scratch, 'rss'), { recursive: true });
    const names = (await readdir(corpus)).sort();
    expect(names.length).toBeGreaterThanOrEqual(100);
    const started = Date.now();
    const outcomes = await pool(names, PARALLEL, runCase);
    const elapsed = Date.now() - started;

    const problems: string[] = [];
    const accepted: string[] = [];
    for (const outcome of outcomes) {
      const root = join(scratch, 'projects', outcome.name);
      const written = (await files(root)).filter((p) => !p.startsWith('definitions/'));
      const where = `${outcome.name} (exit ${outcome.code ?? outcome.signal}, ${outcome.ms} ms): `;
      if (outcome.signal !== null) problems.push(`${where}killed${outcome.ms >= TIME_LIMIT_MS ? ' at the time limit' : ''}`);
      else if (STACK.test(outcome.stderr)) problems.push(`${where}stack trace or crash: ${outcome.stderr.slice(0, 400)}`);
      else if (outcome.code === EXIT.ok) accepted.push(root);
      else if (outcome.code !== EXIT.invalidDefinitions) problems.push(`${where}unexpected exit: ${outcome.stderr.slice(0, 400)}`);
      else if (!LOCATED.test(outcome.stderr)) problems.push(`${where}no file:line:column: ${outcome.stderr.slice(0, 400)}`);
      else if (written.length > 0) problems.push(`${where}wrote ${written.slice(0, 5).join(', ')}`);
    }

    // What was accepted is valid for the programs that read it (one promtool or amtool run for all).
    // (`promtool test rules` is left to generate-accepted.property.test.ts: it takes seconds a project.)
    const rules: string[] = [];
    const alertmanager: string[] = [];
    for (const root of accepted) {
      for (const path of await files(root)) {
        const full = join(root, path);
        if (path.startsWith('prometheus/rules/') && path.endsWith('.yml')) rules.push(full);
        else if (path === 'alertmanager/alertmanager.yml') alertmanager.push(full);
        else if (path.endsWith('.json')) {
          try {
            JSON.parse(await readFile(full, 'utf8'));
          } catch (error) {
            problems.push(`${path} in ${root}: not JSON: ${String(error)}`);
          }
        }
      }
    }
    const check = (tool: string, args: string[]) => {
      if (args.length <= 2) return;
      const result = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (result.status !== 0) problems.push(`${tool} ${args[0]} ${args[1]} refused accepted outputs:\n${(result.stdout + result.stderr).slice(-2000)}`);
    };
    check('promtool', ['check', 'rules', ...rules]);
    check('amtool', ['check-config', ...alertmanager]);

    expect(problems).toEqual([]);
    // Both outcomes happen: the corpus is not all refusals.
    expect(accepted.length).toBeGreaterThan(5);
    expect(accepted.length).toBeLessThan(outcomes.length);
    const peak = outcomes.reduce((a, b) => (b.rssKiB > a.rssKiB ? b : a));
    const slowest = outcomes.reduce((a, b) => (b.ms > a.ms ? b : a));
    expect(peak.rssKiB).toBeGreaterThan(0);
    console.info(
      `fuzz corpus: ${outcomes.length} cases (${accepted.length} exit 0, ${outcomes.length - accepted.length} exit 2) in ${(elapsed / 1000).toFixed(1)} s, ${PARALLEL} at a time; peak RSS ${Math.round(peak.rssKiB / 1024)} MiB (${peak.name}); slowest ${slowest.ms} ms (${slowest.name})`,
    );
  }, 600_000);
});
