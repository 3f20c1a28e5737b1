import type { Metric } from '@vigil/compiler/core';
import type { SeriesLabels } from '../model/series.js';
import type { GaugeBehaviour } from './plan.js';

/** A hand-tuned healthy behaviour for a seed team's metric, where names alone say too little. */
export interface TeamProfile {
  gauge?: GaugeBehaviour;
  /** Counter or histogram events per second. */
  rate?: number;
  /** A histogram's typical observation. */
  typical?: number;
}

const level = (value: number, swing: number, noise: number, integer = false, min = 0, max?: number): GaugeBehaviour => ({
  kind: 'level',
  level: value,
  swing,
  noise,
  integer,
  min,
  ...(max !== undefined ? { max } : {}),
});

/**
 * The seed teams' profiles (../shared/seeds: VVTV core and autopilot, Chorus, AI Scholar, TTA),
 * keyed by metric name; a project without these metrics never meets them. Alert bounds still
 * apply on top (healthy-plan.ts), so a profile can only make a value more realistic, never unsafe.
 */
const PROFILES: Readonly<Record<string, TeamProfile | ((labels: SeriesLabels) => TeamProfile)>> = {
  // VVTV P6 business KPIs (seeds/000): entropy well above the 0.3 diversity floor, budget half used.
  vvtv_selection_entropy: { gauge: level(0.62, 0.06, 0.015, false, 0, 1) },
  vvtv_curator_apply_budget_used_ratio: { gauge: level(0.45, 0.12, 0.02, false, 0, 1) },
  vvtv_novelty_temporal_kld: { gauge: level(0.18, 0.04, 0.01, false, 0) },
  vvtv_hd_detection_slow_ratio: { gauge: level(0.04, 0.01, 0.003, false, 0, 1) },
  vvtv_autopilot_prediction_error_ratio: { gauge: level(0.08, 0.02, 0.005, false, 0, 1) },
  vvtv_autopilot_canary_confidence_ratio: { gauge: level(0.97, 0.01, 0.003, false, 0, 1) },
  vvtv_llm_calls: { rate: 2 },
  vvtv_llm_call_duration_seconds: { typical: 1, rate: 2 },
  vvtv_autopilot_cycles: (labels) => ({ rate: labels.status === 'completed' ? 1 / 3600 : 0 }),
  vvtv_autopilot_cycle_duration_seconds: { typical: 120, rate: 1 / 3600 },
  // Chorus trust layer (seeds/002): trust scores on a 0-100 scale, a few agents quarantined.
  chorus_trust_score: { gauge: level(72, 3, 0.5, false, 0, 100) },
  chorus_agents: { gauge: level(48, 0, 0, true) },
  chorus_quarantined_agents: { gauge: level(2, 0, 0, true) },
  chorus_telemetry_buffered_events: { gauge: level(12, 0, 0, true) },
  chorus_websocket_connections: { gauge: level(24, 4, 1, true) },
  chorus_agent_interactions: { rate: 6 },
  // AI Scholar (seeds/003): hosts comfortably loaded, disks half full.
  scholar_system_cpu_usage_ratio: { gauge: level(0.42, 0.15, 0.03, false, 0, 1) },
  scholar_system_memory_usage_ratio: { gauge: level(0.58, 0.05, 0.01, false, 0, 1) },
  scholar_system_disk_usage_ratio: { gauge: level(0.52, 0, 0, false, 0, 1) },
  scholar_backup_storage_usage_ratio: { gauge: level(0.4, 0, 0, false, 0, 1) },
  scholar_system_health_score: { gauge: level(0.96, 0.01, 0.005, false, 0, 1) },
  scholar_api_requests: { rate: 4 },
  scholar_api_request_duration_seconds: { typical: 0.25, rate: 4 },
  scholar_backup_duration_seconds: { typical: 300, rate: 1 / 3600 },
  scholar_backups: (labels) => ({ rate: labels.outcome === 'success' ? 1 / 3600 : 0 }),
  scholar_backup_verifications: (labels) => ({ rate: labels.result === 'passed' ? 1 / 3600 : 0 }),
  scholar_backup_cloud_uploads: (labels) => ({ rate: labels.outcome === 'success' ? 1 / 3600 : 0 }),
  // TTA (seeds/004): the carbon counter is flat in the healthy state because its alert compares the
  // last day with the 7-day average, which on a Prometheus younger than a week is always 7x.
  tta_carbon_emissions_kilograms: { rate: 0 },
  tta_energy_consumed_kilowatt_hours: { rate: 0.002 },
  tta_carbon_efficiency_score: { gauge: level(0.82, 0.03, 0.01, false, 0, 1) },
  tta_disk_usage_ratio: { gauge: level(0.47, 0, 0, false, 0, 1) },
  tta_active_sessions: { gauge: level(35, 12, 2, true) },
  tta_websocket_connections: { gauge: level(120, 30, 0, true) },
  tta_user_retention_ratio: { gauge: level(0.6, 0.02, 0.005, false, 0, 1) },
  tta_gpu_utilization_ratio: { gauge: level(0.55, 0.2, 0.03, false, 0, 1) },
  tta_component_requests: { rate: 1.5 },
  tta_ai_model_invocations: { rate: 0.8 },
  tta_ai_model_tokens: { rate: 300 },
  tta_ai_model_inference_duration_seconds: { typical: 2.5, rate: 0.8 },
  tta_dashboard_request_duration_seconds: { typical: 0.5, rate: 0.5 },
  tta_therapeutic_sessions: (labels) => ({ rate: labels.outcome === 'completed' ? 0.05 : 0.002 }),
};

/** The hand-tuned profile of one series of a seed metric, if there is one. */
export function teamProfile(metric: Metric, labels: SeriesLabels): TeamProfile | undefined {
  const profile = PROFILES[metric.name];
  return typeof profile === 'function' ? profile(labels) : profile;
}
