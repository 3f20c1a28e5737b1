import { describe, expect, it } from 'vitest';
import {
  AUTOPILOT_CONTRACT_DEFAULTS,
  type ContractDuration,
  KPI_DEFAULTS,
  KPI_DIRECTION_SPELLING,
  KPI_DIRECTIONS,
  KPI_ROLE_SPELLING,
  KPI_ROLES,
  kpiDirectionOf,
  kpiRoleOf,
  WEEK_DAYS,
} from './autopilot-contract.js';

describe('KPI spellings', () => {
  it('spell every direction and role the way definitions do, and read them back', () => {
    expect(Object.keys(KPI_DIRECTION_SPELLING).sort()).toEqual([...KPI_DIRECTIONS].sort());
    expect(Object.keys(KPI_ROLE_SPELLING).sort()).toEqual([...KPI_ROLES].sort());
    for (const direction of KPI_DIRECTIONS) expect(kpiDirectionOf(KPI_DIRECTION_SPELLING[direction])).toBe(direction);
    for (const role of KPI_ROLES) expect(kpiRoleOf(KPI_ROLE_SPELLING[role])).toBe(role);
  });

  it('keep the spelling users already write', () => {
    expect(kpiDirectionOf('higher')).toBe('higher-is-better');
    expect(kpiDirectionOf('lower')).toBe('lower-is-better');
    expect(kpiRoleOf('must_not_degrade')).toBe('must-not-degrade');
    expect(kpiRoleOf('informative')).toBe('informative');
  });
});

describe('defaults', () => {
  it('default a KPI to a guard of weight 1 with no margin', () => {
    expect(KPI_DEFAULTS).toEqual({ weight: 1, role: 'must-not-degrade', nonInferiorityMargin: 0, minimumDetectableEffect: 0.1 });
    expect(Object.isFrozen(KPI_DEFAULTS)).toBe(true);
  });

  /** Every duration among the defaults, by path. */
  function durations(node: unknown, path = ''): [string, ContractDuration][] {
    if (node === null || typeof node !== 'object') return [];
    if ('text' in node && 'seconds' in node) return [[path, node as ContractDuration]];
    return Object.entries(node).flatMap(([key, child]) => durations(child, `${path}.${key}`));
  }

  it('write each default duration as a Prometheus duration equal to its seconds', () => {
    const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
    const found = durations(AUTOPILOT_CONTRACT_DEFAULTS);
    expect(found.length).toBeGreaterThanOrEqual(9);
    for (const [path, { text, seconds }] of found) {
      const match = /^(\d+)([smhd])$/.exec(text);
      expect(match, path).not.toBeNull();
      expect(Number(match![1]) * units[match![2]!]!, path).toBe(seconds);
    }
  });

  it('hold the design values: daily 03:00, canary 60 min at 20% with 0.95 confidence, an inconclusive canary pauses for a person after 3 query errors at most, weekly triage on a valid day', () => {
    const d = AUTOPILOT_CONTRACT_DEFAULTS;
    expect(d.daily).toEqual({ hour: 3, minute: 0 });
    expect(d.canary).toEqual({ duration: { text: '60m', seconds: 3600 }, trafficPercent: 20, confidence: 0.95, onInconclusive: 'pause', maxQueryErrors: 3, unit: 'requests', intraClusterCorrelation: 0.1 });
    expect(d.maxCycle.seconds).toBe(600);
    expect(WEEK_DAYS[d.triage.weekly.dayOfWeek]).toBe('sunday');
    expect(d.maxBenchmarkRegression).toBeGreaterThan(0);
    expect(d.maxBenchmarkRegression).toBeLessThan(1);
  });
});
