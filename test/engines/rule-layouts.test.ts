import { generate } from '@vigil/compiler';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { readDefinitionsDir } from '../support/definitions.js';

// The Thanos and Mimir ruler layouts, checked against their documented schemas (mimirtool is
// not packaged in Debian): the same groups as prometheus/rules/, wrapped as each ruler reads them.

/** A rule as Prometheus, the Thanos ruler and the Mimir ruler document it. */
const rule = z.union([
  z.strictObject({ record: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/), expr: z.string().min(1), labels: z.record(z.string(), z.string()).optional() }),
  z.strictObject({
    alert: z.string().min(1),
    expr: z.string().min(1),
    for: z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/).optional(),
    keep_firing_for: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
]);

/** Thanos ruler: Prometheus' rule file, plus `partial_response_strategy` per group. */
const thanosFile = z.strictObject({
  groups: z.array(
    z.strictObject({
      name: z.string().min(1),
      interval: z.string().optional(),
      limit: z.number().int().optional(),
      partial_response_strategy: z.enum(['warn', 'abort']).optional(),
      rules: z.array(rule),
    }),
  ),
});

/** Mimir ruler namespace file (mimirtool's `rules load` / `rules sync` format). */
const mimirFile = z.strictObject({
  namespace: z.string().min(1),
  groups: z.array(
    z.strictObject({
      name: z.string().min(1),
      interval: z.string().optional(),
      limit: z.number().int().optional(),
      source_tenants: z.array(z.string()).optional(),
      evaluation_delay: z.string().optional(),
      rules: z.array(rule),
    }),
  ),
});

const root = new URL('../..', import.meta.url).pathname;

const definitions = await readDefinitionsDir(`${root}definitions`, root);

describe('Thanos and Mimir ruler layouts of the repository definitions', () => {
  // The users' definitions with both layouts asked for, beside what they already write.
  const sources = definitions.map((file) => ({ ...file, text: file.text.replace(/outputs: \[([^\]]*)\]/, 'outputs: [$1, thanos, mimir]') }));
  const result = generate(sources);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const outputs = result.value.outputs;
  const under = (dir: string) => outputs.filter((o) => o.path.startsWith(dir)).sort((a, b) => (a.path < b.path ? -1 : 1));
  const prometheusGroups = Object.fromEntries(under('prometheus/rules/').map((o) => [o.path.split('/').at(-1), (parse(o.content) as { groups: unknown[] }).groups]));

  it('writes a Thanos rule file per Prometheus rule file, valid, with the same groups', () => {
    const files = under('thanos/rules/');
    expect(files.map((f) => f.path.split('/').at(-1))).toEqual(Object.keys(prometheusGroups));
    for (const file of files) {
      const parsed = thanosFile.parse(parse(file.content));
      const name = file.path.split('/').at(-1) as string;
      expect(parsed.groups.map(({ partial_response_strategy, ...group }) => (expect(partial_response_strategy).toBe('abort'), group))).toEqual(prometheusGroups[name]);
    }
  });

  it('writes a Mimir namespace per Prometheus rule file, valid, with the same groups', () => {
    const files = under('mimir/rules/');
    expect(files.map((f) => f.path.split('/').at(-1))).toEqual(Object.keys(prometheusGroups));
    for (const file of files) {
      const parsed = mimirFile.parse(parse(file.content));
      const name = file.path.split('/').at(-1) as string;
      expect(parsed.namespace).toBe(name.replace(/\.yml$/, ''));
      expect(parsed.groups).toEqual(prometheusGroups[name]);
    }
  });

  it('the schemas reject what the rulers would refuse', () => {
    expect(mimirFile.safeParse({ groups: [] }).success).toBe(false);
    expect(thanosFile.safeParse({ groups: [{ name: 'g', partial_response_strategy: 'ignore', rules: [] }] }).success).toBe(false);
    expect(thanosFile.safeParse({ groups: [{ name: 'g', rules: [{ alert: 'A' }] }] }).success).toBe(false);
  });
});
