// Vigil's Go template check (`spec/go-template.ts`) against the real parser: templates generated
// from a grammar of Go text/template syntax (actions, pipelines, variables, control blocks,
// define/template/block, comments, trim markers, literals, parentheses, field chains,
// Prometheus' functions), some then broken, batched into one rule file per `promtool check rules`
// run (one alert per template) and promtool's errors mapped back to their alerts. Vigil must
// accept exactly what promtool accepts.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goTemplateErrors } from '@vigil/compiler';
import { missingBinaries } from '../../../test/support/binaries.js';

const SEED = Number(process.env.VIGIL_TEMPLATE_SEED ?? 1_302_026);
const RUNS = Number(process.env.VIGIL_TEMPLATE_RUNS ?? 12);
const BATCH = 250;

/**
 * Functions that every Prometheus 2.x/3.x has. `tmpl`, `toDuration` and `now` are left out: newer
 * Prometheus releases have them and the installed promtool may not, and Vigil accepts them.
 */
const FUNCTIONS = [
  'and', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ne',
  'lt', 'le', 'gt', 'ge', 'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match',
  'title', 'toUpper', 'toLower', 'sortByLabel', 'humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage',
  'humanizeTimestamp', 'toTime', 'parseDuration', 'pathPrefix', 'externalURL', 'stripPort', 'stripDomain', 'graphLink',
  'tableLink',
];
const NUMBERS = [
  '1', '-1', '+1', '0', '0x1F', '0X1f', '1e3', '1E-3', '1.5', '.5', '5.', '1_000', '0b101', '0o17', '017', '0_7', '1i',
  '1+2i', '0x1p-2', '0x1.8p1', '-0', '18446744073709551615', '9223372036854775807', '-9223372036854775808',
  // Refused by Go, one way or another.
  '089', '1e400', '99999999999999999999', '-9223372036854775809', '0x1.8', '1__0', '1_', '_1', '-', '+', '1e', '0x',
  '1.x', '1-2', '0b2', '1.2.3', '0x1p', '1ii', '1e+', '0o8',
];
const STRINGS = [
  '"a"', '""', '"a b"', '"\\n"', '"\\t\\\\"', '"\\x41"', '"\\u00e9"', '"\\U0001F600"', '"\\101"', '"}}"', '"{{"', '"\\""',
  '`raw`', '``', '`a\\b`', '`}}`', '`{{`', '"é"',
  // Refused.
  '"\\q"', '"\\x4"', '"\\\'"', '"\\400"', '"\\uD800"', '"\\U00110000"', '"\\0"',
];
const CHARS = ["'a'", "'\\n'", "'\\''", "'é'", "'\\x41'", "'\\u00e9'", "'ab'", "''", "'\\q'", "'\"'", "'\\\"'"];
const VARIABLES = ['$', '$labels', '$value', '$externalLabels', '$externalURL', '$x', '$i', '$e', '$nosuch'];
const FIELDS = ['.', '.Labels', '.Labels.job', '.Value', '$labels.instance', '$.Labels', '$x.y', '.a.b.c', '$value.x'];

const pick = (items: readonly string[]) => fc.constantFrom(...items);
const space = fc.constantFrom(' ', ' ', ' ', '', '  ', '\t', '\n');

