// Property: whatever definitions a user writes, `vigil generate` either exits 0 with outputs that
// Prometheus' and Alertmanager's own tools accept (`promtool check rules`, `promtool test rules`,
// `amtool check-config`), or exits 2 having written nothing. Definitions are built from hostile
// strings (template text, PromQL, quotes, unicode, huge numbers) in every user-written field.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { missingBinaries } from '../../../test/support/binaries.js';
import { EXIT } from './exit-codes.js';
import { runCli } from './main.js';

const skip = missingBinaries('promtool', 'amtool');
/**
 * Fixed so a failure replays (fast-check prints the seed and the shrunk path with it); the
 * environment can widen a local exploration: VIGIL_PROP_SEED=7 VIGIL_PROP_RUNS=500.
 */
const SEED = Number(process.env.VIGIL_PROP_SEED ?? 1_302_026);
const RUNS = Number(process.env.VIGIL_PROP_RUNS ?? 100);

/** Text a user could paste that breaks one of the contexts the outputs embed it in. */
const HOSTILE = [
  '{{',
  '}}',
  '{{ $value',
  '{{ end }}',
  '{{/* open',
  '{{ $labels.x }}',
  '{{ $value | humanise }}',
  '{{ template "x" }}',
  'sum(rate(x[5m])) > 1',
  'up{job="a"}',
  '"',
  "'",
  '\\',
  '\\n',
  '`',
  '$1',
  '${HOME}',
  '%s%d',
  'a: b',
  '- x',
  '# c',
  '&anchor',
  '*alias',
  '!!str',
  'é😀中',
  '\u202e',
  '\t',
  ' ',
  '.*',
  '(',
  '[',
  '=~',
  '!=',
  'null',
  'true',
  '0x1F',
  '1e400',
];
const hostile = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...HOSTILE, 'ok', 'x'), { minLength: 1, maxLength: 4 }).map((p) => p.join(' ')) },
);
/** Mostly plain values, so that many runs pass validation and reach promtool and amtool. */
const maybeHostile = (plain: fc.Arbitrary<string>) => fc.oneof({ weight: 14, arbitrary: plain }, { weight: 1, arbitrary: hostile });
const plainWord = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/);
const plainText = fc.stringMatching(/^[A-Za-z0-9 ,.:-]{1,20}$/);
const summaryText = fc.oneof(
  plainText,
  plainText.map((s) => `${s} {{ $value }}`),
  plainText.map((s) => `${s} {{ $value | humanizePercentage }} on {{ $labels.instance }}`),
);
const labelKey = maybeHostile(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/).map((k) => `l_${k}`));
const number = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
  fc.double({ noNaN: false }),
  fc.constantFrom(1e308, -1e308, 1e21, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 64, 0.1),
);
const duration = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('0s', '1m', '5m', '10m', '1h', '1h30m') },
  { weight: 1, arbitrary: fc.constantFrom('99999999999y', '100y', '31d', '32d', '5x', '-1m', '1.5h', '') },
);

/** Raw PromQL of right and wrong types: the grammar accepts all of these shapes, promtool not all. */
const selector = fc.constantFrom('shop_queue_depth', 'shop_requests_total{job="shop"}', '{}', '{reason=""}', '{__name__="shop_requests_total"}');
const leaf = fc.oneof(selector, selector.map((s) => `${s}[5m]`), fc.constantFrom('1', '0.5', '1e400', '"a"', 'time()'));
const promql = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(fc.constantFrom('rate', 'sum', 'abs', 'histogram_quantile', 'absent', 'max_over_time', 'scalar', 'vector'), tie('expr')).map(([f, e]) => `${f}(${e})`),
    fc.tuple(fc.constantFrom('topk', 'quantile', 'histogram_quantile', 'predict_linear', 'count_values', 'round'), tie('expr'), tie('expr')).map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc.tuple(tie('expr'), fc.constantFrom('>', '> bool', '+', 'and', 'unless', '/ on()'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('expr').map((e) => `(${e}) offset 5m`),
  ),
})).expr;

