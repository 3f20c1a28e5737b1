import { describe, expect, it } from 'vitest';
import { loadModel } from '../compile.js';
import type { Model } from '../model/types.js';
import { compileRules } from '../rules/compile.js';
import type { RuleFile } from '../rules/types.js';
import { describeCheck, lintRules } from './checks.js';
import { LINT_CHECKS, type LintCheck, type LintFinding } from './types.js';
import { parseUserRules, type UserRuleFile } from './user-rules.js';

const CATALOG = `apiVersion: vigil.dev/v1
settings:
  scrape_interval: 30s
services:
  - name: api
    team: web
metrics:
  - name: http_requests
    type: counter
    description: Requests
    service: api
    labels:
      code: { max_cardinality: 10 }
  - name: queue_depth
    type: gauge
    description: Queue depth
    service: api
  - name: http_request_duration
    type: histogram
    unit: s
    description: Latency
    service: api
    buckets: [0.1, 0.5, 1]
`;

function model(extra = ''): Model {
  const loaded = loadModel([{ path: 'defs.yaml', text: CATALOG + extra }]);
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.line}: ${i.message}`).join('\n'));
  return loaded.value;
}

function userFile(text: string, path = 'rules/custom.yml'): UserRuleFile {
  const parsed = parseUserRules({ path, text });
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.value;
}

/** One alert in a user rule file, with a summary and a runbook so only the check under test speaks. */
function userAlert(expr: string, name = 'Custom'): UserRuleFile {
  return userFile(`groups:
  - name: custom
    rules:
      - alert: ${name}
        expr: ${expr}
        annotations:
          summary: s
          runbook_url: https://runbooks.example/x
`);
}

/** Lints user rules (and the generated rules of the model, when asked) and keeps one check's findings. */
function lint(
  check: LintCheck,
  options: { m?: Model; user?: UserRuleFile[]; generated?: RuleFile[] },
): LintFinding[] {
  const m = options.m ?? model();
  const generated = options.generated ?? compileRules(m);
  return lintRules({ model: m, generated, user: options.user ?? [] }).filter((f) => f.check === check);
}

const onlyUser = (check: LintCheck, expr: string) => lint(check, { user: [userAlert(expr)] });

/** A generated rule file with one hand-made alert, to test what the compiler itself would get wrong. */
function generatedAlert(expr: string): RuleFile {
  return {
    name: 'api',
    groups: [
      {
        name: 'vigil-api',
        rules: [
          {
            type: 'alerting',
            alert: 'Broken',
            expr,
            forSeconds: 0,
            labels: { severity: 'warning' },
            annotations: { summary: 's', runbook_url: 'https://r' },
            origin: {
              kind: 'threshold',
              definition: 'Broken',
              source: { file: 'defs.yaml', line: 40, column: 11 },
            },
          },
        ],
      },
    ],
  };
}

describe('lintRules', () => {
  it('finds nothing in the rules Vigil generates from well-formed definitions', () => {
    const m = model(`alerts:
  - name: QueueDeep
    severity: warning
    summary: deep
    runbook: https://runbooks.example/q
    condition: { kind: threshold, metric: queue_depth, above: 100, for: 5m }
  - name: ErrorsHigh
    severity: warning
    summary: errors
    runbook: https://runbooks.example/e
    by: [code]
    escalate_after: 1h
    condition: { kind: threshold, metric: http_requests, matchers: { code: { regex: "5.." } }, above: 1 }
  - name: SlowRequests
    severity: warning
    summary: slow
    runbook: https://runbooks.example/s
    condition: { kind: threshold, metric: http_request_duration, quantile: 0.95, above: 1 }
  - name: QueueGrowing
    severity: info
    summary: growing
    runbook: https://runbooks.example/g
    condition: { kind: rate_of_change, metric: queue_depth, window: 10m, rising: 50 }
  - name: QueueOdd
    severity: info
    summary: odd
    runbook: https://runbooks.example/o
    condition: { kind: anomaly, metric: queue_depth, window: 1d }
  - name: QueueFull
    severity: info
    summary: full
    runbook: https://runbooks.example/f
    condition: { kind: forecast, metric: queue_depth, window: 1h, horizon: 4h, above: 1000 }
  - name: QueueGone
    severity: info
    summary: gone
    runbook: https://runbooks.example/a
    condition: { kind: absence, metric: queue_depth }
  - name: ErrorRatio
    severity: warning
    summary: ratio
    runbook: https://runbooks.example/r
    condition:
      kind: ratio
      numerator: { metric: http_requests, matchers: { code: { regex: "5.." } } }
      denominator: { metric: http_requests }
      above: 0.1
      min_denominator_rate: 1
