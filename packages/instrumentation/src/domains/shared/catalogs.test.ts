import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadModel } from '@vigil/compiler';
import type { MetricSpec } from './catalog.js';
import { toDefinitionsDocument } from './catalog.js';
import { CHORUS_NAMING, VVTV_LLM_NAMING, resilienceCatalog } from '../resilience/index.js';
import { businessCatalog } from '../business/index.js';
import { CHORUS_HEALTH_NAMING, SCHOLAR_HEALTH_NAMING, healthCatalog } from '../health/index.js';
import { SCHOLAR_BACKUP_NAMING, jobCatalog } from '../jobs/index.js';
import { errorCatalog } from '../errors/index.js';
import { trustCatalog } from '../trust/index.js';
import { aiCarbonCatalog } from '../ai-carbon/index.js';
import { engagementCatalog } from '../engagement/index.js';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const catalogs: Record<string, readonly MetricSpec[]> = {
  'resilience-vvtv': resilienceCatalog(VVTV_LLM_NAMING),
  'resilience-chorus': resilienceCatalog(CHORUS_NAMING),
  business: businessCatalog,
  'health-scholar': healthCatalog(SCHOLAR_HEALTH_NAMING),
  'health-chorus': healthCatalog(CHORUS_HEALTH_NAMING),
  jobs: jobCatalog(SCHOLAR_BACKUP_NAMING),
  errors: errorCatalog,
  trust: trustCatalog,
  'ai-carbon': aiCarbonCatalog,
  engagement: engagementCatalog,
};

describe('module catalogs', () => {
  for (const [module, catalog] of Object.entries(catalogs)) {
    it(`${module} compiles through the rules compiler`, () => {
      const text = stringify(toDefinitionsDocument(`instrumentation-${module}`, catalog));
      const result = loadModel([{ path: `${module}.yaml`, text }]);
      if (!result.ok) expect.fail(result.issues.map((i) => `${i.file}:${i.line}: ${i.message}`).join('\n'));
      expect(result.value.metrics.map((m) => m.name).sort()).toEqual(catalog.map((m) => m.name).sort());
    });
  }

  // A module metric that a user's definitions also declare must match it exactly, or alerts
  // and dashboards on it read something else than what the module writes.
  it('matches definitions/*.yaml wherever both declare a metric', () => {
    const dir = fileURLToPath(new URL('../../../../../definitions/', import.meta.url));
    const declared = new Map<string, Record<string, unknown>>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      const doc = parse(readFileSync(`${dir}${file}`, 'utf8')) as { metrics?: Record<string, unknown>[] };
      for (const metric of doc.metrics ?? []) declared.set(metric['name'] as string, metric);
    }
    let shared = 0;
    for (const catalog of Object.values(catalogs)) {
      for (const spec of catalog) {
        const theirs = declared.get(spec.name);
        if (!theirs) continue;
        shared++;
        const ours = toDefinitionsDocument('x', [spec]).metrics as Record<string, unknown>[];
        const { service: _ours, description: _d1, ...mine } = ours[0] as Record<string, unknown>;
        const { service: _theirs, description: _d2, ...their } = theirs;
        expect({ name: spec.name, ...mine }, spec.name).toEqual({ name: spec.name, unit: '1', labels: {}, ...their });
      }
    }
    expect(shared).toBeGreaterThan(40);
  });
});
