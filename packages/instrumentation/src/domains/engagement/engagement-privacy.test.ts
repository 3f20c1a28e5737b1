import { randomBytes } from 'node:crypto';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { VigilMetricProducer } from '../../record/vigil-producer.js';
import { createEngagementMetrics, createPseudonymizer, type EngagementOptions } from './index.js';
import { seededRandom as seeded } from '../resilience/stress.js';

// Attacks from issue 16 (E1-E7), each run against the producer's export, the one Prometheus and
// every OpenTelemetry reader read.

const KEY = randomBytes(32);
const TYPES = ['journal_entry', 'mood_check', 'breathing_exercise'] as const;

type Scrape = Map<string, DataPoint<unknown>[]>;

async function scrape(producer: VigilMetricProducer): Promise<Scrape> {
  const { resourceMetrics, errors } = await producer.collect();
  expect(errors).toEqual([]);
  const metrics: MetricData[] = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  return new Map(metrics.map((m) => [m.descriptor.name, m.dataPoints as DataPoint<unknown>[]]));
}

function num(got: Scrape, name: string, attributes: Record<string, string> = {}): number | undefined {
  const point = got.get(name)?.find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));
  return typeof point?.value === 'number' ? point.value : undefined;
}

function histogramCount(got: Scrape): number {
  return ((got.get('tta_therapeutic_session_duration_seconds')?.[0]?.value as Histogram | undefined)?.count ?? 0);
}

function outcomesTotal(got: Scrape): number {
  return (got.get('tta_therapeutic_sessions') ?? []).reduce((sum, p) => sum + (p.value as number), 0);
}

function build(options: Partial<EngagementOptions> = {}) {
  const producer = new VigilMetricProducer();
  let now = 0;
  const engagement = createEngagementMetrics({ key: KEY, target: producer, interactionTypes: TYPES, now: () => now, ...options });
  return { producer, engagement, advance: (ms: number) => (now += ms) };
}

const users = (n: number, prefix = 'user') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('E2: k holds at every export, not only the first', () => {
  it("one user's later events do not move a released counter one by one", async () => {
    const { producer, engagement } = build();
    for (const u of users(5)) engagement.recordInteraction(u, 'journal_entry');
    expect(num(await scrape(producer), 'tta_player_interactions', { interaction_type: 'journal_entry' })).toBe(5);
    engagement.recordInteraction('user-0', 'journal_entry');
    expect(num(await scrape(producer), 'tta_player_interactions', { interaction_type: 'journal_entry' })).toBe(5);
    engagement.recordInteraction('user-0', 'journal_entry', 1000);
    expect(num(await scrape(producer), 'tta_player_interactions', { interaction_type: 'journal_entry' })).toBe(5);
  });

  it("caps one user's contribution: count = 1000 does not move the counter by 1000", async () => {
    const { producer, engagement } = build({ maxContributionPerUser: 3 });
    engagement.recordInteraction('heavy', 'mood_check', 1000);
    for (const u of users(4)) engagement.recordInteraction(u, 'mood_check');
    expect(num(await scrape(producer), 'tta_player_interactions', { interaction_type: 'mood_check' })).toBe(3 + 4);
  });
});

describe('E1: the duration histogram is tied to the outcome counters', () => {
  it('histogram count minus the outcome counters never reveals a withheld group', async () => {
    const { producer, engagement, advance } = build();
    const open = users(10).map((u) => engagement.startSession(u));
    advance(120_000);
    open.forEach((s, i) => s && engagement.endSession(s, i === 9 ? 'abandoned' : 'completed'));
    const got = await scrape(producer);
    expect(num(got, 'tta_therapeutic_sessions', { outcome: 'abandoned' })).toBeUndefined();
    expect(histogramCount(got)).toBe(outcomesTotal(got));
    // The first five completions were released together; the other four wait for a fifth user.
    expect(outcomesTotal(got)).toBe(5);
  });
});

