import { describe, expect, it } from 'vitest';
import { normalSf } from './normal.js';
import { studentSf, studentUpperQuantile } from './student-t.js';

describe("Student's t", () => {
  it('matches tabled critical values, including on one and two degrees of freedom', () => {
    // Two-sided 95% critical values: 12.706 (df 1), 4.303 (df 2), 2.776 (df 4), 2.086 (df 20).
    for (const [df, t] of [[1, 12.706], [2, 4.303], [4, 2.776], [20, 2.086]] as const) {
      expect(studentSf(t, df)).toBeCloseTo(0.025, 4);
      expect(studentUpperQuantile(0.025, df)).toBeCloseTo(t, 2);
    }
  });
  it('reaches small tails on few degrees of freedom (the approximation before stopped near 0.04 at df 2)', () => {
    expect(studentSf(30, 2)).toBeLessThan(0.001);
    expect(studentSf(10, 1.5)).toBeLessThan(0.05);
  });
  it('is symmetric, monotone in the degrees of freedom, and tends to the normal', () => {
    expect(studentSf(-1.3, 3.4)).toBeCloseTo(1 - studentSf(1.3, 3.4), 12);
    expect(studentSf(2, 2.5)).toBeGreaterThan(studentSf(2, 5));
    expect(studentSf(2, 1e6)).toBeCloseTo(normalSf(2), 5);
    expect(studentSf(Infinity, 3)).toBe(0);
    expect(Number.isNaN(studentSf(1, 0))).toBe(true);
  });
});
