import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestMetrics, valueOf, type TestMetrics } from '../shared/test-reader.js';
import { createBusinessMetrics, klDivergence, meanRelativeError, shannonEntropy, usedRatio } from './index.js';

const counts = fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 1, maxLength: 30 });
const countMap = fc.dictionary(fc.constantFrom('news', 'music', 'film', 'sport', 'docs', 'kids'), fc.integer({ min: 0, max: 500 }));

describe('entropy', () => {
  it('is between 0 and log(n)', () => {
    fc.assert(
      fc.property(counts, (weights) => {
        const h = shannonEntropy(weights);
        expect(h).toBeGreaterThanOrEqual(0);
        expect(h).toBeLessThanOrEqual(Math.log(weights.length) + 1e-12);
        const normalized = shannonEntropy(weights, 'normalized');
        expect(normalized).toBeGreaterThanOrEqual(0);
        expect(normalized).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('reaches log(n) for a uniform selection and 0 for a single category', () => {
    expect(shannonEntropy([3, 3, 3, 3])).toBeCloseTo(Math.log(4), 12);
    expect(shannonEntropy([3, 3, 3, 3], 'bits')).toBeCloseTo(2, 12);
    expect(shannonEntropy([0, 9, 0])).toBe(0);
    expect(shannonEntropy([])).toBe(0);
    expect(() => shannonEntropy([1, -1])).toThrow(/>= 0/);
  });
});

describe('KL divergence', () => {
  it('is >= 0 and 0 for identical distributions', () => {
    fc.assert(
      fc.property(countMap, countMap, (p, q) => {
        expect(klDivergence(p, q)).toBeGreaterThanOrEqual(0);
        expect(klDivergence(p, p)).toBe(0);
      }),
    );
  });

  it('stays finite when history lacks a recent category (smoothing)', () => {
    const kl = klDivergence({ news: 10, film: 10 }, { news: 20 });
    expect(Number.isFinite(kl)).toBe(true);
    expect(kl).toBeGreaterThan(0.3);
    // Hand-computed: P = (10.5, 10.5)/21, Q = (20.5, 0.5)/21.
    expect(kl).toBeCloseTo(0.5 * Math.log(10.5 / 20.5) + 0.5 * Math.log(10.5 / 0.5), 12);
  });
});

describe('ratios', () => {
  it('computes budget and prediction error', () => {
    expect(usedRatio(45, 50)).toBe(0.9);
    expect(usedRatio(0, 0)).toBe(0);
    expect(meanRelativeError([{ predicted: 110, realised: 100 }, { predicted: 70, realised: 100 }])).toBeCloseTo(0.2, 12);
  });
});

describe('recorders', () => {
  let test: TestMetrics;
  beforeEach(() => {
    test = createTestMetrics();
  });
  afterEach(() => test.shutdown());

  it('records every VVTV business KPI under its catalog name', async () => {
    const business = createBusinessMetrics({ meter: test.meter });
    business.recordSelection({ news: 2, music: 2 });
    business.recordSelection({ news: 4 }, 'canary');
    business.recordNovelty({ news: 4 }, { news: 4 });
    business.recordCuratorBudget(9, 10);
    business.recordHdDetections(3, 12);
    business.recordPredictionError([{ predicted: 1.2, realised: 1 }]);
    const got = await test.collect();
    expect(valueOf(got, 'vvtv_selection_entropy', { variant: 'control' })).toBeCloseTo(Math.log(2), 12);
    expect(valueOf(got, 'vvtv_selection_entropy', { variant: 'canary' })).toBe(0);
    expect(valueOf(got, 'vvtv_novelty_temporal_kld')).toBe(0);
    expect(valueOf(got, 'vvtv_curator_apply_budget_used_ratio')).toBe(0.9);
    expect(valueOf(got, 'vvtv_hd_detection_slow_ratio')).toBe(0.25);
    expect(valueOf(got, 'vvtv_autopilot_prediction_error_ratio')).toBeCloseTo(0.2, 12);
    expect(() => business.recordHdDetections(5, 4)).toThrow(/slow <= total/);
  });
});