const definitions = fc
  .record({
    team: maybeHostile(plainWord),
    metricDescription: maybeHostile(plainText),
    labelValues: fc.uniqueArray(maybeHostile(plainWord), { minLength: 1, maxLength: 3 }),
    summary: maybeHostile(summaryText),
    description: fc.option(maybeHostile(summaryText), { nil: undefined }),
    alertLabels: fc.dictionary(labelKey, maybeHostile(plainWord), { maxKeys: 2 }),
    annotations: fc.dictionary(labelKey, maybeHostile(summaryText), { maxKeys: 2 }),
    above: number,
    for: duration,
    matcher: fc.option(fc.nat(2), { nil: undefined }),
    objective: fc.oneof({ weight: 6, arbitrary: fc.double({ min: 90, max: 99.99, noNaN: true }) }, number),
    // SLO tests cost promtool seconds per window day: a short window, and not in every run.
    slo: fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    sloLabels: fc.dictionary(labelKey, maybeHostile(plainWord), { maxKeys: 2 }),
    receiver: maybeHostile(plainWord.map((w) => `r-${w}`)),
    routeMatchers: fc.dictionary(labelKey, maybeHostile(plainWord), { maxKeys: 2 }),
    routeTeam: fc.oneof({ weight: 6, arbitrary: fc.boolean() }, hostile),
    channel: maybeHostile(plainWord.map((w) => `#${w}`)),
    email: maybeHostile(plainWord.map((w) => `${w}@vigil.example`)),
    webhook: maybeHostile(plainWord.map((w) => `https://hooks.example/${w}`)),
    groupWait: duration,
    rawExpr: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: promql }),
  })
  .map((p) => ({
    apiVersion: 'vigil.dev/v1',
    settings: { scrape_interval: '30s', evaluation_interval: '30s', retention: '90d', outputs: ['alertmanager'] },
    services: [{ name: 'shop', team: p.team, targets: ['localhost:9464'] }],
    metrics: [
      { name: 'shop_errors', type: 'counter', description: p.metricDescription, service: 'shop', labels: { reason: { values: p.labelValues } } },
      { name: 'shop_requests', type: 'counter', description: 'Requests', service: 'shop' },
      { name: 'shop_queue_depth', type: 'gauge', description: 'Orders waiting', service: 'shop' },
    ],
    alerts: [
      {
        name: 'ShopQueueDeep',
        severity: 'warning',
        summary: p.summary,
        ...(p.description === undefined ? {} : { description: p.description }),
        labels: p.alertLabels,
        annotations: p.annotations,
        condition: { kind: 'threshold', metric: 'shop_queue_depth', above: p.above, for: p.for },
      },
      {
        name: 'ShopErrors',
        severity: 'critical',
        summary: 'Errors {{ $value }}',
        condition: {
          kind: 'ratio',
          numerator: { metric: 'shop_errors', ...(p.matcher === undefined ? {} : { matchers: { reason: p.labelValues[p.matcher % p.labelValues.length] } }) },
          denominator: { metric: 'shop_requests' },
          above: 0.05,
          for: '5m',
        },
      },
      ...(p.rawExpr === undefined ? [] : [{ name: 'ShopRaw', service: 'shop', severity: 'warning', summary: 'raw {{ $value }}', condition: { kind: 'promql', expr: p.rawExpr } }]),
    ],
    slos: (p.slo ? [
      {
        name: 'availability',
        service: 'shop',
        objective: p.objective,
        window: '1d',
        labels: p.sloLabels,
        sli: { events: { bad: { metric: 'shop_errors' }, total: { metric: 'shop_requests' } } },
      },
    ] : []),
    notifications: {
      default_receiver: p.receiver,
      receivers: [
        { name: p.receiver, webhook: [{ url: p.webhook }] },
        { name: 'mail', email: [{ to: p.email, from: 'am@vigil.example', smarthost: 'smtp.vigil.example:587' }] },
        { name: 'chat', slack: [{ api_url: { env: 'SLACK_URL' }, channel: p.channel }] },
      ],
      routes: [
        { receiver: 'mail', severity: 'critical', matchers: p.routeMatchers, group_wait: p.groupWait },
        { receiver: 'chat', severity: 'warning', ...(p.routeTeam === false ? {} : { team: p.routeTeam === true ? p.team : p.routeTeam }) },
      ],
    },
  }));

function run(binary: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const started = performance.now();
  const result = spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (process.env.VIGIL_PROP_DEBUG) console.log(binary, args[1], Math.round(performance.now() - started));
  return { ok: result.status === 0, output: `${binary} ${args.join(' ')}\n${result.stdout}${result.stderr}` };
}

async function yamlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.yml')).map((f) => join(dir, f));
}

