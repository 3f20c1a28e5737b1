export type { RiskLevel } from './catalog.js';
export { AGENT_ID_CARDINALITY, INTERVENTION_TYPE_CARDINALITY, REASON_CARDINALITY, RISK_LEVELS, trustCatalog } from './catalog.js';
export type { TrustMetricsOptions } from './trust-metrics.js';
export { TrustMetrics, createTrustMetrics } from './trust-metrics.js';
