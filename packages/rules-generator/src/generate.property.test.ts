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
          group_by: ['kind'],
          sli: { events: { bad: { metric: m('errors') }, total: { metric: m('events') } } },
        },
        {
          name: 'latency',
          service: 'svc',
          objective: p.objective,
          min_event_rate: 0.5,
          sli: { latency: { metric: m('latency'), threshold: p.buckets[0] } },
        },
      ],
    };
  });

describe('generate (property)', () => {
  it.skipIf(!hasPromtool)('compiles any definitions the schema accepts into rules promtool accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-prop-'));
    try {
      const files: string[] = [];
      fc.assert(
        fc.property(validDefinitions, (definitions) => {
          const result = generate([{ path: 'defs.yaml', text: stringify(definitions) }]);
          if (!result.ok) throw new Error(JSON.stringify(result.issues));
          for (const output of result.value.outputs.filter((o) => o.path.startsWith('prometheus/rules/'))) {
            const file = join(dir, `${files.length}.yml`);
            writeFileSync(file, output.content);
            files.push(file);
          }
        }),
        { numRuns: 30 },
      );
      const run = spawnSync('promtool', ['check', 'rules', ...files], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

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
  }, 300_000);

  it('answers bad definitions with located issues, never an exception', () => {
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: fc.anything() }),
      fc.record({ op: fc.constant('unknown-key' as const), at: fc.nat(), key: fc.string({ minLength: 1, maxLength: 6 }) }),
      fc.record({ op: fc.constant('garbage' as const), text: fc.string({ maxLength: 80 }) }),
      fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(validDefinitions, mutation, (definitions, change) => {
        let text = stringify(definitions);
        const objects: Record<string, unknown>[] = [];
        const walk = (node: unknown) => {
          if (node && typeof node === 'object') {
            objects.push(node as Record<string, unknown>);
            for (const child of Object.values(node)) walk(child);
          }
        };
        walk(definitions);
        const target = objects[('at' in change ? change.at : 0) % objects.length] as Record<string, unknown>;
        const keys = Object.keys(target);
        const key = keys[('at' in change ? change.at : 0) % Math.max(keys.length, 1)];
        switch (change.op) {
          case 'delete':
            if (key !== undefined) delete target[key];
            text = stringify(definitions);
            break;
          case 'replace':
            if (key !== undefined) target[key] = change.value;
            text = stringify(definitions);
            break;
          case 'unknown-key':
            if (!Array.isArray(target)) target[`x_${change.key}`] = 1;
            text = stringify(definitions);
            break;
          case 'garbage':
            text = change.text;
            break;
          case 'truncate':
            text = text.slice(0, change.at % text.length);
            break;
        }
        const result = generate([{ path: 'defs.yaml', text }]);
        if (!result.ok) {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) {
            expect(issue.file).toBe('defs.yaml');
            expect(issue.line).toBeGreaterThanOrEqual(1);
            expect(issue.column).toBeGreaterThanOrEqual(1);
            expect(issue.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
