// Property tests of the whole compiler, from YAML text to rule files:
//  (a) any valid definitions (several files, every metric type, every condition kind, events and
//      latency SLOs) compile, and every generated rule file passes `promtool check rules`;
//  (b) any mutation of valid definitions (missing keys, wrong types, unknown keys, unknown
//      metrics, garbage, broken YAML) is answered with located issues, never an exception.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type InstrumentType, prometheusLabelName, prometheusMetricName } from '@vigil/conventions';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { generate } from './generate.js';

const PROMTOOL = '/usr/bin/promtool';
const hasPromtool = spawnSync(PROMTOOL, ['--version']).status === 0;
if (!hasPromtool && process.env.CI === 'true') throw new Error('CI=true but promtool is missing');

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Building blocks

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
/** Printable text without template braces (templates are added on purpose, where allowed). */
const text = fc.string({ minLength: 1, maxLength: 20 }).map((s) => s.replaceAll('{', '(').replaceAll('}', ')'));
const labelValue = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.includes('{{'));
/** Anything a label value may be, including quotes, backslashes and non-ASCII. */
const wildValue = fc.oneof(labelValue, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 })).filter((s) => !s.includes('{{'));
const RESERVED = new Set(['le', 'job', 'instance', 'severity', 'service', 'team', 'alertname', 'escalated', 'burn_tier', 'slo_alert', 'slo']);
const labelKey = fc
  .stringMatching(/^[a-z][a-z0-9_.]{0,8}$/)
  .filter((k) => !RESERVED.has(k.replaceAll('.', '_')) && !k.startsWith('__'));

/**
 * Keys of alert/SLO `labels` and `annotations` are written to the rules verbatim, so they must be
 * Prometheus label names (no dots). The schema's `labelName` accepts dots there too: see the report.
 */
const ruleLabelKey = fc
  .stringMatching(/^[a-z][a-z0-9_]{0,8}$/)
  .filter((k) => !RESERVED.has(k) && !k.startsWith('__'));

/** Positive Prometheus durations, plain and compound. */
const positiveDuration = fc.oneof(
  fc.constantFrom('30s', '1m', '2m', '5m', '10m', '15m', '30m', '1h', '6h', '1d'),
  fc
    .record({ h: fc.integer({ min: 0, max: 30 }), m: fc.integer({ min: 0, max: 90 }), s: fc.integer({ min: 0, max: 90 }) })
    .filter(({ h, m, s }) => h + m + s > 0)
    .map(({ h, m, s }) => `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`),
);
const anyFor = fc.oneof(fc.constant('0s'), positiveDuration);
/** Bounds of every magnitude and sign, including values PromQL prints in exponent form. */
const bound = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1e-9, 0.5, 1e21),
);
const positive = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 1e-6, max: 1e6, noNaN: true, noDefaultInfinity: true }));
const severity = fc.constantFrom('info', 'warning', 'critical');
const summary = fc
  .tuple(
    text,
    fc.subarray([
      '{{ $value }}',
      '{{ $value | humanize }}',
      '{{ $value | humanizePercentage }}',
      '{{ $value | humanizeDuration }}',
      '{{ printf "%.2f" $value }}',
      '{{ $value | printf "%.3f" }}',
      '{{ $labels.job }}',
    ]),
  )
  .map(([head, templates]) => [head, ...templates].join(' '));

