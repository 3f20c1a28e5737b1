import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadModel, type Metric } from '@vigil/compiler';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Catalog, CatalogMetric } from '../../catalog.js';
import { aiCarbonCatalog } from '../ai-carbon/index.js';
import { businessCatalog } from '../business/index.js';
import { engagementCatalog } from '../engagement/index.js';
import { errorCatalog } from '../errors/index.js';
import { CHORUS_HEALTH_NAMING, SCHOLAR_HEALTH_NAMING, healthCatalog } from '../health/index.js';
import { SCHOLAR_BACKUP_NAMING, jobCatalog } from '../jobs/index.js';
import { CHORUS_NAMING, VVTV_LLM_NAMING, resilienceCatalog } from '../resilience/index.js';
import { trustCatalog } from '../trust/index.js';

const catalogs: Record<string, Catalog> = {
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

/** A catalog metric as a `metrics` entry of a definitions file. */
function definitionOf(metric: CatalogMetric, service: string): Record<string, unknown> {
  return {
    name: metric.name,
    type: metric.type,
    unit: metric.unit,
    description: metric.description,
    service,
    labels: Object.fromEntries(
      Object.entries(metric.labels).map(([label, spec]) => [
        label,
        spec.values ? { values: [...spec.values] } : { max_cardinality: spec.maxCardinality },
      ]),
    ),
    ...(metric.buckets ? { buckets: [...metric.buckets] } : {}),
  };
}

/** The compiler's metric as the catalog entry `vigil codegen` would write for it (without `promName`). */
function catalogEntryOf(metric: Metric): CatalogMetric {
  return {
    name: metric.name,
    type: metric.type,
    unit: metric.unit,
    description: metric.description,
    labels: Object.fromEntries(
      metric.labels.map((label) => [
        label.name,
        { ...(label.allowedValues ? { values: label.allowedValues } : {}), ...(label.maxCardinality !== undefined ? { maxCardinality: label.maxCardinality } : {}) },
      ]),
    ),
    ...(metric.buckets ? { buckets: metric.buckets } : {}),
  };
}

function plain(metric: CatalogMetric): CatalogMetric {
  return JSON.parse(JSON.stringify(metric)) as CatalogMetric;
}

describe('module catalogs', () => {
  for (const [module, catalog] of Object.entries(catalogs)) {
    it(`${module} is what the compiler makes of the same metrics`, () => {
      const service = `instrumentation-${module}`;
      const metrics = Object.values(catalog.metrics);
      const text = stringify({ apiVersion: 'vigil.dev/v1', services: [{ name: service, team: 'vigil' }], metrics: metrics.map((m) => definitionOf(m, service)) });
      const result = loadModel([{ path: `${module}.yaml`, text }]);
      if (!result.ok) expect.fail(result.issues.map((i) => `${i.file}:${i.line}: ${i.message}`).join('\n'));
      const compiled = new Map(result.value.metrics.map((m) => [m.name, catalogEntryOf(m)]));
      expect([...compiled.keys()].sort()).toEqual(metrics.map((m) => m.name).sort());
      for (const metric of metrics) expect(plain(metric), metric.name).toEqual(compiled.get(metric.name));
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
      for (const metric of Object.values(catalog.metrics)) {
        const theirs = declared.get(metric.name);
        if (!theirs) continue;
        shared++;
        const { service: _ours, description: _d1, ...mine } = definitionOf(metric, 'x');
        const { service: _theirs, description: _d2, ...their } = theirs;
        expect(mine, metric.name).toEqual({ name: metric.name, unit: '1', labels: {}, ...their });
      }
    }
    expect(shared).toBeGreaterThan(40);
  });
});
