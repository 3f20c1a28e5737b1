import { describe, expect, it } from 'vitest';
import type { Metric } from '@vigil/compiler/core';
import type { MetricPlan } from './plan.js';
import { type RecordingHandle, Simulator } from './simulator.js';

function metric(name: string, type: Metric['type']): Metric {
  return { name, type, unit: '1', description: name, labels: [], promName: name, source: { file: 't', line: 1, column: 1 } };
}

function recorder() {
  const calls: { kind: 'add' | 'record'; value: number }[] = [];
  const handle: RecordingHandle = {
    add: (value) => calls.push({ kind: 'add', value }),
    record: (value) => calls.push({ kind: 'record', value }),
  };
  return { calls, handle };
}

describe('Simulator', () => {
  it('initializes counters at 0, counts whole events at the planned rate, and applies a scenario', () => {
    const counter = recorder();
    const gauge = recorder();
    const plans: MetricPlan[] = [
      { metric: metric('c', 'counter'), job: 'j', series: [{ type: 'counter', labels: {}, rate: 2, smooth: false }] },
      { metric: metric('g', 'gauge'), job: 'j', series: [{ type: 'gauge', labels: {}, behaviour: { kind: 'level', level: 5, swing: 0, noise: 0, integer: false } }] },
    ];
    const sim = new Simulator(plans, new Map([['c', counter.handle], ['g', gauge.handle]]), { dayLengthSeconds: 3600, seed: 7 });
    const t0 = 1_700_000_000_000;
    sim.step(t0);
    expect(counter.calls).toEqual([{ kind: 'add', value: 0 }]);
    for (let i = 1; i <= 600; i++) sim.step(t0 + i * 1000);
    const counted = counter.calls.reduce((n, c) => n + c.value, 0);
    // 2/s for 600 s, times the daily shape and noise: within a factor of two, in whole events.
    expect(counted).toBeGreaterThan(500);
    expect(counted).toBeLessThan(2000);
    expect(counter.calls.every((c) => Number.isInteger(c.value))).toBe(true);
    expect(gauge.calls.at(-1)).toEqual({ kind: 'record', value: 5 });
    sim.step(t0 + 601_000, { startedAtMs: t0 + 600_000, effects: [{ metric: 'g', matchers: [], action: { kind: 'set', value: 0.1 } }] });
    expect(gauge.calls.at(-1)).toEqual({ kind: 'record', value: 0.1 });
  });
});