slos:
  - name: availability
    service: api
    objective: 99.9
    runbook: https://runbooks.example/slo
    group_by: [code]
    min_event_rate: 0.1
    sli:
      events:
        bad: { metric: http_requests, matchers: { code: { regex: "5.." } } }
        total: { metric: http_requests }
  - name: latency
    service: api
    objective: 99
    runbook: https://runbooks.example/slo
    sli:
      latency: { metric: http_request_duration, threshold: 1 }
`);
    expect(lintRules({ model: m, generated: compileRules(m), user: [] })).toEqual([]);
  });

  it('describes every check', () => {
    for (const check of LINT_CHECKS) expect(describeCheck(check)).not.toBe('');
  });
});

describe('promql/syntax', () => {
  it('reports an expression that does not parse, at its place in the user file', () => {
    const [finding, ...rest] = onlyUser('promql/syntax', 'rate(http_requests_total[5m]');
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ file: 'rules/custom.yml', line: 5, severity: 'error', rule: 'Custom' });
    expect(finding?.column).toBe(15 + 'rate(http_requests_total[5m]'.length);
    expect(finding?.message).toContain('unexpected end of expression');
  });

  it('leaves a raw promql condition with a syntax error to the loader, which rejects it at its definition', () => {
    const loaded = loadModel([{ path: 'defs.yaml', text: `${CATALOG}alerts:
  - name: Raw
    service: api
    severity: info
    summary: raw
    condition: { kind: promql, expr: "sum(http_requests_total" }
` }]);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.issues).toEqual([expect.objectContaining({ file: 'defs.yaml', line: 29, column: 38, message: expect.stringMatching(/PromQL syntax error/) })]);
  });

  it('accepts a valid expression', () => {
    expect(onlyUser('promql/syntax', 'sum by (code) (rate(http_requests_total[5m])) > 1')).toEqual([]);
  });
});

describe('metric/unknown', () => {
  it('warns on an unknown metric in a user rule, suggesting the series meant', () => {
    const findings = onlyUser('metric/unknown', 'rate(http_requests[5m]) > 1');
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', column: 15 + 'rate('.length })]);
    expect(findings[0]?.message).toContain('did you mean http_requests_total');
  });

  it('warns on a raw promql condition, and errs on a generated expression', () => {
    const m = model(`alerts:
  - name: Raw
    service: api
    severity: info
    summary: raw
    condition: { kind: promql, expr: "nope_total > 0" }
