import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, normalSf } from './normal.js';

// Reference values: R 4.x `pnorm` / `qnorm` (and scipy.stats.norm.cdf / .ppf, which agree to 1e-15).
describe('normalCdf (Hart 5666 / West 2005)', () => {
  it.each([
    [0, 0.5],
    [1.96, 0.9750021048517795],
    [-1, 0.15865525393145707],
    [-3, 0.0013498980316301035],
    [2.5758293035489, 0.995],
  ])('pnorm(%d) = %d', (x, expected) => {
    expect(normalCdf(x)).toBeCloseTo(expected, 13);
  });
  it('keeps 1e-7 relative accuracy deep in the tail (pnorm(-8) = 6.220960574271785e-16)', () => {
    expect(normalCdf(-8) / 6.220960574271785e-16).toBeCloseTo(1, 7);
    expect(normalSf(8) / 6.220960574271785e-16).toBeCloseTo(1, 7);
  });
});

describe('normalQuantile (Wichura AS 241)', () => {
  it.each([
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.95, 1.6448536269514722],
    [0.8, 0.8416212335729143],
    [1e-10, -6.361340902404056],
  ])('qnorm(%d) = %d', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 12);
  });
  it('inverts the CDF', () => {
    for (const x of [-5, -2.2, -0.3, 0.7, 3.1]) expect(normalQuantile(normalCdf(x))).toBeCloseTo(x, 9);
  });
  it('returns NaN outside [0, 1]', () => {
    expect(normalQuantile(1.5)).toBeNaN();
  });
});
