import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectModel } from '../model/load-project-model.js';
import { healthyPlan } from '../traffic/healthy-plan.js';
import { deriveScenarios, kebabCase, undrivenAlerts } from './derive-scenarios.js';

const ROOT = resolve(import.meta.dirname, '../../../..');

describe('deriveScenarios', () => {
  it('names alerts in kebab case', () => {
    expect(kebabCase('DiversityLoss')).toBe('diversity-loss');
    expect(kebabCase('LlmFallbackRateHigh')).toBe('llm-fallback-rate-high');
    expect(kebabCase('SLOBurn')).toBe('slo-burn');
  });

  it("drives every alert and SLO of this repository's definitions, with the seed teams' named scenarios", async () => {
    const model = await loadProjectModel(ROOT, resolve(ROOT, 'definitions'));
    const scenarios = deriveScenarios(model, healthyPlan(model));
    expect(undrivenAlerts(model, scenarios)).toEqual([]);
    const named = scenarios.filter((s) => s.origin === 'named').map((s) => s.name);
    expect(named).toEqual(['diversity-loss', 'curator-budget-exhausted', 'backup-stale', 'backup-verification-failed', 'error-budget-burn', 'breaker-open', 'health-degraded', 'carbon-budget']);
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
    for (const s of scenarios) {
      expect(s.effects.length, s.name).toBeGreaterThan(0);
      for (const e of s.effects) expect(model.metrics.map((m) => m.name), s.name).toContain(e.metric);
    }
    const diversity = scenarios.find((s) => s.name === 'diversity-loss');
    const effect = diversity?.effects[0];
    expect(effect?.metric).toBe('vvtv_selection_entropy');
    expect(effect?.action.kind === 'set' && effect.action.value).toBeCloseTo(0.1);
    expect(diversity?.defaultDurationSeconds).toBe(3600 + 120);
  });
});
