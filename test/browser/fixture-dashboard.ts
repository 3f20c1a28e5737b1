import type { renderHtmlDashboard } from '@vigil/compiler';

type Dashboard = Parameters<typeof renderHtmlDashboard>[0];

/**
 * A hand-written dashboard with every panel kind over the VVTV catalog, plus one panel whose
 * query Prometheus rejects and one whose query matches nothing: the page must show an error in
 * the first and "No data" in the second, without breaking its neighbours.
 */
export const FIXTURE_DASHBOARD: Dashboard = {
  uid: 'vigil-html-fixture',
  title: 'HTML dashboard fixture',
  tags: ['vigil', 'test'],
  refresh: '1m',
  timeFrom: 'now-6h',
  variables: [
    { kind: 'query', name: 'service', label: 'Service', query: 'label_values(vvtv_selection_entropy, job)', multi: true, includeAll: true },
  ],
  rows: [
    {
      title: 'Business KPIs',
      collapsed: false,
      panels: [
        {
          title: 'Selection entropy',
          type: 'timeseries',
          unit: 'short',
          metric: 'vvtv_selection_entropy',
          queries: [{ expr: 'avg by (job) (vvtv_selection_entropy{job=~"$service"})', legend: '{{job}}', format: 'time_series', instant: false }],
          thresholds: [{ value: 0.3, severity: 'warning', alert: 'VvtvDiversityLoss', op: '<' }],
        },
        {
          title: 'Curator budget used',
          type: 'stat',
          unit: 'percentunit',
          queries: [{ expr: 'max(vvtv_curator_apply_budget_used_ratio{job=~"$service"})', legend: '', format: 'time_series', instant: true }],
          thresholds: [
            { value: 0.8, severity: 'warning', alert: 'VvtvCuratorBudgetHigh', op: '>' },
            { value: 0.95, severity: 'critical', alert: 'VvtvCuratorBudgetExhausted', op: '>' },
          ],
        },
        {
          title: 'HD slow detections',
          type: 'gauge',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [{ expr: 'max(vvtv_hd_detection_slow_ratio)', legend: '', format: 'time_series', instant: true }],
          thresholds: [],
        },
        {
          title: 'LLM calls by outcome',
          type: 'bargauge',
          unit: 'reqps',
          queries: [{ expr: 'sum by (outcome) (rate(vvtv_llm_calls_total[$__rate_interval]))', legend: '{{outcome}}', format: 'time_series', instant: true }],
          thresholds: [],
        },
      ],
    },
    {
      title: 'LLM orchestrator',
      collapsed: false,
      panels: [
        {
          title: 'LLM call latency p95',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: 'histogram_quantile(0.95, sum by (le) (rate(vvtv_llm_call_duration_seconds_bucket[$__rate_interval])))',
              legend: 'p95',
              format: 'time_series',
              instant: false,
            },
          ],
          thresholds: [{ value: 5, severity: 'critical', alert: 'VvtvLlmSlow', op: '>' }],
        },
        {
          title: 'LLM call latency buckets',
          type: 'heatmap',
          unit: 's',
          queries: [{ expr: 'sum by (le) (rate(vvtv_llm_call_duration_seconds_bucket[$__rate_interval]))', legend: '{{le}}', format: 'heatmap', instant: false }],
          thresholds: [],
        },
        {
          title: 'LLM calls (table)',
          type: 'table',
          unit: 'short',
          queries: [{ expr: 'sum by (job, outcome) (increase(vvtv_llm_calls_total[1h]))', legend: '', format: 'table', instant: true }],
          thresholds: [],
        },
      ],
    },
    {
      title: 'Failure states',
      collapsed: false,
      panels: [
        {
          title: 'Broken query',
          type: 'timeseries',
          unit: 'short',
          queries: [{ expr: 'sum(rate(vvtv_llm_calls_total[5m]', legend: '', format: 'time_series', instant: false }],
          thresholds: [],
        },
        {
          title: 'Metric nobody writes',
          type: 'stat',
          unit: 'short',
          queries: [{ expr: 'vvtv_metric_that_does_not_exist', legend: '', format: 'time_series', instant: true }],
          thresholds: [],
        },
      ],
    },
  ],
  origin: { kind: 'definition' },
};
