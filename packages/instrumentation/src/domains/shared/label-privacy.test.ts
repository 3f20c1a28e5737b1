import { randomBytes } from 'node:crypto';
import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OVERFLOW_VALUE } from '../../record/series-store.js';
import { VigilMetricProducer } from '../../record/vigil-producer.js';
import { startTelemetry } from '../../telemetry.js';
import { createAiCarbonMetrics } from '../ai-carbon/index.js';
import { createBusinessMetrics } from '../business/index.js';
import { createEngagementMetrics } from '../engagement/index.js';
import { createErrorTracker } from '../errors/index.js';
import { SCHOLAR_BACKUP_NAMING, createJobMetrics } from '../jobs/index.js';
import { createResilienceMetrics, CHORUS_NAMING } from '../resilience/index.js';
import { createTrustMetrics } from '../trust/index.js';
import { LabelVocabulary, UNDECLARED_LABEL_VALUE } from './label-vocabulary.js';
import { BUILTIN_ERROR_TYPES, OTHER_ERROR_TYPE } from './redact.js';

// Issue 16 (open item): every domain label comes from a declared vocabulary, a keyed pseudonym or
// a bucket; a pattern screen let a plain lower-case name (`alice`) through as an agent id, a
// reason, an intervention type or a model name, and a class-like name (`AliceSmith`) as an error type.

/** Personal data of the kinds a label could be handed: names, e-mails, ids, phone numbers, free text. */
const PERSONAL = [
  'alice',
  'bob_jones',
  'AliceSmith',
  'Alice Smith',
  'alice.smith@example.com',
  'sess-1234abcd',
  'user-42',
  '4155550123',
  'patient:7731',
  'felt suicidal after the session with Dr Smith',
  'DrSmith',
];

/** Feeds every personal value into every label of every domain module that records into `producer`. */
async function feed(producer: VigilMetricProducer, values: readonly string[]): Promise<void> {
  const trust = createTrustMetrics({ target: producer, agents: ['agent_narrator'], reasons: ['cooperation'], interventionTypes: ['pause'], agentKey: randomBytes(32) });
  const noKeyTrust = createTrustMetrics({ target: new VigilMetricProducer() });
  const ai = createAiCarbonMetrics({ target: producer, models: ['gpt-4o-2024-08-06'], now: () => 0, cpuMicros: () => 0, cores: 1, residentBytes: false, grid: { gramsPerKwh: 50, source: 'figure from alice.smith@example.com' } });
  const errors = createErrorTracker({ target: producer, errorTypes: ['LookupError'] });
  const engagement = createEngagementMetrics({ key: randomBytes(32), target: producer, interactionTypes: ['journal_entry'] });
  const jobs = createJobMetrics({ target: producer, naming: SCHOLAR_BACKUP_NAMING });
  const resilience = createResilienceMetrics({ target: producer, naming: CHORUS_NAMING });
  const business = createBusinessMetrics({ target: producer });
  trust.recordScore('agent_narrator', 70);
  trust.recordChange('agent_narrator', 70, 60, 'cooperation');
  trust.recordIntervention('pause');
  await ai.invoke('gpt-4o-2024-08-06', () => 'ok');
  errors.track(new TypeError('x'), { component: 'authentication', severity: 'high' });
  for (const value of values) {
    trust.recordScore(value, 50);
    noKeyTrust.recordScore(value, 50);
    trust.recordChange('agent_narrator', 50, 40, value);
    trust.recordIntervention(value);
    trust.quarantine([value]);
    await ai.invoke(value, () => 'ok');
    ai.recordTokens(value, { prompt: 1, completion: 1 });
    const error = new Error(`lookup failed for ${value}`);
    error.name = value;
    errors.track(error, { component: 'authentication', severity: 'low' });
    // The modules with closed sets refuse, and their messages do not repeat the value.
    for (const attempt of [
      () => errors.track(new Error('x'), { component: value, severity: 'low' }),
      () => jobs.recordVerification(value, true),
      () => resilience.recordTokens({ prompt: 1, completion: 1 }, value),
      () => business.recordSelection([1, 1], value as 'control'),
    ]) {
      expect(attempt).toThrow();
      try {
        attempt();
      } catch (thrown) {
        // Checked for the corpus (a random one-letter value can occur in any message).
        if (PERSONAL.includes(value)) expect((thrown as Error).message).not.toContain(value);
      }
    }
    for (let user = 0; user < 6; user++) engagement.recordInteraction(`user-${user}`, value);
  }
  for (let user = 0; user < 6; user++) engagement.recordInteraction(`user-${user}`, 'journal_entry');
}

async function labelValues(producer: VigilMetricProducer): Promise<Map<string, Set<string>>> {
  const { resourceMetrics } = await producer.collect();
  const byLabel = new Map<string, Set<string>>();
  for (const metric of resourceMetrics.scopeMetrics.flatMap((s) => s.metrics) as MetricData[]) {
    for (const point of metric.dataPoints as DataPoint<unknown>[]) {
      for (const [label, value] of Object.entries(point.attributes)) {
        const key = `${metric.descriptor.name}{${label}}`;
        byLabel.set(key, (byLabel.get(key) ?? new Set()).add(String(value)));
      }
    }
  }
  return byLabel;
}

