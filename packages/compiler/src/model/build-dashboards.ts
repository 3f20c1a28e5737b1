import { prometheusLabelName } from '@vigil/conventions';
import { createHash } from 'node:crypto';
import type { SourceLocation } from '../errors.js';
import { by, escapeRegex, num, quote, selector } from '../promql/build.js';
import { errorBudget, errorRatioRecord } from './slo-series.js';
import type { DashboardSpec, DashboardVariableSpec, MetricPanelSpec, PromqlPanelSpec } from '../spec/dashboards-schema.js';
import { formatDuration } from '../spec/duration.js';
import type { LoadedDefinitions } from '../spec/load.js';
import type { MatcherSpec } from '../spec/schema.js';
import { BURN_TIERS, burnWindowsSeconds } from './burn-tiers.js';
import type { Dashboard, DashboardRow, DashboardVariable, Panel, PanelQuery, PanelThreshold, PanelType } from './dashboards.js';
import { grafanaUnit, type ShownValue } from './grafana-units.js';
import type { Alert, Matcher, Metric, Service, Slo } from './types.js';
import { compareText } from '../text-order.js';

/** The uid of the generated overview of every SLO. */
export const SLO_OVERVIEW_UID = 'vigil-slo-overview';

/** Generated dashboards' uids start with this; definitions cannot use it. */
export const GENERATED_UID_PREFIX = 'vigil-';

