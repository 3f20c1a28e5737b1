import { describe, expect, it } from 'vitest';

// The subpath exports of package.json point at dist: importing by package name checks that each
// one resolves to a built module with its entry points (run after `npm run build`).
const entries: Record<string, string[]> = {
  resilience: ['createResilienceMetrics', 'runStressTest', 'resilienceCatalog'],
  business: ['createBusinessMetrics', 'shannonEntropy', 'klDivergence', 'businessCatalog'],
  health: ['HealthRegistry', 'createHealthHandler', 'startHealthServer', 'healthCatalog'],
  jobs: ['createJobMetrics', 'jobCatalog'],
  errors: ['createErrorTracker', 'fingerprint', 'errorCatalog'],
  trust: ['createTrustMetrics', 'trustCatalog'],
  'ai-carbon': ['createAiCarbonMetrics', 'estimateCpuEnergyKwh', 'aiCarbonCatalog'],
  engagement: ['createEngagementMetrics', 'createPseudonymizer', 'engagementCatalog'],
};

describe('package subpath exports', () => {
  for (const [module, names] of Object.entries(entries)) {
    it(`@vigil/instrumentation/${module} resolves to the built module`, async () => {
      const loaded = (await import(`@vigil/instrumentation/${module}`)) as Record<string, unknown>;
      for (const name of names) expect(loaded[name], name).toBeDefined();
    });
  }
});
