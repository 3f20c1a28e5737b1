import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OVERFLOW_VALUE } from '../../record/series-store.js';
import { createTestMetrics, histogramOf, valueOf, type TestMetrics } from '../shared/test-reader.js';
import { createErrorTracker, fingerprint, normalizeMessage, normalizeStack } from './index.js';

const stackAt = (dir: string, line: number) =>
  [
    'Error: x',
    `    at loadScene (${dir}/src/scenes/load.js:${line}:17)`,
    `    at async Runner.run (file://${dir}/src/runner.js:${line + 3}:5)`,
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  ].join('\n');

describe('fingerprint', () => {
  it('normalizes numbers, ids, hex, uuids and paths', () => {
    expect(normalizeMessage('User 4821 not found in /var/lib/tta/users.db (req-8f3a9b, 0xdeadbeef)')).toBe(
      'User <id> not found in <path> (<id>, <id>)',
    );
    expect(normalizeMessage('session 3f2504e0-4f89-11d3-9a0c-0305e82c3301 expired')).toBe('session <uuid> expired');
    expect(normalizeStack(stackAt('/srv/releases/1042', 88))).toEqual([
      'at loadScene (load.js)',
      'at async Runner.run (runner.js)',
      'at process.processTicksAndRejections (task_queues)',
    ]);
  });

  it('is shared by messages that differ only in numbers and ids (property)', () => {
    const word = fc.constantFrom('timeout', 'player', 'scene', 'failed', 'loading', 'for', 'neo4j', 'at', 'query');
    const slot = fc.constantFrom('int', 'uuid', 'hex', 'id');
    const template = fc.array(fc.oneof(word.map((w) => ({ word: w })), slot.map((s) => ({ slot: s }))), { minLength: 1, maxLength: 12 });
    const fill = (kind: string, n: number, u: string) =>
      kind === 'int' ? String(n) : kind === 'uuid' ? u : kind === 'hex' ? `0x${n.toString(16)}` : `user_${n}`;
    fc.assert(
      fc.property(template, fc.nat(), fc.nat(), fc.uuid(), fc.uuid(), fc.nat({ max: 9_999 }), fc.nat({ max: 9_999 }), (parts, n1, n2, u1, u2, l1, l2) => {
        const render = (n: number, u: string) => parts.map((p) => ('word' in p ? p.word : fill(p.slot, n, u))).join(' ');
        const a = { name: 'Error', message: render(n1, u1), stack: stackAt('/srv/a', l1) };
        const b = { name: 'Error', message: render(n2, u2), stack: stackAt('/opt/b/c', l2) };
        expect(fingerprint(a)).toBe(fingerprint(b));
      }),
    );
  });

  it('differs for different words, error types and functions', () => {
    const base = { name: 'Error', message: 'scene failed' };
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, message: 'player failed' }));
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, name: 'TypeError' }));
    expect(fingerprint({ ...base, stack: stackAt('/a', 1) })).not.toBe(fingerprint({ ...base, stack: stackAt('/a', 1).replace('loadScene', 'saveScene') }));
  });
});

describe('ErrorTracker', () => {
  let test: TestMetrics;
  beforeEach(() => {
    test = createTestMetrics();
  });
  afterEach(() => test.shutdown());

  it('groups, counts, resolves and records TTA metrics', async () => {
    let now = 1_000_000;
    const tracker = createErrorTracker({ meter: test.meter, now: () => now });
    const context = { component: 'living_worlds', severity: 'high' } as const;
    const first = tracker.track(new Error('scene 12 failed to load'), context);
    now += 60_000;
    const second = tracker.track(new Error('scene 97 failed to load'), context);
    tracker.track(new TypeError('x is undefined'), { component: 'api_gateway', severity: 'low' });
    expect(first.kind === 'grouped' && first.isNew).toBe(true);
    expect(second.kind === 'grouped' && !second.isNew && second.group.count === 2).toBe(true);
    const [top] = tracker.groups();
    expect(top).toMatchObject({ errorType: 'Error', message: 'scene <id> failed to load', count: 2, firstSeen: 1_000_000, lastSeen: 1_060_000 });

    let got = await test.collect();
    expect(valueOf(got, 'tta_errors', { component: 'living_worlds', severity: 'high', error_type: 'Error' })).toBe(2);
    expect(valueOf(got, 'tta_error_groups_unresolved', { severity: 'high' })).toBe(1);
    expect(valueOf(got, 'tta_error_groups_unresolved', { severity: 'low' })).toBe(1);

    now += 3_540_000;
    expect(tracker.resolve(top?.fingerprint ?? '', { by: 'oncall', release: 'v1.4.2' })).toBe(true);
    expect(tracker.groups().find((g) => g.fingerprint === top?.fingerprint)?.resolutions).toEqual([expect.objectContaining({ by: 'oncall', release: 'v1.4.2' })]);
    expect(tracker.resolve(top?.fingerprint ?? '')).toBe(false);
    got = await test.collect();
    expect(valueOf(got, 'tta_error_groups_unresolved', { severity: 'high' })).toBe(0);
    expect(histogramOf(got, 'tta_error_resolution_duration_seconds', { severity: 'high' })?.sum).toBe(3_600);
  });

  it('bounds the number of groups and counts the overflow; error_type stays in its vocabulary', async () => {
    const tracker = createErrorTracker({ meter: test.meter, maxGroups: 3, errorTypes: ['KindaError', 'KindbError'] });
    for (let i = 0; i < 60; i++) {
      const error = new Error(`failure kind ${'abcdefghij'[i % 10]}`);
      error.name = `Kind${'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'[i % 52]}Error`;
      tracker.track(error, { component: 'authentication', severity: 'medium' });
    }
    expect(tracker.groups()).toHaveLength(3);
    expect(tracker.overflowCount).toBe(57);
    const got = await test.collect();
    expect(valueOf(got, 'tta_error_group_overflows')).toBe(57);
    // 60 distinct names: the two declared ones are themselves, the 58 others OtherError, nothing folds.
    expect(valueOf(got, 'tta_errors', { error_type: 'KindaError' })).toBe(2);
    expect(valueOf(got, 'tta_errors', { error_type: 'OtherError' })).toBe(56);
    expect(valueOf(got, 'tta_errors', { error_type: OVERFLOW_VALUE })).toBeUndefined();
    expect(() => tracker.track(new Error('x'), { component: 'billing', severity: 'low' })).toThrow(/component must be one of/);
  });
});
