import type { Catalog } from '../../catalog.js';

/** Conflict risk levels (002 `chorus.conflict.prediction`). */
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Label caps, as in `definitions/chorus.yaml`. */
export const AGENT_ID_CARDINALITY = 500;
export const REASON_CARDINALITY = 20;
export const INTERVENTION_TYPE_CARDINALITY = 16;

/**
 * The trust catalog, exactly `definitions/chorus.yaml`'s. Values folded into `__overflow__` past a
 * label's cap are counted in `vigil.cardinality.overflow{metric, label}`, as for any catalog.
 */
export const trustCatalog = {
  metrics: {
    score: {
      name: 'chorus_trust_score',
      type: 'gauge',
      unit: '1',
      description: 'Current trust score per agent, 0.0-100.0 (chorus.trust_score.value)',
      labels: { agent_id: { maxCardinality: AGENT_ID_CARDINALITY } },
    },
    scoreAdjustment: {
      name: 'chorus_trust_score_adjustment',
      type: 'histogram',
      unit: '1',
      description: 'Absolute size of trust score adjustments in score points, by direction and reason (chorus.trust_score.change)',
      labels: { direction: { values: ['increase', 'decrease'] }, reason: { maxCardinality: REASON_CARDINALITY } },
      buckets: [0.5, 1, 2, 5, 10, 20, 50],
    },
    agentInteractions: {
      name: 'chorus_agent_interactions',
      type: 'counter',
      unit: '1',
      description: 'Agent interactions evaluated by the trust policies (Property 4, 10)',
      labels: {},
    },
    conflictPredictions: {
      name: 'chorus_conflict_predictions',
      type: 'counter',
      unit: '1',
      description: 'Conflict prediction events by predicted risk level (chorus.conflict.prediction)',
      labels: { risk_level: { values: RISK_LEVELS } },
    },
    conflictPredictionDuration: {
      name: 'chorus_conflict_prediction_duration_seconds',
      type: 'histogram',
      unit: 's',
      description: 'Latency of a conflict prediction (Gemini client call included)',
      labels: {},
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    },
    interventions: {
      name: 'chorus_interventions',
      type: 'counter',
      unit: '1',
      description: 'Interventions by type; quarantine actions are intervention_type="quarantine" (chorus.intervention.quarantine)',
      labels: { intervention_type: { maxCardinality: INTERVENTION_TYPE_CARDINALITY } },
    },
    quarantinedAgents: {
      name: 'chorus_quarantined_agents',
      type: 'gauge',
      unit: '1',
      description: 'Agents currently quarantined (DashboardState.quarantined_agents)',
      labels: {},
    },
    agents: {
      name: 'chorus_agents',
      type: 'gauge',
      unit: '1',
      description: 'Agents with a trust score in the store (get_all_agents)',
      labels: {},
    },
  },
} as const satisfies Catalog;