/** The uid of a service's generated dashboard, which alerts link to (`/d/vigil-<service>`). */
export function serviceDashboardUid(service: Service): string {
  const uid = `${GENERATED_UID_PREFIX}${service.name}`;
  if (uid.length <= MAX_UID_LENGTH) return uid;
  // Grafana refuses longer uids: keep a readable prefix and make it unique with a hash.
  const hash = createHash('sha256').update(service.name).digest('hex').slice(0, 8);
  return `${uid.slice(0, MAX_UID_LENGTH - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** Grafana's limit on dashboard uids. */
const MAX_UID_LENGTH = 40;

/** What dashboards refer to, already built and checked. */
export interface DashboardInputs {
  services: ReadonlyMap<string, Service>;
  metrics: ReadonlyMap<string, Metric>;
  alerts: readonly Alert[];
  slos: readonly Slo[];
}

/** Receives each problem found, with where it is. */
export type IssueReporter = (at: SourceLocation, message: string) => void;

type Locate = (...path: (string | number)[]) => SourceLocation;

const INSTANT_TYPES: readonly PanelType[] = ['stat', 'gauge', 'bargauge', 'table'];
const DEFAULT_WIDTH: Record<PanelType, number> = { timeseries: 12, heatmap: 12, stat: 6, gauge: 6, bargauge: 6, table: 24 };
const DEFAULT_HEIGHT = 8;
const DEFAULT_QUANTILES = [0.5, 0.9, 0.99];

/** A variable as it filters queries: the label it matches and the `$name` it substitutes. */
interface AppliedVariable {
  name: string;
  label: string;
}

/**
 * Builds the dashboards of every definitions file, plus the SLO overview when any SLO exists.
 * Catalog panels get their PromQL from the metric's type and exact series names; panels on a
 * metric that an alert watches get the alert's bound as a threshold line.
 */
export function buildDashboards(
  files: readonly LoadedDefinitions[],
  inputs: DashboardInputs,
  report: IssueReporter,
): Dashboard[] {
  const dashboards: Dashboard[] = [];
  const uids = new Map<string, SourceLocation>();
  for (const file of files) {
    (file.spec.dashboards ?? []).forEach((spec, index) => {
      const at: Locate = (...path) => file.locate(['dashboards', index, ...path]);
      const previous = uids.get(spec.uid);
      if (previous) report(at('uid'), `dashboard uid ${spec.uid} is already used at ${previous.file}:${previous.line}`);
      else if (spec.uid.startsWith(GENERATED_UID_PREFIX)) {
        report(at('uid'), `dashboard uids starting with ${GENERATED_UID_PREFIX} are reserved for generated dashboards`);
      }
      uids.set(spec.uid, at('uid'));
      const fallback = file.spec.services.map((service) => service.name);
      dashboards.push(new DefinitionDashboardBuilder(spec, fallback, inputs, report, at).build());
    });
  }
  dashboards.push(...serviceDashboards(inputs, report));
  if (inputs.slos.length > 0) dashboards.push(sloOverview(inputs.slos));
  return dashboards;
}

/**
 * One dashboard per service with catalog metrics or SLOs: its firing alerts, every metric of
 * the catalog (with the alerts' thresholds) and its SLO rows. Alerts link here.
 */
function serviceDashboards(inputs: DashboardInputs, report: IssueReporter): Dashboard[] {
  const boards: Dashboard[] = [];
  for (const service of [...inputs.services.values()].sort((a, b) => compareText(a.name, b.name))) {
    const metrics = [...inputs.metrics.values()].filter((metric) => metric.service === service.name);
    const slos = inputs.slos.filter((slo) => slo.service.name === service.name);
    if (metrics.length === 0 && slos.length === 0) continue;
    const spec: DashboardSpec = {
      uid: serviceDashboardUid(service),
      title: `${service.name} (service)`,
      description: `Generated for service ${service.name} (team ${service.team}): its firing alerts, every catalog metric and its SLOs.`,
      tags: ['vigil', 'service', service.team],
      refresh: '1m',
      time: '6h',
      variables: ['instance'],
      rows: [
        {
          title: 'Alerts',
          collapsed: false,
          panels: [
            {
              promql: [{ expr: `sum by (alertname, severity) (ALERTS{alertstate="firing", service=${quote(service.name)}})`, legend: '{{alertname}} ({{severity}})' }],
              type: 'timeseries',
              title: 'Firing alerts',
              width: 24,
              height: 6,
              min: 0,
            },
          ],
        },
        ...(metrics.length > 0
          ? [{ title: 'Metrics', collapsed: false, panels: metrics.map((metric) => ({ metric: metric.name, type: 'timeseries' as const, matchers: {}, by: [] })) }]
          : []),
        ...slos.map((slo) => ({ slo: slo.name, service: service.name, collapsed: false })),
      ],
    };
    boards.push(new DefinitionDashboardBuilder(spec, [service.name], inputs, report, () => service.source, 'service').build());
  }
  return boards;
}

class DefinitionDashboardBuilder {
  private readonly variables: DashboardVariable[] = [];
  private readonly applied: AppliedVariable[] = [];
  private hasServiceVariable = false;

  constructor(
    private readonly spec: DashboardSpec,
    /** The services shown when no panel names one: those of the dashboard's file. */
    private readonly fallbackServices: readonly string[],
    private readonly inputs: DashboardInputs,
    private readonly report: IssueReporter,
    private readonly at: Locate,
    private readonly kind: 'definition' | 'service' = 'definition',
  ) {}

  build(): Dashboard {
    const { spec } = this;
    this.buildVariables();
    const rows = spec.rows.map((row, index): DashboardRow | undefined => {
      if ('slo' in row) {
        const slo = this.findSlo(row.slo, row.service, index);
        return slo ? { title: `SLO ${slo.service.name}/${slo.name}`, collapsed: row.collapsed, panels: sloPanels(slo, this.applied) } : undefined;
      }
      const panels = row.panels
        .map((panel, panelIndex) =>
          'metric' in panel ? this.metricPanel(panel, index, panelIndex) : promqlPanel(panel),
        )
        .filter((panel): panel is Panel => panel !== undefined);
      return { title: row.title, collapsed: row.collapsed, panels };
    });
    return {
      uid: spec.uid,
      title: spec.title,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      tags: spec.tags,
      refresh: spec.refresh ?? '',
      timeFrom: `now-${spec.time}`,
      variables: this.variables,
      rows: layoutRows(rows.filter((row): row is DashboardRow => row !== undefined), spec.rows.map(sizesOf)),
      origin: { kind: this.kind, source: this.at('uid') },
    };
  }

  /** The services a dashboard shows: its metrics' and SLOs', else every service of its file. */
  private scopeJobs(): string[] {
    const names = new Set<string>();
    for (const row of this.spec.rows) {
      if ('slo' in row) continue;
      for (const panel of row.panels) {
        if ('metric' in panel) {
          const service = this.inputs.metrics.get(panel.metric)?.service;
          if (service !== undefined) names.add(service);
        }
      }
    }
    if (names.size === 0) for (const service of this.fallbackServices) names.add(service);
    return [...names]
      .map((name) => this.inputs.services.get(name)?.job)
      .filter((job): job is string => job !== undefined)
      .sort();
  }

  private buildVariables(): void {
    const seen = new Set<string>();
    this.spec.variables.forEach((spec: DashboardVariableSpec, index) => {
      const at = () => this.at('variables', index);
      const name = typeof spec === 'string' ? spec : spec.name;
      if (seen.has(name)) {
        this.report(at(), `variable ${name} is declared twice`);
        return;
      }
      seen.add(name);
      if (spec === 'service') {
        this.hasServiceVariable = true;
        this.variables.push({ kind: 'custom', name: 'service', label: 'Service', values: this.scopeJobs(), multi: true, includeAll: true });
        this.applied.push({ name: 'service', label: 'job' });
        return;
      }
      if (spec === 'instance') {
        const jobs = this.hasServiceVariable ? '$service' : this.scopeJobs().map(escapeRegex).join('|');
        this.variables.push({
          kind: 'query',
          name: 'instance',
          label: 'Instance',
          query: `label_values(up{job=~${quote(jobs)}}, instance)`,
          multi: true,
          includeAll: true,
        });
        this.applied.push({ name: 'instance', label: 'instance' });
        return;
      }
      const title = spec.title ?? spec.name;
      if ('values' in spec) {
        this.variables.push({ kind: 'custom', name: spec.name, label: title, values: spec.values, multi: true, includeAll: true });
        if (spec.label !== undefined) this.applied.push({ name: spec.name, label: prometheusLabelName(spec.label) });
        return;
      }
      const metric = this.inputs.metrics.get(spec.metric);
      const label = prometheusLabelName(spec.label);
      if (!metric) {
        this.report(this.at('variables', index, 'metric'), `unknown metric ${spec.metric}: expected a metric of the catalog`);
        return;
      }
      const known = metric.labels.find((candidate) => candidate.name === label);
      if (!known && label !== 'job' && label !== 'instance') {
        this.report(
          this.at('variables', index, 'label'),
          `${spec.label} is not a label of ${metric.name}: expected one of ${[...metric.labels.map((l) => l.name), 'instance', 'job'].sort().join(', ')}`,
        );
        return;
      }
      if (known?.allowedValues) {
        this.variables.push({ kind: 'custom', name: spec.name, label: title, values: known.allowedValues, multi: true, includeAll: true });
      } else {
        const series = metric.type === 'histogram' ? `${metric.promName}_count` : metric.promName;
        const scope = this.hasServiceVariable ? [{ label: 'job', op: '=~' as const, value: '$service' }] : [];
        this.variables.push({
          kind: 'query',
          name: spec.name,
          label: title,
          query: `label_values(${selector(series, scope)}, ${label})`,
          multi: true,
          includeAll: true,
        });
      }
      this.applied.push({ name: spec.name, label });
    });
  }

  private findSlo(name: string, service: string | undefined, row: number): Slo | undefined {
    const matches = this.inputs.slos.filter((slo) => slo.name === name && (service === undefined || slo.service.name === service));
    if (matches.length === 1) return matches[0];
    const known = this.inputs.slos.map((slo) => `${slo.service.name}/${slo.name}`).join(', ') || '(none declared)';
    this.report(
      this.at('rows', row, 'slo'),
      matches.length === 0 ? `unknown SLO ${name}: expected one of ${known}` : `SLO ${name} exists for several services: add \`service\``,
    );
    return undefined;
  }

  private metricPanel(spec: MetricPanelSpec, row: number, index: number): Panel | undefined {
    const at: Locate = (...path) => this.at('rows', row, 'panels', index, ...path);
    const metric = this.inputs.metrics.get(spec.metric);
    if (!metric) {
      const near = [...this.inputs.metrics.keys()].filter((known) => known.includes(spec.metric) || spec.metric.includes(known)).slice(0, 3);
      this.report(at('metric'), `unknown metric ${spec.metric}: expected a metric of the catalog${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
      return undefined;
    }
    const known = new Set([...metric.labels.map((label) => label.name), 'job', 'instance']);
    for (const label of [...spec.by, ...Object.keys(spec.matchers)]) {
      if (!known.has(prometheusLabelName(label))) {
        this.report(at(spec.by.includes(label) ? 'by' : 'matchers'), `${label} is not a label of ${metric.name}: expected one of ${[...known].sort().join(', ')}`);
        return undefined;
      }
    }
    if (spec.type === 'heatmap' && metric.type !== 'histogram') {
      this.report(at('type'), `a heatmap needs a histogram's buckets; ${metric.name} is a ${metric.type}`);
      return undefined;
    }
    if (spec.quantiles !== undefined && metric.type !== 'histogram') {
      this.report(at('quantiles'), `\`quantiles\` apply to histograms; ${metric.name} is a ${metric.type}`);
      return undefined;
    }
    if (spec.function !== undefined && metric.type !== 'counter' && metric.type !== 'histogram') {
      this.report(at('function'), `\`function\` applies to counters and histograms; ${metric.name} is a ${metric.type}`);
      return undefined;
    }
    const matchers = this.matchersFor(metric, spec.matchers);
    const shown = shownValue(metric, spec);
    const queries = metricQueries(metric, spec, matchers, shown);
    return {
      title: spec.title ?? defaultTitle(metric, spec, shown),
      type: spec.type,
      description: spec.description ?? metric.description,
      unit: spec.unit ?? grafanaUnit(metric, shown),
      queries,
      thresholds: shown === 'increase' || spec.type === 'heatmap' ? [] : alertThresholds(metric, this.inputs.alerts),
      metric: metric.name,
      ...(spec.min !== undefined ? { min: spec.min } : {}),
      ...(spec.max !== undefined ? { max: spec.max } : {}),
    };
  }

  /** The job (service variable or the metric's own), the dashboard's variables, then the panel's own matchers. */
  private matchersFor(metric: Metric, spec: Record<string, MatcherSpec>): Matcher[] {
    const labels = new Set([...metric.labels.map((label) => label.name), 'job', 'instance']);
    const matchers: Matcher[] = [];
    const job = metric.service !== undefined ? this.inputs.services.get(metric.service)?.job : undefined;
    if (!this.hasServiceVariable && job !== undefined) matchers.push({ label: 'job', op: '=', value: job });
    for (const variable of this.applied) {
      if (labels.has(variable.label)) matchers.push({ label: variable.label, op: '=~', value: `$${variable.name}` });
    }
    for (const [label, value] of Object.entries(spec)) {
      const name = prometheusLabelName(label);
      if (typeof value === 'string') matchers.push({ label: name, op: '=', value });
      else if ('regex' in value) matchers.push({ label: name, op: '=~', value: value.regex });
      else if ('not' in value) matchers.push({ label: name, op: '!=', value: value.not });
      else matchers.push({ label: name, op: '!~', value: value.not_regex });
    }
    return matchers;
  }
}

