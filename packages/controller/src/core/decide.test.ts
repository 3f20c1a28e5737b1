import { describe, expect, it } from 'vitest';
import { initialParameterState } from './bounds.js';
import { AUTOPILOT_DEFAULTS, KPI_DEFAULTS, type KpiDefinition, type ParameterDefinition } from './config.js';
import { analyzeWindow, benchmarkRegression, validateCandidate } from './decide.js';
import type { ProposedChange } from './propose.js';

const kpis: KpiDefinition[] = [{ name: 'conversion', query: 'q', direction: 'higher-is-better', kind: 'ratio', ...KPI_DEFAULTS }];
const def: ParameterDefinition = { name: 'boost', path: 'r.boost', type: 'float', initialBounds: { min: 0.2, max: 0.6 }, limits: { min: 0, max: 1 }, step: 0.05 };
const change = (newValue: number): ProposedChange => ({ parameter: 'boost', path: 'r.boost', oldValue: 0.4, newValue, desiredValue: newValue, clamped: false, changeType: 'optimization', confidence: 1, predictedKpiChanges: {}, rationale: '' });

describe('AUTOPILOT_DEFAULTS', () => {
  it('carries the design defaults', () => {
    expect(AUTOPILOT_DEFAULTS).toMatchObject({
      dailySchedule: { hour: 3, minute: 0 },
      canaryDurationMinutes: 60,
      canaryTrafficShare: 0.2,
      statisticalConfidence: 0.95,
      maxExecutionMinutes: 10,
      emergencyPause: false,
      manualOverrideHours: 24,
      slidingBounds: { expansionRatePerWeek: 0.05, contractionRateAfterRollback: 0.25, stabilityThresholdDays: 7, rollbackThreshold: 3, antiWindupEnabled: true },
      drift: { predictionErrorThresholdPct: 30, rollbackRateThresholdPct: 10, monitoringWindowDays: 14, pauseDurationHours: 48, maxPauseDurationDays: 7 },
      triage: { weeklySchedule: { dayOfWeek: 0, hour: 2, minute: 0 }, analysisWindowDays: 7, failureThresholdForPatch: 3 },
      validation: { maxBenchmarkRegression: 0.2 },
    });
    expect(AUTOPILOT_DEFAULTS.judge.alpha).toBeCloseTo(1 - AUTOPILOT_DEFAULTS.statisticalConfidence, 12);
    expect(Object.isFrozen(AUTOPILOT_DEFAULTS)).toBe(true);
  });
});

describe('analyzeWindow', () => {
  it('is inconclusive on missing or partial data', () => {
    expect(analyzeWindow(kpis, { start: 0, end: 1, values: [] }, AUTOPILOT_DEFAULTS).status).toBe('inconclusive');
    expect(analyzeWindow(kpis, { start: 0, end: 1, values: [{ kpi: 'conversion', value: 0.1, coverage: 0.5 }] }, AUTOPILOT_DEFAULTS).status).toBe('inconclusive');
    expect(analyzeWindow(kpis, { start: 0, end: 1, values: [{ kpi: 'conversion', value: Number.NaN, coverage: 1 }] }, AUTOPILOT_DEFAULTS).status).toBe('inconclusive');
    expect(analyzeWindow(kpis, { start: 0, end: 1, values: [{ kpi: 'conversion', value: 0.1, coverage: 1 }] }, AUTOPILOT_DEFAULTS)).toEqual({ status: 'ok', window: { start: 0, end: 1 }, values: { conversion: 0.1 } });
  });
});

describe('validateCandidate', () => {
  const state = initialParameterState(def, 0.4, 0);
  const defs = new Map([[def.name, def]]);
  const ok = { passed: true, failures: [] };
  it('returns the changes when every gate passes', () => {
    expect(validateCandidate([change(0.45)], [state], defs, ok, [], AUTOPILOT_DEFAULTS)).toEqual({ ok: true, value: [change(0.45)] });
  });
  it('returns every issue as data', () => {
    const r = validateCandidate([change(0.7)], [state], defs, { passed: false, failures: ['#1'] }, [{ name: 'build', baseline: 10, candidate: 13, direction: 'lower-is-better' }], AUTOPILOT_DEFAULTS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.gate)).toEqual(['bounds', 'golden-set', 'benchmark']);
  });
  it('reads benchmark direction', () => {
    expect(benchmarkRegression({ name: 't', baseline: 100, candidate: 80, direction: 'higher-is-better' })).toBeCloseTo(0.2, 12);
    expect(benchmarkRegression({ name: 't', baseline: 100, candidate: 80, direction: 'lower-is-better' })).toBeCloseTo(-0.2, 12);
  });
});
