import type { Catalog } from '../../catalog.js';

/** Error severities (004 ErrorSeverity). */
export const ERROR_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type ErrorSeverity = (typeof ERROR_SEVERITIES)[number];

/** TTA components (004), the `component` label of `tta_errors`. */
export const TTA_COMPONENTS = [
  'coherence_validation',
  'narrative_arc_orchestration',
  'player_experience_interface',
  'living_worlds',
  'ai_agent_orchestration',
  'knowledge_management',
  'authentication',
  'api_gateway',
] as const;

/** Cap of the `error_type` label, as in `definitions/tta.yaml`. */
export const ERROR_TYPE_CARDINALITY = 50;

/** The error-tracking catalog: the first three are `definitions/tta.yaml`'s. */
export const errorCatalog = {
  metrics: {
    errors: {
      name: 'tta_errors',
      type: 'counter',
      unit: '1',
      description: 'Tracked errors by component, severity and error type (ErrorEvent; no user or session ids)',
      labels: {
        component: { values: TTA_COMPONENTS },
        severity: { values: ERROR_SEVERITIES },
        error_type: { maxCardinality: ERROR_TYPE_CARDINALITY },
      },
    },
    groupsUnresolved: {
      name: 'tta_error_groups_unresolved',
      type: 'gauge',
      unit: '1',
      description: 'Error groups (pattern-grouped errors) not yet resolved, by severity',
      labels: { severity: { values: ERROR_SEVERITIES } },
    },
    resolutionDuration: {
      name: 'tta_error_resolution_duration_seconds',
      type: 'histogram',
      unit: 's',
      description: 'Time from first occurrence of an error group to its resolution (resolve_error)',
      labels: { severity: { values: ERROR_SEVERITIES } },
      buckets: [300, 900, 3600, 14400, 86400, 259200, 604800],
    },
    groupOverflows: {
      name: 'tta_error_group_overflows',
      type: 'counter',
      unit: '1',
      description: 'Errors whose new group was not kept because the tracker holds its maximum number of groups',
      labels: {},
    },
  },
} as const satisfies Catalog;