function shownValue(metric: Metric, spec: MetricPanelSpec): ShownValue {
  if (metric.type === 'counter') return spec.function ?? 'rate';
  if (metric.type === 'histogram' && spec.function !== undefined) return spec.function;
  return 'value';
}

function defaultTitle(metric: Metric, spec: MetricPanelSpec, shown: ShownValue): string {
  if (metric.type === 'histogram' && spec.type === 'heatmap') return `${metric.name} distribution`;
  if (metric.type === 'histogram' && shown === 'rate') return `${metric.name} per second`;
  if (metric.type === 'histogram' && shown === 'increase') return `${metric.name} count`;
  if (shown === 'rate') return `${metric.name} per second`;
  if (shown === 'increase') return `${metric.name} (increase)`;
  return metric.name;
}

function legendOf(labels: readonly string[], prefix = ''): string {
  const parts = labels.map((label) => `{{${label}}}`);
  return [prefix, ...parts].filter(Boolean).join(' ');
}

function metricQueries(metric: Metric, spec: MetricPanelSpec, matchers: readonly Matcher[], shown: ShownValue): PanelQuery[] {
  const instant = INSTANT_TYPES.includes(spec.type);
  const format: PanelQuery['format'] = spec.type === 'table' ? 'table' : 'time_series';
  const groups = spec.by.map(prometheusLabelName);
  const legend = (prefix = '') => legendOf(groups, prefix) || metric.name;
  const window = shown === 'increase' && instant ? '[$__range]' : '[$__rate_interval]';
  const fn = shown === 'increase' ? 'increase' : 'rate';
  const series = (suffix = '') => selector(`${metric.promName}${suffix}`, matchers);
  switch (metric.type) {
    case 'gauge':
    case 'updowncounter':
      return [{ expr: `${spec.aggregate ?? 'avg'}${by(groups)}(${series()})`, legend: legend(), format, instant }];
    case 'counter':
      return [{ expr: `${spec.aggregate ?? 'sum'}${by(groups)}(${fn}(${series()}${window}))`, legend: legend(), format, instant }];
    case 'histogram': {
      if (spec.type === 'heatmap') {
        return [{ expr: `sum by (le) (${fn}(${series('_bucket')}[$__rate_interval]))`, legend: '{{le}}', format: 'heatmap', instant: false }];
      }
      if (shown !== 'value') {
        return [{ expr: `${spec.aggregate ?? 'sum'}${by(groups)}(${fn}(${series('_count')}${window}))`, legend: legend(), format, instant }];
      }
      const quantiles = spec.quantiles ?? (instant ? [0.99] : DEFAULT_QUANTILES);
      return quantiles.map((quantile) => ({
        expr: `histogram_quantile(${num(quantile)}, sum${by(['le', ...groups])}(rate(${series('_bucket')}[$__rate_interval])))`,
        legend: legendOf(groups, `p${num(quantile * 100)}`),
        format,
        instant,
      }));
    }
  }
}

