import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../compile.js';
import type { SourceIssue } from '../errors.js';
import type { Model } from '../model/types.js';
import { compileRules } from '../rules/compile.js';
import type { AlertingRule } from '../rules/types.js';
import { importSloth } from './sloth.js';

const TESTDATA = join(import.meta.dirname, 'testdata', 'sloth');
const PAIRS = ['getting-started', 'no-alerts', 'raw-home-wifi'] as const;

/** Strips the common indentation of a template literal, so specs read as YAML in the test. */
function yaml(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0));
  return lines.map((line) => line.slice(indent)).join('\n');
}

function imported(text: string, path = 'slos.yml'): string {
  const result = importSloth(text, path);
  if (!result.ok) throw new Error(`import failed:\n${result.issues.map((i) => `${i.line}:${i.column}: ${i.message}`).join('\n')}`);
  return result.value;
}

function issues(text: string, path = 'slos.yml'): SourceIssue[] {
  const result = importSloth(text, path);
  if (result.ok) throw new Error(`expected issues, got:\n${result.value}`);
  return result.issues;
}

function model(definitions: string): Model {
  const loaded = loadModel([{ path: 'imported.yml', text: definitions }]);
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.line}: ${i.message}`).join('\n'));
  return loaded.value;
}

function sloAlerts(m: Model): AlertingRule[] {
  return compileRules(m)
    .flatMap((file) => file.groups.flatMap((group) => group.rules))
    .filter((rule): rule is AlertingRule => rule.type === 'alerting' && rule.origin.kind === 'slo');
}

const MINIMAL = yaml(`
  version: prometheus/v1
  service: api
  slos:
    - name: availability
      objective: 99.5
      sli:
        events:
          error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
          total_query: sum(rate(http_requests_total[{{.window}}]))
      alerting:
        name: ApiAvailability