describe('E4: a purge stops publishing at once', () => {
  it('no engagement series survives emergencyPurge()', async () => {
    const { producer, engagement, advance } = build();
    const open = users(6).map((u) => engagement.startSession(u));
    for (const u of users(5)) engagement.recordInteraction(u, 'journal_entry');
    advance(60_000);
    open.slice(0, 5).forEach((s) => s && engagement.endSession(s, 'completed'));
    engagement.recordRetention('d7', 10, 4);
    for (const u of users(6, 'late')) engagement.startSession(u);
    const before = await scrape(producer);
    expect(num(before, 'tta_player_interactions', { interaction_type: 'journal_entry' })).toBe(5);
    engagement.emergencyPurge({ actor: 'dpo@clinic' });
    const after = await scrape(producer);
    for (const name of ['tta_player_interactions', 'tta_therapeutic_sessions', 'tta_therapeutic_session_duration_seconds', 'tta_active_sessions', 'tta_user_retention_ratio']) {
      expect(after.get(name), name).toBeUndefined();
    }
    expect(num(after, 'tta_privacy_emergency_purges')).toBe(1);
    expect(engagement.auditTrail().map((r) => [r.action, r.actor])).toEqual([['emergency_purge', 'dpo@clinic']]);
  });
});

describe('E5: unsafe options are refused', () => {
  it('refuses k under the minimum unless marked unsafe', () => {
    expect(() => build({ k: 1 })).toThrow(/k must be at least 5/);
    expect(() => build({ k: 4 })).toThrow(/k must be at least 5/);
    expect(() => build({ k: 2.5, unsafeAllowSmallK: true })).toThrow(/integer/);
    expect(() => build({ k: 2, unsafeAllowSmallK: true })).not.toThrow();
  });

  it('refuses a key of identical or low-entropy bytes, accepts random and hex keys', () => {
    expect(() => createPseudonymizer(Buffer.alloc(32, 7))).toThrow(/entropy/);
    expect(() => createPseudonymizer('k'.repeat(32))).toThrow(/entropy/);
    expect(() => createPseudonymizer('abababababababababababababababab')).toThrow(/entropy/);
    expect(() => createPseudonymizer(randomBytes(32))).not.toThrow();
    expect(() => createPseudonymizer(randomBytes(32).toString('hex'))).not.toThrow();
    expect(() => createPseudonymizer(randomBytes(32).toString('base64'))).not.toThrow();
  });

  it('rotates the key: new pseudonyms, pending groups dropped so one user cannot count twice', async () => {
    const { producer, engagement } = build();
    for (const u of users(4)) engagement.recordInteraction(u, 'journal_entry');
    engagement.rotateKey(randomBytes(32), { actor: 'ops' });
    // user-0..3 again under the new key, plus one: 5 pseudonyms but only 5 users in this batch.
    for (const u of users(4)) engagement.recordInteraction(u, 'journal_entry');
    expect(num(await scrape(producer), 'tta_player_interactions', { interaction_type: 'journal_entry' })).toBeUndefined();
    engagement.recordInteraction('user-4', 'journal_entry');
    expect(num(await scrape(producer), 'tta_player_interactions', { interaction_type: 'journal_entry' })).toBe(5);
    expect(() => engagement.rotateKey(Buffer.alloc(32), { actor: 'ops' })).toThrow(/entropy/);
    expect(engagement.auditTrail().map((r) => r.action)).toEqual(['key_rotation']);
  });

  it('a second instance on the same producer is refused until the first is closed, whose series then go', async () => {
    const { producer, engagement } = build();
    for (const u of users(5)) engagement.recordInteraction(u, 'journal_entry');
    expect(() => createEngagementMetrics({ key: KEY, target: producer, interactionTypes: TYPES })).toThrow(/already/);
    engagement.close();
    const second = createEngagementMetrics({ key: KEY, target: producer, interactionTypes: TYPES });
    second.recordInteraction('x', 'mood_check');
    const got = await scrape(producer);
    expect(got.get('tta_player_interactions')).toBeUndefined();
    expect([...got.keys()].filter((name) => name === 'tta_privacy_emergency_purges').length).toBeLessThanOrEqual(1);
  });

  it('needs a producer: an OpenTelemetry SDK keeps exporting a series once seen, so k and purges could not hold', () => {
    expect(() => createEngagementMetrics({ key: KEY, interactionTypes: TYPES })).toThrow(/producer/);
  });
});

