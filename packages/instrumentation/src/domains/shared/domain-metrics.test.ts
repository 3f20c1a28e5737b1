import { randomBytes } from 'node:crypto';
import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { OVERFLOW_VALUE } from '../../record/series-store.js';
import { OVERFLOW_METRIC, VigilMetricProducer } from '../../record/vigil-producer.js';
import { createAiCarbonMetrics } from '../ai-carbon/index.js';
import { createEngagementMetrics } from '../engagement/index.js';
import { createErrorTracker } from '../errors/index.js';
import { createTrustMetrics } from '../trust/index.js';

async function collect(producer: VigilMetricProducer): Promise<Map<string, DataPoint<unknown>[]>> {
  const { resourceMetrics, errors } = await producer.collect();
  expect(errors).toEqual([]);
  const metrics: MetricData[] = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  return new Map(metrics.map((m) => [m.descriptor.name, m.dataPoints as DataPoint<unknown>[]]));
}

function value(points: DataPoint<unknown>[] | undefined, attributes: Record<string, string>): unknown {
  return points?.find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))?.value;
}

describe('domain modules on the typed path', () => {
  it('record into Vigil producer cells, with the overflow counted by the producer', async () => {
    const producer = new VigilMetricProducer();
    const trust = createTrustMetrics({ target: producer, maxAgents: 2, agentKey: randomBytes(32) });
    const errors = createErrorTracker({ target: producer });
    for (let i = 0; i < 5; i++) trust.recordScore(`agent-${i}`, 10 * i);
    errors.track(new RangeError('x'), { component: 'living_worlds', severity: 'low' });
    const got = await collect(producer);
    expect(value(got.get('chorus_trust_score'), { agent_id: OVERFLOW_VALUE })).toBe(40);
    expect(value(got.get(OVERFLOW_METRIC), { metric: 'chorus_trust_score', label: 'agent_id' })).toBe(3);
    expect(trust.overflows().agent_id).toBe(3);
    expect(value(got.get('tta_errors'), { error_type: 'RangeError' })).toBe(1);
  });

  it('give every metric of an invocation the same model value: declared, or other', async () => {
    const producer = new VigilMetricProducer();
    const models = Array.from({ length: 19 }, (_, i) => `model-${i}`);
    const ai = createAiCarbonMetrics({ target: producer, now: () => 0, cpuMicros: () => 0, cores: 1, models });
    for (let i = 0; i < 25; i++) await ai.invoke(`model-${i}`, () => 'ok');
    await expect(ai.invoke('model-20', () => Promise.reject(new Error('timed out')))).rejects.toThrow();
    ai.recordTokens('model-20', { prompt: 3, completion: 1 });
    const got = await collect(producer);
    expect(value(got.get('tta_ai_model_errors'), { model: 'other', error_type: 'timeout' })).toBe(1);
    expect(value(got.get('tta_ai_model_tokens'), { model: 'other', token_type: 'prompt' })).toBe(3);
    expect(value(got.get('tta_ai_model_invocations'), { model: 'other' })).toBe(7);
    expect(value(got.get('tta_ai_model_invocations'), { model: 'model-18' })).toBe(1);
    // 19 declared values and `other` fit the cap of 20: nothing folds.
    expect(ai.modelOverflows).toBe(0);
    expect(value(got.get(OVERFLOW_METRIC), { metric: 'tta_ai_model_invocations', label: 'model' })).toBeUndefined();
    expect(() => createAiCarbonMetrics({ target: new VigilMetricProducer(), models: [...models, 'model-19'] })).toThrow(/at most 19/);
  });

  it('publish a k-anonymous group to the counter only in batches of k users', async () => {
    const producer = new VigilMetricProducer();
    const engagement = createEngagementMetrics({ key: randomBytes(32), k: 2, unsafeAllowSmallK: true, target: producer, interactionTypes: ['journal_entry'] });
    engagement.recordInteraction('alice', 'journal_entry', 4);
    expect((await collect(producer)).get('tta_player_interactions')).toBeUndefined();
    engagement.recordInteraction('bob', 'journal_entry');
    expect(value((await collect(producer)).get('tta_player_interactions'), { interaction_type: 'journal_entry' })).toBe(5);
    // alice alone does not move it; with bob the next batch goes out.
    engagement.recordInteraction('alice', 'journal_entry', 2);
    expect(value((await collect(producer)).get('tta_player_interactions'), { interaction_type: 'journal_entry' })).toBe(5);
    engagement.recordInteraction('bob', 'journal_entry');
    expect(value((await collect(producer)).get('tta_player_interactions'), { interaction_type: 'journal_entry' })).toBe(8);
  });
});
