import { prometheusLabelName } from '@vigil/conventions';
import type { SourceLocation } from '../errors.js';
import type { InstrumentType, Metric, Service } from './types.js';

/** The prefix of the controller's own metrics when the definitions name none. */
export const DEFAULT_AUTOPILOT_METRICS_PREFIX = 'vigil_autopilot';

/** One metric the autopilot controller records about itself, named `<prefix>_<suffix>`. */
export interface AutopilotMetricSpec {
  suffix: string;
  type: InstrumentType;
  unit: string;
  description: string;
  /** Label names and their closed value sets (`undefined`: free values, capped). */
  labels: Readonly<Record<string, readonly string[] | undefined>>;
  buckets?: readonly number[];
}

/**
 * What the controller exports (after the VVTV P4 design's metrics): the single list both the
 * controller (which records them) and the definitions check (which compares the catalog's
 * `<prefix>_*` metrics with it) read, so the alerts and dashboards cannot drift from it.
 */
export const AUTOPILOT_METRICS: readonly AutopilotMetricSpec[] = [
  { suffix: 'cycles', type: 'counter', unit: '1', description: 'Finished autopilot cycles by final status', labels: { status: ['completed', 'failed', 'rolled_back'] } },
  {
    suffix: 'cycle_failures',
    type: 'counter',
    unit: '1',
    description: 'Failed or rolled-back autopilot cycles by reason',
    labels: { reason: ['validation_failure', 'canary_failure', 'timeout', 'other'] },
  },
  {
    suffix: 'cycle_duration_seconds',
    type: 'histogram',
    unit: 's',
    description: "Working time of an autopilot cycle (analysis, validation and the decision's act; the canary's wait excluded)",
    labels: {},
    buckets: [30, 60, 120, 300, 480, 600, 900],
  },
  { suffix: 'last_cycle_timestamp_seconds', type: 'gauge', unit: 's', description: 'Unix time at which the last autopilot cycle finished', labels: {} },
  { suffix: 'paused', type: 'gauge', unit: '1', description: '1 while the autopilot is paused for the given reason', labels: { reason: ['drift', 'validation_failure', 'emergency', 'manual_override'] } },
  { suffix: 'consecutive_failures', type: 'gauge', unit: '1', description: 'Consecutive failed or rolled-back cycles', labels: {} },
  {
    suffix: 'parameter_changes',
    type: 'counter',
    unit: '1',
    description: 'Proposed parameter changes by change type',
    labels: { change_type: ['optimization', 'correction', 'exploration', 'rollback'] },
  },
  { suffix: 'canary_results', type: 'counter', unit: '1', description: "Canary outcomes by the judge's recommendation", labels: { recommendation: ['proceed', 'rollback', 'inconclusive'] } },
  { suffix: 'canary_confidence_ratio', type: 'gauge', unit: '1', description: "Confidence (0-1) of the last judged canary's decisive test", labels: {} },
  { suffix: 'rollbacks', type: 'counter', unit: '1', description: 'Parameter rollbacks by trigger', labels: { trigger: ['canary_degradation', 'kpi_gate', 'drift', 'manual'] } },
  { suffix: 'rollback_verification_failures', type: 'counter', unit: '1', description: 'Rollbacks whose execution failed', labels: {} },
  { suffix: 'bounds_adjustments', type: 'counter', unit: '1', description: 'Sliding-bounds adjustments by kind', labels: { kind: ['expansion', 'contraction', 'anti_windup'] } },
  { suffix: 'parameter_rollback_count', type: 'gauge', unit: '1', description: 'Unforgiven rollbacks per parameter', labels: { parameter: undefined } },
  {
    suffix: 'drift_events',
    type: 'counter',
    unit: '1',
    description: 'Drift events detected and the action taken',
    labels: {
      event_type: ['prediction_error_high', 'rollback_rate_high', 'consecutive_failures', 'system_instability'],
      action: ['continue_monitoring', 'pause_autopilot', 'contract_bounds', 'trigger_incident_triage'],
    },
  },
  { suffix: 'triage_last_run_timestamp_seconds', type: 'gauge', unit: 's', description: 'Unix time of the last weekly triage', labels: {} },
  {
    suffix: 'triage_patch_suggestions',
    type: 'counter',
    unit: '1',
    description: 'Bounds patch suggestions of the weekly triage by failure category',
    labels: { category: ['performance_degradation', 'stability_issues', 'validation_failures', 'canary_rollbacks', 'drift_detection'] },
  },
  {
    suffix: 'prediction_error_ratio',
    type: 'gauge',
    unit: '1',
    description: 'Mean absolute relative error (0-1) of predicted vs realised weighted KPI change over the drift window',
    labels: {},
  },
];

/**
 * Compares the catalog's `<prefix>_*` metrics with what the controller records (type and label
 * names), reporting each mismatch at the metric's line, and finds where Prometheus scrapes the
 * controller: the service owning those metrics, on its first target's port.
 */
export function checkAutopilotMetrics(
  prefix: string,
  catalog: Iterable<Metric>,
  services: ReadonlyMap<string, Service>,
  report: (at: SourceLocation, message: string) => void,
): { service: string; port: number } | undefined {
  const bySuffix = new Map(AUTOPILOT_METRICS.map((m) => [`${prefix}_${m.suffix}`, m]));
  let owner: string | undefined;
  for (const metric of catalog) {
    const name = prometheusLabelName(metric.name);
    if (!name.startsWith(`${prefix}_`)) continue;
    const spec = bySuffix.get(name);
    if (!spec) {
      report(metric.source, `the autopilot controller records no metric ${name} (metrics_prefix ${prefix}): expected one of ${[...bySuffix.keys()].join(', ')}`);
      continue;
    }
    if (metric.type !== spec.type) report(metric.source, `${name} is recorded by the autopilot controller as a ${spec.type}; the catalog declares a ${metric.type}`);
    const declared = metric.labels.map((l) => l.name).sort();
    const recorded = Object.keys(spec.labels).sort();
    if (declared.join(',') !== recorded.join(',')) {
      report(metric.source, `${name} carries the labels [${recorded.join(', ')}] when the autopilot controller records it; the catalog declares [${declared.join(', ')}]`);
    }
    owner ??= metric.service;
  }
  const service = owner === undefined ? undefined : services.get(owner);
  const target = service?.targets[0];
  const port = target === undefined ? undefined : Number(/:(\d+)$/.exec(target)?.[1]);
  return service && port !== undefined && Number.isInteger(port) ? { service: service.name, port } : undefined;
}
