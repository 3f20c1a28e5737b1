import type { MetricSpec } from '../shared/catalog.js';

/** Conflict risk levels (002 `chorus.conflict.prediction`). */
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Label caps, as in `definitions/chorus.yaml`. */
export const AGENT_ID_CARDINALITY = 500;
export const REASON_CARDINALITY = 20;
export const INTERVENTION_TYPE_CARDINALITY = 16;

/** The trust catalog: every metric but the overflow counter is `definitions/chorus.yaml`'s. */
export const trustCatalog: readonly MetricSpec[] = [
  {
    name: 'chorus_trust_score',
    type: 'gauge',
    unit: '1',
    description: 'Current trust score per agent, 0.0-100.0 (chorus.trust_score.value)',
    labels: { agent_id: { max_cardinality: AGENT_ID_CARDINALITY } },
  },
  {
    name: 'chorus_trust_score_adjustment',
    type: 'histogram',
    unit: '1',
    description: 'Absolute size of trust score adjustments in score points, by direction and reason (chorus.trust_score.change)',
    labels: { direction: { values: ['increase', 'decrease'] }, reason: { max_cardinality: REASON_CARDINALITY } },
    buckets: [0.5, 1, 2, 5, 10, 20, 50],
  },
  {
    name: 'chorus_agent_interactions',
    type: 'counter',
    unit: '1',
    description: 'Agent interactions evaluated by the trust policies (Property 4, 10)',
    labels: {},
  },
  {
    name: 'chorus_conflict_predictions',
    type: 'counter',
    unit: '1',
    description: 'Conflict prediction events by predicted risk level (chorus.conflict.prediction)',
    labels: { risk_level: { values: RISK_LEVELS } },
  },
  {
    name: 'chorus_conflict_prediction_duration_seconds',
    type: 'histogram',
    unit: 's',
    description: 'Latency of a conflict prediction (Gemini client call included)',
    labels: {},
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
  {
    name: 'chorus_interventions',
    type: 'counter',
    unit: '1',
    description: 'Interventions by type; quarantine actions are intervention_type="quarantine" (chorus.intervention.quarantine)',
    labels: { intervention_type: { max_cardinality: INTERVENTION_TYPE_CARDINALITY } },
  },
  {
    name: 'chorus_quarantined_agents',
    type: 'gauge',
    unit: '1',
    description: 'Agents currently quarantined (DashboardState.quarantined_agents)',
    labels: {},
  },
  {
    name: 'chorus_agents',
    type: 'gauge',
    unit: '1',
    description: 'Agents with a trust score in the store (get_all_agents)',
    labels: {},
  },
  {
    name: 'chorus_trust_label_overflows',
    type: 'counter',
    unit: '1',
    description: 'Observations whose label value was folded into __overflow__ because the label reached its cardinality cap',
    labels: { label: { values: ['agent_id', 'reason', 'intervention_type'] } },
  },
];
