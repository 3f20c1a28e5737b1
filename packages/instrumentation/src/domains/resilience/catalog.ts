import type { Catalog, CatalogLabel } from '../../catalog.js';
import type { MetricOf } from '../shared/domain-metrics.js';

/** Outcomes of one protected call (`rejected` = short-circuited by the open breaker). */
export const CALL_OUTCOMES = ['success', 'error', 'timeout', 'rejected'] as const;
/** Circuit breaker states as label values. */
export const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;

export type CallOutcome = (typeof CALL_OUTCOMES)[number];
export type BreakerStateName = (typeof BREAKER_STATES)[number];

/** How the resilience metrics are named for one team. */
export interface ResilienceNaming {
  /** Name prefix: `vvtv_llm` gives `vvtv_llm_calls`, `vvtv_llm_circuit_breaker_state`, ... */
  prefix: string;
  /** The protected services as a `service` label; omit for a single unnamed dependency. */
  services?: readonly string[];
  /** Values of a `variant` label on `<prefix>_calls` (the autopilot's canary arms); the first is the default. */
  variants?: readonly string[];
}

/**
 * VVTV's LLM orchestrator (`definitions/vvtv.yaml`, 000 P7): one breaker, no `service` label;
 * calls carry `variant` (control, canary) for the autopilot's canary gate (001).
 */
export const VVTV_LLM_NAMING: ResilienceNaming = { prefix: 'vvtv_llm', variants: ['control', 'canary'] };

/** Chorus' circuit breaker manager (`definitions/chorus.yaml`, 002). */
export const CHORUS_NAMING: ResilienceNaming = { prefix: 'chorus', services: ['redis', 'telemetry_export', 'external_api'] };

/** Buckets of the call latency histogram (s), covering the 1 s, 5 s and 30 s timeout scenarios of 000. */
export const CALL_DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/** The names of the resilience metrics for a naming. */
export function resilienceMetricNames(naming: ResilienceNaming) {
  const p = naming.prefix;
  return {
    calls: `${p}_calls`,
    callDuration: `${p}_call_duration_seconds`,
    fallbacks: `${p}_fallback_activations`,
    retries: `${p}_retries`,
    tokens: `${p}_tokens`,
    breakerState: `${p}_circuit_breaker_state`,
    breakerTransitions: `${p}_circuit_breaker_transitions`,
    breakerFailures: `${p}_circuit_breaker_failures`,
  } as const;
}

/** A resilience catalog: one metric per handle, named by a {@link ResilienceNaming}. */
export interface ResilienceCatalog extends Catalog {
  readonly metrics: {
    readonly calls: MetricOf<'counter'>;
    readonly callDuration: MetricOf<'histogram'>;
    readonly fallbacks: MetricOf<'counter'>;
    readonly retries: MetricOf<'counter'>;
    readonly tokens: MetricOf<'counter'>;
    readonly breakerState: MetricOf<'gauge'>;
    readonly breakerTransitions: MetricOf<'counter'>;
    readonly breakerFailures: MetricOf<'counter'>;
  };
}

/**
 * The resilience catalog for a naming. With {@link VVTV_LLM_NAMING} and {@link CHORUS_NAMING}
 * the names, types, units and labels are those of `definitions/vvtv.yaml` and
 * `definitions/chorus.yaml`, so their alerts match what this module records.
 */
export function resilienceCatalog(naming: ResilienceNaming): ResilienceCatalog {
  const names = resilienceMetricNames(naming);
  const service: Record<string, CatalogLabel> = naming.services ? { service: { values: naming.services } } : {};
  const variant: Record<string, CatalogLabel> = naming.variants ? { variant: { values: naming.variants } } : {};
  return {
    metrics: {
      calls: {
        name: names.calls,
        type: 'counter',
        unit: '1',
        description: 'Protected calls by outcome (rejected = short-circuited by the open breaker)',
        labels: { ...service, outcome: { values: CALL_OUTCOMES }, ...variant },
      },
      callDuration: {
        name: names.callDuration,
        type: 'histogram',
        unit: 's',
        description: 'Protected call latency, retries included',
        labels: { ...service },
        buckets: CALL_DURATION_BUCKETS,
      },
      fallbacks: {
        name: names.fallbacks,
        type: 'counter',
        unit: '1',
        description: 'Calls answered by the fallback path instead of the dependency',
        labels: { ...service },
      },
      retries: { name: names.retries, type: 'counter', unit: '1', description: 'Retried attempts', labels: { ...service } },
      tokens: {
        name: names.tokens,
        type: 'counter',
        unit: '1',
        description: 'LLM tokens used by protected calls',
        labels: { ...service, token_type: { values: ['prompt', 'completion'] } },
      },
      breakerState: {
        name: names.breakerState,
        type: 'gauge',
        unit: '1',
        description: '1 for the current state of the circuit breaker, 0 for the others',
        labels: { ...service, state: { values: BREAKER_STATES } },
      },
      breakerTransitions: {
        name: names.breakerTransitions,
        type: 'counter',
        unit: '1',
        description: 'Circuit breaker state transitions',
        labels: { ...service, to_state: { values: BREAKER_STATES } },
      },
      breakerFailures: {
        name: names.breakerFailures,
        type: 'counter',
        unit: '1',
        description: 'Failures counted by the circuit breaker',
        labels: { ...service },
      },
    },
  };
}
