/**
 * The README's "Five-minute walk-through" stays true: every command it shows is a real npm
 * script or `vigil` command and option, the safe ones run (in a scratch copy of the repository),
 * and every alert, metric, file and command name it cites in backticks exists. It named an
 * alert the definitions never had (`VvtvSelectionEntropyLow`, for `DiversityLoss`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '@vigil/compiler';
import { buildProgram, readDefinitionsDir } from '@vigil/cli';
import { autopilotCommand } from '@vigil/controller/cli';
import { missingBinaries } from '../support/binaries.js';
import { killProcessesNaming, processesNaming } from '../support/processes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const VIGIL = join(ROOT, 'packages/cli/dist/bundle/vigil.mjs');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The walk-through section: from its heading to the next `## `. */
function walkThrough(): string {
  const start = README.indexOf('## Five-minute walk-through');
  if (start < 0) throw new Error('README.md has no "Five-minute walk-through" section');
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** Fenced blocks of a language, their lines dedented. */
function fenced(text: string, language: string): string[][] {
  return [...text.matchAll(new RegExp('^( *)```' + language + '\\n([\\s\\S]*?)^ *```', 'gm'))].map((m) =>
    (m[2] as string)
      .split('\n')
      .map((line) => line.slice((m[1] as string).length))
      .filter((line) => line.trim() !== ''),
  );
}

/** Backticked spans outside fenced blocks. */
function inlineCode(text: string): string[] {
  const prose = text.replace(/^ *```[\s\S]*?^ *```/gm, '');
  return [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string);
}

/** A shown command as the `vigil` arguments it amounts to, or an npm script without vigil. */
type Shown = { line: string; vigil: string[] } | { line: string; script: string };

/** What a command line runs: `npm start`, `npm run X -- ARGS`, `vigil ARGS`. */
function parseCommand(line: string): Shown {
  const words = line.trim().split(/\s+/);
  if (words[0] === 'vigil') return { line, vigil: words.slice(1) };
  if (words[0] !== 'npm') throw new Error(`not an npm or vigil command: ${line}`);
  const run = words[1] === 'run' || words[1] === 'run-script';
  const script = run ? (words[2] as string) : (words[1] as string);
  const rest = run ? words.slice(3) : words.slice(2);
  const args = rest[0] === '--' ? rest.slice(1) : rest;
  const body = SCRIPTS[script];
  if (body === undefined) return { line, script };
  // `node packages/cli/dist/bundle/vigil.mjs generate`: the vigil arguments are what follows.
  const vigil = /vigil\.mjs((?: [\w-]+)*)\s*$/.exec(body);
  return vigil ? { line, vigil: [...(vigil[1] as string).trim().split(/\s+/).filter(Boolean), ...args] } : { line, script };
}

/** The `vigil` program, the real autopilot commands included. */
function program(): Command {
  return buildProgram({ out: () => undefined, err: () => undefined }, {}, autopilotCommand);
}

/** Why `args` is not a command line of `vigil`, or undefined when it is. */
function unknownIn(root: Command, args: readonly string[]): string | undefined {
  const chain: Command[] = [root];
  let command = root;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg.startsWith('-')) {
      const name = arg.split('=')[0];
      const option = chain.flatMap((c) => c.options).find((o) => o.long === name || o.short === name);
      if (!option) return `unknown option ${arg} of \`vigil ${chain.slice(1).map((c) => c.name()).join(' ')}\``;
      if ((option.required || option.optional) && !arg.includes('=')) i++;
      continue;
    }
    const sub = command.commands.find((c) => c.name() === arg);
    if (sub) {
      command = sub;
      chain.push(sub);
    } else if (command.commands.length > 0 && command.registeredArguments.length === 0) {
      return `unknown command ${arg} of \`vigil ${chain.slice(1).map((c) => c.name()).join(' ')}\``;
    }
  }
  return command === root ? 'no command' : undefined;
}

/** Every command name at any depth of the program. */
function commandNames(command: Command): string[] {
  return command.commands.flatMap((c) => [c.name(), ...commandNames(c)]);
}

/** Commands the test runs: they read the definitions and write only generated files. */
const SAFE = new Set(['generate', 'check', 'validate', 'lint', 'schema', 'codegen', 'import', 'autopilot status', 'autopilot history', 'up', 'down']);
function isSafe(args: readonly string[]): boolean {
  // A foreground `vigil up` runs until Ctrl-C: only the detached one is run here (and `down` after it).
  if (args[0] === 'up' && !args.includes('--detach')) return false;
  return SAFE.has(args[0] as string) || SAFE.has(args.slice(0, 2).join(' '));
}

const section = walkThrough();
const CLI_README = readFileSync(join(ROOT, 'packages/cli/README.md'), 'utf8');
/** Debian packages the two commands install when missing (scripts/bootstrap.sh), which the walk-through may name. */
const DEBIAN_PACKAGES = new Set([...readFileSync(join(ROOT, 'scripts/bootstrap.sh'), 'utf8').matchAll(/missing\+=\(([a-z0-9-]+)\)/g)].map((m) => m[1] as string));
const commands = [...fenced(section, 'sh').flat(), ...inlineCode(section).filter((code) => /^(npm|vigil) /.test(code))].map(parseCommand);