describe('domain labels: declared, pseudonymized or bucketed, never the input', () => {
  it('keeps names, e-mails, ids and free text out of the /metrics scrape', async () => {
    const telemetry = await startTelemetry({ service: { name: 'tta' }, prometheus: { port: 0, host: '127.0.0.1' }, shutdownSignals: [], registerGlobal: false });
    try {
      const producer = telemetry.producer!;
      await feed(producer, PERSONAL);
      const scrape = await (await fetch(`http://127.0.0.1:${telemetry.prometheus?.port}/metrics`)).text();
      const labels = [...scrape.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).join('\n');
      for (const value of PERSONAL) {
        // Any label value equal to, or containing, the personal value (lower-case names too).
        expect(labels, value).not.toMatch(new RegExp(`="[^"]*${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^"]*"`, 'i'));
      }
      expect(scrape).not.toMatch(/example\.com/);
      // What the application declared is there; the rest is `other`, `OtherError` or a pseudonym.
      expect(scrape).toMatch(/chorus_trust_score\{agent_id="agent_narrator"/);
      expect(scrape).toMatch(/chorus_trust_score\{agent_id="agent_[0-9a-f]{16}"/);
      expect(scrape).toMatch(/chorus_trust_score_adjustment_count\{direction="decrease",reason="other"/);
      expect(scrape).toMatch(/chorus_interventions_total\{intervention_type="other"/);
      expect(scrape).toMatch(/tta_ai_model_invocations_total\{model="other"/);
      expect(scrape).toMatch(/tta_ai_model_invocations_total\{model="gpt-4o-2024-08-06"/);
      expect(scrape).toMatch(/tta_errors_total\{component="authentication",severity="low",error_type="OtherError"/);
      expect(scrape).toMatch(/tta_player_interactions_total\{interaction_type="journal_entry"/);
      expect(scrape).toMatch(/tta_carbon_grid_intensity\{region="custom",source="user_supplied"/);
    } finally {
      await telemetry.shutdown();
    }
  });

  it('every label value is declared, a bucket, a pseudonym or a fold, whatever the input (property)', async () => {
    const personal = fc.oneof(
      fc.constantFrom(...PERSONAL),
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.stringMatching(/^[a-z][a-z_]{2,12}$/), // plain lower-case names: what the old screen let through
      fc.stringMatching(/^[A-Z][a-z]{2,8}[A-Z][a-z]{2,8}$/), // class-like names
      fc.emailAddress(),
    );
    const declared = new Set([
      'agent_narrator',
      'cooperation',
      'pause',
      'quarantine',
      'gpt-4o-2024-08-06',
      'LookupError',
      'journal_entry',
      UNDECLARED_LABEL_VALUE,
      OTHER_ERROR_TYPE,
      OVERFLOW_VALUE,
      ...BUILTIN_ERROR_TYPES,
    ]);
    // Labels whose values are closed sets of the catalogs (outcomes, severities, ...) are checked by the catalogs.
    const free = ['chorus_trust_score{agent_id}', 'chorus_trust_score_adjustment{reason}', 'chorus_interventions{intervention_type}', 'tta_ai_model_invocations{model}', 'tta_ai_model_tokens{model}', 'tta_errors{error_type}', 'tta_player_interactions{interaction_type}'];
    await fc.assert(
      fc.asyncProperty(fc.array(personal, { minLength: 1, maxLength: 8 }), async (values) => {
        const producer = new VigilMetricProducer();
        await feed(producer, values.filter((v) => !declared.has(v)));
        const byLabel = await labelValues(producer);
        for (const key of free) {
          for (const value of byLabel.get(key) ?? []) {
            const ok = declared.has(value) || (key === 'chorus_trust_score{agent_id}' && /^agent_[0-9a-f]{16}$/.test(value));
            expect(ok, `${key}=${value}`).toBe(true);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('refuses a declared vocabulary that is not identifier-like, repeats itself or exceeds the cap, without repeating it', () => {
    expect(() => new LabelVocabulary('models', ['alice.smith@example.com'], 20)).toThrow(/models\[0\] must be an identifier-like/);
    expect(() => new LabelVocabulary('models', ['Alice Smith'], 20)).toThrow(/models\[0\]/);
    expect(() => new LabelVocabulary('models', ['a', 'a'], 20)).toThrow(/repeat/);
    expect(() => new LabelVocabulary('models', ['a', 'b', 'c'], 3)).toThrow(/at most 2/);
    expect(() => new LabelVocabulary('reasons', ['other'], 20)).toThrow(/other than "other"/);
    for (const bad of [() => new LabelVocabulary('models', ['alice.smith@example.com'], 20), () => createErrorTracker({ target: new VigilMetricProducer(), errorTypes: ['alice'] })]) {
      expect(bad).toThrow();
      try {
        bad();
      } catch (error) {
        expect((error as Error).message).not.toMatch(/alice/i);
      }
    }
    expect(() => createTrustMetrics({ target: new VigilMetricProducer(), agentKey: 'a'.repeat(40) })).toThrow(/entropy/);
  });
});
