import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactUDistribution, hodgesLehmann, kthDifference, mannWhitneyU, naiveU, sortedCopy } from './mann-whitney.js';

// scipy.stats.mannwhitneyu documentation example (Conover, "Practical Nonparametric Statistics"):
// males = [19, 22, 16, 29, 24], females = [20, 11, 17, 12]:
//   U1 = 17, exact two-sided p = 0.1111111111111111,
//   method='asymptotic' (tie + continuity corrected) p = 0.11134688653314041.
const males = [19, 22, 16, 29, 24];
const females = [20, 11, 17, 12];

describe('mannWhitneyU', () => {
  it('matches scipy exact on the Conover example', () => {
    const r = mannWhitneyU(males, females, { alternative: 'two-sided', exactMaxN: 8 });
    expect(r.u).toBe(17);
    expect(r.method).toBe('exact');
    expect(r.pValue).toBeCloseTo(0.1111111111111111, 12);
  });
  it('goes exact when either group is small, as scipy auto does (finding 11)', () => {
    const small = [1.5, 2.5, 3.5, 4.5, 5.5];
    const large = Array.from({ length: 200 }, (_, i) => i / 10 + 0.01);
    const exact = mannWhitneyU(small, large, { alternative: 'less', exactMaxN: 8 });
    expect(exact.method).toBe('exact');
    // Same U distribution whichever group comes first.
    expect(mannWhitneyU(large, small, { alternative: 'greater', exactMaxN: 8 }).pValue).toBeCloseTo(exact.pValue, 12);
    const asymptotic = mannWhitneyU(small, large, { alternative: 'less', exactMaxN: 0 });
    expect(Math.abs(exact.pValue - asymptotic.pValue)).toBeLessThan(0.02);
  });

  it('matches scipy asymptotic on the Conover example', () => {
    const r = mannWhitneyU(males, females, { alternative: 'two-sided', exactMaxN: 0 });
    expect(r.method).toBe('asymptotic');
    expect(r.pValue).toBeCloseTo(0.11134688653314041, 12);
  });
  // Wikipedia "Mann-Whitney U test", tortoise and hare illustration: finishing order
  // T H H H H H T T T T T H  gives U_T = 11 and U_H = 25.
  it('matches the Wikipedia tortoise-and-hare U', () => {
    const order = 'THHHHHTTTTTH';
    const t: number[] = [];
    const h: number[] = [];
    [...order].forEach((who, place) => (who === 'T' ? t : h).push(-place)); // earlier = better = larger
    expect(mannWhitneyU(t, h, { alternative: 'two-sided' }).u).toBe(11);
    expect(mannWhitneyU(h, t, { alternative: 'two-sided' }).u).toBe(25);
  });
  it('applies the tie correction (all tied -> p = 1, U = nm/2)', () => {
    const r = mannWhitneyU([1, 1, 1], [1, 1], { alternative: 'two-sided' });
    expect(r.u).toBe(3);
    expect(r.pValue).toBe(1);
  });
  it('agrees with the O(n·m) definition, ties included (property)', () => {
    const sample = fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const r = mannWhitneyU(x, y, { alternative: 'two-sided' });
        expect(r.u).toBeCloseTo(naiveU(x, y), 9);
        expect(r.rankBiserial).toBeCloseTo((2 * naiveU(x, y)) / (x.length * y.length) - 1, 9);
      }),
    );
  });
  it('exact distribution sums to 1 and is symmetric', () => {
    const d = exactUDistribution(6, 4);
    expect(d.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let k = 0; k <= 24; k++) expect(d[k]).toBeCloseTo(d[24 - k]!, 12);
  });
});

describe('Hodges-Lehmann', () => {
  it('finds order statistics of the pairwise differences (property)', () => {
    const sample = fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 25 });
    fc.assert(
      fc.property(sample, sample, fc.nat(), (x, y, seed) => {
        const diffs = x.flatMap((a) => y.map((b) => a - b)).sort((a, b) => a - b);
        const k = (seed % diffs.length) + 1;
        expect(kthDifference(sortedCopy(x), sortedCopy(y), k)).toBeCloseTo(diffs[k - 1]!, 6);
      }),
    );
  });
  it('recovers a known shift inside its interval', () => {
    const y = Array.from({ length: 200 }, (_, i) => Math.sin(i) * 10);
    const x = y.map((v) => v + 3);
    const hl = hodgesLehmann(sortedCopy(x), sortedCopy(y), 0.95);
    expect(hl.shift).toBeCloseTo(3, 6);
    expect(hl.confidenceInterval[0]).toBeLessThanOrEqual(3);
    expect(hl.confidenceInterval[1]).toBeGreaterThanOrEqual(3);
  });
});
