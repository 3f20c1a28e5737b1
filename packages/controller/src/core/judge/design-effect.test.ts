import { describe, expect, it } from 'vitest';
import { AUTOPILOT_DEFAULTS, type KpiDefinition } from '../config.js';
import { simulateCanaryRuns } from './canary-monte-carlo.js';
import { designEffect, effectiveCounts } from './design-effect.js';
import { judgeCanary } from './judge.js';

const config = AUTOPILOT_DEFAULTS.judge;
const conversion: KpiDefinition = { name: 'conversion', query: 'q', direction: 'higher-is-better', weight: 1, role: 'must-not-degrade', kind: 'ratio', nonInferiorityMargin: 0, minimumDetectableEffect: 0.05 };

describe('design effect (unit of randomization)', () => {
  it("is Kish's 1 + (m - 1) rho, and never below 1", () => {
    expect(designEffect(21, 0.1)).toBeCloseTo(3, 12);
    expect(designEffect(1, 0.5)).toBe(1);
    expect(designEffect(10, 0)).toBe(1);
  });

  it('divides events and exposure (Rao-Scott), keeping whole counts', () => {
    expect(effectiveCounts({ events: 301, exposure: 3000 }, 3)).toEqual({ events: 100, exposure: 1000 });
    const same = { events: 7, exposure: 70 };
    expect(effectiveCounts(same, 1)).toBe(same);
  });

  it('the judge weighs clustered counts by their effective size: a difference that is significant for independent requests is not for users', () => {
    const observation = { kpi: 'conversion', data: 'counts' as const, control: { events: 48_000, exposure: 480_000 }, canary: { events: 11_700, exposure: 120_000 }, query: { expr: 'q', range: { start: 0, end: 1 }, stepSeconds: 60 } };
    const independent = judgeCanary({ kpis: [conversion], observations: [observation], canaryTrafficShare: 0.2, config });
    const users = judgeCanary({ kpis: [conversion], observations: [observation], canaryTrafficShare: 0.2, config: { ...config, designEffect: 3 } });
    expect(independent.verdicts[0]?.failed).toBe(true);
    expect(users.verdicts[0]?.failed).toBe(false);
    expect(users.verdicts[0]?.sampleSize.canary).toBe(40_000);
  });
});

// Issue 12, finding 6: users (20 requests each on average, Poisson) split between control and
// canary, each converting with its own beta-distributed probability, intra-cluster correlation 0.09.
describe('user-correlated traffic (seeded Monte Carlo, 20 req/s, conversion 10%)', () => {
  const scenario = { runs: 400, minutes: 60, requestsPerMinute: 1200, canaryTrafficShare: 0.2, baselineRate: 0.1, canaryRelativeChange: 0, kpi: conversion, seed: 5, users: { requestsPerUser: 20, intraClusterCorrelation: 0.09 } };
  it('treating requests as independent (no declaration, no estimated dispersion) false-alarms far above alpha', () => {
    const r = simulateCanaryRuns({ ...scenario, runs: 1000, config, buckets: false });
    expect(r.interval[0]).toBeGreaterThan(config.alpha);
  });
  it('with the unit declared (users, 21 requests per unit as E[n²]/E[n], the default correlation 0.1), A/A false alarms stay within alpha', () => {
    const r = simulateCanaryRuns({ ...scenario, config: { ...config, designEffect: designEffect(21, 0.1) } });
    expect(r.interval[1]).toBeLessThanOrEqual(config.alpha);
  });
});
