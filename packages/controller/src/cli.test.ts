import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isVigilError, type VigilErrorKind } from '@vigil/conventions';
import { autopilotCommand, type AutopilotCliContext } from './cli.js';
import type { HistoryView, StatusView } from './cli-views.js';
import { readDefinitionsDir } from '../../../test/support/definitions.js';

const REPO = new URL('../../../', import.meta.url).pathname;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-autopilot-cli-'));
  await cp(join(REPO, 'definitions'), join(root, 'definitions'), { recursive: true });
  await cp(join(REPO, 'examples/vvtv/business_logic.yaml'), join(root, 'examples/vvtv/business_logic.yaml'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** How a run ended: 'ok', commander's own exit (help), or the kind of the typed error thrown. */
type Outcome = 'ok' | 'commander' | VigilErrorKind;

/** Runs `vigil autopilot ARGS` as the `vigil` program does: the command added to a parent. */
async function runWith(args: string[], context: Partial<AutopilotCliContext> = {}): Promise<{ outcome: Outcome; message: string; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  const program = new Command('vigil').exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  program.addCommand(autopilotCommand({ project: () => ({ root, definitions: 'definitions' }), io, env: {}, readDefinitions: readDefinitionsDir, ...context }));
  try {
    await program.parseAsync(['autopilot', ...args], { from: 'user' });
    return { outcome: 'ok', message: '', out, err };
  } catch (error) {
    if (isVigilError(error)) return { outcome: error.kind, message: error.message, out, err };
    if ((error as { code?: string }).code?.startsWith('commander.')) return { outcome: 'commander', message: (error as Error).message, out, err };
    throw error;
  }
}
const run = (...args: string[]) => runWith(args);

describe('vigil autopilot', () => {
  it("shows the shipped VVTV autopilot's state, pauses and resumes it", async () => {
    const status = await run('status', '--json');
    expect(status.outcome).toBe('ok');
    expect(JSON.parse(status.out)).toMatchObject({ phase: 'idle', emergencyPause: false, parameters: [{ name: 'diversity_weight', value: 0.4 }, {}, {}] });
    // Nothing saved yet: no "stable since" to show (it used to read as now, changing on every call).
    expect(JSON.parse(status.out).parameters[0]).not.toHaveProperty('stableSince');
    expect((await run('status')).out).toMatch(/^ {2}diversity_weight +0\.4 +0\.2 +0\.6 +- \(not started\) +0$/m);
    expect((await run('pause')).outcome).toBe('ok');
    const saved = JSON.parse((await run('status', '--json')).out) as StatusView;
    expect(saved.parameters[0]?.stableSince).toMatch(/Z$/);
    expect(JSON.parse((await run('status', '--json')).out).parameters[0].stableSince).toBe(saved.parameters[0]?.stableSince);
    expect(JSON.parse((await run('status', '--json')).out)).toMatchObject({ emergencyPause: true });
    expect((await run('resume')).outcome).toBe('ok');
    expect(JSON.parse((await run('status', '--json')).out)).toMatchObject({ emergencyPause: false });
  });

  it('prints status as a table with ISO-8601 times, and --json with stable field names and no epoch milliseconds', async () => {
    // A saved state (a pause and a resume save it), so every time is there to print.
    expect((await run('pause')).outcome).toBe('ok');
    expect((await run('resume')).outcome).toBe('ok');
    const text = (await run('status')).out;
    expect(text).toMatch(/^autopilot: +vvtv-core$/m);
    expect(text).toMatch(/^phase: +idle$/m);
    expect(text).toMatch(/^ {2}PARAMETER +VALUE +MIN +MAX +STABLE SINCE +ROLLBACKS$/m);
    expect(text).toMatch(/^ {2}diversity_weight +0\.4 +0\.2 +0\.6 +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z +0$/m);
    expect(text).not.toMatch(/\b1\d{12}\b/);
    const json = (await run('status', '--json')).out;
    expect(json).not.toMatch(/\b1\d{12}\b/);
    const view = JSON.parse(json) as StatusView;
    expect(Object.keys(view)).toEqual(['service', 'phase', 'emergencyPause', 'parameters']);
    expect(view.parameters[0]).toEqual({ name: 'diversity_weight', value: 0.4, min: 0.2, max: 0.6, stableSince: expect.stringMatching(/Z$/), lastAdjustedAt: expect.stringMatching(/Z$/), rollbackCount: 0 });
    expect(new Date(view.parameters[0]?.stableSince as string).toISOString()).toBe(view.parameters[0]?.stableSince);
  });

  it('rolls the parameters file back to a stored version and lists it in the history', async () => {
    const card = join(root, 'examples/vvtv/business_logic.yaml');
    const original = await readFile(card, 'utf8');
    const first = JSON.parse((await run('history', '--json')).out) as HistoryView;
    const id = first.versions.find((v) => v.author === 'initial')?.id.slice(0, 12);
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    await writeFile(card, original.replace('diversity_weight: 0.4', 'diversity_weight: 0.5'));
    const back = await run('rollback', id as string);
    expect(back.outcome, back.message).toBe('ok');
    expect(await readFile(card, 'utf8')).toBe(original);
    // The hand edit was seen and recorded before the rollback replaced it.
    const versions = (JSON.parse((await run('history', '--json')).out) as HistoryView).versions;
    expect(versions.map((v) => v.author)).toEqual(['rollback', 'person', 'initial']);
    expect(versions[1]?.rationale).toMatch(/changed outside Vigil/);
    // For people: a table whose rows start with the short version id.
    expect((await run('history')).out).toMatch(new RegExp(`^  ${id as string}  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  initial `, 'm'));
  });

  it('answers bad input with typed errors (the CLI maps them to exit codes)', async () => {
    expect(await run('explain', 'cycle-nope')).toMatchObject({ outcome: 'usage', message: expect.stringMatching(/no cycle cycle-nope/) });
    expect(await run('rollback', 'deadbeef')).toMatchObject({ outcome: 'failed', message: expect.stringMatching(/no version deadbeef/) });
    expect(await run('--service', 'shop', 'status')).toMatchObject({ outcome: 'usage', message: expect.stringMatching(/no autopilot for shop; declared: vvtv-core/) });
    expect(await run('history', '--limit', 'x')).toMatchObject({ outcome: 'usage', message: expect.stringMatching(/--limit must be a positive integer/) });
    await writeFile(join(root, 'definitions/broken.yaml'), 'apiVersion: vigil.dev/v1\nautopilot: { service: 1 }\n');
    expect(await run('status')).toMatchObject({ outcome: 'invalid-definitions', message: expect.stringMatching(/broken.yaml:2:/) });
  });

  it('run-once --dry-run turns dry run on for the pass (the definitions say dry_run: false), and run-once and daemon document it', async () => {
    const dry = await run('--metrics-port', '0', 'run-once', '--dry-run');
    expect(dry.outcome, dry.message).toBe('ok');
    expect(dry.out).toMatch(/^phase: \w+.*\[dry run: the parameters file is not written\]$/m);
    const wet = await run('--metrics-port', '0', 'run-once');
    expect(wet.outcome, wet.message).toBe('ok');
    expect(wet.out).not.toMatch(/dry run/);
    for (const name of ['run-once', 'daemon']) expect((await run(name, '--help')).out).toMatch(/--dry-run/);
  });

  it('turns an untyped failure of a subcommand into a failed command carrying it', async () => {
    const broken = await runWith(['status'], { readDefinitions: async () => Promise.reject(new Error('disk on fire')) });
    expect(broken).toMatchObject({ outcome: 'failed', message: 'autopilot: disk on fire' });
  });

  it("is commander's own command: --help lists the subcommands", async () => {
    const help = await run('--help');
    expect(help.outcome).toBe('commander');
    for (const name of ['status', 'history', 'explain', 'rollback', 'pause', 'resume', 'run-once', 'daemon']) expect(help.out).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });
});

describe('vigil autopilot events', () => {
  it('posts pauses and resumes as Datadog events when DD_API_KEY is set', async () => {
    const { startFakeDatadog } = await import('@vigil/exporters');
    const datadog = await startFakeDatadog();
    try {
      const env = { DD_API_KEY: 'test-key', DD_API_URL: datadog.url };
      expect((await runWith(['pause'], { env })).outcome).toBe('ok');
      expect((await runWith(['resume'], { env })).outcome).toBe('ok');
      const events = datadog.acceptedEvents();
      expect(events.map((e) => e.title)).toEqual(['vigil autopilot vvtv-core: operator-emergency-pause', 'vigil autopilot vvtv-core: operator-resume']);
      expect(events[0]).toMatchObject({ alert_type: 'warning', aggregation_key: 'vigil-autopilot-vvtv-core', tags: expect.arrayContaining(['service:vvtv-core']) });
    } finally {
      await datadog.close();
    }
  });
});
