import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { VigilMetricProducer } from '../../record/vigil-producer.js';
import { createAiCarbonMetrics } from '../ai-carbon/index.js';
import { createBusinessMetrics } from '../business/index.js';
import { createErrorTracker } from '../errors/index.js';
import { HealthRegistry, SCHOLAR_HEALTH_NAMING, startHealthServer } from '../health/index.js';
import { createTrustMetrics } from '../trust/index.js';
import { classifyErrorName, isSafeLabelValue, redactSecrets } from './redact.js';

// Issue 16, X1-X3: personal data must not reach labels, endpoints or exception messages.

const EMAIL = 'alice.smith@example.com';
const DSN = 'postgres://tta_admin:hunter2@db.internal:5432/tta';

async function labelValues(producer: VigilMetricProducer): Promise<string[]> {
  const { resourceMetrics } = await producer.collect();
  return resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .flatMap((m: MetricData) => (m.dataPoints as DataPoint<unknown>[]).flatMap((p) => Object.values(p.attributes).map(String)));
}

describe('X1: labels cannot carry personal data', () => {
  it('classifies error names, screens agent ids, reasons, intervention types and model names', async () => {
    const producer = new VigilMetricProducer();
    const errors = createErrorTracker({ target: producer });
    class LookupError extends Error {}
    const lookup = new LookupError('no such user');
    lookup.name = `LookupError for ${EMAIL}`;
    errors.track(lookup, { component: 'authentication', severity: 'high' });
    errors.track(new TypeError('x'), { component: 'authentication', severity: 'high' });
    const trust = createTrustMetrics({ target: producer, agents: ['agent_narrator'] });
    trust.recordScore(EMAIL, 50);
    trust.recordScore('agent_narrator', 50);
    trust.recordChange('agent_narrator', 50, 40, `complaint from ${EMAIL}`);
    trust.recordIntervention('pause session sess-1234abcd');
    trust.recordIntervention('quarantine');
    const ai = createAiCarbonMetrics({ target: producer, now: () => 0, cpuMicros: () => 0, cores: 1, models: ['gpt-4o-2024-08-06'] });
    await ai.invoke('finetune-for-Alice Smith', () => 'ok');
    await ai.invoke('gpt-4o-2024-08-06', () => 'ok');
    const values = await labelValues(producer);
    for (const leaked of [EMAIL, 'sess-1234abcd', 'Alice Smith']) {
      for (const value of values) expect(value).not.toContain(leaked);
    }
    for (const kept of ['TypeError', 'OtherError', 'quarantine', 'agent_narrator', 'gpt-4o-2024-08-06', 'other']) expect(values).toContain(kept);
    expect(errors.groups().map((g) => g.errorType).sort()).toEqual(['OtherError', 'TypeError']);
  });

  it('screens values by pattern; classifies error names by allow-list', () => {
    expect(isSafeLabelValue('rate_limit')).toBe(true);
    expect(isSafeLabelValue('claude-3-5-sonnet-20241022')).toBe(true);
    expect(isSafeLabelValue('user 42')).toBe(false);
    expect(isSafeLabelValue('sess-1234abc')).toBe(true);
    expect(isSafeLabelValue('sess-1234abcd')).toBe(false);
    expect(isSafeLabelValue('4155550123')).toBe(false);
    // Error types are an allow-list, not a screen: a class-like name is not enough.
    expect(classifyErrorName('TypeError')).toBe('TypeError');
    expect(classifyErrorName('LookupError')).toBe('OtherError');
    expect(classifyErrorName('LookupError', new Set(['LookupError']))).toBe('LookupError');
    expect(classifyErrorName('AliceSmith')).toBe('OtherError');
    expect(classifyErrorName(42)).toBe('OtherError');
  });
});

describe('X2: the health endpoint never serves thrown text nor echoes the route', () => {
  it('reports status and a safe reason', async () => {
    const registry = new HealthRegistry({
      naming: SCHOLAR_HEALTH_NAMING,
      target: new VigilMetricProducer(),
      checks: [
        { name: 'database', run: () => Promise.reject(Object.assign(new Error(`connect ${DSN} failed for ${EMAIL}`), { code: 'ECONNREFUSED' })) },
        { name: 'performance', run: () => ({ status: 'degraded', reason: `slow for ${EMAIL}, see ${DSN}` }) },
      ],
    });
    const server = await startHealthServer(registry);
    try {
      const all = await (await fetch(`${server.url}/health`)).text();
      for (const leaked of ['hunter2', 'tta_admin', EMAIL]) expect(all).not.toContain(leaked);
      expect(JSON.parse(all).checks).toContainEqual(expect.objectContaining({ name: 'database', reason: 'threw Error (ECONNREFUSED)' }));
      const missing = await fetch(`${server.url}/health/${encodeURIComponent(EMAIL)}`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).not.toContain(EMAIL);
    } finally {
      await server.close();
    }
  });

  it('redacts secrets in free text', () => {
    expect(redactSecrets(`connect ${DSN} as ${EMAIL}`)).toBe('connect postgres://<credentials>@db.internal:5432/tta as <email>');
    expect(redactSecrets('Authorization: Bearer abc.def password=hunter2')).not.toMatch(/hunter2|abc\.def/);
  });
});

describe('X3: exceptions do not repeat the rejected value', () => {
  it('names the rule, not the value', () => {
    const producer = new VigilMetricProducer();
    const errors = createErrorTracker({ target: producer });
    const business = createBusinessMetrics({ target: producer });
    const trust = createTrustMetrics({ target: producer });
    const attempts: (() => unknown)[] = [
      () => errors.track(new Error('x'), { component: EMAIL, severity: 'low' }),
      () => business.recordSelection([1, 1], EMAIL as 'control'),
      () => trust.recordConflictPrediction(EMAIL as 'low'),
    ];
    for (const attempt of attempts) {
      let message = '';
      try {
        attempt();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(EMAIL);
    }
  });
});
