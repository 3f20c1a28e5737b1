import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { GENERATED_HEADER, toYaml } from './yaml.js';

const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('true', 'null', '1', 'a: b', '#x', 'on', '- x', 'alert'));
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', 'yes', 'No', '~', '1e3', '0x1F', '.5', '-', 'a #b', 'x: y', '{{ $value }}', 'sum(rate(x[5m])) > 0', "it's", '"q"', '\n', 'a\tb'),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 4 }),
  ),
})).node;

describe('toYaml', () => {
  it('round-trips any JSON-like data through the yaml parser', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (data) => {
        expect(parse(toYaml(data))).toEqual(JSON.parse(JSON.stringify(data)));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes rule files in the usual block style', () => {
    const rules = { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '5m', labels: { severity: 'critical' } }] }] };
    expect(toYaml(rules)).toBe(
      `${GENERATED_HEADER}groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: 'up == 0'\n        for: 5m\n        labels:\n          severity: critical\n`,
    );
    expect(parse(toYaml(rules))).toEqual(parse(stringify(rules)));
  });
});
