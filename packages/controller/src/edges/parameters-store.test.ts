import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomically } from '@vigil/conventions/atomic-file';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParametersStore, ParametersStoreError, versionIdOf } from './parameters-store.js';

const CARD = `# VVTV business logic card
selection:
  diversity_weight: 0.4 # tuned by the autopilot
  novelty_floor: 0.1
curator:
  budget: 120
`;

let dir: string;
let clock: number;
const now = () => new Date(clock);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-params-'));
  clock = Date.parse('2026-11-01T03:00:00Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ParametersStore', () => {
  it('writes a change as a new hashed version, keeping comments, and rolls back to any version', async () => {
    const file = join(dir, 'card.yaml');
    await writeFile(file, CARD);
    const store = new ParametersStore({ file, now });
    const first = await store.current();
    expect(first).toMatchObject({ changedByPerson: false, version: { author: 'initial', id: versionIdOf(CARD) } });

    clock += 86_400_000;
    const second = await store.write({ 'selection.diversity_weight': 0.45 }, 'entropy below target');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('diversity_weight: 0.45 # tuned by the autopilot');
    expect(text).toContain('# VVTV business logic card');
    expect(second).toMatchObject({
      id: versionIdOf(text),
      author: 'autopilot',
      parentId: first.version.id,
      rationale: 'entropy below target',
      changes: [{ path: 'selection.diversity_weight', from: 0.4, to: 0.45 }],
    });

    clock += 86_400_000;
    const back = await store.rollback(first.version.id.slice(0, 12));
    expect(await readFile(file, 'utf8')).toBe(CARD);
    expect(back).toMatchObject({ author: 'rollback', id: first.version.id, changes: [{ path: 'selection.diversity_weight', from: 0.45, to: 0.4 }] });
    expect((await store.history()).map((v) => v.author)).toEqual(['rollback', 'autopilot', 'initial']);
    await store.setOutcome(second.id, 'rolled_back');
    expect((await store.history()).find((v) => v.author === 'autopilot')?.outcome).toBe('rolled_back');
  });

  it('detects a change made by a person and records it with its diff', async () => {
    const file = join(dir, 'card.yaml');
    await writeFile(file, CARD);
    const store = new ParametersStore({ file, now });
    await store.current();
    await writeFile(file, CARD.replace('budget: 120', 'budget: 150'));
    const seen = await store.current();
    expect(seen).toMatchObject({ changedByPerson: true, version: { author: 'person', changes: [{ path: 'curator.budget', from: 120, to: 150 }] } });
    expect((await store.current()).changedByPerson).toBe(false);
  });

  it('writes JSON cards as JSON and candidates beside the current file', async () => {
    const file = join(dir, 'card.json');
    await writeFile(file, JSON.stringify({ selection: { diversity_weight: 0.4 } }));
    const store = new ParametersStore({ file, now });
    const candidate = await store.writeCandidate({ 'selection.diversity_weight': 0.5 });
    expect(candidate).toBe(join(dir, 'card.canary.json'));
    expect(JSON.parse(await readFile(candidate, 'utf8'))).toEqual({ selection: { diversity_weight: 0.5 } });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ selection: { diversity_weight: 0.4 } });
    await store.removeCandidate();
    expect(await readdir(dir)).not.toContain('card.canary.json');
  });

  it('refuses unknown paths and unknown versions with clear errors, changing nothing', async () => {
    const file = join(dir, 'card.yaml');
    await writeFile(file, CARD);
    const store = new ParametersStore({ file, now });
    await expect(store.write({ 'ranking.weight': 1 }, 'x')).rejects.toThrow(/no parameter at ranking.weight/);
    await expect(store.rollback('deadbeefdeadbeef')).rejects.toThrow(/no version deadbeefdeadbeef/);
    await expect(store.rollback('../etc')).rejects.toThrow(ParametersStoreError);
    expect(await readFile(file, 'utf8')).toBe(CARD);
  });

  it('leaves the file as it was when the write fails or does not read back', async () => {
    const file = join(dir, 'card.yaml');
    await writeFile(file, CARD);
    let fault: 'enospc' | 'corrupt' | undefined;
    const store = new ParametersStore({
      file,
      now,
      writeFile: async (path, content) => {
        if (path === file && fault === 'enospc') throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        if (path === file && fault === 'corrupt') {
          fault = undefined; // the restore that follows succeeds
          return writeFileAtomically(path, content.slice(0, 20));
        }
        return writeFileAtomically(path, content);
      },
    });
    await store.current();
    fault = 'enospc';
    await expect(store.write({ 'curator.budget': 130 }, 'x')).rejects.toThrow(/could not write .*ENOSPC/);
    expect(await readFile(file, 'utf8')).toBe(CARD);
    fault = 'corrupt';
    await expect(store.write({ 'curator.budget': 130 }, 'x')).rejects.toThrow(/did not read back as written; restored/);
    expect(await readFile(file, 'utf8')).toBe(CARD);
  });

  it('prunes versions past retention but keeps the current one and the newest few', async () => {
    const file = join(dir, 'card.yaml');
    await writeFile(file, CARD);
    const store = new ParametersStore({ file, now });
    await store.current();
    for (let i = 1; i <= 5; i++) {
      clock += 30 * 86_400_000;
      await store.write({ 'curator.budget': 120 + i }, `step ${i}`);
    }
    const removed = await store.prune(90, 2);
    const left = await store.history();
    expect(left).toHaveLength(4);
    expect(removed).toHaveLength(2);
    expect(left[0]?.rationale).toBe('step 5');
  });

  it('ignores a history file whose content does not match its hash', async () => {
    const file = join(dir, 'card.yaml');
    await writeFile(file, CARD);
    const store = new ParametersStore({ file, now });
    const { version } = await store.current();
    const [name] = await readdir(store.historyDir);
    const path = join(store.historyDir, name as string);
    const stored = JSON.parse(await readFile(path, 'utf8')) as { content: string };
    stored.content = 'selection: { diversity_weight: 99 }\n';
    await writeFile(path, JSON.stringify(stored));
    await expect(store.rollback(version.id)).rejects.toThrow(/no version/);
  });

  it('never leaves a half-written file when the writing process is killed at any moment', async () => {
    const file = join(dir, 'card.yaml');
    await writeFile(file, CARD);
    const script = `
      import { ParametersStore } from ${JSON.stringify(new URL('../../dist/edges/parameters-store.js', import.meta.url).href)};
      const store = new ParametersStore({ file: ${JSON.stringify(file)} });
      for (let i = 0; ; i++) await store.write({ 'curator.budget': 200 + (i % 50) }, 'loop ' + i);
    `;
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
      // Kill mid-loop: once this child has written at least one version, after a varying delay.
      const before = (await new ParametersStore({ file }).history()).length;
      const deadline = Date.now() + 20_000;
      while ((await new ParametersStore({ file }).history()).length <= before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await new Promise((resolve) => setTimeout(resolve, round * 13));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const text = await readFile(file, 'utf8');
      const store = new ParametersStore({ file });
      // The file parses and is a version the history knows: nothing half-written, nothing lost.
      const current = await store.current();
      expect(current.changedByPerson).toBe(false);
      expect(current.version.id).toBe(versionIdOf(text));
    }
    // The children did write (the kills landed mid-loop, not before the first write).
    expect((await new ParametersStore({ file }).history()).length).toBeGreaterThanOrEqual(6);
  }, 120_000);
});