describe('E3: interaction types come from a declared closed set', () => {
  it('never exports an undeclared type, and free text cannot push declared types into __overflow__', async () => {
    const { producer, engagement } = build();
    for (const u of users(5)) engagement.recordInteraction(u, 'clinic:DrSmith');
    for (let i = 0; i < 30; i++) engagement.recordInteraction(`user-${i}`, `user${i}@example.com`);
    for (const u of users(5)) engagement.recordInteraction(u, 'journal_entry');
    const got = await scrape(producer);
    const exported = (got.get('tta_player_interactions') ?? []).map((p) => p.attributes['interaction_type']);
    expect(exported).toEqual(['journal_entry']);
    expect(num(got, 'tta_privacy_anonymization_failures')).toBe(35);
  });

  it('refuses a declared set that is free text or too large', () => {
    expect(() => build({ interactionTypes: ['clinic:DrSmith'] })).toThrow(/interaction type/);
    expect(() => build({ interactionTypes: users(21).map((u) => u.replace('-', '_')) })).toThrow(/at most 20/);
  });
});

describe('E6: retention cannot be differenced; NaN is rejected', () => {
  it("a cohort growing by one user does not move the ratio (0.6 -> 0.667 would show the sixth user's retention)", async () => {
    const { producer, engagement } = build();
    expect(engagement.recordRetention('d7', 5, 3)).toBe(true);
    expect(engagement.recordRetention('d7', 6, 4)).toBe(false);
    expect(num(await scrape(producer), 'tta_user_retention_ratio', { period: 'd7' })).toBe(0.6);
    expect(engagement.recordRetention('d7', 10, 6)).toBe(true);
    expect(num(await scrape(producer), 'tta_user_retention_ratio', { period: 'd7' })).toBe(0.6);
    expect(engagement.recordRetention('d7', 15, 12)).toBe(true);
    expect(num(await scrape(producer), 'tta_user_retention_ratio', { period: 'd7' })).toBe(0.8);
  });

  it('rejects NaN and fractional counts without repeating them', async () => {
    const { producer, engagement } = build();
    expect(() => engagement.recordRetention('d7', Number.NaN, 3)).toThrow(/whole numbers/);
    expect(() => engagement.recordRetention('d7', 10, Number.NaN)).toThrow(/whole numbers/);
    expect(() => engagement.recordRetention('d7', 10, 2.5)).toThrow(/whole numbers/);
    expect((await scrape(producer)).get('tta_user_retention_ratio')).toBeUndefined();
  });
});

describe('E7: the active-sessions gauge is withheld when under k', () => {
  it('is removed, not left stale, when fewer than k users are online; shows multiples of k', async () => {
    const { producer, engagement } = build();
    const open = users(7).map((u) => engagement.startSession(u));
    expect(num(await scrape(producer), 'tta_active_sessions')).toBe(5);
    open.slice(0, 3).forEach((s) => s && engagement.endSession(s, 'completed'));
    expect((await scrape(producer)).get('tta_active_sessions')).toBeUndefined();
  });
});