/** Templates built from the grammar; `depth` bounds nesting. */
const grammar = fc.letrec<{
  operand: string;
  command: string;
  pipeline: string;
  action: string;
  control: string;
  item: string;
  items: string;
  template: string;
}>((tie) => ({
  operand: fc.oneof(
    { weight: 3, arbitrary: pick(FIELDS) },
    { weight: 3, arbitrary: pick(VARIABLES) },
    { weight: 2, arbitrary: pick(STRINGS) },
    { weight: 2, arbitrary: pick(NUMBERS) },
    { weight: 1, arbitrary: pick(CHARS) },
    { weight: 1, arbitrary: pick(['true', 'false', 'nil']) },
    { weight: 1, arbitrary: fc.tuple(tie('pipeline'), pick(['', '.x', '.Labels.job'])).map(([p, f]) => `(${p})${f}`) },
  ),
  command: fc.oneof(
    { weight: 3, arbitrary: fc.tuple(pick([...FUNCTIONS, 'nosuch', 'Printf']), fc.array(fc.tuple(space, tie('operand')), { maxLength: 2 })).map(([f, args]) => f + args.map(([s, a]) => (s === '' ? ' ' : s) + a).join('')) },
    { weight: 2, arbitrary: tie('operand') },
    { weight: 1, arbitrary: fc.tuple(tie('operand'), tie('operand')).map(([a, b]) => `${a} ${b}`) },
  ),
  pipeline: fc
    .tuple(
      pick(['', '', '', '$x := ', '$x = ', '$i, $e := ', '$y := ', '$x:=', '$x , ']),
      fc.array(tie('command'), { minLength: 1, maxLength: 3 }),
      pick([' | ', '|', ' |', ' | ']),
    )
    .map(([declare, commands, bar]) => declare + commands.join(bar)),
  action: fc
    .tuple(pick(['{{', '{{', '{{- ', '{{-', '{{-\t']), space, tie('pipeline'), space, pick(['}}', '}}', ' -}}', '-}}', '\t-}}']))
    .map(([open, a, p, b, close]) => `${open}${a}${p}${b}${close}`),
  control: fc.oneof(
    fc.tuple(tie('pipeline'), tie('items'), fc.option(tie('items')), fc.option(fc.tuple(tie('pipeline'), tie('items')))).map(
      ([p, body, otherwise, elseIf]) => `{{ if ${p} }}${body}${elseIf ? `{{ else if ${elseIf[0]} }}${elseIf[1]}` : ''}${otherwise !== null ? `{{ else }}${otherwise}` : ''}{{ end }}`,
    ),
    fc.tuple(pick(['', '$e := ', '$i, $e := ', '$i, $e, $f := ', '$i, 1 := ']), tie('pipeline'), tie('items'), fc.option(tie('items')), pick(['', '{{ break }}', '{{ continue }}', '{{break}}', '{{ break 1 }}'])).map(
      ([declare, p, body, otherwise, loop]) => `{{ range ${declare}${p} }}${body}${loop}${otherwise !== null ? `{{ else }}${otherwise}` : ''}{{ end }}`,
    ),
    fc.tuple(tie('pipeline'), tie('items'), fc.option(tie('items')), fc.boolean()).map(
      ([p, body, otherwise, elseWith]) => `{{ with ${p} }}${body}${otherwise !== null ? `{{ else${elseWith ? ' with .' : ''} }}${otherwise}` : ''}{{ end }}`,
    ),
    fc.tuple(pick(['"x"', '`y`', 'x', '"x" .', '']), tie('items')).map(([name, body]) => `{{ define ${name} }}${body}{{ end }}`),
    fc.tuple(pick(['"x"', '"y"', 'x', '']), fc.option(tie('pipeline'))).map(([name, p]) => `{{ template ${name}${p !== null ? ` ${p}` : ''} }}`),
    fc.tuple(pick(['"b"', '`b`', 'b']), fc.option(tie('pipeline')), tie('items')).map(([name, p, body]) => `{{ block ${name}${p !== null ? ` ${p}` : ''} }}${body}{{ end }}`),
    pick(['{{ break }}', '{{ continue }}', '{{ end }}', '{{ else }}']),
  ),
  item: fc.oneof(
    { weight: 3, arbitrary: pick(['text', ' ', 'a}}b', '{', '}', 'x{y', '\n', '{ {', '100%', '$labels.x']) },
    { weight: 4, arbitrary: tie('action') },
    { weight: 2, arbitrary: tie('control') },
    { weight: 1, arbitrary: pick(['{{/* c */}}', '{{- /* c */ -}}', '{{/* a */ }}', '{{ /* c */ }}', '{{/*c*/-}}', '{{/* }} */}}', '{{- /* c */}}', '{{/* c */ }}']) },
  ),
  items: fc.array(tie('item'), { maxLength: 3 }).map((items) => items.join('')),
  template: fc.array(tie('item'), { minLength: 1, maxLength: 4 }).map((items) => items.join('')),
}));

/** Breaks a template at a random place: drops, doubles or inserts a character, or cuts it short. */
const mutated = fc
  .tuple(grammar.template, fc.nat(), fc.constantFrom('drop', 'insert', 'double', 'cut'), fc.constantFrom('{', '}', '(', ')', '"', '`', "'", '|', '$', '.', '-', ' ', ':', '=', ',', '/', '*', '\\', 'x', '1', '@', '\n'))
  .map(([text, at, how, c]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    switch (how) {
      case 'drop':
        return text.slice(0, i) + text.slice(i + 1);
      case 'insert':
        return text.slice(0, i) + c + text.slice(i);
      case 'double':
        return text.slice(0, i) + text.slice(i, i + 3) + text.slice(i);
      case 'cut':
        return text.slice(0, i);
    }
  });

const templates = fc.oneof({ weight: 3, arbitrary: grammar.template }, { weight: 2, arbitrary: mutated });

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'vigil-template-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Which of `texts` promtool refuses: one alert per template, promtool's errors mapped back by alert name. */
async function promtoolRefuses(texts: readonly string[]): Promise<Set<number>> {
  const file = join(scratch, 'rules.yml');
  const rules = texts.map((text, i) => `      - alert: A${i}\n        expr: up == 0\n        annotations:\n          t: ${JSON.stringify(text)}\n`);
  await writeFile(file, `groups:\n  - name: g\n    rules:\n${rules.join('')}`);
  const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
  const output = result.stdout + result.stderr;
  const refused = new Set<number>();
  for (const match of output.matchAll(/rule \d+, "A(\d+)": annotation "t": template: /g)) refused.add(Number(match[1]));
  // Every failure must be one of ours: a YAML error would make the whole batch unreadable.
  if (result.status !== 0 && refused.size === 0) throw new Error(`promtool failed without template errors:\n${output}`);
  if (result.status === 0 && refused.size > 0) throw new Error(`promtool succeeded with errors:\n${output}`);
  return refused;
}

describe.skipIf(missingBinaries('promtool') !== undefined)("Vigil's Go template check against promtool", () => {
  it(`accepts exactly what promtool accepts (${RUNS} batches of ${BATCH} generated templates, seed ${SEED})`, async () => {
    const totals = { templates: 0, refusedByPromtool: 0 };
    const disagreements: { text: string; vigil: string; promtool: string }[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(templates, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const refused = await promtoolRefuses(batch);
        totals.templates += batch.length;
        totals.refusedByPromtool += refused.size;
        batch.forEach((text, i) => {
          const vigil = goTemplateErrors(text)[0]?.message;
          if ((vigil !== undefined) !== refused.has(i)) disagreements.push({ text, vigil: vigil ?? 'accepted', promtool: refused.has(i) ? 'refused' : 'accepted' });
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(disagreements).toEqual([]);
    expect(totals.templates).toBe(RUNS * BATCH);
    // Both sides of the line are exercised.
    expect(totals.refusedByPromtool).toBeGreaterThan(totals.templates * 0.2);
    expect(totals.refusedByPromtool).toBeLessThan(totals.templates * 0.8);
  }, 300_000);
});
