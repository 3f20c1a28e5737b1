import type { LabelSpec, MetricSpec } from '../shared/catalog.js';

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

/**
 * The resilience catalog for a naming. With {@link VVTV_LLM_NAMING} and {@link CHORUS_NAMING}
 * the names, types, units and labels are those of `definitions/vvtv.yaml` and
 * `definitions/chorus.yaml`, so their alerts match what this module records.
 */
export function resilienceCatalog(naming: ResilienceNaming): MetricSpec[] {
  const names = resilienceMetricNames(naming);
  const service: Record<string, LabelSpec> = naming.services ? { service: { values: naming.services } } : {};
  const variant: Record<string, LabelSpec> = naming.variants ? { variant: { values: naming.variants } } : {};
  return [
    {
      name: names.calls,
      type: 'counter',
      unit: '1',
      description: 'Protected calls by outcome (rejected = short-circuited by the open breaker)',
      labels: { ...service, outcome: { values: CALL_OUTCOMES }, ...variant },
    },
    {
      name: names.callDuration,
      type: 'histogram',
      unit: 's',
      description: 'Protected call latency, retries included',
      labels: { ...service },
      buckets: CALL_DURATION_BUCKETS,
    },
    {
      name: names.fallbacks,
      type: 'counter',
      unit: '1',
      description: 'Calls answered by the fallback path instead of the dependency',
      labels: { ...service },
    },
    { name: names.retries, type: 'counter', unit: '1', description: 'Retried attempts', labels: { ...service } },
    {
      name: names.tokens,
      type: 'counter',
      unit: '1',
      description: 'LLM tokens used by protected calls',
      labels: { ...service, token_type: { values: ['prompt', 'completion'] } },
    },
    {
      name: names.breakerState,
      type: 'gauge',
      unit: '1',
      description: '1 for the current state of the circuit breaker, 0 for the others',
      labels: { ...service, state: { values: BREAKER_STATES } },
    },
    {
      name: names.breakerTransitions,
      type: 'counter',
      unit: '1',
      description: 'Circuit breaker state transitions',
      labels: { ...service, to_state: { values: BREAKER_STATES } },
    },
    {
      name: names.breakerFailures,
      type: 'counter',
      unit: '1',
      description: 'Failures counted by the circuit breaker',
      labels: { ...service },
    },
  ];
}
