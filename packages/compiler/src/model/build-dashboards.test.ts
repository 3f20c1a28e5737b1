import { describe, expect, it } from 'vitest';
import { loadModel } from '../compile.js';
import { serviceDashboardUid } from './build-dashboards.js';
import type { Dashboard, Panel } from './dashboards.js';

const base = `apiVersion: vigil.dev/v1
services:
  - { name: app, team: web }
metrics:
  - { name: app.queue.depth, type: gauge, description: Items waiting, service: app, labels: { queue: { values: [fast, slow] } } }
  - { name: app_requests, type: counter, description: Requests, service: app, labels: { status: { max_cardinality: 10 } } }
  - { name: app_latency_seconds, type: histogram, unit: s, description: Latency, service: app, buckets: [0.1, 0.5, 1] }
  - { name: app_cache_hit_ratio, type: gauge, description: Cache hits, service: app }
  - { name: app_sent, type: counter, unit: By, description: Bytes sent, service: app }
alerts:
  - name: QueueDeep
    severity: warning
    summary: deep
    escalate_after: 30m
    condition: { kind: threshold, metric: app.queue.depth, above: 100 }
  - name: CacheCold
    severity: info
    summary: cold
    condition: { kind: threshold, metric: app_cache_hit_ratio, below: 0.5 }
slos:
  - name: fast
    service: app
    objective: 99.5
    sli: { latency: { metric: app_latency_seconds, threshold: 0.5 } }
`;

function build(dashboards: string): { dashboards: Dashboard[]; issues: string[] } {
  const result = loadModel([{ path: 'defs.yaml', text: `${base}dashboards:\n${dashboards}` }]);
  return result.ok
    ? { dashboards: result.value.dashboards, issues: [] }
    : { dashboards: [], issues: result.issues.map((i) => `${i.line}:${i.column} ${i.message}`) };
}

function panels(board: Dashboard | undefined): Panel[] {
  return board?.rows.flatMap((row) => row.panels) ?? [];
}

