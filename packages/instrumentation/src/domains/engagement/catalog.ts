import type { Catalog } from '../../catalog.js';

export const SESSION_OUTCOMES = ['completed', 'abandoned', 'interrupted'] as const;
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];
/** The privacy operations the audit trail records (and `tta_privacy_operations` counts). */
export const PRIVACY_ACTIONS = ['emergency_purge', 'key_rotation', 'k_change'] as const;

export const RETENTION_PERIODS = ['d1', 'd7', 'd30'] as const;
export type RetentionPeriod = (typeof RETENTION_PERIODS)[number];
export const INTERACTION_TYPE_CARDINALITY = 20;

/** The engagement catalog, exactly `definitions/tta.yaml`'s (004 UserEngagementAnalytics); no user ids anywhere. */
export const engagementCatalog = {
  metrics: {
    sessions: {
      name: 'tta_therapeutic_sessions',
      type: 'counter',
      unit: '1',
      description: 'Ended therapeutic sessions by outcome (completion_rate)',
      labels: { outcome: { values: SESSION_OUTCOMES } },
    },
    sessionDuration: {
      name: 'tta_therapeutic_session_duration_seconds',
      type: 'histogram',
      unit: 's',
      description: 'Therapeutic session duration (session_duration_avg)',
      labels: {},
      buckets: [60, 300, 600, 1200, 1800, 2700, 3600, 7200],
    },
    activeSessions: { name: 'tta_active_sessions', type: 'gauge', unit: '1', description: 'Therapeutic sessions currently in progress', labels: {} },
    interactions: {
      name: 'tta_player_interactions',
      type: 'counter',
      unit: '1',
      description: 'Player interactions by interaction type (interaction_frequency)',
      labels: { interaction_type: { maxCardinality: INTERACTION_TYPE_CARDINALITY } },
    },
    retention: {
      name: 'tta_user_retention_ratio',
      type: 'gauge',
      unit: '1',
      description: 'Anonymised cohort retention (0-1) per period (user_retention_rate)',
      labels: { period: { values: RETENTION_PERIODS } },
    },
    anonymizationFailures: {
      name: 'tta_privacy_anonymization_failures',
      type: 'counter',
      unit: '1',
      description: 'Engagement events whose anonymisation failed and were withheld (004 Privacy Protection Failures)',
      labels: {},
    },
    emergencyPurges: {
      name: 'tta_privacy_emergency_purges',
      type: 'counter',
      unit: '1',
      description: 'Emergency data purges run after a privacy violation',
      labels: {},
    },
    privacyOperations: {
      name: 'tta_privacy_operations',
      type: 'counter',
      unit: '1',
      description: 'Privacy operations recorded in the audit trail (emergency purges, key rotations, k changes)',
      labels: { action: { values: PRIVACY_ACTIONS } },
    },
  },
} as const satisfies Catalog;
