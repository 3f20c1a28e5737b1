import { describe, expect, it } from 'vitest';
import { VigilMetricProducer } from '../../record/vigil-producer.js';
import { createBusinessMetrics, klDivergence, klDivergenceExcess, meanRelativeError, shannonEntropy, usedRatio } from './index.js';
import { seededRandom as seeded } from '../resilience/stress.js';

// Issue 16, math edge cases.

describe('entropy', () => {
  it('normalizes over the declared categories: [1, 1, 0 x 8] reads 0.301, not 1', () => {
    expect(shannonEntropy([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], 'normalized')).toBeCloseTo(Math.LN2 / Math.log(10), 12);
    const business = createBusinessMetrics({ target: new VigilMetricProducer(), entropyScale: 'normalized', categories: ['a', 'b', 'c', 'd'] });
    expect(business.recordSelection({ a: 3, b: 3 })).toBeCloseTo(0.5, 12);
    expect(() => business.recordSelection({ e: 1 })).toThrow(/not declared/);
  });

  it('does not overflow: H([1e308, 1e308]) is ln 2', () => {
    expect(shannonEntropy([1e308, 1e308])).toBeCloseTo(Math.LN2, 12);
  });
});

describe('ratios are bounded and non-finite input refused', () => {
  it('usedRatio, hd detections and prediction error', () => {
    expect(usedRatio(5, 0)).toBe(10);
    expect(() => usedRatio(Number.NaN, 1)).toThrow(RangeError);
    const business = createBusinessMetrics({ target: new VigilMetricProducer() });
    expect(() => business.recordHdDetections(-1, 5)).toThrow(RangeError);
    expect(() => business.recordHdDetections(Number.NaN, 5)).toThrow(RangeError);
    expect(meanRelativeError([{ predicted: 500, realised: 1 }])).toBe(1);
    expect(meanRelativeError([{ predicted: 1.5, realised: 1 }, { predicted: 0, realised: 0 }])).toBe(0.25);
    expect(() => meanRelativeError([{ predicted: Number.NaN, realised: 1 }])).toThrow(RangeError);
  });
});

describe('KL window-size bias', () => {
  const history: Record<string, number> = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`g${i}`, 1000 * (i + 1)]));
  const total = Object.values(history).reduce((a, b) => a + b, 0);
  function draw(random: () => number, picks: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < picks; i++) {
      let r = random() * total;
      for (const [key, count] of Object.entries(history)) {
        r -= count;
        if (r < 0) {
          out[key] = (out[key] ?? 0) + 1;
          break;
        }
      }
    }
    return out;
  }
  const mean = (f: (recent: Record<string, number>) => number, picks: number) => {
    const random = seeded(picks);
    let sum = 0;
    for (let i = 0; i < 300; i++) sum += f(draw(random, picks));
    return sum / 300;
  };

  it('raw KL of a window drawn from the history depends on its size; the excess does not', () => {
    const raw24 = mean((r) => klDivergence(r, history), 24);
    const raw1000 = mean((r) => klDivergence(r, history), 1000);
    expect(raw24).toBeGreaterThan(10 * raw1000);
    const excess24 = mean((r) => klDivergenceExcess(r, history), 24);
    const excess1000 = mean((r) => klDivergenceExcess(r, history), 1000);
    console.info(`KL from the history itself: raw ${raw24.toFixed(4)} at 24 picks, ${raw1000.toFixed(4)} at 1000; excess ${excess24.toFixed(4)}, ${excess1000.toFixed(4)}`);
    expect(excess24).toBeLessThan(0.05);
    expect(excess1000).toBeLessThan(0.005);
    // A real shift still shows: all picks in one category.
    expect(klDivergenceExcess({ g0: 24 }, history)).toBeGreaterThan(1);
  });
});
