import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { generate } from './generate.js';

const hasPromtool = spawnSync('sh', ['-c', 'command -v promtool']).status === 0;
if (!hasPromtool && process.env.CI === 'true') throw new Error('CI=true: promtool is missing');

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
const labelValue = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.includes('{{'));
const threshold = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }));
const duration = fc.constantFrom('0s', '1m', '5m', '30m', '1h', '6h');
const window = fc.constantFrom('5m', '10m', '1h', '1d');

/** Valid definitions: a catalog and alerts of every kind that only name declared metrics and labels. */
const validDefinitions = fc
  .record({
    prefix: name,
    values: fc.uniqueArray(labelValue, { minLength: 1, maxLength: 3 }),
    buckets: fc.uniqueArray(fc.double({ min: 0.001, max: 100, noNaN: true }), { minLength: 1, maxLength: 5 }).map((b) => [...b].sort((x, y) => x - y)),
    bounds: fc.array(threshold, { minLength: 8, maxLength: 8 }),
    fors: fc.array(duration, { minLength: 8, maxLength: 8 }),
    windows: fc.array(window, { minLength: 4, maxLength: 4 }),
    above: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    summary: fc.string({ maxLength: 30 }).map((s) => `${s.replaceAll('{', '(')} {{ $labels.kind }} {{ $value }}`),
    objective: fc.double({ min: 90, max: 99.99, noNaN: true }),
    // 30d windows are covered by the repository's SLOs (fires-exactly); short ones keep promtool fast.
    sloWindow: fc.constantFrom('3d', '7d'),
    escalate: fc.boolean(),
  })
  .map((p) => {
    const m = (suffix: string) => `${p.prefix}_${suffix}`;
    const labels = { kind: { values: p.values } };
    const bound = (i: number) => (p.above[i] ? { above: p.bounds[i] } : { below: p.bounds[i] });
    const alert = (i: number, condition: Record<string, unknown>) => ({
      name: `Alert${i}${p.prefix.replace(/[^a-z0-9]/g, '')}`,
      severity: 'warning',
      summary: p.summary,
      runbook: 'https://runbooks.example/x',
      by: ['kind'],
      ...(p.escalate && i % 2 === 0 ? { escalate_after: '30m' } : {}),
      condition,
    });
    return {
      apiVersion: 'vigil.dev/v1',
      services: [{ name: 'svc', team: 'team', targets: ['localhost:9464'] }],
      metrics: [
        { name: m('gauge'), type: 'gauge', description: 'g', service: 'svc', labels },
        { name: m('events'), type: 'counter', description: 'c', service: 'svc', labels },
        { name: m('errors'), type: 'counter', description: 'e', service: 'svc', labels },
        { name: m('latency'), type: 'histogram', description: 'h', service: 'svc', labels, buckets: p.buckets },
      ],
      alerts: [
        alert(0, { kind: 'threshold', metric: m('gauge'), ...bound(0), for: p.fors[0] }),
        alert(1, { kind: 'threshold', metric: m('latency'), quantile: 0.95, ...bound(1), window: p.windows[0], for: p.fors[1] }),
        alert(2, { kind: 'rate_of_change', metric: m('gauge'), window: p.windows[1], rising: Math.abs(p.bounds[2] as number) + 1 }),
        alert(3, { kind: 'anomaly', metric: m('events'), window: '1d', direction: 'above', for: '5m' }),
        alert(4, { kind: 'forecast', metric: m('gauge'), window: p.windows[2], horizon: '4h', ...bound(4), for: p.fors[4] }),
        alert(5, { kind: 'ratio', numerator: { metric: m('errors') }, denominator: { metric: m('events') }, ...bound(5), for: p.fors[5] }),
        alert(6, { kind: 'staleness', metric: m('gauge'), older_than: p.windows[3] }),
        { ...alert(7, { kind: 'absence', metric: m('gauge'), matchers: { kind: p.values[0] } }), by: [] },
      ],
      slos: [
        {
          name: 'availability',
          service: 'svc',
          objective: p.objective,
          window: p.sloWindow,
          group_by: ['kind'],
          sli: { events: { bad: { metric: m('errors') }, total: { metric: m('events') } } },
        },
        {
          name: 'latency',
          service: 'svc',
          objective: p.objective,
          window: p.sloWindow,
          min_event_rate: 0.5,
          sli: { latency: { metric: m('latency'), threshold: p.buckets[0] } },
        },
      ],
    };
  });

describe('generate (property)', () => {
  // Rule files promtool accepts and located issues for bad input: see property.test.ts.
  it.skipIf(!hasPromtool)('synthesizes promtool tests that pass for any definitions', () => {
    fc.assert(
      fc.property(validDefinitions, (definitions) => {
        const result = generate([{ path: 'defs.yaml', text: stringify(definitions) }]);
        if (!result.ok) throw new Error(JSON.stringify(result.issues));
        const dir = mkdtempSync(join(tmpdir(), 'vigil-prop-tests-'));
        try {
          for (const output of result.value.outputs) {
            if (!output.path.startsWith('prometheus/')) continue;
            const file = join(dir, output.path);
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, output.content);
          }
          const tests = result.value.outputs.filter((o) => o.path.startsWith('prometheus/tests/')).map((o) => join(dir, o.path));
          const run = spawnSync('promtool', ['test', 'rules', ...tests], { encoding: 'utf8' });
          expect(run.status, run.stdout + run.stderr).toBe(0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 3 },
    );
  }, 600_000);
});
