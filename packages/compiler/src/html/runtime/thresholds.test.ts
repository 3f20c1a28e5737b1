import { describe, expect, it } from 'vitest';
import type { PageThreshold } from '../page-config.js';
import { bySeverity, SEVERITY_COLORS, thresholdColor } from './thresholds.js';

const thresholds: PageThreshold[] = [
  { value: 0.95, op: '>', severity: 'critical', alert: 'B' },
  { value: 0.8, op: '>', severity: 'warning', alert: 'A' },
  { value: 0.1, op: '<', severity: 'info', alert: 'C' },
];

describe('thresholds', () => {
  it('colours a value by the most severe threshold it is past, on the side that fires', () => {
    expect(thresholdColor(thresholds, 0.9)).toBe(SEVERITY_COLORS.warning);
    expect(thresholdColor(thresholds, 0.99)).toBe(SEVERITY_COLORS.critical);
    expect(thresholdColor(thresholds, 0.5)).toBe('');
    expect(thresholdColor(thresholds, 0.05)).toBe(SEVERITY_COLORS.info);
    expect(thresholdColor(undefined, 5)).toBe('');
  });

  it('orders lines least severe first, so the most severe is drawn on top', () => {
    expect(bySeverity(thresholds).map((t) => t.severity)).toEqual(['info', 'warning', 'critical']);
    expect(thresholds[0]?.severity).toBe('critical'); // not sorted in place
  });
});