/** RE2 and JavaScript agree on escaped literals. */
const escapeRegex = (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** The series name the exporter writes (what a hand-written `promql` alert must name). */
function promName(name: string, type: InstrumentType): string {
  const base = prometheusMetricName(name, type);
  return type === 'histogram' ? `${base}_count` : base;
}

// ---------------------------------------------------------------------------------------------
// Valid definitions

interface MetricDraft {
  name: string;
  type: InstrumentType;
  service: string;
  ownService: boolean;
  labels: Record<string, { values: string[] } | { max_cardinality: number }>;
  buckets?: number[];
}

const labelSpec = fc.oneof(
  fc.uniqueArray(labelValue, { minLength: 1, maxLength: 3 }).map((values) => ({ values })),
  fc.integer({ min: 1, max: 1000 }).map((max_cardinality) => ({ max_cardinality })),
);
const labelsArb = fc
  // Unique as Prometheus spells them: keys that sanitize alike (a.b, a_b, a__b) are refused as ambiguous.
  .uniqueArray(fc.tuple(labelKey, labelSpec), { maxLength: 3, selector: ([key]) => prometheusLabelName(key) })
  .map((entries) => Object.fromEntries(entries));
const bucketsArb = fc
  .uniqueArray(fc.oneof(fc.double({ min: 1e-4, max: 1e4, noNaN: true }), fc.constantFrom(0.005, 0.1, 0.25, 1, 2.5, 10)), {
    minLength: 1,
    maxLength: 8,
  })
  .map((b) => [...b].sort((x, y) => x - y));

const metricSuffix = fc.tuple(word, fc.constantFrom('_', '.'), word).map(([a, sep, b]) => `${a}${sep}${b}`);

/** Catalog: at least one counter, gauge and histogram, the rest random. */
function catalogArb(services: string[]) {
  return fc
    .array(fc.constantFrom<InstrumentType>('counter', 'gauge', 'updowncounter', 'histogram'), { maxLength: 5 })
    .chain((extra) => {
      const types: InstrumentType[] = ['counter', 'gauge', 'histogram', ...extra];
      return fc.tuple(
        ...types.map((type, i) =>
          fc
            .record({ suffix: metricSuffix, service: fc.constantFrom(...services), ownService: fc.boolean(), labels: labelsArb, buckets: bucketsArb })
            .filter(({ suffix }) => !/[._](total|bucket|sum|count)$/.test(suffix))
            .map(
              ({ suffix, service, ownService, labels, buckets }): MetricDraft => ({
                name: `m${i}_${suffix}`,
                type,
                service,
                ownService,
                labels,
                ...(type === 'histogram' ? { buckets } : {}),
              }),
            ),
        ),
      );
    });
}

function matchersArb(metric: MetricDraft): fc.Arbitrary<Json> {
  const perLabel = Object.entries(metric.labels).map(([key, spec]) => {
    const values = 'values' in spec ? spec.values : undefined;
    const equal = values ? fc.constantFrom(...values) : wildValue;
    const pattern = values
      ? fc.subarray(values, { minLength: 1 }).map((vs) => vs.map(escapeRegex).join('|'))
      : fc.oneof(fc.constantFrom('.+', '5..', 'a|b'), wildValue.map(escapeRegex));
    return fc.option(
      fc.oneof(
        equal.map((v) => [key, v] as const),
        pattern.map((v) => [key, { regex: v }] as const),
        wildValue.map((v) => [key, { not: v }] as const),
        pattern.map((v) => [key, { not_regex: v }] as const),
      ),
      { nil: undefined },
    );
  });
  return fc.tuple(...perLabel).map((entries) => Object.fromEntries(entries.filter((e) => e !== undefined)));
}

function byArb(metric: MetricDraft) {
  return fc.subarray([...Object.keys(metric.labels), 'job', 'instance']);
}

const ofType = (metrics: MetricDraft[], ...types: InstrumentType[]) => metrics.filter((m) => types.includes(m.type));

interface BuiltCondition {
  metric: MetricDraft | undefined;
  condition: Json;
  service?: string;
}

function conditionArb(metrics: MetricDraft[], kind: string): fc.Arbitrary<BuiltCondition> {
  const pick = (...types: InstrumentType[]) => fc.constantFrom(...(types.length ? ofType(metrics, ...types) : metrics));
  const withBound = fc.oneof(bound.map((above) => ({ above })), bound.map((below) => ({ below })));
  const watched = (metric: MetricDraft, extra: fc.Arbitrary<Json>): fc.Arbitrary<BuiltCondition> =>
    fc.tuple(matchersArb(metric), extra).map(([matchers, rest]) => ({
      metric,
      condition: { kind, metric: metric.name, ...(Object.keys(matchers).length ? { matchers } : {}), ...rest },
    }));
  switch (kind) {
    case 'threshold':
      return pick().chain((metric) =>
        watched(
          metric,
          fc.record(
            {
              bound: withBound,
              for: anyFor,
              aggregate: fc.constantFrom('avg', 'min', 'max', 'sum'),
              window: positiveDuration,
              quantile: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
            },
            { requiredKeys: ['bound'] },
          ).map(({ bound: b, quantile, window, ...rest }) => ({
            ...b,
            ...rest,
            ...(metric.type === 'histogram' && quantile !== undefined ? { quantile } : {}),
            ...((metric.type === 'counter' || metric.type === 'histogram') && window !== undefined ? { window } : {}),
          })),
        ),
      );
    case 'rate_of_change':
      return pick().chain((metric) =>
        watched(
          metric,
          fc.record({
            window: positiveDuration,
            change: fc.oneof(positive.map((rising) => ({ rising })), positive.map((falling) => ({ falling }))),
            for: anyFor,
          }).map(({ change, ...rest }) => ({ ...rest, ...change })),
        ),
      );
    case 'anomaly':
      return pick().chain((metric) =>
        watched(
          metric,
          fc.record(
            { window: fc.constantFrom('1h', '6h', '1d', '7d'), z_score: positive, direction: fc.constantFrom('above', 'below', 'both'), for: anyFor },
            { requiredKeys: ['window'] },
          ),
        ),
      );
    case 'forecast':
      return pick().chain((metric) =>
        watched(
          metric,
          fc.record({ window: positiveDuration, horizon: positiveDuration, bound: withBound, for: anyFor }).map(({ bound: b, ...rest }) => ({ ...rest, ...b })),
        ),
      );
    case 'staleness':
      return pick('gauge').chain((metric) => watched(metric, fc.record({ older_than: positiveDuration, for: anyFor }, { requiredKeys: ['older_than'] })));
    case 'absence':
      return pick().chain((metric) => watched(metric, fc.record({ for: positiveDuration }, { requiredKeys: [] })));
    case 'ratio':
      return fc
        .tuple(pick('counter', 'histogram'), pick('counter', 'histogram'))
        .chain(([num, den]) =>
          fc
            .tuple(
              matchersArb(num),
              matchersArb(den),
              fc.record(
                { bound: withBound, window: positiveDuration, min_denominator_rate: fc.double({ min: 0, max: 100, noNaN: true }), for: anyFor },
                { requiredKeys: ['bound'] },
              ),
            )
            .map(([nm, dm, { bound: b, ...rest }]) => ({
              metric: num,
              condition: { kind, numerator: { metric: num.name, matchers: nm }, denominator: { metric: den.name, matchers: dm }, ...b, ...rest },
            })),
        );
    default: // promql: a hand-written expression over a catalog series
      return fc.tuple(pick(), bound, anyFor).map(([metric, value, forDuration]) => ({
        metric: undefined,
        condition: { kind, expr: `max by (job) (${promName(metric.name, metric.type)}) > ${value}`, for: forDuration },
        service: metric.service,
      }));
  }
}

const KINDS = ['threshold', 'rate_of_change', 'anomaly', 'forecast', 'staleness', 'absence', 'ratio', 'promql'];

function alertArb(metrics: MetricDraft[], services: string[], index: number) {
  return fc
    .constantFrom(...KINDS)
    .chain((kind) => conditionArb(metrics, kind))
    .chain((built) =>
      fc
        .record(
          {
            severity,
            summary,
            description: summary,
            runbook: word.map((w) => `https://runbooks.example/${w}`),
            dashboard: word.map((w) => `https://grafana.example/d/${w}`),
            labels: fc.dictionary(ruleLabelKey, labelValue, { maxKeys: 2 }),
            annotations: fc.dictionary(ruleLabelKey, text, { maxKeys: 2 }),
            by: built.metric ? byArb(built.metric) : fc.constant([]),
            cooldown: positiveDuration,
            escalate_after: positiveDuration,
            otherService: fc.constantFrom(...services),
            nameTail: word,
          },
          { requiredKeys: ['severity', 'summary', 'otherService', 'nameTail'] },
        )
        .map(({ otherService, nameTail, escalate_after, severity: sev, by: grouped, ...rest }) => {
          const metric = built.metric;
          // Valid definitions never group by a label the alert itself sets (the compiler refuses it).
          const set = new Set(Object.keys(rest.labels ?? {}).map(prometheusLabelName));
          const by = grouped?.filter((label) => !set.has(prometheusLabelName(label)));
          // A metric without a `service` needs one on the alert; otherwise set one now and then.
          const service = metric ? (metric.ownService && index % 3 !== 0 ? undefined : metric.ownService ? otherService : metric.service) : built.service;
          return {
            name: `Alert${index}${nameTail[0]?.toUpperCase()}${nameTail.slice(1)}`,
            ...(service !== undefined ? { service } : {}),
            severity: sev,
            ...rest,
            ...(by !== undefined ? { by } : {}),
            ...(escalate_after !== undefined && sev !== 'critical' ? { escalate_after } : {}),
            condition: built.condition,
          };
        }),
    );
}

function sloArb(metrics: MetricDraft[], services: string[], index: number): fc.Arbitrary<Json> {
  const counters = ofType(metrics, 'counter', 'histogram');
  const histograms = ofType(metrics, 'histogram');
  const events = fc
    .tuple(fc.constantFrom(...counters), fc.constantFrom('good', 'bad'))
    .chain(([metric, part]) =>
      fc.tuple(matchersArb(metric), fc.subarray(Object.keys(metric.labels))).map(([matchers, groupBy]) => ({
        sli: { events: { [part]: { metric: metric.name, matchers }, total: { metric: metric.name } } },
        group_by: groupBy,
      })),
    );
  const latency = fc
    .constantFrom(...histograms)
    .chain((metric) =>
      fc.tuple(fc.constantFrom(...(metric.buckets as number[])), matchersArb(metric), fc.subarray(Object.keys(metric.labels))).map(([threshold, matchers, groupBy]) => ({
        sli: { latency: { metric: metric.name, threshold, matchers } },
        group_by: groupBy,
      })),
    );
  return fc
    .record(
      {
        sli: fc.oneof(events, latency),
        service: fc.constantFrom(...services),
        objective: fc.oneof(fc.constantFrom(90, 99, 99.5, 99.9, 99.95, 99.99), fc.double({ min: 1, max: 99.999, noNaN: true })),
        window: fc.constantFrom('3d', '7d', '28d', '30d', '4w'),
        description: text,
        min_event_rate: fc.double({ min: 0, max: 10, noNaN: true }),
        labels: fc.dictionary(ruleLabelKey, labelValue, { maxKeys: 2 }),
        alerting: fc.record(
          {
            name: word.map((w) => `Slo${index}${w}Burn`),
            page: fc.record({ severity, disable: fc.boolean() }, { requiredKeys: [] }),
            ticket: fc.record({ severity, disable: fc.boolean() }, { requiredKeys: [] }),
            tiers: fc.record({ fast: fc.boolean(), medium: fc.boolean(), slow: fc.boolean(), slowest: fc.boolean() }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['sli', 'service', 'objective'] },
    )
    .map(({ sli, ...rest }) => ({ name: `slo-${index}`, ...rest, ...sli }));
}

/** A set of valid definitions files: services and metrics first, alerts and SLOs spread over more files. */
const validFiles = fc
  .record({
    services: fc.uniqueArray(word, { minLength: 1, maxLength: 3 }),
    teams: fc.array(labelValue, { minLength: 3, maxLength: 3 }),
    jobs: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    settings: fc.option(fc.record({ scrape_interval: fc.constantFrom('15s', '30s', '1m'), evaluation_interval: fc.constantFrom('15s', '30s', '1m') }), {
      nil: undefined,
    }),
  })
  .chain(({ services: tails, teams, jobs, settings }) => {
    const names = tails.map((t, i) => `svc-${i}-${t}`);
    const services = names.map((name, i) => ({
      name,
      team: teams[i],
      ...(jobs[i] ? { job: `job_${i}` } : {}),
      targets: [`localhost:${9400 + i}`],
    }));
    return catalogArb(names).chain((metrics) =>
      fc
        .tuple(
          fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => alertArb(metrics, names, i)))),
          fc.integer({ min: 0, max: 3 }).chain((n) => (n ? fc.tuple(...Array.from({ length: n }, (_, i) => sloArb(metrics, names, i))) : fc.constant([] as Json[]))),
          fc.integer({ min: 1, max: 3 }),
        )
        .map(([alerts, slos, fileCount]) => {
          const catalog = metrics.map(({ name, type, service, ownService, labels, buckets }) => ({
            name,
            type,
            description: `${type} ${name}`,
            ...(ownService ? { service } : {}),
            ...(Object.keys(labels).length ? { labels } : {}),
            ...(buckets ? { buckets } : {}),
          }));
          const docs: Json[] = Array.from({ length: fileCount }, () => ({ apiVersion: 'vigil.dev/v1' }));
          const first = docs[0] as Json;
          if (settings) first.settings = settings;
          first.services = services;
          first.metrics = catalog;
          alerts.forEach((alert, i) => (((docs[i % fileCount] as Json).alerts ??= []) as unknown[]).push(alert));
          slos.forEach((slo, i) => (((docs[(i + 1) % fileCount] as Json).slos ??= []) as unknown[]).push(slo));
          return docs.map((doc, i) => ({ path: `definitions/part-${i}.yaml`, doc }));
        }),
    );
  });

const toSources = (files: { path: string; doc: unknown }[]) => files.map(({ path, doc }) => ({ path, text: stringify(doc) }));

// ---------------------------------------------------------------------------------------------
// Mutations

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'wrong-type'; at: number; value: unknown }
  | { op: 'unknown-key'; at: number; key: string }
  | { op: 'unknown-metric'; at: number; name: string }
  | { op: 'garbage'; text: string }
  | { op: 'splice'; at: number; text: string }
  | { op: 'invalid-yaml'; at: number; snippet: string }
  | { op: 'truncate'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('wrong-type' as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.constantFrom(null, true, 0, -1, 1.5, '', 'x', [], {}, [1, 2], { a: 1 }, '5 minutes', 'NaN'),
      fc.anything({ maxDepth: 2 }),
    ),
  }),
  fc.record({ op: fc.constant('unknown-key' as const), at: fc.nat(), key: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('unknown-metric' as const), at: fc.nat(), name: fc.oneof(word, fc.string({ maxLength: 10 })) }),
  fc.record({ op: fc.constant('garbage' as const), text: fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 })) }),
  fc.record({ op: fc.constant('splice' as const), at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 20 }) }),
  fc.record({
    op: fc.constant('invalid-yaml' as const),
    at: fc.nat(),
    snippet: fc.constantFrom('\n\t- tab', '\n[unclosed', '\n{a: 1', '\nkey: "unterminated', '\n: :', '\n  - x\n y: 1', '\napiVersion: twice', '\n*undefined_alias', '\n&a [*a]', '\n---\nsecond: doc', '\n%YAML 9.9', '\n- ? : -'),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

/** Every object and array node of a document, with the path to it. */
function nodes(value: unknown): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown) => {
    if (node && typeof node === 'object') {
      out.push(node);
      for (const child of Object.values(node)) walk(child);
    }
  };
  walk(value);
  return out;
}