/** The fixed bounds of the alerts that watch a metric: threshold and forecast conditions. */
function alertThresholds(metric: Metric, alerts: readonly Alert[]): PanelThreshold[] {
  const thresholds: PanelThreshold[] = [];
  for (const alert of alerts) {
    const condition = alert.condition;
    if ((condition.kind === 'threshold' || condition.kind === 'forecast') && condition.value.metric.name === metric.name) {
      thresholds.push({ value: condition.bound.value, op: condition.bound.op, severity: alert.severity, alert: alert.name });
      if (alert.escalation) {
        thresholds.push({ value: condition.bound.value, op: condition.bound.op, severity: alert.escalation.severity, alert: `${alert.name} (escalated)` });
      }
    }
  }
  return sortThresholds(thresholds);
}

function sortThresholds(thresholds: PanelThreshold[]): PanelThreshold[] {
  return thresholds.sort((a, b) => a.value - b.value || compareText(a.alert, b.alert));
}

function promqlPanel(spec: PromqlPanelSpec): Panel {
  const instant = INSTANT_TYPES.includes(spec.type);
  const format: PanelQuery['format'] = spec.type === 'table' ? 'table' : spec.type === 'heatmap' ? 'heatmap' : 'time_series';
  const queries =
    typeof spec.promql === 'string'
      ? [{ expr: spec.promql.trim(), legend: spec.legend ?? '', format, instant }]
      : spec.promql.map((query) => ({ expr: query.expr.trim(), legend: query.legend, format, instant }));
  return {
    title: spec.title,
    type: spec.type,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    unit: spec.unit ?? 'short',
    queries,
    thresholds: [],
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
  };
}

