import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OVERFLOW_VALUE } from '../../record/series-store.js';
import { OVERFLOW_METRIC, VigilMetricProducer } from '../../record/vigil-producer.js';
import { createTestMetrics, histogramOf, pointsOf, valueOf, type TestMetrics } from '../shared/test-reader.js';
import { createTrustMetrics } from './index.js';

let test: TestMetrics;
beforeEach(() => {
  test = createTestMetrics();
});
afterEach(() => test.shutdown());

describe('trust metrics', () => {
  it('records scores, changes with reasons, predictions, interventions and quarantines', async () => {
    const trust = createTrustMetrics({ meter: test.meter, agents: ['agent-a', 'agent-b'], reasons: ['conflict_participation', 'cooperation'] });
    trust.recordScore('agent-a', 80);
    trust.recordChange('agent-a', 80, 72.5, 'conflict_participation');
    trust.recordChange('agent-b', 50, 52, 'cooperation');
    trust.recordInteraction(3);
    trust.recordConflictPrediction('high', 0.8);
    trust.quarantine(['agent-a']);
    trust.quarantine(['agent-c']);
    trust.release(['agent-c']);
    const got = await test.collect();
    expect(valueOf(got, 'chorus_trust_score', { agent_id: 'agent-a' })).toBe(72.5);
    expect(histogramOf(got, 'chorus_trust_score_adjustment', { direction: 'decrease', reason: 'conflict_participation' })?.sum).toBe(7.5);
    expect(histogramOf(got, 'chorus_trust_score_adjustment', { direction: 'increase' })?.sum).toBe(2);
    expect(valueOf(got, 'chorus_agent_interactions')).toBe(3);
    expect(valueOf(got, 'chorus_conflict_predictions', { risk_level: 'high' })).toBe(1);
    expect(histogramOf(got, 'chorus_conflict_prediction_duration_seconds')?.count).toBe(1);
    expect(valueOf(got, 'chorus_interventions', { intervention_type: 'quarantine' })).toBe(2);
    expect(valueOf(got, 'chorus_quarantined_agents')).toBe(1);
    expect(valueOf(got, 'chorus_agents')).toBe(3);
    expect(() => trust.recordScore('agent-a', 101)).toThrow(/0-100/);
  });

  it('folds agent pseudonyms past the cap into the overflow value and counts them', async () => {
    const trust = createTrustMetrics({ meter: test.meter, maxAgents: 3, agentKey: randomBytes(32) });
    for (let i = 0; i < 10; i++) trust.recordScore(`agent-${i}`, i);
    trust.recordScore('agent-0', 50);
    const got = await test.collect();
    const series = pointsOf(got, 'chorus_trust_score').map((p) => String(p.attributes['agent_id']));
    expect(series).toHaveLength(4);
    expect(series.filter((v) => v === OVERFLOW_VALUE)).toHaveLength(1);
    for (const value of series.filter((v) => v !== OVERFLOW_VALUE)) expect(value).toMatch(/^agent_[0-9a-f]{16}$/);
    expect(pointsOf(got, 'chorus_trust_score').map((p) => p.value)).toContain(50);
    // The overflow is counted by the producer, as for any catalog.
    expect(valueOf(got, OVERFLOW_METRIC, { metric: 'chorus_trust_score', label: 'agent_id' })).toBe(7);
    expect(trust.overflows().agent_id).toBe(7);
    expect(valueOf(got, 'chorus_agents')).toBe(10);
  });
});

describe('agent memory', () => {
  it('forgets agents not seen within the TTL and counts them', async () => {
    let now = 0;
    const trust = createTrustMetrics({ target: new VigilMetricProducer(), agentTtlMs: 60_000, now: () => now });
    for (let i = 0; i < 100; i++) trust.recordScore(`agent_${i}`, 50);
    trust.quarantine(['agent_1']);
    now += 60_000;
    trust.recordScore('agent_new', 50);
    expect(trust.expiredAgents).toBe(100);
  });
});