/** Applies a mutation to one file of a set (chosen by `which`); returns the texts. */
function mutate(files: { path: string; doc: Json }[], which: number, change: Mutation): { path: string; text: string }[] {
  const index = which % files.length;
  const target = files[index] as { path: string; doc: Json };
  const doc = structuredClone(target.doc);
  const all = nodes(doc);
  const at = 'at' in change ? change.at : 0;
  const node = all[at % all.length] as Record<string | number, unknown>;
  const keys = Object.keys(node);
  const key = keys[at % Math.max(keys.length, 1)];
  let text: string;
  switch (change.op) {
    case 'delete':
      if (key !== undefined) {
        if (Array.isArray(node)) node.splice(Number(key), 1);
        else delete node[key];
      }
      text = stringify(doc);
      break;
    case 'wrong-type':
      if (key !== undefined) node[key] = change.value;
      text = stringify(doc);
      break;
    case 'unknown-key':
      if (Array.isArray(node)) node.push({ [change.key]: 1 });
      else node[`x_${change.key}`] = 'unexpected';
      text = stringify(doc);
      break;
    case 'unknown-metric': {
      const holders = all.filter((n): n is Json => !Array.isArray(n) && typeof (n as Json).metric === 'string');
      const holder = holders[at % Math.max(holders.length, 1)];
      if (holder) holder.metric = `nope_${change.name}`;
      text = stringify(doc);
      break;
    }
    case 'garbage':
      text = change.text;
      break;
    case 'splice': {
      const base = stringify(doc);
      const cut = at % (base.length + 1);
      text = base.slice(0, cut) + change.text + base.slice(cut);
      break;
    }
    case 'invalid-yaml': {
      const base = stringify(doc);
      const lines = base.split('\n');
      const cut = at % (lines.length + 1);
      text = [...lines.slice(0, cut), change.snippet, ...lines.slice(cut)].join('\n');
      break;
    }
    case 'truncate': {
      const base = stringify(doc);
      text = base.slice(0, at % (base.length + 1));
      break;
    }
  }
  return files.map((file, i) => (i === index ? { path: file.path, text } : { path: file.path, text: stringify(file.doc) }));
}

