import { AUTOPILOT_CONTRACT_DEFAULTS, kpiDirectionOf, kpiRoleOf, prometheusLabelName, WEEK_DAYS } from '@vigil/conventions';
import type { SourceLocation } from '../errors.js';
import { selector } from '../promql/build.js';
import type { AutopilotSpec } from '../spec/autopilot-schema.js';
import { parseDuration } from '../spec/duration.js';
import type { LoadedDefinitions } from '../spec/load.js';
import type { Autopilot, AutopilotKpi, KpiQueries } from './autopilot.js';
import { checkAutopilotMetrics } from './autopilot-metrics.js';
import type { InstrumentType, Matcher, Metric, Service } from './types.js';

/** Receives each problem found, with where it is. */
type Report = (at: SourceLocation, message: string) => void;
type Locate = (...path: (string | number)[]) => SourceLocation;

/** The label that tells control from canary on every KPI series. */
export const VARIANT_LABEL = 'variant';

const seconds = (text: string): number => parseDuration(text) ?? 0;
const timeOfDay = (text: string): { hour: number; minute: number } => {
  const [hour, minute] = text.split(':').map(Number);
  return { hour: hour ?? 0, minute: minute ?? 0 };
};

/** Resolves every `autopilot:` section against the catalog: KPIs become PromQL by variant. */
export function buildAutopilots(
  files: readonly LoadedDefinitions[],
  inputs: { services: ReadonlyMap<string, Service>; metrics: ReadonlyMap<string, Metric> },
  report: Report,
): Autopilot[] {
  const autopilots: Autopilot[] = [];
  const seen = new Map<string, SourceLocation>();
  for (const file of files) {
    const spec = file.spec.autopilot;
    if (!spec) continue;
    const at: Locate = (...path) => file.locate(['autopilot', ...path]);
    const source = at();
    if (!inputs.services.has(spec.service)) {
      report(at('service'), `unknown service ${spec.service}: expected one of ${[...inputs.services.keys()].join(', ') || '(none declared)'}`);
    }
    const previous = seen.get(spec.service);
    if (previous) report(source, `an autopilot for ${spec.service} is already declared at ${previous.file}:${previous.line}`);
    seen.set(spec.service, source);
    const built = buildAutopilot(spec, inputs.metrics, at, report, source);
    const metricsEndpoint = checkAutopilotMetrics(spec.metrics_prefix, inputs.metrics.values(), inputs.services, report);
    if (built) autopilots.push({ ...built, ...(metricsEndpoint ? { metricsEndpoint } : {}) });
  }
  return autopilots;
}

function buildAutopilot(spec: AutopilotSpec, metrics: ReadonlyMap<string, Metric>, at: Locate, report: Report, source: SourceLocation): Autopilot | undefined {
  const names = new Set<string>();
  for (const [index, parameter] of spec.parameters.entries()) {
    if (names.has(parameter.name)) report(at('parameters', index, 'name'), `parameter ${parameter.name} is declared twice`);
    names.add(parameter.name);
    if (parameter.type === 'int' && !Number.isInteger(parameter.step)) report(at('parameters', index, 'step'), 'an int parameter needs a whole step');
  }
  const kpis: AutopilotKpi[] = [];
  for (const [index, kpi] of spec.kpis.entries()) {
    const queries = kpiQueries(kpi, metrics, (...path) => at('kpis', index, ...path), report);
    if (!queries) continue;
    kpis.push({
      name: kpi.name,
      direction: kpiDirectionOf(kpi.direction),
      weight: kpi.weight,
      role: kpiRoleOf(kpi.role),
      margin: kpi.margin,
      minDetectableEffect: kpi.min_detectable_effect,
      ...(kpi.expected_traffic
        ? {
            expectedTraffic: {
              perMinute: kpi.expected_traffic.per_minute,
              ...(kpi.expected_traffic.rate === undefined ? {} : { rate: kpi.expected_traffic.rate }),
              ...(kpi.expected_traffic.relative_sd === undefined ? {} : { relativeSd: kpi.expected_traffic.relative_sd }),
            },
          }
        : {}),
      queries,
    });
  }
  if (kpis.length !== spec.kpis.length) return undefined;
  return {
    service: spec.service,
    enabled: spec.enabled,
    parametersFile: spec.parameters_file,
    prometheusUrl: spec.prometheus_url,
    stateFile: spec.state_file,
    metricsPrefix: spec.metrics_prefix,
    daily: timeOfDay(spec.schedule.daily),
    analysisWindowSeconds: seconds(spec.analysis_window),
    canary: {
      durationSeconds: seconds(spec.canary.duration),
      trafficPercent: spec.canary.traffic_percent,
      confidence: spec.canary.confidence,
      initialDelaySeconds: spec.canary.initial_delay === undefined ? 0 : seconds(spec.canary.initial_delay),
      onInconclusive: spec.canary.on_inconclusive,
      maxQueryErrors: spec.canary.max_query_errors,
      randomization:
        spec.canary.unit === 'requests'
          ? { unit: 'requests', requestsPerUnit: 1, intraClusterCorrelation: 0 }
          : {
              unit: spec.canary.unit,
              requestsPerUnit: spec.canary.requests_per_unit ?? 1,
              intraClusterCorrelation: spec.canary.intra_cluster_correlation ?? AUTOPILOT_CONTRACT_DEFAULTS.canary.intraClusterCorrelation,
            },
    },
    dryRun: spec.dry_run,
    maxCycleSeconds: seconds(spec.max_cycle_duration),
    historyRetentionSeconds: seconds(spec.history_retention),
    manualOverrideSeconds: seconds(spec.manual_override),
    maxParametersPerCycle: spec.max_parameters_per_cycle,
    slidingBounds: {
      expansionPerWeek: spec.sliding_bounds.expansion_per_week,
      contractionAfterRollback: spec.sliding_bounds.contraction_after_rollback,
      stabilityDays: spec.sliding_bounds.stability_days,
      rollbackThreshold: spec.sliding_bounds.rollback_threshold,
      antiWindup: spec.sliding_bounds.anti_windup,
    },
    drift: {
      predictionErrorPercent: spec.drift.prediction_error_percent,
      rollbackRatePercent: spec.drift.rollback_rate_percent,
      windowSeconds: seconds(spec.drift.window),
      pauseSeconds: seconds(spec.drift.pause),
      maxPauseSeconds: seconds(spec.drift.max_pause),
    },
    triage: {
      weekly: { dayOfWeek: WEEK_DAYS.indexOf(spec.triage.weekly.day), ...timeOfDay(spec.triage.weekly.time) },
      windowSeconds: seconds(spec.triage.window),
      patchAfter: spec.triage.patch_after,
      ...(spec.triage.forge ? { forge: { url: spec.triage.forge.url, repository: spec.triage.forge.repository, tokenFile: spec.triage.forge.token_file } } : {}),
    },
    gates: {
      ...(spec.gates.golden ? { golden: { command: spec.gates.golden.command, timeoutSeconds: seconds(spec.gates.golden.timeout) } } : {}),
      ...(spec.gates.benchmark
        ? {
            benchmark: {
              command: spec.gates.benchmark.command,
              timeoutSeconds: seconds(spec.gates.benchmark.timeout),
              baselineFile: spec.gates.benchmark.baseline_file,
              maxRegression: spec.gates.benchmark.max_regression,
            },
          }
        : {}),
    },
    parameters: spec.parameters.map((p) => ({ name: p.name, path: p.path, type: p.type, bounds: p.bounds, limits: p.limits ?? p.bounds, step: p.step })),
    kpis,
    source,
  };
}