/** The identifying selector of an SLO's recording rules, filtered by the variables on its groups. */
function sloSelector(record: string, slo: Slo, applied: readonly AppliedVariable[]): string {
  const matchers: Matcher[] = [{ label: 'slo_id', op: '=', value: `${slo.service.name}-${slo.name}` }];
  for (const variable of applied) {
    if (slo.groupBy.includes(variable.label)) matchers.push({ label: variable.label, op: '=~', value: `$${variable.name}` });
  }
  return selector(record, matchers);
}

function burnThresholds(slo: Slo): PanelThreshold[] {
  return sortThresholds(
    slo.tiers.map((tier) => ({
      value: tier.factor,
      op: '>' as const,
      severity: (tier.alert === 'page' ? slo.page?.severity : slo.ticket?.severity) ?? 'warning',
      alert: `${slo.alertName} (${tier.name})`,
    })),
  );
}

/** The ready-made SLO row: objective, SLI over the period, budget left, burn rates. */
function sloPanels(slo: Slo, applied: readonly AppliedVariable[]): Panel[] {
  const record = (name: string) => sloSelector(name, slo, applied);
  const legend = (prefix: string) => legendOf(slo.groupBy, prefix);
  const period = formatDuration(slo.windowSeconds);
  // Rounded for reading: (100 - 99.9) / 100 is 0.0009999999999999432 in floating point.
  const budget = Number(errorBudget(slo).toPrecision(12));
  const windows = burnWindowsSeconds(slo.tiers.length > 0 ? slo.tiers : undefined);
  const instant = (expr: string, prefix: string): PanelQuery => ({ expr, legend: legend(prefix), format: 'time_series', instant: true });
  const range = (expr: string, prefix: string): PanelQuery => ({ expr, legend: legend(prefix), format: 'time_series', instant: false });
  const objective = Number((slo.objectivePercent / 100).toPrecision(12));
  return [
    {
      title: `SLI over ${period} (objective ${num(slo.objectivePercent)}%)`,
      type: 'stat',
      description: slo.description ?? `${slo.service.name} ${slo.name}`,
      unit: 'percentunit',
      queries: [instant(`1 - ${record('slo:period_burn_rate:ratio')} * ${num(budget)}`, 'SLI')],
      thresholds: [{ value: objective, op: '<', severity: slo.ticket?.severity ?? slo.page?.severity ?? 'warning', alert: slo.alertName }],
    },
    {
      title: `Error budget remaining (${period})`,
      type: 'gauge',
      unit: 'percentunit',
      queries: [instant(record('slo:period_error_budget_remaining:ratio'), 'remaining')],
      thresholds: [],
      min: 0,
      max: 1,
    },
    {
      title: 'Burn rate (5m)',
      type: 'stat',
      unit: 'short',
      queries: [instant(record('slo:current_burn_rate:ratio'), 'burn rate')],
      thresholds: burnThresholds(slo),
    },
    {
      title: 'Burn rate over the period',
      type: 'stat',
      unit: 'short',
      queries: [instant(record('slo:period_burn_rate:ratio'), 'period burn rate')],
      thresholds: [{ value: 1, op: '>', severity: slo.ticket?.severity ?? 'warning', alert: `${slo.alertName} (budget)` }],
    },
    {
      title: 'SLI error ratio',
      type: 'timeseries',
      unit: 'percentunit',
      queries: windows.map((window) => range(record(errorRatioRecord(window)), formatDuration(window))),
      thresholds: [],
      min: 0,
    },
    {
      title: 'Burn rate by alert window',
      type: 'timeseries',
      unit: 'short',
      queries: [...new Set(slo.tiers.map((tier) => tier.longWindowSeconds))].map((window) =>
        range(`${record(errorRatioRecord(window))} / ${num(budget)}`, formatDuration(window)),
      ),
      thresholds: burnThresholds(slo),
      min: 0,
    },
  ].filter((panel) => panel.queries.length > 0) as Panel[];
}

