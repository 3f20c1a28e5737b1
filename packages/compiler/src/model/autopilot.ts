import type { InconclusivePolicy, RandomizationUnit, KpiDirection, KpiKind, KpiRole, ParameterType, SlidingBoundsSettings, TimeOfDay } from '@vigil/conventions';
import type { SourceLocation } from '../errors.js';

/**
 * An autopilot as the controller consumes it: plain data, durations in seconds, every KPI
 * resolved to PromQL that returns one series per `variant` (`control`, `canary`). `$__range` in
 * a query stands for the window the controller asks about.
 */
export interface Autopilot {
  service: string;
  enabled: boolean;
  parametersFile: string;
  prometheusUrl: string;
  stateFile: string;
  /** Prefix of the controller's own metrics. */
  metricsPrefix: string;
  /** Where Prometheus scrapes them: the service owning the catalog's `<prefix>_*` metrics, with its first target's port. */
  metricsEndpoint?: { service: string; port: number };
  /** Daily cycle time, UTC. */
  daily: TimeOfDay;
  analysisWindowSeconds: number;
  canary: {
    durationSeconds: number;
    trafficPercent: number;
    confidence: number;
    /** Warm-up before the per-minute watcher looks (0: none). */
    initialDelaySeconds: number;
    /** An inconclusive canary is reverted; `pause` also stops cycles until a person resumes, `notify` posts an event. */
    onInconclusive: InconclusivePolicy;
    /** Consecutive looks without data for a guard KPI that revert the canary. */
    maxQueryErrors: number;
    /**
     * The unit the split assigns, with the requests one unit sends over the window (1 for
     * requests) and their intra-cluster correlation (0 for requests): the count tests inflate
     * their variance by the design effect 1 + (requestsPerUnit - 1) x intraClusterCorrelation.
     */
    randomization: { unit: RandomizationUnit; requestsPerUnit: number; intraClusterCorrelation: number };
  };
  /** Decide and explain without writing the parameters file or its candidate. */
  dryRun: boolean;
  maxCycleSeconds: number;
  /** Versions of the parameters file older than this are pruned. */
  historyRetentionSeconds: number;
  manualOverrideSeconds: number;
  maxParametersPerCycle: number;
  slidingBounds: SlidingBoundsSettings;
  drift: { predictionErrorPercent: number; rollbackRatePercent: number; windowSeconds: number; pauseSeconds: number; maxPauseSeconds: number };
  triage: {
    /** 0 = Sunday. */
    weekly: TimeOfDay & { dayOfWeek: number };
    windowSeconds: number;
    patchAfter: number;
    forge?: { url: string; repository: string; tokenFile: string };
  };
  gates: {
    golden?: { command: string[]; timeoutSeconds: number };
    benchmark?: { command: string[]; timeoutSeconds: number; baselineFile: string; maxRegression: number };
  };
  parameters: AutopilotParameter[];
  kpis: AutopilotKpi[];
  source: SourceLocation;
}

export interface AutopilotParameter {
  name: string;
  path: string;
  type: ParameterType;
  bounds: { min: number; max: number };
  limits: { min: number; max: number };
  step: number;
}

/** How a KPI is read: the query (or queries) and which test compares the variants. */
export type KpiQueries =
  /** Two counts per variant: events (numerator) and exposure (denominator). */
  | { kind: 'ratio'; numerator: string; denominator: string }
  /** Bucket counts per variant and `le`, from a histogram. */
  | { kind: 'distribution'; buckets: string }
  /** One reading per variant, sampled over the window by a range query. */
  | { kind: 'gauge'; value: string }
  /** User PromQL; one series per variant. */
  | { kind: KpiKind; promql: string };

export interface AutopilotKpi {
  name: string;
  direction: KpiDirection;
  weight: number;
  role: KpiRole;
  margin: number;
  minDetectableEffect: number;
  /** Declared traffic (all variants), for the power check at validation; `rate` for ratios, `relativeSd` for the others. */
  expectedTraffic?: { perMinute: number; rate?: number; relativeSd?: number };
  queries: KpiQueries;
}
