import { describe, expect, it } from 'vitest';
import { attainableTailPValues } from './rate-tests.js';
import { discreteHolmAdjust, holmAdjust } from './holm.js';
import { minimumDetectableDifference, minimumSampleSize } from './power.js';
import { createRng, normalVariate } from '../rng.js';
import { msprtLook, type GroupSummary } from './sequential.js';

describe('holmAdjust', () => {
  // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
  it('matches R p.adjust(method = "holm")', () => {
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 12));
  });
});

describe('discreteHolmAdjust', () => {
  it('is Holm for continuous tests', () => {
    const ps = [0.01, 0.04, 0.03, 0.005];
    expect(discreteHolmAdjust(ps.map((p) => ({ p })))).toEqual(holmAdjust(ps));
  });
  it('charges a discrete test only the largest p-value it can attain at or below the threshold', () => {
    // Binomial(2, 0.2) upper tails: P(X >= 2) = 0.04, P(X >= 1) = 0.36, P(X >= 0) = 1.
    const two = attainableTailPValues(2, 0.2, 'greater');
    [0.04, 0.36, 1].forEach((v, i) => expect(two[i]).toBeCloseTo(v, 12));
    const adjusted = discreteHolmAdjust([{ p: 0.008 }, { p: 1, attainable: two }, { p: 0.36, attainable: two }, { p: 0.02 }]);
    // Step 1 at 0.008: 0.008 + 0 + 0 + 0.008 (the continuous one) = 0.016.
    expect(adjusted[0]).toBeCloseTo(0.016, 12);
    // Step 2 at 0.02: 0.02 + 0 + 0 = 0.02.
    expect(adjusted[3]).toBeCloseTo(0.02, 12);
    // Step 3 at 0.36: 0.36 + 0.36 = 0.72; step 4: 1.
    expect(adjusted[2]).toBeCloseTo(0.72, 12);
    expect(adjusted[1]).toBe(1);
  });
});

describe('power', () => {
  // Classic two-proportion sizing (Fleiss; e.g. Evan Miller's calculator): p = 0.10 vs 0.11,
  // one-sided alpha 0.05, power 0.8, equal groups: n ≈ (1.645 + 0.842)² · 2 · 0.09 / 0.01² ≈ 11,129.
  it('sizes a two-proportion test', () => {
    const n = minimumSampleSize({ unitVariance: 0.09, delta: 0.01, allocationRatio: 1, alpha: 0.05, power: 0.8 });
    expect(n).toBeGreaterThan(11_100);
    expect(n).toBeLessThan(11_160);
  });
  it('inverts to the minimum detectable effect', () => {
    const n = minimumSampleSize({ unitVariance: 2, delta: 0.5, allocationRatio: 4, alpha: 0.025, power: 0.8 });
    expect(minimumDetectableDifference({ unitVariance: 2, canarySize: n, allocationRatio: 4, alpha: 0.025, power: 0.8 })).toBeLessThanOrEqual(0.5);
  });
});

describe('msprtLook', () => {
  it('is undefined without variance', () => {
    expect(msprtLook({ kind: 'counts', events: 0, exposure: 100 }, { kind: 'counts', events: 0, exposure: 100 }, 0.05, 0.01)).toBeUndefined();
  });
  it('widens its interval relative to a fixed-horizon one (the price of peeking)', () => {
    const look = msprtLook({ kind: 'counts', events: 100, exposure: 1000 }, { kind: 'counts', events: 400, exposure: 4000 }, 0.05, 0.005)!;
    const fixedHalf = 1.96 * Math.sqrt(0.09 / 1000 + 0.09 / 4000);
    expect((look.confidenceSequence[1] - look.confidenceSequence[0]) / 2).toBeGreaterThan(fixedHalf);
    expect(look.difference).toBeCloseTo(0, 12);
    expect(look.pValueBound).toBe(1);
  });
  it('rejects a large difference (Λ >= 1/alpha iff 0 leaves the sequence)', () => {
    const look = msprtLook({ kind: 'counts', events: 150, exposure: 1000 }, { kind: 'counts', events: 400, exposure: 4000 }, 0.05, 0.01)!;
    expect(look.likelihoodRatio).toBeGreaterThan(20);
    expect(look.confidenceSequence[0]).toBeGreaterThan(0);
  });
});

describe('msprtLook on means (seeded A/A, 500 runs x 60 looks)', () => {
  it('keeps the false-alarm rate of the confidence sequence within alpha', () => {
    const rng = createRng(99);
    let alarms = 0;
    for (let run = 0; run < 500; run++) {
      const control = { kind: 'moments' as const, count: 0, sum: 0, sumOfSquares: 0 };
      const canary = { kind: 'moments' as const, count: 0, sum: 0, sumOfSquares: 0 };
      const add = (g: Extract<GroupSummary, { kind: 'moments' }>, n: number): void => {
        for (let i = 0; i < n; i++) {
          const v = 100 + 20 * normalVariate(rng);
          g.count++;
          g.sum += v;
          g.sumOfSquares += v * v;
        }
      };
      for (let minute = 0; minute < 60; minute++) {
        add(control, 40);
        add(canary, 10);
        const look = msprtLook(canary, control, 0.05, 5);
        if (look && (look.confidenceSequence[0] > 0 || look.confidenceSequence[1] < 0)) {
          alarms++;
          break;
        }
      }
    }
    expect(alarms / 500).toBeLessThanOrEqual(0.05);
  });
});
