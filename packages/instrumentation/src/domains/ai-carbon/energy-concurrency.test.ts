import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { VigilMetricProducer } from '../../record/vigil-producer.js';
import { createAiCarbonMetrics, estimateCpuEnergyKwh } from './index.js';

// Issue 16, C1 (energy counted once under concurrency) and C2 (GPU and RAM energy).

async function sumOf(producer: VigilMetricProducer, name: string, attributes: Record<string, string> = {}): Promise<number> {
  const { resourceMetrics } = await producer.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m: MetricData) => m.descriptor.name === name);
  return ((metric?.dataPoints ?? []) as DataPoint<number>[])
    .filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
    .reduce((sum, p) => sum + p.value, 0);
}

function deferred(): { promise: Promise<string>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<string>((r) => (resolve = () => r('ok')));
  return { promise, resolve };
}

describe('C1: one sampler, energy apportioned', () => {
  it('ten concurrent invocations together record the energy of the window once', async () => {
    const producer = new VigilMetricProducer();
    let now = 0;
    let cpu = 0;
    const ai = createAiCarbonMetrics({ target: producer, now: () => now, cpuMicros: () => cpu, cores: 4, cpuTdpWatts: 100, residentBytes: false, models: ['model-0', 'model-1'] });
    const gates = Array.from({ length: 10 }, deferred);
    const calls = gates.map((g, i) => ai.invoke(`model-${i % 2}`, () => g.promise));
    now += 60_000;
    cpu += 120e6; // two cores busy for the minute
    for (const g of gates) g.resolve();
    await Promise.all(calls);
    const window = estimateCpuEnergyKwh({ cpuMicros: 120e6, wallMillis: 60_000, cores: 4, tdpWatts: 100 });
    expect(await sumOf(producer, 'tta_energy_consumed_kilowatt_hours', { hardware: 'cpu' })).toBeCloseTo(window, 15);
  });
});

describe('C2: GPU and RAM energy', () => {
  it('counts GPU draw and resident memory where they can be read, and adds them to emissions', async () => {
    const producer = new VigilMetricProducer();
    let now = 0;
    const ai = createAiCarbonMetrics({
      target: producer,
      now: () => now,
      cpuMicros: () => 0,
      cores: 1,
      gpuWatts: () => 300,
      residentBytes: () => 8e9,
      grid: { gramsPerKwh: 400, source: 'test figure' },
    });
    const gate = deferred();
    const call = ai.invoke('llama-3-70b', () => gate.promise);
    now += 3_600_000;
    gate.resolve();
    await call;
    expect(await sumOf(producer, 'tta_energy_consumed_kilowatt_hours', { hardware: 'gpu' })).toBeCloseTo(0.3, 12);
    expect(await sumOf(producer, 'tta_energy_consumed_kilowatt_hours', { hardware: 'ram' })).toBeCloseTo(0.003, 12);
    expect(await sumOf(producer, 'tta_carbon_emissions_kilograms')).toBeCloseTo((0.303 * 400) / 1000, 12);
  });
});