`);

/** MINIMAL with more lines under `alerting:`. */
function withAlerting(...lines: string[]): string {
  return MINIMAL.replace('      name: ApiAvailability\n', `      name: ApiAvailability\n${lines.map((line) => `      ${line}\n`).join('')}`);
}

describe('importSloth on the Sloth examples', () => {
  for (const name of PAIRS) {
    it(`imports ${name} as the golden definitions, which load`, () => {
      const spec = readFileSync(join(TESTDATA, name, 'spec.yml'), 'utf8');
      const out = imported(spec, `${name}/spec.yml`);
      const golden = join(TESTDATA, name, 'imported.yml');
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, out);
      expect(out).toBe(readFileSync(golden, 'utf8'));
      expect(loadModel([{ path: golden, text: out }]).ok).toBe(true);
    });
  }

  it('maps getting-started: team from owner, events as promql, labels, alert name and per-alert labels', () => {
    const m = model(imported(readFileSync(join(TESTDATA, 'getting-started', 'spec.yml'), 'utf8')));
    expect(m.services).toMatchObject([{ name: 'myservice', team: 'myteam', targets: [] }]);
    const [slo] = m.slos;
    expect(slo).toMatchObject({
      name: 'requests-availability',
      objectivePercent: 99.9,
      windowSeconds: 30 * 86400,
      alertName: 'MyServiceHighErrorRate',
      labels: { owner: 'myteam', repo: 'myorg/myservice', tier: '2' },
      alertLabels: { category: 'availability' },
      alertAnnotations: { summary: "High error rate on 'myservice' requests responses" },
      sli: {
        kind: 'promql',
        errorQuery: 'sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))',
        totalQuery: 'sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))',
      },
    });
    expect(slo?.minEventRate).toBeUndefined();
    // `pageteam` and `slack` are not Vigil severities: they are kept as original_severity, the defaults apply.
    expect(slo?.page).toEqual({
      severity: 'critical',
      labels: { routing_key: 'myteam', original_severity: 'pageteam', sloth_severity: 'page' },
      annotations: {},
    });
    expect(slo?.ticket).toEqual({
      severity: 'warning',
      labels: { original_severity: 'slack', slack_channel: '#alerts-myteam', sloth_severity: 'ticket' },
      annotations: {},
    });
  });

  it('maps raw-home-wifi: raw as promql_ratio, a Vigil severity label as the severity, team from the service', () => {
    const m = model(imported(readFileSync(join(TESTDATA, 'raw-home-wifi', 'spec.yml'), 'utf8')));
    expect(m.services[0]).toMatchObject({ name: 'home-wifi', team: 'home-wifi' });
    const slo = m.slos[0];
    expect(slo?.sli.kind).toBe('promql_ratio');
    expect(slo?.objectivePercent).toBe(95);
    expect(slo?.ticket).toEqual({ severity: 'warning', labels: { sloth_severity: 'ticket' }, annotations: {} });
    expect(slo?.page?.labels).toEqual({ original_severity: 'home', sloth_severity: 'page' });
  });

  it('maps no-alerts: both alerts disabled, so the SLO compiles to recording rules only', () => {
    const m = model(imported(readFileSync(join(TESTDATA, 'no-alerts', 'spec.yml'), 'utf8')));
    expect(m.slos[0]?.page).toBeUndefined();
    expect(m.slos[0]?.ticket).toBeUndefined();
    expect(sloAlerts(m)).toEqual([]);
  });

  it('labels every page and ticket alert with sloth_severity, so Sloth routes keep matching', () => {
    const alerts = sloAlerts(model(imported(readFileSync(join(TESTDATA, 'getting-started', 'spec.yml'), 'utf8'))));
    expect(alerts.map((a) => [a.labels.burn_tier, a.labels.sloth_severity])).toEqual([
      ['fast', 'page'],
      ['medium', 'page'],
      ['slow', 'ticket'],
      ['slowest', 'ticket'],
    ]);
  });
});

describe('importSloth mapping details', () => {
  it('imports a minimal spec with default severities and no low-traffic guard', () => {
    const m = model(imported(MINIMAL));
    expect(m.services[0]).toMatchObject({ name: 'api', team: 'api' });
    expect(m.slos[0]).toMatchObject({ page: { severity: 'critical' }, ticket: { severity: 'warning' } });
    expect(m.slos[0]?.minEventRate).toBeUndefined();
  });

  it('reads every document of a multi-document file', () => {
    const second = MINIMAL.replace('service: api', 'service: web').replace('ApiAvailability', 'WebAvailability');
    const m = model(imported(`---\n${MINIMAL}---\n${second}`));
    expect(m.services.map((s) => s.name)).toEqual(['api', 'web']);
    expect(m.slos.map((s) => `${s.service.name}/${s.name}`)).toEqual(['api/availability', 'web/availability']);
  });

  it('merges SLOs of the same service from several documents, and rejects a repeated SLO', () => {
    const other = MINIMAL.replace('name: availability', 'name: latency');
    expect(model(imported(`${MINIMAL}---\n${other}`)).slos.map((s) => s.name)).toEqual(['availability', 'latency']);
    const found = issues(`${MINIMAL}---\n${MINIMAL}`);
    expect(found).toEqual([
      expect.objectContaining({ line: 16, column: 11, message: expect.stringContaining('already imported from line 4') }),
    ]);
  });

  it('reads the PrometheusServiceLevel Kubernetes resource', () => {
    const crd = yaml(`
      apiVersion: sloth.slok.dev/v1
      kind: PrometheusServiceLevel
      metadata:
        name: api
      spec:
        service: api
        labels:
          owner: platform
        slos:
          - name: availability
            objective: 99.5
            sli:
              raw:
                error_ratio_query: avg_over_time(api:error_ratio[{{.window}}])
            alerting:
              name: ApiAvailability
    `);
    const m = model(imported(crd));
    expect(m.services[0]).toMatchObject({ name: 'api', team: 'platform' });
    expect(m.slos[0]?.sli).toEqual({ kind: 'promql_ratio', errorRatioQuery: 'avg_over_time(api:error_ratio[{{.window}}])' });
  });

  it('takes a Vigil severity from the shared alert labels when the alert sets none', () => {
    const spec = withAlerting('labels: { severity: critical, team_channel: x }', 'ticket_alert: { labels: { severity: info } }');
    const slo = model(imported(spec)).slos[0];
    expect(slo?.alertLabels).toEqual({ team_channel: 'x' });
    expect(slo?.page?.severity).toBe('critical');
    expect(slo?.ticket?.severity).toBe('info');
  });

  it('keeps a sloth_severity label the spec sets itself, as Sloth does', () => {
    const spec = withAlerting('page_alert: { labels: { sloth_severity: critical } }');
    expect(model(imported(spec)).slos[0]?.page?.labels.sloth_severity).toBe('critical');
  });

  it('reads values as Sloth (Go yaml.v2) does: `disable: yes` is true, label `tier: 010` is "010"', () => {
    const spec = withAlerting('ticket_alert:', '  disable: yes').replace('service: api\n', 'service: api\nlabels: { tier: 010 }\n');
    const slo = model(imported(spec)).slos[0];
    expect(slo?.labels).toEqual({ tier: '010' });
    expect(slo?.ticket).toBeUndefined();
  });

  it('normalizes `{{ .window }}` to `{{.window}}` and names to Vigil names', () => {
    const spec = MINIMAL.replaceAll('[{{.window}}]', '[{{ .window }}]').replace('service: api', 'service: API_Gateway');
    const m = model(imported(spec));
    expect(m.services[0]?.name).toBe('api_gateway');
    expect(m.slos[0]?.sli).toMatchObject({ errorQuery: 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))' });
  });

  it('names the alert by Vigil default when both alerts are disabled and Sloth needs no name', () => {
    const spec = MINIMAL.replace('      name: ApiAvailability', '      page_alert: { disable: true }\n      ticket_alert: { disable: true }');
    expect(model(imported(spec)).slos[0]?.alertName).toBe('ApiAvailabilityErrorBudgetBurn');
  });
});

describe('importSloth on bad input', () => {
  it('rejects a plugin SLI at its line', () => {
    const spec = yaml(`
      version: prometheus/v1
      service: api
      slos:
        - name: availability
          objective: 99.5
          sli:
            plugin:
              id: sloth-common/kubernetes/apiserver/availability
              options: { filter: 'job="api"' }
          alerting:
            name: ApiAvailability
    `);
    expect(issues(spec)).toEqual([
      {
        file: 'slos.yml',
        line: 8,
        column: 9,
        message: expect.stringMatching(/^SLI plugin "sloth-common\/kubernetes\/apiserver\/availability" cannot be imported/),
      },
    ]);
  });

  it('reports invalid YAML with its line', () => {
    const found = issues('version: prometheus/v1\nservice: api\nslos:\n  - name: [unclosed\n', 'bad.yml');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatchObject({ file: 'bad.yml', line: expect.any(Number), message: expect.stringMatching(/^invalid YAML: /) });
    expect(found[0]?.line).toBeGreaterThanOrEqual(4);
  });

  it('rejects another spec version at the version line', () => {
    const found = issues(MINIMAL.replace('version: prometheus/v1', 'version: prometheus/v2'));
    expect(found).toEqual([
      { file: 'slos.yml', line: 1, column: 10, message: 'unsupported Sloth spec version "prometheus/v2": expected prometheus/v1' },
    ]);
  });

  it('rejects a file that is not a Sloth spec', () => {
    expect(issues('apiVersion: vigil.dev/v1\nservices: []\n')[0]?.message).toMatch(/^missing version: expected a Sloth spec/);
    expect(issues('')[0]).toMatchObject({ line: 1, message: expect.stringMatching(/^empty file/) });
  });

  it('rejects unknown keys, as Vigil definitions do, at the key', () => {
    const found = issues(MINIMAL.replace('    objective: 99.5', '    objective: 99.5\n    objetive: 99'));
    expect(found).toEqual([{ file: 'slos.yml', line: 6, column: 5, message: 'slos.0: unknown key `objetive`' }]);
  });

  it('rejects a query without {{.window}}, which Vigil cannot record per window', () => {
    const found = issues(MINIMAL.replace('sum(rate(http_requests_total[{{.window}}]))', 'sum(api:requests:rate5m)'));
    expect(found).toEqual([
      { file: 'slos.yml', line: 9, column: 22, message: expect.stringMatching(/^the query has no `\{\{.window\}\}` range/) },
    ]);
  });

  it('requires an alert name when alerts are enabled, and a Vigil-compatible one', () => {
    expect(issues(MINIMAL.replace('    alerting:\n      name: ApiAvailability\n', ''))[0]).toMatchObject({
      line: 4,
      message: expect.stringMatching(/^expected `alerting.name`/),
    });
    expect(issues(MINIMAL.replace('name: ApiAvailability', 'name: api-availability'))[0]).toMatchObject({
      line: 11,
      message: expect.stringContaining('e.g. ApiAvailability'),
    });
  });

  it('rejects an objective of 100 (Sloth accepts it, but there is no budget to burn)', () => {
    expect(issues(MINIMAL.replace('objective: 99.5', 'objective: 100'))).toEqual([
      expect.objectContaining({ line: 5, message: expect.stringContaining('no error budget') }),
    ]);
  });

  it('reports every problem of every document at once', () => {
    const bad = MINIMAL.replace('objective: 99.5', 'objective: "high"');
    const found = issues(`${bad}---\nversion: prometheus/v9\n`);
    expect(found.map((i) => i.line)).toEqual([5, 13]);
  });
});