describe('buildDashboards', () => {
  it('builds each query from the catalog with the exact series names', () => {
    const { dashboards, issues } = build(`  - uid: app
    title: App
    variables: []
    rows:
      - title: Main
        panels:
          - { metric: app.queue.depth, by: [queue] }
          - { metric: app_requests, type: stat }
          - { metric: app_latency_seconds, quantiles: [0.99] }
          - { metric: app_latency_seconds, type: heatmap }
          - { metric: app_requests, type: table, function: increase }
`);
    expect(issues).toEqual([]);
    const exprs = panels(dashboards[0]).map((panel) => panel.queries.map((query) => `${query.format}${query.instant ? '@instant' : ''} ${query.expr}`));
    expect(exprs).toEqual([
      ['time_series avg by (queue) (app_queue_depth{job="app"})'],
      ['time_series@instant sum(rate(app_requests_total{job="app"}[$__rate_interval]))'],
      ['time_series histogram_quantile(0.99, sum by (le) (rate(app_latency_seconds_bucket{job="app"}[$__rate_interval])))'],
      ['heatmap sum by (le) (rate(app_latency_seconds_bucket{job="app"}[$__rate_interval]))'],
      ['table@instant sum(increase(app_requests_total{job="app"}[$__range]))'],
    ]);
  });

  it('maps catalog units to Grafana unit ids', () => {
    const { dashboards } = build(`  - uid: app
    title: App
    rows:
      - title: Units
        panels:
          - { metric: app_latency_seconds }
          - { metric: app_cache_hit_ratio }
          - { metric: app_sent }
          - { metric: app_requests }
          - { metric: app.queue.depth, unit: none }
`);
    expect(panels(dashboards[0]).map((panel) => panel.unit)).toEqual(['s', 'percentunit', 'Bps', 'ops', 'none']);
  });

  it('filters catalog queries by the dashboard variables, always through regex matchers', () => {
    const { dashboards } = build(`  - uid: app
    title: App
    variables: [service, instance, { name: queue, label: queue, metric: app.queue.depth }, { name: status, label: status, metric: app_requests }]
    rows:
      - title: Main
        panels:
          - { metric: app.queue.depth }
          - { metric: app_requests }
`);
    const board = dashboards[0] as Dashboard;
    expect(board.variables).toEqual([
      { kind: 'custom', name: 'service', label: 'Service', values: ['app'], multi: true, includeAll: true },
      { kind: 'query', name: 'instance', label: 'Instance', query: 'label_values(up{job=~"$service"}, instance)', multi: true, includeAll: true },
      // Allowed values are known: no query needed.
      { kind: 'custom', name: 'queue', label: 'queue', values: ['fast', 'slow'], multi: true, includeAll: true },
      { kind: 'query', name: 'status', label: 'status', query: 'label_values(app_requests_total{job=~"$service"}, status)', multi: true, includeAll: true },
    ]);
    expect(panels(board).map((panel) => panel.queries[0]?.expr)).toEqual([
      'avg(app_queue_depth{job=~"$service", instance=~"$instance", queue=~"$queue"})',
      'sum(rate(app_requests_total{job=~"$service", instance=~"$instance", status=~"$status"}[$__rate_interval]))',
    ]);
  });

  it('draws the bound of every alert that watches the metric, escalation included', () => {
    const { dashboards } = build(`  - uid: app
    title: App
    rows:
      - title: Main
        panels:
          - { metric: app.queue.depth }
          - { metric: app_cache_hit_ratio, type: gauge }
          - { metric: app_requests }
`);
    expect(panels(dashboards[0]).map((panel) => panel.thresholds)).toEqual([
      [
        { value: 100, op: '>', severity: 'warning', alert: 'QueueDeep' },
        { value: 100, op: '>', severity: 'critical', alert: 'QueueDeep (escalated)' },
      ],
      [{ value: 0.5, op: '<', severity: 'info', alert: 'CacheCold' }],
      [],
    ]);
  });

  it('adds a ready-made SLO row from the SLO recording rules, and an overview of every SLO', () => {
    const { dashboards } = build(`  - uid: app
    title: App
    rows:
      - slo: fast
`);
    const row = dashboards[0]?.rows[0];
    expect(row?.title).toBe('SLO app/fast');
    const exprs = row?.panels.flatMap((panel) => panel.queries.map((query) => query.expr)) ?? [];
    expect(exprs).toContain('1 - slo:period_burn_rate:ratio{slo_id="app-fast"} * 0.005');
    expect(exprs).toContain('slo:period_error_budget_remaining:ratio{slo_id="app-fast"}');
    expect(exprs).toContain('slo:sli_error:ratio_rate1h{slo_id="app-fast"} / 0.005');
    const burn = row?.panels.find((panel) => panel.title === 'Burn rate by alert window');
    expect(burn?.thresholds.map((t) => `${t.value} ${t.severity}`)).toEqual(['1 warning', '3 warning', '6 critical', '14.4 critical']);
    expect(dashboards.map((board) => board.uid)).toEqual(['app', 'vigil-app', 'vigil-slo-overview']);
  });

  it('generates a dashboard per service: its firing alerts, every catalog metric with thresholds, its SLOs', () => {
    const { dashboards } = build(`  - uid: app
    title: App
    rows: [{ title: A, panels: [{ promql: up, title: Up }] }]
`);
    const service = dashboards.find((board) => board.uid === 'vigil-app') as Dashboard;
    expect(service.origin.kind).toBe('service');
    expect(service.rows.map((row) => row.title)).toEqual(['Alerts', 'Metrics', 'SLO app/fast']);
    expect(service.rows[0]?.panels[0]?.queries[0]?.expr).toBe('sum by (alertname, severity) (ALERTS{alertstate="firing", service="app"})');
    const metrics = service.rows[1]?.panels ?? [];
    expect(metrics.map((panel) => panel.metric)).toEqual(['app.queue.depth', 'app_requests', 'app_latency_seconds', 'app_cache_hit_ratio', 'app_sent']);
    expect(metrics[0]?.queries[0]?.expr).toBe('avg(app_queue_depth{job="app", instance=~"$instance"})');
    expect(metrics[0]?.thresholds.map((t) => t.alert)).toEqual(['QueueDeep', 'QueueDeep (escalated)']);
  });

  it('keeps service dashboard uids within the 40 characters Grafana takes, unique by a hash', () => {
    const service = (name: string) => ({ name, team: 't', job: name, targets: [], metricsPath: '/metrics', scheme: 'http' as const, source: { file: 'f', line: 1, column: 1 } });
    expect(serviceDashboardUid(service('api'))).toBe('vigil-api');
    const long = serviceDashboardUid(service('a-very-long-service-name-for-the-payments-backend'));
    expect(long).toMatch(/^vigil-a-very-long-service-name-[0-9a-f]{8}$/);
    expect(long.length).toBeLessThanOrEqual(40);
    expect(serviceDashboardUid(service('a-very-long-service-name-for-the-payments-frontend'))).not.toBe(long);
  });

  it('reserves the vigil- prefix for generated dashboards', () => {
    const { issues } = build(`  - uid: vigil-app
    title: Mine
    rows: [{ title: A, panels: [{ promql: up, title: Up }] }]
`);
    expect(issues).toEqual([expect.stringMatching(/^26:\d+ dashboard uids starting with vigil- are reserved/)]);
  });

  it('lays panels out without overlap, wrapping at 24 columns', () => {
    const { dashboards } = build(`  - uid: app
    title: App
    rows:
      - title: A
        panels:
          - { metric: app.queue.depth }
          - { metric: app.queue.depth, type: stat }
          - { metric: app.queue.depth, width: 10 }
      - title: B
        panels:
          - { metric: app_requests, type: table }
`);
    const boxes = panels(dashboards[0]).map((panel) => panel.gridPos);
    expect(boxes).toEqual([
      { x: 0, y: 1, w: 12, h: 8 },
      { x: 12, y: 1, w: 6, h: 6 },
      { x: 0, y: 9, w: 10, h: 8 },
      { x: 0, y: 18, w: 24, h: 8 },
    ]);
  });

  it('reports bad references at their line', () => {
    const { issues } = build(`  - uid: app
    title: App
    variables: [service, { name: q, label: tenant, metric: app.queue.depth }]
    rows:
      - title: A
        panels:
          - { metric: app.queue.dept }
          - { metric: app.queue.depth, type: heatmap }
          - { metric: app.queue.depth, by: [tenant] }
      - slo: slow
  - uid: app
    title: Again
    rows:
      - title: A
        panels:
          - { promql: up, title: Up }
`);
    expect(issues).toEqual([
      expect.stringMatching(/^28:\d+ tenant is not a label of app\.queue\.depth/),
      expect.stringMatching(/^32:\d+ unknown metric app\.queue\.dept: expected a metric of the catalog \(did you mean app\.queue\.depth\?\)/),
      expect.stringMatching(/^33:\d+ a heatmap needs a histogram's buckets; app\.queue\.depth is a gauge/),
      expect.stringMatching(/^34:\d+ tenant is not a label of app\.queue\.depth/),
      expect.stringMatching(/^35:\d+ unknown SLO slow: expected one of app\/fast/),
      expect.stringMatching(/^36:\d+ dashboard uid app is already used at defs\.yaml:26/),
    ]);
  });

  it('rejects a uid Grafana cannot take', () => {
    const { issues } = build(`  - uid: App Board
    title: App
    rows: [{ title: A, panels: [{ promql: up, title: Up }] }]
`);
    expect(issues).toEqual([expect.stringMatching(/^26:\d+ dashboards\.0\.uid: expected a lower-case uid/)]);
  });
});
