import { describe, expect, it } from 'vitest';
import { loadModel } from '../compile.js';

const base = `apiVersion: vigil.dev/v1
services:
  - { name: app, team: web }
metrics:
  - name: app.queue.depth
    type: gauge
    description: Items waiting
    service: app
    labels: { queue: { values: [fast, slow] } }
`;

function issuesOf(text: string): string[] {
  const result = loadModel([{ path: 'defs.yaml', text }]);
  return result.ok ? [] : result.issues.map((i) => `${i.line}:${i.column} ${i.message}`);
}

describe('buildModel', () => {
  it('names series exactly as the OpenTelemetry Prometheus exporter does', () => {
    const result = loadModel([
      {
        path: 'defs.yaml',
        text: `${base}  - { name: app.requests, type: counter, description: Requests, service: app }
  - { name: app.latency, type: histogram, description: Latency, service: app, buckets: [0.1, 1] }
`,
      },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.metrics.map((m) => m.promName)).toEqual(['app_queue_depth', 'app_requests_total', 'app_latency']);
  });

  it('reports an unknown `by` label at its line with the labels expected', () => {
    const issues = issuesOf(`${base}alerts:
  - name: QueueDeep
    severity: warning
    summary: deep
    by: [tenant]
    condition: { kind: threshold, metric: app.queue.depth, above: 10 }
`);
    expect(issues).toEqual(['14:9 `by` label tenant is not a label of app.queue.depth: expected one of instance, job, queue']);
  });

  // Regression: ChorusCircuitBreakerOpen grouped by the metric's `service` label, which Vigil's own
  // `service` label replaced, so two open breakers failed evaluation instead of firing.
  it('refuses a `by` label that a label set on the alert would replace, at its line', () => {
    const metric = `${base}  - name: app.breaker
    type: gauge
    description: Breaker state
    service: app
    labels: { service: { values: [redis, api] }, team: { values: [a] }, component: { values: [b] }, state: { values: [open] } }
alerts:
  - name: BreakerOpen
    severity: warning
    summary: open
    labels: { component: breakers }
`;
    const condition = `    condition: { kind: threshold, metric: app.breaker, aggregate: max, above: 0 }
`;
    expect(issuesOf(`${metric}    by: [state, service, team, component]\n${condition}`)).toEqual([
      expect.stringMatching(/^20:17 `by` label service is also a label Vigil sets on every alert/),
      expect.stringMatching(/^20:26 `by` label team is also a label Vigil sets on every alert/),
      expect.stringMatching(/^20:32 `by` label component is also a label the alert sets in `labels`/),
    ]);
    expect(issuesOf(`${metric}    by: [state]\n${condition}`)).toEqual([]);
  });

  it('rejects names that collide once sanitized, and matchers that can never match', () => {
    const issues = issuesOf(`${base}  - { name: app_queue_depth, type: gauge, description: dup, service: app }
alerts:
  - name: QueueDeep
    severity: warning
    summary: deep
    condition: { kind: threshold, metric: app.queue.depth, matchers: { queue: medium }, above: 10 }
`);
    expect(issues.some((i) => i.includes('becomes app_queue_depth in Prometheus, like app.queue.depth'))).toBe(true);
    expect(issues.some((i) => i.includes('queue="medium" can never match: expected one of fast, slow'))).toBe(true);
  });

  it('refuses an escalation that does not raise the severity', () => {
    const issues = issuesOf(`${base}alerts:
  - name: QueueDeep
    severity: critical
    summary: deep
    escalate_after: 1h
    condition: { kind: threshold, metric: app.queue.depth, above: 10 }
`);
    expect(issues).toEqual(['14:21 an escalation must raise the severity above critical (critical is already the highest)']);
  });

  it('requires latency SLO thresholds to be histogram buckets', () => {
    const issues = issuesOf(`${base}  - { name: app.latency, type: histogram, description: Latency, service: app, buckets: [0.1, 1] }
slos:
  - name: fast
    service: app
    objective: 99
    sli: { latency: { metric: app.latency, threshold: 0.5 } }
`);
    expect(issues).toEqual(['15:55 threshold 0.5 is not a bucket of app.latency: expected one of 0.1, 1']);
  });

  it('reports invalid YAML and a wrong apiVersion without throwing', () => {
    expect(issuesOf('apiVersion: vigil.dev/v1\nservices: [\n')[0]).toMatch(/^\d+:\d+ invalid YAML/);
    expect(issuesOf('apiVersion: v0\n')).toEqual(['1:13 unsupported apiVersion "v0": expected vigil.dev/v1']);
  });

  it('rejects dotted alert label keys, zero windows and SLO labels Vigil sets itself', () => {
    const issues = issuesOf(`${base}  - { name: app.requests, type: counter, description: Requests, service: app }
  - { name: app.errors, type: counter, description: Errors, service: app }
alerts:
  - name: QueueGrowing
    severity: warning
    summary: growing
    labels: { owner.team: web }
    condition: { kind: rate_of_change, metric: app.queue.depth, window: 0s, rising: 1 }
slos:
  - name: availability
    service: app
    objective: 99
    sli: { events: { bad: { metric: app.errors }, total: { metric: app.requests } } }
`);
    expect(issues).toEqual([
      expect.stringMatching(/^16:15 alerts\.0\.labels: key "owner\.team": expected a Prometheus label name/),
      expect.stringMatching(/^17:73 alerts\.0\.condition\.window: expected a duration above zero/),
    ]);
    const slo = issuesOf(`${base}  - { name: app.requests, type: counter, description: Requests, service: app }
  - { name: app.errors, type: counter, description: Errors, service: app }
slos:
  - name: availability
    service: app
    objective: 99
    sli: { events: { bad: { metric: app.errors }, total: { metric: app.requests } } }
    alerting: { page: { labels: { severity: pageteam } } }
`);
    expect(slo).toEqual([expect.stringMatching(/^17:45 label severity is set by Vigil/)]);
  });
});