type KpiSpec = AutopilotSpec['kpis'][number];

function kpiQueries(kpi: KpiSpec, metrics: ReadonlyMap<string, Metric>, at: Locate, report: Report): KpiQueries | undefined {
  if ('promql' in kpi) {
    if (!kpi.promql.includes(VARIANT_LABEL)) report(at('promql'), `the query must return one series per ${VARIANT_LABEL} (e.g. sum by (${VARIANT_LABEL}) (...))`);
    return { kind: kpi.kind, promql: kpi.promql };
  }
  const resolve = (name: string, matchers: Record<string, string>, types: readonly InstrumentType[], what: string, ...path: (string | number)[]) => {
    const metric = metrics.get(name);
    if (!metric) {
      report(at(...path, 'metric'), `unknown metric ${name}: expected a metric of the catalog`);
      return undefined;
    }
    if (!types.includes(metric.type)) {
      report(at(...path, 'metric'), `${what} needs a ${types.join(' or ')}; ${name} is a ${metric.type}`);
      return undefined;
    }
    const labels = new Set(metric.labels.map((l) => l.name));
    if (!labels.has(VARIANT_LABEL)) {
      report(at(...path, 'metric'), `${name} has no ${VARIANT_LABEL} label: add \`${VARIANT_LABEL}: { values: [control, canary] }\` to its labels so the canary can be compared`);
      return undefined;
    }
    const list: Matcher[] = [];
    for (const [label, value] of Object.entries(matchers)) {
      if (!labels.has(prometheusLabelName(label))) {
        report(at(...path, 'matchers', label), `${label} is not a label of ${name}: expected one of ${[...labels].sort().join(', ')}`);
        return undefined;
      }
      list.push({ label: prometheusLabelName(label), op: '=', value });
    }
    return { metric, matchers: list };
  };
  if ('ratio' in kpi) {
    const numerator = resolve(kpi.ratio.numerator.metric, kpi.ratio.numerator.matchers, ['counter'], 'a ratio KPI', 'ratio', 'numerator');
    const denominator = resolve(kpi.ratio.denominator.metric, kpi.ratio.denominator.matchers, ['counter'], 'a ratio KPI', 'ratio', 'denominator');
    if (!numerator || !denominator) return undefined;
    const count = (ref: NonNullable<typeof numerator>) => `sum by (${VARIANT_LABEL}) (increase(${selector(ref.metric.promName, ref.matchers)}[$__range]))`;
    return { kind: 'ratio', numerator: count(numerator), denominator: count(denominator) };
  }
  if ('distribution' in kpi) {
    const ref = resolve(kpi.distribution.metric, kpi.distribution.matchers, ['histogram'], 'a distribution KPI', 'distribution');
    if (!ref) return undefined;
    return { kind: 'distribution', buckets: `sum by (${VARIANT_LABEL}, le) (increase(${selector(`${ref.metric.promName}_bucket`, ref.matchers)}[$__range]))` };
  }
  const ref = resolve(kpi.gauge.metric, kpi.gauge.matchers, ['gauge', 'updowncounter'], 'a gauge KPI', 'gauge');
  if (!ref) return undefined;
  return { kind: 'gauge', value: `avg by (${VARIANT_LABEL}) (${selector(ref.metric.promName, ref.matchers)})` };
}
