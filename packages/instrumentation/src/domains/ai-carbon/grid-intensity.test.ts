import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VigilMetricProducer } from '../../record/vigil-producer.js';
import {
  CLOUD_REGION_INTENSITY,
  COUNTRY_INTENSITY,
  GRID_INTENSITY_SOURCES,
  createAiCarbonMetrics,
  emissionsKg,
  resolveGridIntensity,
  type GridIntensityOption,
} from './index.js';

// Issue 16, C2: grid intensity per region with its source (CodeCarbon's tables), not one constant.

async function points(producer: VigilMetricProducer, name: string): Promise<DataPoint<number>[]> {
  const { resourceMetrics } = await producer.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m: MetricData) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as DataPoint<number>[];
}

/** Runs one invocation of one hour with a 100 W GPU and returns the emissions and energy exported. */
async function oneHour(grid: GridIntensityOption | undefined): Promise<{ producer: VigilMetricProducer; kg: number; kwh: number }> {
  const producer = new VigilMetricProducer();
  let now = 0;
  const ai = createAiCarbonMetrics({ target: producer, now: () => now, cpuMicros: () => 0, cores: 1, gpuWatts: () => 100, residentBytes: false, models: ['m'], ...(grid ? { grid } : {}) });
  await ai.invoke('m', () => {
    now += 3_600_000;
  });
  const kwh = (await points(producer, 'tta_energy_consumed_kilowatt_hours')).reduce((s, p) => s + p.value, 0);
  const kg = (await points(producer, 'tta_carbon_emissions_kilograms')).reduce((s, p) => s + p.value, 0);
  return { producer, kg, kwh };
}

describe('grid intensity per region, with its source', () => {
  it('looks a cloud region up in the table and exports the intensity with region and source labels', async () => {
    const { producer, kg, kwh } = await oneHour({ provider: 'gcp', region: 'europe-west1' });
    const entry = CLOUD_REGION_INTENSITY.get('gcp:europe-west1')!;
    // The figure and source of impact.csv's row (commit 10d8ad37).
    expect(entry).toEqual({ gramsPerKwh: 62.7, source: 'https://cloud.google.com/sustainability/region-carbon?hl=fr', year: null });
    expect(kwh).toBeCloseTo(0.1, 12);
    expect(kg).toBeCloseTo(emissionsKg(kwh, 62.7), 15);
    const gauge = await points(producer, 'tta_carbon_grid_intensity');
    expect(gauge).toHaveLength(1);
    expect(gauge[0]!.value).toBe(62.7);
    expect(gauge[0]!.attributes).toEqual({ region: 'gcp:europe-west1', source: 'codecarbon_cloud_impact' });
  });

  it('looks a country up by ISO alpha-3 code, with the year its file states', async () => {
    const france = resolveGridIntensity({ country: 'FRA' });
    expect(france).toMatchObject({ gramsPerKwh: 67.39, year: 2021, region: 'country:FRA', sourceLabel: 'owid_country' });
    expect(france.source).toContain('ourworldindata.org');
    const { kg, kwh } = await oneHour({ country: 'fra' });
    expect(kg).toBeCloseTo(emissionsKg(kwh, 67.39), 15);
    // Different grids give different emissions for the same energy (the old module used 475 for all).
    const poland = await oneHour({ country: 'POL' });
    expect(poland.kg / kg).toBeCloseTo(660.122 / 67.39, 9);
  });

  it("falls back to CodeCarbon's world average, labelled as such", async () => {
    expect(resolveGridIntensity()).toMatchObject({ gramsPerKwh: 475, region: 'world', sourceLabel: 'iea_world_average' });
    const gauge = await points((await oneHour(undefined)).producer, 'tta_carbon_grid_intensity');
    expect(gauge[0]!.attributes).toEqual({ region: 'world', source: 'iea_world_average' });
  });

  it('takes a supplied figure with its source; the source text stays out of the labels', async () => {
    const source = 'RTE eco2mix annual mean 2023, Paris office of Dr Alice Smith';
    const grid = resolveGridIntensity({ gramsPerKwh: 32, source });
    expect(grid).toEqual({ gramsPerKwh: 32, region: 'custom', sourceLabel: 'user_supplied', source, year: null });
    const { producer } = await oneHour({ gramsPerKwh: 32, source });
    const gauge = await points(producer, 'tta_carbon_grid_intensity');
    expect(gauge[0]!.attributes).toEqual({ region: 'custom', source: 'user_supplied' });
  });

  it('refuses unknown regions, countries and providers, saying how to supply a value without repeating the input', () => {
    const refused: [GridIntensityOption, RegExp][] = [
      [{ provider: 'gcp', region: 'mars-north1' }, /europe-west1.*gramsPerKwh, source/],
      [{ provider: 'aws', region: 'alice.smith@example.com' }, /eu-west-3.*gramsPerKwh, source/],
      [{ provider: 'oracle' as 'aws', region: 'x' }, /aws, gcp, azure.*gramsPerKwh, source/],
      [{ country: 'XYZ' }, /ISO 3166-1 alpha-3.*gramsPerKwh, source/],
      [{ country: 'FR' }, /ISO 3166-1 alpha-3/],
      [{ gramsPerKwh: Number.NaN, source: 's' }, /finite/],
      [{ gramsPerKwh: -1, source: 's' }, /at least 0/],
      [{ gramsPerKwh: 100, source: ' ' }, /source/],
    ];
    for (const [option, message] of refused) {
      let thrown: unknown;
      try {
        resolveGridIntensity(option);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(option)).toBeInstanceOf(Error);
      expect((thrown as Error).message).toMatch(message);
      for (const value of ['mars-north1', 'alice.smith', 'oracle', 'XYZ']) expect((thrown as Error).message).not.toContain(value);
    }
    expect(() => createAiCarbonMetrics({ target: new VigilMetricProducer(), grid: { provider: 'gcp', region: 'nowhere' } })).toThrow(/gramsPerKwh/);
  });

  it('keeps the region label in a bounded vocabulary: any other input is refused', () => {
    const known = new Set([...CLOUD_REGION_INTENSITY.keys(), ...[...COUNTRY_INTENSITY.keys()].map((c) => `country:${c}`), 'world', 'custom']);
    fc.assert(
      fc.property(fc.constantFrom('aws', 'gcp', 'azure'), fc.string(), fc.string({ maxLength: 4 }), (provider, region, country) => {
        for (const option of [{ provider, region }, { country }] as GridIntensityOption[]) {
          try {
            const grid = resolveGridIntensity(option);
            expect(known.has(grid.region)).toBe(true);
            expect(GRID_INTENSITY_SOURCES).toContain(grid.sourceLabel);
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
          }
        }
      }),
    );
  });

  it('ships every entry with a finite figure and a source, cloud regions of three providers and countries by ISO code', () => {
    expect(CLOUD_REGION_INTENSITY.size).toBe(77);
    expect(new Set([...CLOUD_REGION_INTENSITY.keys()].map((k) => k.split(':')[0]))).toEqual(new Set(['aws', 'gcp', 'azure']));
    expect(COUNTRY_INTENSITY.size).toBe(205);
    for (const [key, entry] of [...CLOUD_REGION_INTENSITY, ...COUNTRY_INTENSITY]) {
      expect(Number.isFinite(entry.gramsPerKwh) && entry.gramsPerKwh >= 0, key).toBe(true);
      expect(entry.source.trim(), key).not.toBe('');
    }
    for (const [iso, entry] of COUNTRY_INTENSITY) {
      expect(iso).toMatch(/^[A-Z]{3}$/);
      expect(entry.year).toBe(2021);
    }
  });
});
