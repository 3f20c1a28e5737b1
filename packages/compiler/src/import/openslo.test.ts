import { describe, expect, it } from 'vitest';
import { loadModel } from '../compile.js';
import type { SourceIssue } from '../errors.js';
import type { Model } from '../model/types.js';
import { importOpenSlo } from './openslo.js';
import { importSloth } from './sloth.js';

function yaml(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0));
  return lines.map((line) => line.slice(indent)).join('\n');
}

function model(text: string): Model {
  const result = importOpenSlo(text, 'openslo.yml');
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.line}:${i.column}: ${i.message}`).join('\n'));
  const loaded = loadModel([{ path: 'imported.yml', text: result.value }]);
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.line}: ${i.message}`).join('\n'));
  return loaded.value;
}

function issues(text: string): SourceIssue[] {
  const result = importOpenSlo(text, 'openslo.yml');
  if (result.ok) throw new Error(`expected issues, got:\n${result.value}`);
  return result.issues;
}

const V1 = yaml(`
  apiVersion: openslo/v1
  kind: SLO
  metadata:
    name: checkout-availability
    labels:
      team: payments
      tier: [critical, external]
  spec:
    service: checkout
    description: Checkout requests succeed
    budgetingMethod: Occurrences
    timeWindow:
      - duration: 28d
        isRolling: true
    indicator:
      metadata:
        name: checkout-good-ratio
      spec:
        ratioMetric:
          counter: true
          good:
            metricSource:
              type: Prometheus
              spec:
                query: http_requests_total{job="checkout",code!~"5.."}
          total:
            metricSource:
              type: Prometheus
              spec:
                query: http_requests_total{job="checkout"}
    objectives:
      - displayName: Mostly good
        target: 0.995
`);

describe('importOpenSlo (openslo/v1)', () => {
  it('maps a ratio SLO: counters wrapped in rate over {{.window}}, good turned into errors, window and labels kept', () => {
    const m = model(V1);
    expect(m.services).toMatchObject([{ name: 'checkout', team: 'payments' }]);
    expect(m.slos[0]).toMatchObject({
      name: 'checkout-availability',
      objectivePercent: 99.5,
      windowSeconds: 28 * 86400,
      description: 'Checkout requests succeed',
      labels: { team: 'payments', tier: 'critical,external' },
      sli: {
        kind: 'promql',
        errorQuery:
          '(sum(rate(http_requests_total{job="checkout"}[{{.window}}]))) - (sum(rate(http_requests_total{job="checkout",code!~"5.."}[{{.window}}])))',
        totalQuery: 'sum(rate(http_requests_total{job="checkout"}[{{.window}}]))',
      },
    });
    // No alert policies: no alerts, as Sloth generates none for OpenSLO.
    expect(m.slos[0]?.page).toBeUndefined();
    expect(m.slos[0]?.ticket).toBeUndefined();
  });

  it("gives SLOs with alert policies Vigil's burn-rate page and ticket alerts", () => {
    const m = model(`${V1}  alertPolicies:\n    - alertPolicyRef: page-on-fast-burn\n`);
    expect(m.slos[0]?.page?.severity).toBe('critical');
    expect(m.slos[0]?.ticket?.severity).toBe('warning');
  });

  it('resolves indicatorRef, metricSourceRef and a bad/total ratio with {{.window}} queries; one SLO per objective', () => {
    const text = yaml(`
      apiVersion: openslo/v1
      kind: DataSource
      metadata:
        name: prom
      spec:
        type: Prometheus
        connectionDetails: { url: http://prometheus:9090 }
      ---
      apiVersion: openslo/v1
      kind: SLI
      metadata:
        name: api-errors
      spec:
        ratioMetric:
          counter: true
          bad:
            metricSource:
              metricSourceRef: prom
              spec:
                query: sum(rate(http_requests_total{code=~"5.."}[{{ .window }}]))
          total:
            metricSource:
              metricSourceRef: prom
              spec:
                query: sum(rate(http_requests_total[{{.window}}]))
      ---
      apiVersion: openslo/v1
      kind: SLO
      metadata:
        name: api
      spec:
        service: api
        indicatorRef: api-errors
        budgetingMethod: Occurrences
        objectives:
          - targetPercent: 99
          - target: 0.999
    `);
    const m = model(text);
    expect(m.slos.map((s) => [s.name, s.objectivePercent, s.windowSeconds])).toEqual([
      ['api-0', 99, 30 * 86400],
      ['api-1', 99.9, 30 * 86400],
    ]);
    expect(m.slos[0]?.sli).toEqual({
      kind: 'promql',
      errorQuery: 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))',
      totalQuery: 'sum(rate(http_requests_total[{{.window}}]))',
    });
  });

  it('maps a raw success ratio to 1 - ratio, and a failure ratio as is', () => {
    const raw = (rawType: string) =>
      yaml(`
        apiVersion: openslo/v1
        kind: SLO
        metadata: { name: wifi }
        spec:
          service: home
          indicator:
            metadata: { name: wifi }
            spec:
              ratioMetric:
                rawType: ${rawType}
                raw:
                  metricSource:
                    type: prometheus
                    spec: { query: 'avg(avg_over_time(satisfaction[{{.window}}]))' }
          objectives: [{ target: 0.95 }]
      `);
    expect(model(raw('success')).slos[0]?.sli).toEqual({
      kind: 'promql_ratio',
      errorRatioQuery: '1 - (avg(avg_over_time(satisfaction[{{.window}}])))',
    });
    expect(model(raw('failure')).slos[0]?.sli).toEqual({
      kind: 'promql_ratio',
      errorRatioQuery: 'avg(avg_over_time(satisfaction[{{.window}}]))',
    });
  });

  it('is also read by importSloth, next to Sloth specs in the same file', () => {
    const result = importSloth(V1, 'mixed.yml');
    expect(result.ok).toBe(true);
  });
});

