import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAutopilotCli } from './cli.js';
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

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAutopilotCli(args, {
    root,
    definitions: 'definitions',
    io: { out: (t) => void (out += t), err: (t) => void (err += t) },
    env: {},
    readDefinitions: readDefinitionsDir,
  });
  return { code, out, err };
}

describe('vigil autopilot', () => {
  it("shows the shipped VVTV autopilot's state, pauses and resumes it", async () => {
    const status = await run('status', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({ phase: 'idle', emergencyPause: false, parameters: [{ name: 'diversity_weight', value: 0.4 }, {}, {}] });
    expect((await run('pause')).code).toBe(0);
    expect(JSON.parse((await run('status', '--json')).out)).toMatchObject({ emergencyPause: true });
    expect((await run('resume')).code).toBe(0);
    expect(JSON.parse((await run('status', '--json')).out)).toMatchObject({ emergencyPause: false });
  });

  it('rolls the parameters file back to a stored version and lists it in the history', async () => {
    const card = join(root, 'examples/vvtv/business_logic.yaml');
    const original = await readFile(card, 'utf8');
    const first = await run('history');
    const id = /version ([0-9a-f]{12}) .* initial/.exec(first.out)?.[1];
    expect(id).toBeDefined();
    await writeFile(card, original.replace('diversity_weight: 0.4', 'diversity_weight: 0.5'));
    const back = await run('rollback', id as string);
    expect(back.code, back.err).toBe(0);
    expect(await readFile(card, 'utf8')).toBe(original);
    // The hand edit was seen and recorded before the rollback replaced it.
    expect((await run('history')).out).toMatch(/person: changed outside Vigil[\s\S]*initial/);
  });

  it('answers bad input with a message and the exit codes of the vigil table', async () => {
    expect(await run('explain', 'cycle-nope')).toMatchObject({ code: 64, err: expect.stringMatching(/no cycle cycle-nope/) });
    expect(await run('rollback', 'deadbeef')).toMatchObject({ code: 1, err: expect.stringMatching(/no version deadbeef/) });
    expect(await run('--service', 'shop', 'status')).toMatchObject({ code: 64, err: expect.stringMatching(/no autopilot for shop; declared: vvtv-core/) });
    expect(await run('history', '--limit', 'x')).toMatchObject({ code: 64, err: expect.stringMatching(/--limit must be a positive integer/) });
    await writeFile(join(root, 'definitions/broken.yaml'), 'apiVersion: vigil.dev/v1\nautopilot: { service: 1 }\n');
    expect(await run('status')).toMatchObject({ code: 2, err: expect.stringMatching(/broken.yaml:2:/) });
  });
});

describe('vigil autopilot events', () => {
  it('posts pauses and resumes as Datadog events when DD_API_KEY is set', async () => {
    const { startFakeDatadog } = await import('@vigil/exporters');
    const datadog = await startFakeDatadog();
    try {
      const io = { out: () => undefined, err: () => undefined };
      const env = { DD_API_KEY: 'test-key', DD_API_URL: datadog.url };
      expect(await runAutopilotCli(['pause'], { root, definitions: 'definitions', io, env, readDefinitions: readDefinitionsDir })).toBe(0);
      expect(await runAutopilotCli(['resume'], { root, definitions: 'definitions', io, env, readDefinitions: readDefinitionsDir })).toBe(0);
      const events = datadog.acceptedEvents();
      expect(events.map((e) => e.title)).toEqual(['vigil autopilot vvtv-core: operator-emergency-pause', 'vigil autopilot vvtv-core: operator-resume']);
      expect(events[0]).toMatchObject({ alert_type: 'warning', aggregation_key: 'vigil-autopilot-vvtv-core', tags: expect.arrayContaining(['service:vvtv-core']) });
    } finally {
      await datadog.close();
    }
  });
});
