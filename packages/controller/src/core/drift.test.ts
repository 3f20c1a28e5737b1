import { describe, expect, it } from 'vitest';
import { AUTOPILOT_DEFAULTS, type KpiDefinition } from './config.js';
import { checkDrift, measureDrift, relativePredictionError } from './drift.js';
import type { CycleOutcome, CycleRecord } from './records.js';

const DAY = 86_400_000;
const config = AUTOPILOT_DEFAULTS.drift;
const kpis: KpiDefinition[] = [{ name: 'conversion', query: 'q', direction: 'higher-is-better', weight: 1, role: 'must-not-degrade', kind: 'ratio', nonInferiorityMargin: 0, minimumDetectableEffect: 0.05 }];

function cycle(day: number, outcome: CycleOutcome, predicted?: number, realised?: number): CycleRecord {
  return {
    cycleId: `c${day}`,
    startedAt: day * DAY,
    completedAt: day * DAY + 3_600_000,
    outcome,
    reason: '',
    changes: [{ parameter: 'p', path: 'p', oldValue: 0, newValue: 1, desiredValue: 1, clamped: false, changeType: 'optimization', confidence: 1, predictedKpiChanges: {}, rationale: '' }],
    predictedKpiChanges: predicted === undefined ? {} : { conversion: predicted },
    realisedKpiChanges: realised === undefined ? {} : { conversion: realised },
  };
}

describe('drift', () => {
  it('measures a symmetric, bounded relative prediction error', () => {
    expect(relativePredictionError(0.02, 0.01)).toBeCloseTo(0.5, 12);
    expect(relativePredictionError(0.001, -0.001)).toBeCloseTo(0.2, 12); // floor of 1%
  });
  it('does not pause below the thresholds', () => {
    const cycles = Array.from({ length: 10 }, (_, d) => cycle(d, 'promoted', 0.02, 0.018));
    const decision = checkDrift(kpis, cycles, 10 * DAY, config, { consecutivePauses: 0 });
    expect(decision.events).toEqual([]);
    expect(decision.metrics.rollbackRatePct).toBe(0);
  });
  it('pauses 48 h on a rollback rate above 10% over 14 days and contracts the parameters involved', () => {
    const cycles = [...Array.from({ length: 8 }, (_, d) => cycle(d, 'promoted')), cycle(8, 'rolled-back')];
    const decision = checkDrift(kpis, cycles, 9 * DAY, config, { consecutivePauses: 0 });
    expect(decision.events).toEqual(['rollback-rate-high']);
    expect(decision.pause!.durationHours).toBe(48);
    expect(decision.contractParameters).toEqual(['p']);
    expect(decision.triggerTriage).toBe(true);
  });
  it('pauses on a prediction error above 30%', () => {
    const cycles = Array.from({ length: 6 }, (_, d) => cycle(d, 'promoted', 0.02, -0.01));
    expect(checkDrift(kpis, cycles, 7 * DAY, config, { consecutivePauses: 0 }).events).toEqual(['prediction-error-high']);
  });
  it('doubles the pause on repeat, up to 7 days, and forgets evidence from before the last pause', () => {
    // Ten bad cycles per round: after a pause the rollback rate waits for 10 decided cycles (it
    // asserted a repeat after 6, the minimum that let one false alarm double the pause).
    const bad = (from: number) => Array.from({ length: 10 }, (_, d) => cycle(from + d, 'rolled-back'));
    let pause = { consecutivePauses: 0 } as Parameters<typeof checkDrift>[4];
    const durations: number[] = [];
    let day = 0;
    for (let i = 0; i < 4; i++) {
      const d = checkDrift(kpis, bad(day), (day + 10) * DAY, config, pause);
      durations.push(d.pause!.durationHours);
      pause = d.pauseState;
      day = Math.ceil(pause.lastPauseEndsAt! / DAY) + 1;
      expect(measureDrift(kpis, bad(0), pause.lastPauseEndsAt!, config, pause).decidedCycles).toBe(0);
    }
    expect(durations).toEqual([48, 96, 168, 168]);
  });
  it('one false alarm soon after a pause does not double the next pause: the rate waits for 10 cycles since the pause (finding 11)', () => {
    const pause = { consecutivePauses: 1, lastPauseEndsAt: 20 * DAY };
    const after = [cycle(21, 'rolled-back'), ...Array.from({ length: 4 }, (_, d) => cycle(22 + d, 'promoted'))];
    expect(checkDrift(kpis, after, 27 * DAY, config, pause).events).toEqual([]);
    const tenLater = [...after, ...Array.from({ length: 5 }, (_, d) => cycle(26 + d, 'promoted'))];
    expect(checkDrift(kpis, tenLater, 32 * DAY, config, pause).metrics.rollbackRatePct).toBe(10);
    expect(checkDrift(kpis, tenLater, 32 * DAY, config, pause).events).toEqual([]);
    // Two rollbacks in ten are still drift under the design's 10% rule, and the pause doubles.
    const two = [...tenLater.slice(0, 9), cycle(31, 'rolled-back')];
    const d = checkDrift(kpis, two, 32 * DAY, config, pause);
    expect(d.events).toEqual(['rollback-rate-high']);
    expect(d.pause!.durationHours).toBe(96);
  });
  it('needs the minimum number of cycles', () => {
    expect(checkDrift(kpis, [cycle(0, 'rolled-back')], DAY, config, { consecutivePauses: 0 }).events).toEqual([]);
  });
});
