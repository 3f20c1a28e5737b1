import { randomBytes } from 'node:crypto';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { VigilMetricProducer } from '../../record/vigil-producer.js';
import { createEngagementMetrics, createPseudonymizer } from './index.js';

const KEY = randomBytes(32);
const TYPES = ['journal_entry', 'mood_check'];

async function collect(producer: VigilMetricProducer): Promise<MetricData[]> {
  const { resourceMetrics, errors } = await producer.collect();
  expect(errors).toEqual([]);
  return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
}

function points(metrics: MetricData[], name: string): DataPoint<unknown>[] {
  return (metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as DataPoint<unknown>[];
}

function valueOf(metrics: MetricData[], name: string, attributes: Record<string, string> = {}): unknown {
  return points(metrics, name).find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))?.value;
}

describe('pseudonymization', () => {
  it('is a keyed HMAC that needs a strong key', () => {
    const a = createPseudonymizer(KEY);
    const b = createPseudonymizer(randomBytes(32));
    expect(a('user-1')).toMatch(/^[0-9a-f]{64}$/);
    expect(a('user-1')).toBe(a('user-1'));
    expect(a('user-1')).not.toBe(b('user-1'));
    expect(() => createPseudonymizer('short')).toThrow(/at least 32 bytes/);
  });
});

describe('engagement metrics with k-anonymity', () => {
  it('withholds groups under k distinct users and never exports a user id or pseudonym', async () => {
    const producer = new VigilMetricProducer();
    let now = 0;
    const engagement = createEngagementMetrics({ key: KEY, k: 3, unsafeAllowSmallK: true, target: producer, interactionTypes: TYPES, now: () => now });
    // One user interacting ten times is one user: the group stays withheld.
    for (let i = 0; i < 10; i++) engagement.recordInteraction('alice', 'journal_entry');
    const sessions = ['alice', 'bob'].map((u) => engagement.startSession(u));
    let got = await collect(producer);
    expect(valueOf(got, 'tta_player_interactions', { interaction_type: 'journal_entry' })).toBeUndefined();
    expect(points(got, 'tta_active_sessions')).toHaveLength(0);

    engagement.recordInteraction('bob', 'journal_entry');
    engagement.recordInteraction('carol', 'journal_entry');
    const third = engagement.startSession('carol');
    got = await collect(producer);
    // alice's ten events are capped at the default 10 per user per batch.
    expect(valueOf(got, 'tta_player_interactions', { interaction_type: 'journal_entry' })).toBe(12);
    expect(valueOf(got, 'tta_active_sessions')).toBe(3);

    now += 600_000;
    for (const s of [...sessions, third]) if (s) engagement.endSession(s, 'completed');
    got = await collect(producer);
    expect(valueOf(got, 'tta_therapeutic_sessions', { outcome: 'completed' })).toBe(3);
    const histogram = valueOf(got, 'tta_therapeutic_session_duration_seconds') as Histogram;
    expect(histogram.count).toBe(3);
    expect(histogram.sum).toBe(1800);
    const pseudonym = createPseudonymizer(KEY)('alice');
    const attributeValues = got.flatMap((m) => (m.dataPoints as DataPoint<unknown>[]).flatMap((p) => Object.values(p.attributes).map(String)));
    for (const value of attributeValues) expect(['alice', 'bob', 'carol', pseudonym]).not.toContain(value);
  });

  it('reports retention only for cohorts of at least k and counts failures', async () => {
    const producer = new VigilMetricProducer();
    const engagement = createEngagementMetrics({ key: KEY, target: producer, interactionTypes: TYPES });
    expect(engagement.recordRetention('d7', 4, 2)).toBe(false);
    expect(engagement.recordRetention('d30', 40, 10)).toBe(true);
    expect(engagement.recordRetention('d30', 3, 3)).toBe(false);
    expect(engagement.startSession('')).toBeUndefined();
    engagement.recordInteraction('', 'mood_check');
    const got = await collect(producer);
    expect(valueOf(got, 'tta_user_retention_ratio', { period: 'd7' })).toBeUndefined();
    expect(valueOf(got, 'tta_user_retention_ratio', { period: 'd30' })).toBe(0.25);
    expect(valueOf(got, 'tta_privacy_anonymization_failures')).toBe(2);
    expect(() => createEngagementMetrics({ key: '', target: new VigilMetricProducer(), interactionTypes: TYPES })).toThrow(/key/);
  });

  it('forgets purged events: a group needs k users again after a purge', async () => {
    const producer = new VigilMetricProducer();
    const engagement = createEngagementMetrics({ key: KEY, target: producer, interactionTypes: TYPES });
    engagement.recordInteraction('alice', 'mood_check');
    engagement.emergencyPurge({ actor: 'dpo' });
    for (const user of ['bob', 'carol', 'dan', 'erin']) engagement.recordInteraction(user, 'mood_check');
    const got = await collect(producer);
    expect(valueOf(got, 'tta_player_interactions', { interaction_type: 'mood_check' })).toBeUndefined();
    expect(valueOf(got, 'tta_privacy_emergency_purges')).toBe(1);
  });
});
