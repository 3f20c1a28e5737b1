import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { buildModel } from '../model/build.js';
import { fastValue, parseDefinitions, type SourceText } from './load.js';

const repo = join(import.meta.dirname, '../../../..');
const repoSources: SourceText[] = readdirSync(join(repo, 'definitions'))
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => ({ path: `definitions/${name}`, text: readFileSync(join(repo, 'definitions', name), 'utf8') }));

/** The exact parser's reading of a text: its JS value, or undefined when `yaml` reports an error. */
function exactValue(text: string): { value: unknown } | undefined {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) return undefined;
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) };
  } catch {
    return undefined;
  }
}

describe('definitions: the fast path (js-yaml) against the exact path (yaml)', () => {
  it('reads the shipped definitions into the same model, source positions included', () => {
    // Every shipped file takes the fast path, so this compares the two paths, not one with itself.
    for (const source of repoSources) expect(fastValue(source.text), source.path).toBeDefined();
    const fast = parseDefinitions(repoSources, 'fast');
    const exact = parseDefinitions(repoSources, 'exact');
    if (!fast.ok || !exact.ok) throw new Error('shipped definitions do not parse');
    expect(fast.value.map((f) => f.spec)).toEqual(exact.value.map((f) => f.spec));
    const fastModel = buildModel(fast.value);
    const exactModel = buildModel(exact.value);
    if (!fastModel.ok || !exactModel.ok) throw new Error('shipped definitions do not build');
    // JSON reads every lazy location, so this compares every line and column too.
    expect(JSON.parse(JSON.stringify(fastModel.value))).toEqual(JSON.parse(JSON.stringify(exactModel.value)));
    expect(fastModel.value.alerts.some((a) => a.source.line > 100)).toBe(true);
  });

  it('leaves bad definitions to the exact path, so their issues are the same', () => {
    const bad = repoSources.map((s) => ({ ...s, text: s.text.replace(/above: /, 'above: x').replace('apiVersion', 'apiVersoin') }));
    const withAlias = [{ path: 'definitions/a.yaml', text: 'apiVersion: vigil.dev/v1\nservices: *missing\n' }];
    for (const sources of [bad, withAlias]) {
      const fast = parseDefinitions(sources, 'fast');
      expect(fast.ok).toBe(false);
      expect(fast).toEqual(parseDefinitions(sources, 'exact'));
    }
  });

  it('locates collections nested too deeply to read, in words, not as a stack overflow', () => {
    for (const parser of ['fast', 'exact'] as const) {
      const text = `apiVersion: vigil.dev/v1\nservices: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
      const result = parseDefinitions([{ path: 'definitions/deep.yaml', text }], parser);
      if (result.ok) throw new Error('deep nesting was accepted');
      expect(result.issues[0]).toMatchObject({ file: 'definitions/deep.yaml', line: 2 });
      expect(result.issues[0]?.message).toMatch(/nested too deeply/);
      expect(result.issues[0]?.message).not.toMatch(/call stack/);
    }
  });

  it('resolves every YAML 1.2 core scalar as yaml does', () => {
    const scalars = ['1', '-1', '+1', '012', '0o17', '0x1F', '0b101', '1_000', '1.5', '1.', '.5', '-.5', '1e3', '1E+3', '1e400', '-1e400', '.inf', '-.inf', '.Inf', '.NaN', 'inf', 'null', 'Null', 'NULL', '~', '', 'true', 'True', 'TRUE', 'yes', 'off', '2024-01-01', '12:30', '0x', '0o8', '-0', '9007199254740993', 'true_'];
    for (const scalar of scalars) {
      const text = `k: ${scalar}\nl: [${scalar}]\n`;
      expect(fastValue(text), scalar).toEqual(exactValue(text));
    }
  });

  // Any text the fast path accepts, yaml accepts too and reads to the same value.
  const scalar = fc.oneof(
    fc.constantFrom('1', '-2.5', '0x1F', '0o7', '1e400', '.inf', '.nan', 'null', '~', 'true', 'False', 'yes', '', '1_0', '0b1', '"q"', "'s'", '"a: b"', 'a b', 'x#y', 'a # c', '|\n  block\n', '>-\n  folded\n'),
    fc.stringMatching(/^[a-z0-9._~+-]{1,6}$/),
  );
  const key = fc.oneof(fc.constantFrom('a', 'b', 'name', '"q k"', '1', 'true', 'null', '~', '? a', '"null"'), fc.stringMatching(/^[a-z]{1,3}$/));
  const { tree } = fc.letrec<{ tree: string; block: string[]; flow: string }>((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('flow'), tie('block').map((lines) => `\n${lines.map((l) => `  ${l}`).join('\n')}`)),
    flow: fc.oneof(
      fc.array(scalar, { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
      fc.array(fc.tuple(key, scalar), { maxLength: 3 }).map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    ),
    block: fc.oneof(
      fc.array(fc.tuple(key, tie('tree')), { minLength: 1, maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${k}: ${v}`).join('\n').split('\n')),
      fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((items) => items.map((v) => `- ${v}`).join('\n').split('\n')),
    ),
  }));
  const mutation = fc.tuple(
    fc.nat(),
    fc.constantFrom('', ':', '-', ' ', '  ', '\n', '\t', '#', ' # c', '&a ', '*a', '!!str ', '! ', '!=', '"', "'", '\\', '[', '{', '}', ']', ',', '? ', ': ', '- ', '---\n', '...\n', '%YAML 1.2\n', '%TAG !e! tag:x,2000:\n', '|2\n', '>+\n', '\r\n', '\u00a0', '\ufeff', '"\\x41"', '@', '`', '%'),
  );
  const text = fc.tuple(fc.array(fc.tuple(key, tree), { minLength: 1, maxLength: 5 }), fc.array(mutation, { maxLength: 3 })).map(([pairs, mutations]) => {
    let doc = pairs.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
    for (const [at, insert] of mutations) {
      const i = at % (doc.length + 1);
      doc = insert === '' ? doc.slice(0, i) + doc.slice(i + 1) : doc.slice(0, i) + insert + doc.slice(i);
    }
    return doc;
  });

  it('never accepts a text yaml rejects, nor reads one differently (property)', () => {
    let accepted = 0;
    const runs = Number(process.env.VIGIL_FUZZ_RUNS ?? 3000);
    fc.assert(
      fc.property(text, (doc) => {
        const fast = fastValue(doc);
        if (fast === undefined) return;
        accepted++;
        expect(exactValue(doc), doc).toEqual(fast);
      }),
      // A fixed seed keeps CI reproducible; VIGIL_FUZZ_SEED and VIGIL_FUZZ_RUNS explore further.
      { numRuns: runs, seed: Number(process.env.VIGIL_FUZZ_SEED ?? 20261123) },
    );
    // Many generated texts are valid YAML; a fast path that refused them all would prove nothing.
    expect(accepted).toBeGreaterThan(runs / 10);
  });
});