/** Runs generate on the definitions in a fresh root; returns a failure message or undefined. */
async function check(defs: object, outcomes: { ok: number; rejected: number }): Promise<string | undefined> {
  const root = await mkdtemp(join(tmpdir(), 'vigil-accepted-'));
  try {
    await mkdir(join(root, 'definitions'));
    const text = stringify(defs);
    await writeFile(join(root, 'definitions/app.yaml'), text);
    let err = '';
    const code = await runCli(['--root', root, 'generate'], { out: () => {}, err: (t) => void (err += t) }, {});
    if (code === EXIT.invalidDefinitions) {
      const entries = (await readdir(root)).sort();
      if (entries.join() !== 'definitions') return `exit 2 but wrote ${entries.join(', ')}`;
      if (!/definitions\/app\.yaml:\d+:\d+: /.test(err)) return `exit 2 without a located error:\n${err}`;
      outcomes.rejected += 1;
      if (process.env.VIGIL_PROP_DEBUG) console.log(err);
      return undefined;
    }
    if (code !== EXIT.ok) return `exit ${code}:\n${err}\n--- definitions ---\n${text}`;
    const rules = await yamlFiles(join(root, 'prometheus/rules'));
    const tests = await yamlFiles(join(root, 'prometheus/tests'));
    const runs = [
      run('promtool', ['check', 'rules', ...rules], root),
      run('promtool', ['test', 'rules', ...tests], root),
      run('amtool', ['check-config', join(root, 'alertmanager/alertmanager.yml')], root),
    ];
    const failed = runs.filter((r) => !r.ok);
    if (failed.length === 0) {
      outcomes.ok += 1;
      return undefined;
    }
    return `generate exited 0 but:\n${failed.map((f) => f.output).join('\n')}\n--- definitions ---\n${text}`;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe('generate (property over hostile definitions)', () => {
  it.skipIf(skip !== undefined)('exit 0 means promtool and amtool accept the outputs; exit 2 means nothing written', async () => {
    const outcomes = { ok: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(definitions, async (defs) => {
        const failure = await check(defs, outcomes);
        expect(failure).toBeUndefined();
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: false },
    );
    // Both sides of the property were exercised, or the test proves nothing.
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
    console.log(`generate-accepted: ${outcomes.ok} accepted, ${outcomes.rejected} rejected (seed ${SEED})`);
  }, 300_000);

  /** One service, one gauge and one threshold alert: the shape both shrunk cases took. */
  const oneAlert = (summary: string, above: number) => ({
    apiVersion: 'vigil.dev/v1',
    services: [{ name: 'shop', team: 'a', targets: ['localhost:9464'] }],
    metrics: [{ name: 'shop_queue_depth', type: 'gauge', description: 'Orders waiting', service: 'shop' }],
    alerts: [{ name: 'ShopQueueDeep', severity: 'warning', summary, condition: { kind: 'threshold', metric: 'shop_queue_depth', above, for: '0s' } }],
    notifications: { default_receiver: 'r-a', receivers: [{ name: 'r-a', webhook: [{ url: 'https://hooks.example/a' }] }] },
  });

  // Shrunk from the property. Seed 1302026: the synthesized test expected `<no value>` for a label
  // the aggregation removed, where Prometheus renders "" (missingkey=zero). Seed 99: it expected
  // 13510798882111486 where Prometheus prints 1.3510798882111486e+16 (Go's %v switches at 1e+06).
  it.skipIf(skip !== undefined).each([
    ['a label the aggregation removed', oneAlert('A {{ $value | humanizePercentage }} on {{ $labels.instance }}', 0)],
    ['a value of 17 digits', oneAlert('a {{ $value }}', 9007199254740991)],
    ['a value of 9 digits', oneAlert('a {{ $value }}', 123456789)],
  ])('regression: %s', async (_, defs) => {
    const outcomes = { ok: 0, rejected: 0 };
    expect(await check(defs, outcomes)).toBeUndefined();
    expect(outcomes.ok).toBe(1);
  }, 60_000);

  // Seed 31337: an alert label with an empty value, which Prometheus drops, was expected by the
  // synthesized test. Now a located error.
  it.skipIf(skip !== undefined)('regression: an empty alert label value is refused', async () => {
    const defs = oneAlert('x', 0);
    const outcomes = { ok: 0, rejected: 0 };
    expect(await check({ ...defs, alerts: [{ ...defs.alerts[0], labels: { tier: '' } }] }, outcomes)).toBeUndefined();
    expect(outcomes.rejected).toBe(1);
  }, 60_000);
});
