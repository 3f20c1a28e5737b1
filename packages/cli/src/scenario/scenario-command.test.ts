import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { runCli } from '../main.js';
import { parseDuration } from './scenario-command.js';

const repoRoot = resolve(import.meta.dirname, '../../../..');

describe('vigil scenario', () => {
  it('parses durations', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('45')).toBe(45);
    expect(parseDuration('5 minutes')).toBeUndefined();
    expect(parseDuration('5mx')).toBeUndefined();
  });

  it('lists scenarios with their alerts, runs one through the control file, and rejects unknown names', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigil-scenario-'));
    let out = '';
    let err = '';
    const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
    const cli = (...args: string[]) => runCli(['--root', root, '--definitions', join(repoRoot, 'definitions'), 'scenario', ...args], io, {});
    const control = join(root, '.vigil/scenario.json');
    try {
      expect(await cli('list')).toBe(EXIT.ok);
      expect(out).toMatch(/^diversity-loss\s+62m\s+DiversityLoss$/m);
      expect(out).toMatch(/^error-budget-burn\s+\S+\s+ScholarApiAvailabilityBudgetBurn, ScholarApiHighErrorRate$/m);
      expect(out).not.toContain('no scenario drives');

      expect(await cli('run', 'breaker-open', '--duration', '5m', '--detach')).toBe(EXIT.ok);
      const detached = JSON.parse(await readFile(control, 'utf8')) as { scenario: string; startedAt: string; endsAt: string };
      expect(detached.scenario).toBe('breaker-open');
      expect(Date.parse(detached.endsAt) - Date.parse(detached.startedAt)).toBe(300_000);

      expect(await cli('run', 'diversity-loss', '--duration', '1s')).toBe(EXIT.ok);
      expect(JSON.parse(await readFile(control, 'utf8'))).toEqual({ version: 1, scenario: null });
      expect(out).toContain('diversity-loss ended; the demo is back to healthy');

      expect(await cli('run', 'nope')).toBe(EXIT.usage);
      expect(err).toContain('unknown scenario nope');
      expect(await cli('run', 'diversity-loss', '--duration', 'soon')).toBe(EXIT.usage);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
