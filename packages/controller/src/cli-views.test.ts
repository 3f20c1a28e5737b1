import { describe, expect, it } from 'vitest';
import { explainView, formatExplain, formatHistory, formatTable, historyView } from './cli-views.js';
import type { CanaryRecord, CycleRecord } from './edges/state-db.js';

const AT = Date.UTC(2026, 11, 6, 3, 30);

const cycle: CycleRecord = {
  cycleId: 'cycle-7',
  startedAt: '2026-12-06T03:00:00.000Z',
  completedAt: '2026-12-06T03:30:00.000Z',
  status: 'rolled_back',
  phase: 'done',
  proposedChanges: [
    { parameter: 'diversity_weight', path: 'x.diversity_weight', oldValue: 0.4, newValue: 0.45, desiredValue: 0.5, clamped: true, changeType: 'increase', confidence: 0.8123456 },
  ],
  decision: {
    kind: 'rollback',
    outcome: 'rolled-back',
    reason: 'selection entropy degraded',
    at: AT,
    realisedKpiChanges: { entropy: -0.1 },
    score: -0.123456789,
    verdicts: [
      {
        kpi: 'entropy',
        verdict: 'Low',
        failed: true,
        reason: 'canary lower by more than the margin',
        test: 'mann-whitney',
        statistic: 12,
        pValue: 0.001,
        adjustedPValue: 0.002,
        improvementPValue: 1,
        effect: { scale: 'shift', estimate: -0.1, confidenceInterval: [-0.2, -0.05] },
        relativeChange: -0.1234,
        effectSize: { name: 'rank-biserial', value: -0.5 },
        minimumDetectableEffect: 0.05,
        minimumSampleSize: 100,
        sampleSize: { control: 400, canary: 40 },
        controlValue: 2,
      },
    ],
  },
};
const canary: CanaryRecord = { canaryId: 'cycle-7-canary', cycleId: 'cycle-7', startedAt: '2026-12-06T03:05:00.000Z', trafficPercentage: 10, recommendation: 'rollback' };

describe('autopilot views', () => {
  it('explain: the decision time is ISO-8601 in JSON, and the text has the changes and each verdict in rows', () => {
    const view = explainView(cycle, [canary]);
    expect(view.decision?.at).toBe('2026-12-06T03:30:00.000Z');
    expect(JSON.stringify(view)).not.toContain(String(AT));
    expect(view.cycle).toMatchObject({ cycleId: 'cycle-7', status: 'rolled_back', outcome: 'rolled-back', score: -0.123456789, phase: 'done' });
    const text = formatExplain(view);
    expect(text).toMatch(/^decision: +rollback at 2026-12-06T03:30:00\.000Z: rolled-back$/m);
    expect(text).toMatch(/^score: +-0\.1235$/m);
    expect(text).toMatch(/^ {2}diversity_weight +0\.4 +0\.45 +0\.5 \(clamped\) +0\.8123$/m);
    expect(text).toMatch(/^ {2}entropy +Low FAILED +mann-whitney +-12\.34% +0\.002 +400 +40 +canary lower/m);
    expect(text).toMatch(/^ {2}cycle-7-canary +10% +2026-12-06T03:05:00\.000Z +- +rollback$/m);
  });

  it('history: cycles and versions as tables, newest first as given, "no cycle yet" when empty', () => {
    const view = historyView([cycle], [{ id: 'ab'.repeat(32), createdAt: '2026-12-06T03:30:00.000Z', author: 'autopilot', changes: [], rationale: 'cycle-7', outcome: 'rolled back' }]);
    expect(view.cycles[0]).toEqual({ cycleId: 'cycle-7', status: 'rolled_back', startedAt: cycle.startedAt, completedAt: cycle.completedAt, outcome: 'rolled-back', score: -0.123456789, reason: 'selection entropy degraded' });
    const text = formatHistory(view);
    expect(text).toMatch(/^ {2}cycle-7 +rolled_back +2026-12-06T03:00:00\.000Z +2026-12-06T03:30:00\.000Z +rolled-back +-0\.1235 +selection entropy degraded$/m);
    expect(text).toMatch(/^ {2}abababababab +2026-12-06T03:30:00\.000Z +autopilot +rolled back +0 +cycle-7$/m);
    expect(formatHistory(historyView([], []))).toContain('no cycle yet');
  });

  it('formatTable pads every column but the last to its widest cell', () => {
    expect(formatTable(['a', 'bb'], [['xxx', '1'], ['y', '22']])).toBe('  A    BB\n  xxx  1\n  y    22\n');
  });
});
