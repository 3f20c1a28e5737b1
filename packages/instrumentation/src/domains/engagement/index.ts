export type { RetentionPeriod, SessionOutcome } from './catalog.js';
export { INTERACTION_TYPE_CARDINALITY, RETENTION_PERIODS, SESSION_OUTCOMES, engagementCatalog } from './catalog.js';
export { MIN_KEY_BYTES, MIN_KEY_ENTROPY_BITS, createPseudonymizer, keyEntropyBits } from '../shared/pseudonymize.js';
export type { ReleasedBatch } from './k-anonymous-batches.js';
export { KAnonymousBatches } from './k-anonymous-batches.js';
export type { AuditRecord, EngagementOptions, PrivacyAction, PrivacyActor, SessionHandle } from './engagement-metrics.js';
export { DEFAULT_MAX_CONTRIBUTION_PER_USER, DEFAULT_SESSION_TTL_MS, EngagementMetrics, MIN_K, createEngagementMetrics } from './engagement-metrics.js';