/** One dashboard over every SLO: a summary table, budgets and burn rates side by side, then one row each. */
function sloOverview(slos: readonly Slo[]): Dashboard {
  const ids = ['slo_service', 'slo_name'];
  const groupLabels = [...new Set(slos.flatMap((slo) => slo.groupBy))].sort();
  const variables: DashboardVariable[] = groupLabels.map((label) => ({
    kind: 'query',
    name: label,
    label,
    query: `label_values(slo:current_burn_rate:ratio, ${label})`,
    multi: true,
    includeAll: true,
  }));
  const applied = groupLabels.map((label) => ({ name: label, label }));
  const table = (expr: string, legend: string): PanelQuery => ({ expr, legend, format: 'table', instant: true });
  const tiers = BURN_TIERS.map((tier) => ({
    value: tier.factor,
    op: '>' as const,
    severity: tier.alert === 'page' ? ('critical' as const) : ('warning' as const),
    alert: `${tier.alert} (${tier.name} tier)`,
  }));
  const summary: DashboardRow = {
    title: 'All SLOs',
    collapsed: false,
    panels: [
      {
        title: 'SLOs',
        type: 'table',
        description: 'Objective, SLI over the SLO period (worst group), error budget left and current burn rate of every SLO.',
        unit: 'percentunit',
        queries: [
          table(`max${by(ids)}(slo:objective:ratio)`, 'objective'),
          table(`min${by(ids)}(1 - slo:period_burn_rate:ratio * on (slo_id) group_left () slo:error_budget:ratio)`, 'SLI'),
          table(`min${by(ids)}(slo:period_error_budget_remaining:ratio)`, 'budget remaining'),
          table(`max${by(ids)}(slo:current_burn_rate:ratio)`, 'burn rate'),
        ],
        thresholds: [],
      },
      {
        title: 'Error budget remaining',
        type: 'bargauge',
        unit: 'percentunit',
        queries: [{ expr: `min by (slo_id) (slo:period_error_budget_remaining:ratio)`, legend: '{{slo_id}}', format: 'time_series', instant: true }],
        thresholds: [],
        min: 0,
        max: 1,
      },
      {
        title: 'Burn rate (5m)',
        type: 'timeseries',
        unit: 'short',
        queries: [{ expr: `max by (slo_id) (slo:current_burn_rate:ratio)`, legend: '{{slo_id}}', format: 'time_series', instant: false }],
        thresholds: sortThresholds(tiers),
        min: 0,
      },
    ],
  };
  const rows: DashboardRow[] = [
    summary,
    ...slos.map((slo) => ({ title: `${slo.service.name}/${slo.name}`, collapsed: true, panels: sloPanels(slo, applied) })),
  ];
  return {
    uid: SLO_OVERVIEW_UID,
    title: 'SLO overview',
    description: 'Every SLO of the definitions: objective, SLI, error budget and burn rates, from the SLO recording rules.',
    tags: ['vigil', 'slo'],
    refresh: '1m',
    timeFrom: 'now-24h',
    variables,
    rows: layoutRows(rows, rows.map(() => [])),
    origin: { kind: 'slo-overview' },
  };
}