`);
    expect(lint('metric/unknown', { m }).map((f) => f.severity)).toEqual(['warning']);
    expect(lint('metric/unknown', { generated: [generatedAlert('nope_total > 0')] })).toEqual([
      expect.objectContaining({ severity: 'error', file: 'defs.yaml', line: 40, rule: 'Broken' }),
    ]);
  });

  it("stays silent on a hand-written rule's metric whose namespace is not the catalog's, as an exporter's", () => {
    const user = userFile(`groups:
  - name: exporters
    rules:
      - alert: NodeCpu
        expr: rate(node_cpu_seconds_total[5m]) > 1 and kafka_consumergroup_lag > 10 and instance:node_load:ratio > 1
        annotations: { summary: s, runbook_url: https://r }
      - alert: Ours
        expr: http_requets_total > 1 and queue_depht > 1 and api_orders_total > 1
        annotations: { summary: s, runbook_url: https://r }
`);
    const found = lint('metric/unknown', { user: [user] });
    expect(found.map((f) => f.rule)).toEqual(['Ours', 'Ours', 'Ours']);
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining('unknown metric http_requets_total'),
      expect.stringContaining('unknown metric queue_depht'),
      expect.stringContaining('unknown metric api_orders_total'),
    ]);
    expect(describeCheck('metric/unknown')).toContain('namespace');
  });

  it('knows catalog series, histogram parts, recording rules of any file and Prometheus series', () => {
    const user = userFile(`groups:
  - name: g
    rules:
      - record: job:http_requests:rate5m
        expr: sum by (job) (rate(http_requests_total[5m]))
      - alert: A
        expr: job:http_requests:rate5m > 1 and http_request_duration_count > 0 and up == 0 and ALERTS and scrape_duration_seconds > 1 and prometheus_tsdb_head_series > 0
        annotations: { summary: s, runbook_url: https://r }
`);
    const m = model(`alerts:
  - name: QueueDeep
    severity: warning
    summary: deep
    condition: { kind: rate_of_change, metric: queue_depth, window: 10m, rising: 5 }
`);
    expect(lint('metric/unknown', { m, user: [user] })).toEqual([]);
  });
});

describe('metric/wrong-type', () => {
  it.each([
    ['rate(queue_depth[5m]) > 1', 'rate() of queue_depth, a gauge'],
    ['delta(http_requests_total[5m]) > 1', 'delta() of http_requests_total, a counter'],
    ['deriv(http_request_duration_count[5m]) > 1', 'deriv() of http_request_duration_count, a counter'],
    ['histogram_quantile(0.9, rate(http_request_duration_count[5m])) > 1', 'not a _bucket series'],
  ])('reports %s', (expr, message) => {
    const findings = onlyUser('metric/wrong-type', expr);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error' });
    expect(findings[0]?.message).toContain(message);
  });

  it.each([
    'rate(http_requests_total[5m]) > 1',
    'deriv(queue_depth[5m]) > 1',
    'increase(http_request_duration_sum[5m]) > 1',
    'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_bucket[5m]))) > 1',
  ])('accepts %s', (expr) => {
    expect(onlyUser('metric/wrong-type', expr)).toEqual([]);
  });
});

describe('histogram/threshold-not-bucket', () => {
  it('reports an le bound that is not a bucket', () => {
    const findings = onlyUser(
      'histogram/threshold-not-bucket',
      'rate(http_request_duration_bucket{le="0.3"}[5m]) > 0',
    );
    expect(findings).toEqual([expect.objectContaining({ severity: 'error' })]);
    expect(findings[0]?.message).toContain('expected one of 0.1, 0.5, 1, +Inf');
  });

  it('reports an le regex that matches no bucket', () => {
    expect(
      onlyUser('histogram/threshold-not-bucket', 'http_request_duration_bucket{le=~"2(\\\\.0)?"} > 0'),
    ).toHaveLength(1);
  });

  it.each(['le="0.5"', 'le="1.0"', 'le="+Inf"', 'le=~"1(\\\\.0)?"', 'le!="0.3"'])('accepts %s', (matcher) => {
    expect(
      onlyUser('histogram/threshold-not-bucket', `http_request_duration_bucket{${matcher}} > 0`),
    ).toEqual([]);
  });
});

describe('label/unknown', () => {
  it('reports a matcher on a label the metric lacks', () => {
    const findings = onlyUser('label/unknown', 'http_requests_total{route="/"} > 0');
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'warning', column: 15 + 'http_requests_total{'.length }),
    ]);
    expect(findings[0]?.message).toContain('expected one of code, instance, job');
  });

  it('reports a by label the input lacks', () => {
    expect(onlyUser('label/unknown', 'sum by (route) (rate(http_requests_total[5m])) > 0')).toHaveLength(1);
  });

  it('follows labels through recording rules', () => {
    const user = userFile(`groups:
  - name: g
    rules:
      - record: job:http_requests:rate5m
        expr: sum by (job, code) (rate(http_requests_total[5m]))
        labels: { tier: web }
      - alert: A
        expr: job:http_requests:rate5m{route="/"} > 1 and job:http_requests:rate5m{code="500", tier="web"} > 1 and sum by (instance) (job:http_requests:rate5m) > 0
        annotations: { summary: s, runbook_url: https://r }
`);
    const findings = lint('label/unknown', { user: [user] });
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining('no label route'),
      expect.stringContaining('sum by (instance)'),
    ]);
  });

  it('knows the labels of the generated SLO recording rules', () => {
    const m = model(`slos:
  - name: availability
    service: api
    objective: 99.9
    runbook: https://runbooks.example/slo
    group_by: [code]
    sli:
      events:
        bad: { metric: http_requests, matchers: { code: { regex: "5.." } } }
        total: { metric: http_requests }
`);
    const user = userAlert(
      'slo:sli_error:ratio_rate5m{slo_name="availability", code="500", bogus="y"} > 0.01',
    );
    expect(lint('label/unknown', { m, user: [user] }).map((f) => f.message)).toEqual([
      expect.stringContaining('no label bogus'),
    ]);
  });

  it('gives up, without looping, on recording rules that read each other', () => {
    const user = userFile(`groups:
  - name: g
    rules:
      - record: a:x
        expr: b:x
      - record: b:x
        expr: a:x
      - alert: A
        expr: a:x{anything="1"} > 0
        annotations: { summary: s, runbook_url: https://r }
`);
    expect(lint('label/unknown', { user: [user] })).toEqual([]);
  });

  it('accepts known labels, scrape labels and absence tests', () => {
    expect(
      onlyUser(
        'label/unknown',
        'sum by (code, job, instance) (rate(http_requests_total{code="500", route=""}[5m])) > 0',
      ),
    ).toEqual([]);
  });

  it('errs on a generated expression', () => {
    expect(lint('label/unknown', { generated: [generatedAlert('queue_depth{shard="1"} > 0')] })).toEqual([
      expect.objectContaining({ severity: 'error', line: 40 }),
    ]);
  });
});

describe('range/too-short', () => {
  it('warns on a rate window shorter than four scrapes', () => {
    const findings = onlyUser('range/too-short', 'rate(http_requests_total[1m]) > 0');
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning' })]);
    expect(findings[0]?.message).toContain('use at least 2m');
  });

  it('points a generated rule at its definition', () => {
    const m = model(`alerts:
  - name: ErrorsHigh
    severity: warning
    summary: errors
    condition: { kind: threshold, metric: http_requests, above: 1, window: 1m }
`);
    expect(lint('range/too-short', { m })).toEqual([
      expect.objectContaining({ file: 'defs.yaml', line: 25, rule: 'ErrorsHigh' }),
    ]);
  });

  it('accepts four scrapes, and windows of other functions', () => {
    expect(
      onlyUser(
        'range/too-short',
        'rate(http_requests_total[2m]) > 0 and max_over_time(queue_depth[30s]) > 0',
      ),
    ).toEqual([]);
  });
});

describe('slo/tier-never-fires', () => {
  const slo = (objective: number) =>
    model(`slos:
  - name: availability
    service: api
    objective: ${objective}
    sli:
      events:
        bad: { metric: http_requests, matchers: { code: { regex: "5.." } } }
        total: { metric: http_requests }
`);

  it('reports a tier whose factor times the budget passes 1', () => {
    const findings = lint('slo/tier-never-fires', { m: slo(90) });
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: 'defs.yaml',
        line: 25,
        rule: 'ApiAvailabilityErrorBudgetBurn',
      }),
    ]);
    expect(findings[0]?.message).toContain('the fast burn tier of availability can never fire');
    expect(findings[0]?.message).toContain('14.4 × 0.1 = 1.44');
  });

  it('accepts tiers that can fire', () => {
    expect(lint('slo/tier-never-fires', { m: slo(99.9) })).toEqual([]);
  });
});

describe('alert/missing-summary and alert/missing-runbook', () => {
  const bare = userFile(`groups:
  - name: g
    rules:
      - alert: Bare
        expr: up == 0
`);

  it('reports an alert without summary or runbook', () => {
    expect(lint('alert/missing-summary', { user: [bare] })).toEqual([
      expect.objectContaining({ severity: 'warning', line: 4, column: 9 }),
    ]);
    expect(lint('alert/missing-runbook', { user: [bare] })).toEqual([
      expect.objectContaining({ severity: 'info', line: 4 }),
    ]);
  });

  it('accepts an alert with both, and spares the meta-alerts', () => {
    const full = userAlert('up == 0');
    expect(lint('alert/missing-summary', { user: [full] })).toEqual([]);
    expect(lint('alert/missing-runbook', { user: [full] })).toEqual([]);
  });

  it('reports a definition without a runbook', () => {
    const m = model(`alerts:
  - name: QueueDeep
    severity: warning
    summary: deep
    condition: { kind: threshold, metric: queue_depth, above: 100 }
`);
    expect(lint('alert/missing-runbook', { m })).toEqual([
      expect.objectContaining({ line: 25, rule: 'QueueDeep' }),
    ]);
  });
});

describe('alert/duplicate', () => {
  const twice = (labels: [string, string]) =>
    userFile(`groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        labels: { severity: ${labels[0]} }
        annotations: { summary: s, runbook_url: https://r }
      - alert: Down
        expr: up{job="api"} == 0
        labels: { severity: ${labels[1]} }
        annotations: { summary: s, runbook_url: https://r }
`);

  it('reports the second alert with the same name and labels', () => {
    const findings = lint('alert/duplicate', { user: [twice(['page', 'page'])] });
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', line: 8 })]);
    expect(findings[0]?.message).toContain('already defined at rules/custom.yml:4');
  });

  it('reports a user alert that duplicates a generated one', () => {
    const user = userFile(`groups:
  - name: g
    rules:
      - alert: VigilTargetDown
        expr: up == 0
        labels: { service: api, team: web, severity: critical }
        annotations: { summary: s, runbook_url: https://r }
`);
    expect(lint('alert/duplicate', { user: [user] })).toEqual([
      expect.objectContaining({ file: 'rules/custom.yml' }),
    ]);
  });

  it('accepts the same name with other labels', () => {
    expect(lint('alert/duplicate', { user: [twice(['page', 'ticket'])] })).toEqual([]);
  });
});

describe('promtool rule checks on hand-written rules', () => {
  const file = userFile(`groups:
  - name: g
    rules:
      - record: job-x:rate5m
        expr: sum(rate(http_requests_total[5m]))
      - record: "job:x:rate5m"
        expr: sum(rate(http_requests_total[5m]))
      - alert: BadFor
        expr: up == 0
        for: 5x
        keep_firing_for: 99999999999y
        annotations: { summary: s, runbook_url: https://r }
      - alert: GoodFor
        expr: up == 0
        for: 1h30m
        keep_firing_for: 0
        labels: { severity: "{{ if true }}page{{ end }}" }
        annotations: { summary: "{{ $labels.job | humanize }} down", runbook_url: https://r }
      - alert: BadTemplate
        expr: up == 0
        labels: { team: "web{{" }
        annotations: { summary: "down {{ nosuch $value }}", runbook_url: https://r }
`);

  it('errs on a `for` or `keep_firing_for` that is not a Prometheus duration, at its value', () => {
    expect(lint('rule/invalid-duration', { user: [file] })).toEqual([
      expect.objectContaining({ severity: 'error', rule: 'BadFor', line: 10, column: 14, message: expect.stringContaining('for: "5x"') }),
      expect.objectContaining({ severity: 'error', rule: 'BadFor', line: 11, column: 26, message: expect.stringContaining('292y') }),
    ]);
  });

  it('errs on a recording rule name that is not a metric name', () => {
    expect(lint('rule/invalid-record-name', { user: [file] })).toEqual([
      expect.objectContaining({ severity: 'error', rule: 'job-x:rate5m', line: 4, column: 17 }),
    ]);
  });

  it('errs on a label or annotation template that Go cannot parse, at the character', () => {
    expect(lint('template/syntax', { user: [file] })).toEqual([
      expect.objectContaining({
        severity: 'error',
        rule: 'BadTemplate',
        line: 21,
        column: 29,
        message: expect.stringContaining('labels.team is not a valid template: unclosed action'),
      }),
      expect.objectContaining({
        severity: 'error',
        rule: 'BadTemplate',
        line: 22,
        column: 39,
        message: expect.stringContaining('function "nosuch" not defined'),
      }),
    ]);
  });
});

describe('label and annotation names on hand-written rules', () => {
  const file = userFile(`groups:
  - name: g
    rules:
      - alert: Names
        expr: up == 0
        labels: { team-name: web, 1st: a, "": b, ok_1: c, __internal: d }
        annotations: { run-book: r, summary: s }
      - record: job:up
        expr: up
        labels: { "a b": x }
`);

  it('errs on every key promtool rejects, at its value, for alerts and recording rules', () => {
    expect(lint('rule/invalid-label-name', { user: [file] }).map((f) => [f.rule, f.line, f.column, f.severity, f.message])).toEqual([
      ['Names', 6, 30, 'error', expect.stringContaining('label name "team-name"')],
      ['Names', 6, 40, 'error', expect.stringContaining('label name "1st"')],
      ['Names', 6, 47, 'error', expect.stringContaining('label name ""')],
      ['Names', 7, 34, 'error', expect.stringContaining('annotation name "run-book"')],
      ['job:up', 10, 26, 'error', expect.stringContaining('label name "a b"')],
    ]);
  });

  it('warns on a label starting with __, which promtool accepts', () => {
    expect(lint('label/reserved-name', { user: [file] })).toEqual([
      expect.objectContaining({ severity: 'warning', rule: 'Names', message: expect.stringContaining('__internal') }),
    ]);
  });
});

describe('pint template and matcher checks', () => {
  const file = userFile(`groups:
  - name: g
    rules:
      - alert: Removed
        expr: sum by (job) (rate(node_cpu_seconds_total[5m])) > 1
        labels: { severity: warning, value: "{{ $value }}" }
        annotations: { summary: "{{ $labels.instance }} on {{ $labels.job }}", runbook_url: https://r }
      - alert: Kept
        expr: rate(node_cpu_seconds_total{mode=~"idle"}[5m]) > 1
        labels: { value: "{{ humanize .Value }}" }
        annotations: { summary: "{{ $labels.instance }} {{ $value }}", runbook_url: https://r }
      - alert: Without
        expr: sum without (cpu) (rate(node_cpu_seconds_total{mode=~"idle|user", job!~"x"}[5m])) > 1
        annotations: { summary: "{{ $labels.instance }}", runbook_url: https://r }
`);

  it('flags $labels.x for a label the aggregation removed, at the reference', () => {
    expect(lint('template/removed-label', { user: [file] })).toEqual([
      expect.objectContaining({
        rule: 'Removed',
        line: 7,
        column: 37,
        message: expect.stringContaining('$labels.instance'),
      }),
    ]);
  });

  it('flags $value or .Value in a label, which makes every new value a new alert', () => {
    expect(lint('template/value-in-label', { user: [file] }).map((f) => [f.rule, f.line])).toEqual([
      ['Removed', 6],
      ['Kept', 10],
    ]);
  });

  it('flags a regex matcher that is a plain string, at the matcher', () => {
    expect(lint('promql/regex-literal', { user: [file] })).toEqual([
      expect.objectContaining({ rule: 'Kept', line: 9, column: 43, message: expect.stringContaining('mode="idle"') }),
      expect.objectContaining({ rule: 'Without', line: 13, column: 81, message: expect.stringContaining('job!="x"') }),
    ]);
  });
});

describe('promql/rate-of-sum', () => {
  it('flags a rate over a subquery of a sum, at the subquery', () => {
    const expr = 'rate((sum by (code) (http_requests_total))[10m:1m]) > 1';
    expect(onlyUser('promql/rate-of-sum', expr)).toEqual([
      expect.objectContaining({ severity: 'warning', line: 5, column: 15 + 'rate('.length, message: expect.stringContaining('sum(rate(...))') }),
    ]);
  });

  it.each(['sum(rate(http_requests_total[5m])) > 1', 'rate(http_requests_total[10m:1m]) > 1', 'max_over_time(sum(http_requests_total)[10m:1m]) > 1'])(
    'leaves %s alone',
    (expr) => expect(onlyUser('promql/rate-of-sum', expr)).toEqual([]),
  );
});