// ---------------------------------------------------------------------------------------------

describe('generate, end to end (property)', () => {
  it.skipIf(!hasPromtool)('compiles any valid definitions into rule files promtool accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-property-'));
    try {
      const written: string[] = [];
      const kinds = new Set<string>();
      const types = new Set<string>();
      fc.assert(
        fc.property(validFiles, (files) => {
          const result = generate(toSources(files));
          if (!result.ok) throw new Error(`valid definitions rejected: ${JSON.stringify(result.issues.slice(0, 5))}`);
          const rules = result.value.outputs.filter((o) => o.path.startsWith('prometheus/rules/'));
          expect(rules.length).toBeGreaterThan(0);
          const all = rules.map((o) => o.content).join('\n');
          for (const file of files) {
            for (const alert of (file.doc.alerts ?? []) as Json[]) {
              expect(all).toContain(`alert: ${alert.name as string}`);
              kinds.add((alert.condition as Json).kind as string);
            }
            for (const metric of (file.doc.metrics ?? []) as Json[]) types.add(metric.type as string);
          }
          for (const output of rules) {
            const path = join(dir, `${written.length}-${basename(output.path)}`);
            writeFileSync(path, output.content);
            written.push(path);
          }
        }),
        { numRuns: 25 },
      );
      // The generator must have exercised every kind and type, or the property proves little.
      expect([...kinds].sort()).toEqual([...KINDS].sort());
      expect([...types].sort()).toEqual(['counter', 'gauge', 'histogram', 'updowncounter']);
      const run = spawnSync(PROMTOOL, ['check', 'rules', ...written], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const failures = (run.stdout + run.stderr)
        .split('\n')
        .filter((line) => /error|Error|invalid|:\s/.test(line) && !/SUCCESS|FAILED:$/.test(line.trim()))
        .map((line) => line.replace(/^.*?\.yml: /, ''))
        .filter((line, i, all) => all.indexOf(line) === i)
        .slice(0, 30);
      expect(failures, failures.join('\n')).toEqual([]);
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('answers any mutated definitions with located issues, never an exception', () => {
    fc.assert(
      fc.property(validFiles, fc.nat(), mutationArb, (files, which, change) => {
        const sources = mutate(files, which, change);
        let result: ReturnType<typeof generate>;
        try {
          result = generate(sources);
        } catch (error) {
          throw new Error(`generate threw on ${change.op}: ${(error as Error).stack}`, { cause: error });
        }
        if (result.ok) return; // the mutation happened to leave valid definitions
        expect(result.issues.length).toBeGreaterThan(0);
        const lineCounts = new Map(sources.map((s) => [s.path, s.text.split('\n').length]));
        for (const issue of result.issues) {
          expect(lineCounts.has(issue.file), `issue in unknown file ${issue.file}`).toBe(true);
          expect(Number.isInteger(issue.line) && issue.line >= 1, `line ${issue.line}: ${issue.message}`).toBe(true);
          expect(Number.isInteger(issue.column) && issue.column >= 1, `column ${issue.column}: ${issue.message}`).toBe(true);
          expect(issue.line, `line past the end of ${issue.file}: ${issue.message}`).toBeLessThanOrEqual((lineCounts.get(issue.file) as number) + 1);
          expect(typeof issue.message === 'string' && issue.message.trim().length > 0).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  // `yaml` reports an alias to an undefined anchor only when converting, by throwing.
  it.each([
    ['*!', 1, 1],
    ['apiVersion: *missing', 1, 13],
    ['apiVersion: vigil.dev/v1\nalerts: [*nope]', 2, 10],
  ])('answers an alias to an undefined anchor (%j) with an issue at the alias', (text, line, column) => {
    const result = generate([{ path: 'defs.yaml', text }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]).toMatchObject({ file: 'defs.yaml', line, column });
    expect(result.issues[0]?.message).toMatch(/alias/i);
  });
});
