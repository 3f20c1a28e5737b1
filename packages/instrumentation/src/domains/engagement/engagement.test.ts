import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestMetrics, histogramOf, pointsOf, valueOf, type TestMetrics } from '../shared/test-reader.js';
import { createEngagementMetrics, createPseudonymizer } from './index.js';

const KEY = 'k'.repeat(32);
let test: TestMetrics;
beforeEach(() => {
  test = createTestMetrics();
});
afterEach(() => test.shutdown());

function allAttributeValues(metrics: Awaited<ReturnType<TestMetrics['collect']>>): string[] {
  return metrics.flatMap((m) => (m.dataPoints as { attributes: Record<string, unknown> }[]).flatMap((p) => Object.values(p.attributes).map(String)));
}

describe('pseudonymization', () => {
  it('is a keyed HMAC that needs a key', () => {
    const a = createPseudonymizer(KEY);
    const b = createPseudonymizer('x'.repeat(32));
    expect(a('user-1')).toMatch(/^[0-9a-f]{64}$/);
    expect(a('user-1')).toBe(a('user-1'));
    expect(a('user-1')).not.toBe(b('user-1'));
    expect(() => createPseudonymizer('short')).toThrow(/at least 32 bytes/);
  });
});

describe('engagement metrics with k-anonymity', () => {
  it('withholds groups under k distinct users and reports them once they reach k', async () => {
    let now = 0;
    const engagement = createEngagementMetrics({ key: KEY, k: 3, meter: test.meter, now: () => now });
    // One user interacting ten times is one user: the group stays withheld.
    for (let i = 0; i < 10; i++) engagement.recordInteraction('alice', 'journal_entry');
    const sessions = ['alice', 'bob'].map((u) => engagement.startSession(u));
    let got = await test.collect();
    expect(valueOf(got, 'tta_player_interactions', { interaction_type: 'journal_entry' })).toBeUndefined();
    expect(pointsOf(got, 'tta_active_sessions')).toHaveLength(0);

    engagement.recordInteraction('bob', 'journal_entry');
    engagement.recordInteraction('carol', 'journal_entry');
    const third = engagement.startSession('carol');
    got = await test.collect();
    expect(valueOf(got, 'tta_player_interactions', { interaction_type: 'journal_entry' })).toBe(12);
    expect(valueOf(got, 'tta_active_sessions')).toBe(3);

    now += 600_000;
    for (const s of [...sessions, third]) if (s) engagement.endSession(s, 'completed');
    got = await test.collect();
    expect(valueOf(got, 'tta_therapeutic_sessions', { outcome: 'completed' })).toBe(3);
    expect(histogramOf(got, 'tta_therapeutic_session_duration_seconds')?.count).toBe(3);
    expect(histogramOf(got, 'tta_therapeutic_session_duration_seconds')?.sum).toBe(1800);
    // No user id or pseudonym ever reaches an attribute.
    const pseudonym = createPseudonymizer(KEY)('alice');
    for (const value of allAttributeValues(got)) expect(['alice', 'bob', 'carol', pseudonym]).not.toContain(value);
  });

  it('holds session durations until a batch has k distinct users', async () => {
    const engagement = createEngagementMetrics({ key: KEY, k: 2, meter: test.meter, now: () => 0 });
    const a1 = engagement.startSession('alice');
    const a2 = engagement.startSession('alice');
    if (a1) engagement.endSession(a1, 'abandoned');
    if (a2) engagement.endSession(a2, 'abandoned');
    let got = await test.collect();
    expect(histogramOf(got, 'tta_therapeutic_session_duration_seconds')).toBeUndefined();
    expect(valueOf(got, 'tta_therapeutic_sessions', { outcome: 'abandoned' })).toBeUndefined();
    const b = engagement.startSession('bob');
    if (b) engagement.endSession(b, 'abandoned');
    got = await test.collect();
    expect(histogramOf(got, 'tta_therapeutic_session_duration_seconds')?.count).toBe(3);
    expect(valueOf(got, 'tta_therapeutic_sessions', { outcome: 'abandoned' })).toBe(3);
  });

  it('reports retention only for cohorts of at least k, counts failures and purges', async () => {
    const engagement = createEngagementMetrics({ key: KEY, k: 5, meter: test.meter });
    expect(engagement.recordRetention('d7', 4, 2)).toBe(false);
    expect(engagement.recordRetention('d30', 40, 10)).toBe(true);
    expect(engagement.recordRetention('d30', 3, 3)).toBe(false);
    expect(engagement.startSession('')).toBeUndefined();
    engagement.recordInteraction('', 'x');
    let got = await test.collect();
    expect(valueOf(got, 'tta_user_retention_ratio', { period: 'd7' })).toBeUndefined();
    expect(valueOf(got, 'tta_user_retention_ratio', { period: 'd30' })).toBe(0.25);
    expect(valueOf(got, 'tta_privacy_anonymization_failures')).toBe(2);
    engagement.recordInteraction('alice', 'mood_check');
    engagement.emergencyPurge();
    for (const user of ['bob', 'carol', 'dan', 'erin']) engagement.recordInteraction(user, 'mood_check');
    got = await test.collect();
    // alice's interaction was purged, so mood_check has 4 < 5 distinct users and stays withheld.
    expect(valueOf(got, 'tta_player_interactions', { interaction_type: 'mood_check' })).toBeUndefined();
    expect(valueOf(got, 'tta_privacy_emergency_purges')).toBe(1);
    expect(() => createEngagementMetrics({ key: '' })).toThrow(/key/);
  });
});
