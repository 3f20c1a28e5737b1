import { describe, expect, it } from 'vitest';
import { initialParameterState } from './bounds.js';
import { AUTOPILOT_DEFAULTS } from './config.js';
import type { FailureInstance } from './records.js';
import { buildTriageReport, renderTriageJson, renderTriageMarkdown } from './triage.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 2, 8, 2);
const parameter = initialParameterState({ name: 'boost', path: 'r.boost', type: 'float', initialBounds: { min: 0.2, max: 0.6 }, limits: { min: 0, max: 1 }, step: 0.05 }, 0.4, 0);
const failure = (daysAgo: number, category: FailureInstance['category'], parameters = ['boost']): FailureInstance => ({ at: now - daysAgo * DAY, category, cycleId: `c${daysAgo}`, parameters, detail: 'x | y' });

describe('triage', () => {
  const failures = [failure(1, 'canary-rollbacks'), failure(2, 'canary-rollbacks'), failure(3, 'canary-rollbacks'), failure(4, 'validation-failures'), failure(9, 'canary-rollbacks')];
  const report = buildTriageReport(failures, [parameter], AUTOPILOT_DEFAULTS.triage, now);
  it('categorises the week’s failures only', () => {
    expect(report.failureCategories['canary-rollbacks']).toHaveLength(3);
    expect(report.failureCategories['validation-failures']).toHaveLength(1);
    expect(report.failureCategories['drift-detection']).toHaveLength(0);
  });
  it('suggests a bounds patch at 3 occurrences, narrowing 25% around the current value', () => {
    expect(report.patchSuggestions).toHaveLength(1);
    const s = report.patchSuggestions[0]!;
    expect(s.parameter).toBe('boost');
    expect(s.suggestedBounds.min).toBeCloseTo(0.25, 12);
    expect(s.suggestedBounds.max).toBeCloseTo(0.55, 12);
  });
  it('renders Markdown and JSON', () => {
    const md = renderTriageMarkdown(report);
    expect(md).toContain('# Autopilot triage triage-2026-03-08');
    expect(md).toContain('| canary-rollbacks | 3 |');
    expect(md).toContain('| boost | canary-rollbacks | 3 | [0.2, 0.6] | [0.25, 0.55] | 0.50 |');
    expect(md).toContain('x \\| y');
    expect(JSON.parse(renderTriageJson(report)).patchSuggestions[0].parameter).toBe('boost');
  });
  it('says so when nothing failed', () => {
    const empty = buildTriageReport([], [parameter], AUTOPILOT_DEFAULTS.triage, now);
    expect(renderTriageMarkdown(empty)).toContain('No failures.');
  });
});