describe('property: no group under k can be derived from any scrape or difference of scrapes', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`holds on random traffic (seed ${seed})`, async () => {
      const random = seeded(seed);
      const cap = 4;
      // No TTL here: an expiry would end sessions the model below does not see end.
      const { producer, engagement, advance } = build({ maxContributionPerUser: cap, sessionTtlMs: Number.POSITIVE_INFINITY });
      const population = users(12);
      // Users who acted in each exported series since its value last changed.
      const since = new Map<string, Set<string>>();
      const last = new Map<string, number>();
      const open: { user: string; handle: ReturnType<typeof engagement.startSession> }[] = [];
      const note = (series: string, user: string) => {
        const set = since.get(series) ?? new Set<string>();
        set.add(user);
        since.set(series, set);
      };
      for (let step = 0; step < 400; step++) {
        const user = population[Math.floor(random() * population.length)] as string;
        const roll = random();
        if (roll < 0.5) {
          const type = TYPES[Math.floor(random() * TYPES.length)] as string;
          engagement.recordInteraction(user, type, 1 + Math.floor(random() * 50));
          note(`i:${type}`, user);
        } else if (roll < 0.75) {
          open.push({ user, handle: engagement.startSession(user) });
        } else if (open.length > 0) {
          const [{ user: owner, handle }] = open.splice(Math.floor(random() * open.length), 1) as [{ user: string; handle: ReturnType<typeof engagement.startSession> }];
          advance(1000 * (1 + Math.floor(random() * 3600)));
          const outcome = (['completed', 'abandoned', 'interrupted'] as const)[Math.floor(random() * 3)] as 'completed';
          if (handle) engagement.endSession(handle, outcome);
          note(`s:${outcome}`, owner);
        }
        // Scraped at every step, so each change seen is one release.
        const got = await scrape(producer);
        // Every series derives from the same released groups: no pair differences to a withheld one.
        expect(histogramCount(got)).toBe(outcomesTotal(got));
        const values = new Map<string, number>();
        for (const p of got.get('tta_player_interactions') ?? []) values.set(`i:${String(p.attributes['interaction_type'])}`, p.value as number);
        for (const p of got.get('tta_therapeutic_sessions') ?? []) values.set(`s:${String(p.attributes['outcome'])}`, p.value as number);
        for (const [series, value] of values) {
          const delta = value - (last.get(series) ?? 0);
          if (delta === 0) continue;
          const actors = since.get(series)?.size ?? 0;
          // A change is a release of at least k distinct users, each capped.
          expect(actors, `${series} moved by ${delta} with ${actors} users`).toBeGreaterThanOrEqual(5);
          expect(delta).toBeLessThanOrEqual(actors * cap);
          last.set(series, value);
          since.delete(series);
        }
        const active = num(got, 'tta_active_sessions');
        if (active !== undefined) {
          expect(active % 5).toBe(0);
          expect(new Set(open.map((o) => o.user)).size).toBeGreaterThanOrEqual(5);
        }
      }
    });
  }
});

describe('memory: sessions that never end', () => {
  it('are ended as interrupted after the TTL, through the same k-anonymous batches', async () => {
    const { producer, engagement, advance } = build({ sessionTtlMs: 3600_000 });
    for (const u of users(5)) engagement.startSession(u);
    advance(3600_000);
    engagement.startSession('late');
    const got = await scrape(producer);
    expect(num(got, 'tta_therapeutic_sessions', { outcome: 'interrupted' })).toBe(5);
    expect(histogramCount(got)).toBe(5);
    expect(got.get('tta_active_sessions')).toBeUndefined();
  });
});

describe('the privacy audit trail', () => {
  it('counts every purge, key rotation and k change in tta_privacy_operations, and a purge does not withdraw the count', async () => {
    const { producer, engagement } = build();
    engagement.setK(6, { actor: 'dpo@clinic' });
    engagement.rotateKey(randomBytes(32), { actor: 'ops' });
    engagement.rotateKey(randomBytes(32), { actor: 'ops' });
    engagement.emergencyPurge({ actor: 'dpo@clinic' });
    const got = await scrape(producer);
    expect(num(got, 'tta_privacy_operations', { action: 'k_change' })).toBe(1);
    expect(num(got, 'tta_privacy_operations', { action: 'key_rotation' })).toBe(2);
    expect(num(got, 'tta_privacy_operations', { action: 'emergency_purge' })).toBe(1);
    expect(engagement.auditTrail().map((r) => r.action)).toEqual(['k_change', 'key_rotation', 'key_rotation', 'emergency_purge']);
    // A refused operation is neither recorded nor counted.
    expect(() => engagement.setK(2, { actor: 'ops' })).toThrow();
    expect(num(await scrape(producer), 'tta_privacy_operations', { action: 'k_change' })).toBe(1);
  });
});
