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
    const trust = createTrustMetrics({ target: producer, maxAgents: 2 });
    const errors = createErrorTracker({ target: producer });
    for (let i = 0; i < 5; i++) trust.recordScore(`agent-${i}`, 10 * i);
    errors.track(new RangeError('x'), { component: 'living_worlds', severity: 'low' });
    const got = await collect(producer);
    expect(value(got.get('chorus_trust_score'), { agent_id: OVERFLOW_VALUE })).toBe(40);
    expect(value(got.get(OVERFLOW_METRIC), { metric: 'chorus_trust_score', label: 'agent_id' })).toBe(3);
    expect(trust.overflows().agent_id).toBe(3);
    expect(value(got.get('tta_errors'), { error_type: 'RangeError' })).toBe(1);
  });

  it('fold a model once for every metric of an invocation, counted once', async () => {
    const producer = new VigilMetricProducer();
    const ai = createAiCarbonMetrics({ target: producer, now: () => 0, cpuMicros: () => 0, cores: 1 });
    for (let i = 0; i < 21; i++) await ai.invoke(`model-${i}`, () => 'ok');
    // model-20 is past the cap of 20 on invocations; its error and tokens fold with it, though
    // those metrics have seen no other model.
    await expect(ai.invoke('model-20', () => Promise.reject(new Error('timed out')))).rejects.toThrow();
    ai.recordTokens('model-20', { prompt: 3, completion: 1 });
    const got = await collect(producer);
    expect(value(got.get('tta_ai_model_errors'), { model: OVERFLOW_VALUE, error_type: 'timeout' })).toBe(1);
    expect(value(got.get('tta_ai_model_tokens'), { model: OVERFLOW_VALUE, token_type: 'prompt' })).toBe(3);
    expect(value(got.get('tta_ai_model_invocations'), { model: OVERFLOW_VALUE })).toBe(2);
    expect(ai.modelOverflows).toBe(3);
    expect(value(got.get(OVERFLOW_METRIC), { metric: 'tta_ai_model_invocations', label: 'model' })).toBe(3);
    // The folded value is not folded (nor counted) again by the other metrics.
    expect(value(got.get(OVERFLOW_METRIC), { metric: 'tta_ai_model_tokens', label: 'model' })).toBeUndefined();
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
