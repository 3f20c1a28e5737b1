import { describe, expect, it } from 'vitest';
import { binomialTest, clopperPearson, logGamma } from './discrete.js';
import { poissonRateRatioTest, twoProportionZTest } from './rate-tests.js';

describe('poissonRateRatioTest', () => {
  // R documentation example (stats::poisson.test, data from ISwR eba1977):
  // poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)) gives count1 = 11,
  // expected count1 = 6.7174, p-value = 0.07967, CI 0.8584264 4.2772659, rate ratio 1.971488.
  it('matches R poisson.test on the eba1977 example', () => {
    const r = poissonRateRatioTest({ events: 11, exposure: 800 }, { events: 21, exposure: 3011 }, { alternative: 'two-sided', confidence: 0.95 });
    expect(r.estimate).toBeCloseTo(1.971488, 5);
    expect(r.pValue).toBeCloseTo(0.07967, 5);
    expect(r.confidenceInterval[0]).toBeCloseTo(0.8584264, 5);
    expect(r.confidenceInterval[1]).toBeCloseTo(4.2772659, 5);
  });

  it('catches a zero baseline against a non-zero canary (where a ratio rank test sees nothing)', () => {
    // 8,000 control requests with no errors, 2,000 canary requests with 12 errors.
    const r = poissonRateRatioTest({ events: 12, exposure: 2000 }, { events: 0, exposure: 8000 }, { alternative: 'greater', confidence: 0.95 });
    // Under H0 each of the 12 errors lands on the canary with p = 0.2: p = 0.2^12.
    expect(r.pValue).toBeCloseTo(0.2 ** 12, 15);
    expect(r.estimate).toBe(Infinity);
  });

  it('has a p-value of 1 with no events at all', () => {
    expect(poissonRateRatioTest({ events: 0, exposure: 10 }, { events: 0, exposure: 10 }, { alternative: 'greater', confidence: 0.95 }).pValue).toBe(1);
  });
});

describe('binomial helpers', () => {
  it('logGamma matches ln((n-1)!)', () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });
  // R: binom.test(682, 925, p = 0.75) -> p-value = 0.3825, 95% CI 0.7076683 0.7654066.
  it('matches R binom.test on the Mendel peas example', () => {
    expect(binomialTest(682, 925, 0.75, 'two-sided')).toBeCloseTo(0.3825, 4);
    const [lo, hi] = clopperPearson(682, 925, 0.95);
    expect(lo).toBeCloseTo(0.7076683, 6);
    expect(hi).toBeCloseTo(0.7654066, 6);
  });
});

describe('twoProportionZTest', () => {
  // Worked example (homeworksource.com/p/1008622): x1 = 140/200, x2 = 255/340, pooled
  // p = 0.7314815, SE = 0.03949401, z = -1.266015. Two-sided p = 2·Φ(-1.266015) = 0.2055.
  it('matches the pooled two-proportion worked example', () => {
    const r = twoProportionZTest({ events: 140, exposure: 200 }, { events: 255, exposure: 340 }, { alternative: 'two-sided', confidence: 0.95 });
    expect(r.statistic).toBeCloseTo(-1.266015, 5);
    expect(r.pValue).toBeCloseTo(0.20551, 4);
  });
  it('tests a shifted null for non-inferiority', () => {
    const plain = twoProportionZTest({ events: 95, exposure: 1000 }, { events: 100, exposure: 1000 }, { alternative: 'less', confidence: 0.95 });
    const shifted = twoProportionZTest({ events: 95, exposure: 1000 }, { events: 100, exposure: 1000 }, { alternative: 'less', confidence: 0.95, delta0: -0.01 });
    expect(shifted.pValue).toBeGreaterThan(plain.pValue);
  });
});