describe('README walk-through', () => {
  it('shows commands that exist: npm scripts, and vigil commands and options of the commander program', () => {
    expect(fenced(section, 'sh').length).toBeGreaterThan(3);
    const vigil = program();
    const problems: string[] = [];
    for (const shown of commands) {
      if ('script' in shown) {
        if (SCRIPTS[shown.script] === undefined) problems.push(`${shown.line}: no npm script ${shown.script}`);
        continue;
      }
      const why = unknownIn(vigil, shown.vigil);
      if (why) problems.push(`${shown.line}: ${why}`);
    }
    expect(problems).toEqual([]);
  });

  it('cites alerts, metrics, files and commands that exist, and quotes the definitions as they are', async () => {
    const generated = generate(await readDefinitionsDir(join(ROOT, 'definitions'), ROOT));
    if (!generated.ok) throw new Error(JSON.stringify(generated.issues));
    const alerts = new Set(generated.value.rules.flatMap((file) => file.groups.flatMap((g) => g.rules.flatMap((r) => (r.type === 'alerting' ? [r.alert] : [])))));
    const metrics = new Set(generated.value.model.metrics.flatMap((m) => [m.name, m.name.replaceAll('.', '_')]));
    const names = commandNames(program());
    const problems: string[] = [];
    const cited = inlineCode(section);
    for (const code of cited) {
      if (/^(npm|vigil) /.test(code) || code.includes('<')) continue;
      if (code.startsWith('.vigil/')) {
        // State `vigil up` makes at run time: it must be in the layout the CLI's README documents.
        const inState = code.slice('.vigil/'.length);
        if (inState !== '' && !CLI_README.includes(`\`${inState}\``)) problems.push(`file ${code} is not in the state layout of packages/cli/README.md`);
      } else if (DEBIAN_PACKAGES.has(code)) {
        continue;
      } else if (/^[\w.-]+(\/[\w.-]*)+$|^[\w-]+\.(ya?ml|json|html|ts|md|sh|png)$/.test(code)) {
        if (!existsSync(join(ROOT, code))) problems.push(`file ${code} does not exist`);
      } else if (/^[A-Z][a-z]+[A-Z][A-Za-z0-9]*$/.test(code)) {
        if (!alerts.has(code)) problems.push(`alert ${code} is not generated from the definitions`);
      } else if (/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(code)) {
        if (!metrics.has(code)) problems.push(`metric ${code} is not in the catalog`);
      } else if (/^--[a-z-]+$/.test(code)) {
        if (!program().commands.some((c) => [c, ...c.commands].some((s) => s.options.some((o) => o.long === code)))) problems.push(`option ${code} is no vigil option`);
      } else if (/^[a-z][a-z-]*( <[a-z]+>)?$/.test(code.split(' <')[0] as string) && !code.includes(' ')) {
        if (!names.includes(code)) problems.push(`command ${code} is no vigil command`);
      }
    }
    // The walk-through's own example names exist (they were the ones that went stale).
    expect(cited).toEqual(expect.arrayContaining(['DiversityLoss', 'definitions/vvtv.yaml', 'prometheus/rules/vvtv-core.yml']));
    // The YAML it shows is quoted from definitions/vvtv.yaml, line by line.
    const definitions = new Set(readFileSync(join(ROOT, 'definitions/vvtv.yaml'), 'utf8').split('\n').map((l) => l.trim()));
    const quoted = fenced(section, 'yaml').flat().map((l) => l.trim()).filter((l) => !l.startsWith('#'));
    expect(quoted.length).toBeGreaterThan(5);
    for (const line of quoted) if (!definitions.has(line)) problems.push(`YAML line not in definitions/vvtv.yaml: ${line}`);
    expect(problems).toEqual([]);
  });

  describe('runs the safe commands in a copy of the repository', () => {
    let copy: string;
    beforeAll(async () => {
      copy = await mkdtemp(join(tmpdir(), 'vigil-walk-through-'));
      for (const dir of ['definitions', 'prometheus', 'alertmanager', 'grafana', 'dashboards', 'datadog', 'schema', 'examples/vvtv', 'packages/compiler/src/import/testdata']) {
        await cp(join(ROOT, dir), join(copy, dir), { recursive: true });
      }
    });
    afterAll(async () => {
      // A stack the walk-through started (`up --demo --detach` is cited inline, without a `down` after it).
      spawnSync(process.execPath, [VIGIL, 'down'], { cwd: copy, encoding: 'utf8', timeout: 60_000 });
      killProcessesNaming(copy);
      await rm(copy, { recursive: true, force: true });
    });

    const skip = missingBinaries('promtool', 'amtool', 'prometheus', 'prometheus-alertmanager');
    it.skipIf(skip !== undefined)('every safe command exits 0', () => {
      const safe = commands.flatMap((shown) => ('vigil' in shown && isSafe(shown.vigil) ? [shown] : []));
      expect(safe.map((s) => ('vigil' in s ? s.vigil.slice(0, 2).join(' ') : ''))).toEqual(
        expect.arrayContaining(['generate', 'validate', 'check', 'lint --format', 'autopilot status', 'up --detach', 'down']),
      );
      for (const shown of safe) {
        if (!('vigil' in shown)) continue;
        const run = spawnSync(process.execPath, [VIGIL, ...shown.vigil], { cwd: copy, encoding: 'utf8', timeout: 240_000 });
        expect(run.status, `${shown.line}\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`).toBe(0);
      }
      // Whatever stack the commands left running, `vigil down` stops it with no process left.
      const down = spawnSync(process.execPath, [VIGIL, 'down'], { cwd: copy, encoding: 'utf8', timeout: 60_000 });
      expect(down.status, down.stderr).toBe(0);
      expect(processesNaming(copy)).toEqual([]);
    }, 300_000);
  });
});