type PanelSize = { width?: number | undefined; height?: number | undefined };

function sizesOf(row: DashboardSpec['rows'][number]): PanelSize[] {
  return 'panels' in row ? row.panels.map((panel) => ({ width: panel.width, height: panel.height })) : [];
}

/**
 * Places rows and panels on Grafana's 24-column grid: each row header takes one line, its panels
 * fill lines left to right, wrapping when the next one does not fit.
 */
function layoutRows(rows: DashboardRow[], sizes: PanelSize[][]): DashboardRow[] {
  let y = 0;
  return rows.map((row, rowIndex) => {
    y += 1; // the row header
    let x = 0;
    let lineHeight = 0;
    const panels = row.panels.map((panel, index) => {
      const size = sizes[rowIndex]?.[index] ?? {};
      const w = size.width ?? DEFAULT_WIDTH[panel.type];
      const h = size.height ?? (INSTANT_TYPES.includes(panel.type) && panel.type !== 'table' ? 6 : DEFAULT_HEIGHT);
      if (x + w > 24) {
        x = 0;
        y += lineHeight;
        lineHeight = 0;
      }
      const placed = { ...panel, gridPos: { x, y, w, h } };
      x += w;
      lineHeight = Math.max(lineHeight, h);
      return placed;
    });
    y += lineHeight;
    return { ...row, panels };
  });
}
