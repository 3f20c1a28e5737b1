import { describe, expect, it } from 'vitest';
import { runAutopilotSimulation, trueKpis } from './simulation.js';

describe('30-day autopilot simulation (seed 42)', () => {
  const summary = runAutopilotSimulation();

  it('improves the true conversion before the regime change', () => {
    expect(summary.conversion.beforeRegimeChange).toBeGreaterThan(summary.conversion.initial * 1.03);
  });
  it('ends no worse than leaving the initial parameters alone under the new regime', () => {
    expect(summary.conversion.final).toBeGreaterThanOrEqual(summary.conversion.finalAtInitialValues);
  });
  it('rolls back the canary that carried a bug', () => {
    expect(summary.bugCanaries).toBe(1);
    expect(summary.bugCanariesRolledBack).toBe(1);
    expect(summary.rollbacks.some((r) => r.reason.includes('error_rate'))).toBe(true);
  });
  it('pauses on drift, doubling the pause on repeat', () => {
    expect(summary.driftPauses.length).toBeGreaterThanOrEqual(2);
    expect(summary.driftPauses[0]!.reason.endsWith('48 h')).toBe(true);
    expect(summary.driftPauses.some((p) => p.reason.endsWith('96 h'))).toBe(true);
  });
  it('never leaves its bounds', () => {
    expect(summary.boundsViolations).toBe(0);
  });
  it('recovers the canary interrupted by a restart and blocks the golden-set and benchmark failures', () => {
    expect(summary.recoveries).toBe(1);
    expect(summary.cycles['validation-failed']).toBe(2);
    expect(summary.validationPauses).toBe(2);
    expect(summary.triageReports).toBeGreaterThanOrEqual(4);
  });
  it('has a service whose optimum moves', () => {
    const at = { ranking_boost: 0.5, novelty_weight: 0.2, curator_batch: 10 };
    expect(trueKpis(at, 0).conversion).toBeGreaterThan(trueKpis(at, 1).conversion);
  });
  it('is deterministic for a seed', () => {
    expect(runAutopilotSimulation({ days: 6 })).toEqual(runAutopilotSimulation({ days: 6 }));
  });
});