describe('importOpenSlo on what does not map', () => {
  it('rejects time slices, calendar windows and months, at their lines', () => {
    const text = V1.replace('budgetingMethod: Occurrences', 'budgetingMethod: Timeslices')
      .replace('duration: 28d', 'duration: 1M')
      .replace('isRolling: true', 'isRolling: true');
    expect(issues(text).map((i) => [i.line, i.message.split(':')[0]])).toEqual([
      [11, 'budgeting method Timeslices is not supported'],
      [13, 'calendar-length durations (1M) are not supported'],
    ]);
    expect(issues(V1.replace('isRolling: true', 'isRolling: false'))[0]).toMatchObject({
      line: 13,
      message: expect.stringMatching(/^calendar-aligned time windows are not supported/),
    });
  });

  it('rejects a non-Prometheus source and a query it cannot window', () => {
    expect(issues(V1.replace('type: Prometheus', 'type: Datadog'))[0]).toMatchObject({
      line: 23,
      message: 'expected a Prometheus metric source, found "Datadog"',
    });
    expect(issues(V1.replace('counter: true', 'counter: false'))[0]).toMatchObject({
      line: 25,
      message: expect.stringMatching(/^the query has no `\{\{.window\}\}` range/),
    });
  });

  it('rejects threshold metrics and unknown SLI references', () => {
    const threshold = V1.replace(/ {6}ratioMetric:[\s\S]*?(?= {2}objectives)/, '      thresholdMetric:\n        metricSource: { type: Prometheus, spec: { query: up } }\n');
    expect(issues(threshold)[0]?.message).toMatch(/^expected a `ratioMetric`/);
    const ref = V1.replace(/ {2}indicator:[\s\S]*?(?= {2}objectives)/, '  indicatorRef: nowhere\n');
    expect(issues(ref)[0]).toMatchObject({ line: 15, message: expect.stringMatching(/^unknown SLI "nowhere"/) });
  });

  it('rejects another OpenSLO version and a file with no SLO', () => {
    expect(issues(V1.replace('openslo/v1', 'openslo.com/v2alpha'))[0]?.message).toMatch(/^unsupported OpenSLO apiVersion/);
    expect(issues('apiVersion: openslo/v1\nkind: Service\nmetadata: { name: x }\nspec: {}\n')[0]?.message).toMatch(/no OpenSLO `kind: SLO`/);
  });
});

describe('importOpenSlo (openslo/v1alpha, as Sloth reads it)', () => {
  it("maps Sloth's example: objective <name>-<index>, 1 - good/total, alerts off", () => {
    const text = yaml(`
      apiVersion: openslo/v1alpha
      kind: SLO
      metadata:
        name: sloth-slo-my-service
        displayName: Requests Availability
      spec:
        service: my-service
        description: "Common SLO based on availability for HTTP request responses."
        budgetingMethod: Occurrences
        objectives:
          - ratioMetrics:
              good:
                source: prometheus
                queryType: promql
                query: sum(rate(http_request_duration_seconds_count{job="myservice",code!~"(5..|429)"}[{{.window}}]))
              total:
                source: prometheus
                queryType: promql
                query: sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))
            target: 0.999
        timeWindows:
          - count: 30
            isRolling: true
            unit: Day
    `);
    const m = model(text);
    expect(m.slos[0]).toMatchObject({
      name: 'sloth-slo-my-service-0',
      objectivePercent: 99.9,
      windowSeconds: 30 * 86400,
      sli: {
        kind: 'promql_ratio',
        errorRatioQuery:
          '1 - ((sum(rate(http_request_duration_seconds_count{job="myservice",code!~"(5..|429)"}[{{.window}}]))) / (sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))))',
      },
    });
    expect(m.slos[0]?.page).toBeUndefined();
  });
});
