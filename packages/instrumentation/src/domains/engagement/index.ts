export type { RetentionPeriod, SessionOutcome } from './catalog.js';
export { INTERACTION_TYPE_CARDINALITY, RETENTION_PERIODS, SESSION_OUTCOMES, engagementCatalog } from './catalog.js';
export { MIN_KEY_BYTES, createPseudonymizer } from './pseudonymize.js';
export { KAnonymousGroups } from './k-anonymous-groups.js';
export type { EngagementOptions, SessionHandle } from './engagement-metrics.js';
export { EngagementMetrics, createEngagementMetrics } from './engagement-metrics.js';
