import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestMetrics, histogramOf, valueOf, type TestMetrics } from '../shared/test-reader.js';
import { classifyModelError, createAiCarbonMetrics, emissionsKg, estimateCpuEnergyKwh } from './index.js';

describe('energy estimate', () => {
  it('is TDP × utilisation share × time', () => {
    // One core of four fully busy for one hour at 100 W TDP: 25 W for 1 h = 0.025 kWh.
    expect(estimateCpuEnergyKwh({ cpuMicros: 3_600e6, wallMillis: 3_600e3, cores: 4, tdpWatts: 100 })).toBeCloseTo(0.025, 12);
    expect(emissionsKg(0.025, 475)).toBeCloseTo(0.011875, 12);
    expect(estimateCpuEnergyKwh({ cpuMicros: 5, wallMillis: 0, cores: 1, tdpWatts: 85 })).toBe(0);
  });

  it('never exceeds TDP × wall time', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1e9 }), fc.integer({ min: 1, max: 1e7 }), fc.integer({ min: 1, max: 128 }), (cpu, wall, cores) => {
        const kwh = estimateCpuEnergyKwh({ cpuMicros: cpu, wallMillis: wall, cores, tdpWatts: 85 });
        expect(kwh).toBeGreaterThanOrEqual(0);
        expect(kwh).toBeLessThanOrEqual((85 * wall) / 1000 / 3.6e6 + 1e-18);
      }),
    );
  });
});

describe('AI and carbon metrics', () => {
  let test: TestMetrics;
  beforeEach(() => {
    test = createTestMetrics();
  });
  afterEach(() => test.shutdown());

  it('records invocations, latency, tokens, errors, energy and CO2 with injected clocks', async () => {
    let now = 0;
    let cpu = 0;
    const ai = createAiCarbonMetrics({ meter: test.meter, cores: 2, cpuTdpWatts: 100, grid: { gramsPerKwh: 400, source: 'test figure' }, models: ['llama-3-8b'], now: () => now, cpuMicros: () => cpu, residentBytes: false });
    const answer = await ai.invoke(
      'llama-3-8b',
      () => {
        now += 2_000;
        cpu += 2_000_000; // one of two cores busy for 2 s → 50 W for 2 s
        return { text: 'hi', usage: { prompt: 100, completion: 20 } };
      },
      (result) => result.usage,
    );
    expect(answer.text).toBe('hi');
    await expect(ai.invoke('llama-3-8b', () => Promise.reject(new Error('429 Too Many Requests')))).rejects.toThrow('429');

    const got = await test.collect();
    const model = { model: 'llama-3-8b' };
    expect(valueOf(got, 'tta_ai_model_invocations', model)).toBe(2);
    expect(valueOf(got, 'tta_ai_model_errors', { ...model, error_type: 'rate_limited' })).toBe(1);
    expect(valueOf(got, 'tta_ai_model_tokens', { ...model, token_type: 'prompt' })).toBe(100);
    expect(histogramOf(got, 'tta_ai_model_inference_duration_seconds', model)?.sum).toBe(2);
    const kwh = (50 * 2) / 3.6e6;
    expect(valueOf(got, 'tta_energy_consumed_kilowatt_hours', { ...model, hardware: 'cpu' })).toBeCloseTo(kwh, 15);
    expect(valueOf(got, 'tta_carbon_emissions_kilograms', model)).toBeCloseTo((kwh * 400) / 1000, 15);
  });

  it('measures real CPU time by default', async () => {
    const ai = createAiCarbonMetrics({ meter: test.meter, models: ['busy'] });
    await ai.invoke('busy', () => {
      let x = 0;
      for (let i = 0; i < 2e6; i++) x += Math.sqrt(i);
      return x;
    });
    const got = await test.collect();
    expect(valueOf(got, 'tta_energy_consumed_kilowatt_hours', { model: 'busy', hardware: 'cpu' })).toBeGreaterThan(0);
  });

  it('classifies errors into the catalog types', () => {
    expect(classifyModelError(new Error('request timed out'))).toBe('timeout');
    expect(classifyModelError(new Error('rate limit exceeded'))).toBe('rate_limited');
    expect(classifyModelError(new Error('invalid JSON in response'))).toBe('invalid_response');
    expect(classifyModelError(new Error('upstream 503'))).toBe('provider_error');
    expect(classifyModelError('weird')).toBe('other');
  });
});
