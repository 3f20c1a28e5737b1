import { describe, expect, it } from 'vitest';
import { VigilMetricProducer } from '../../record/vigil-producer.js';
import { HealthRegistry, SCHOLAR_HEALTH_NAMING, predictBreach } from './index.js';

describe('health prediction', () => {
  it('fits the trend towards the failing bound', () => {
    const rising = [0, 60, 120, 180].map((at, i) => ({ at, value: 50 + 10 * i }));
    expect(predictBreach(rising, { value: 100, direction: 'above' })).toEqual({ kind: 'approaching', secondsToBound: 120, slopePerSecond: 1 / 6 });
    expect(predictBreach(rising, { value: 20, direction: 'below' })).toEqual({ kind: 'stable' });
    expect(predictBreach(rising, { value: 80, direction: 'above' })).toEqual({ kind: 'breached' });
    expect(predictBreach(rising.slice(0, 2), { value: 100, direction: 'above' })).toEqual({ kind: 'insufficient_data' });
  });

  it('reports each check with a bound with its prediction, from the values it returns', async () => {
    let now = 0;
    let freeGb = 100;
    const registry = new HealthRegistry({
      naming: SCHOLAR_HEALTH_NAMING,
      target: new VigilMetricProducer(),
      now: () => now,
      checks: [{ name: 'database', failingBound: { value: 10, direction: 'below' }, run: () => ({ status: 'healthy', value: freeGb }) }],
    });
    let report;
    for (let i = 0; i < 4; i++) {
      report = await registry.runCheck('database');
      now += 3_600_000;
      freeGb -= 10;
    }
    // 70 GB free at the last check, losing 10 GB an hour: 6 hours to the 10 GB bound.
    expect(report?.prediction).toMatchObject({ kind: 'approaching', secondsToBound: 6 * 3600 });
  });
});
