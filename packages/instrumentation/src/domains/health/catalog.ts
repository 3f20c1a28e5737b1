import type { Catalog, CatalogMetric } from '../../catalog.js';

/** Health statuses, worst last. */
export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** How the health metrics are named for one team; a metric without a name is not recorded. */
export interface HealthNaming {
  names: {
    /** 1 when the check answers 200 (healthy or degraded), 0 otherwise. */
    up?: string;
    /** Check latency histogram (s). */
    duration?: string;
    /** One-hot status gauge: 1 for the current status, 0 for the others. */
    status?: string;
  };
  /** The label naming the check (`check`, `component`). */
  checkLabel: string;
  /** Check names, including the aggregate's name if it is to be recorded. */
  checks: readonly string[];
}

/** Buckets of the check latency (s), as `scholar_health_check_duration_seconds`. */
export const HEALTH_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

/**
 * AI Scholar's health-check endpoints (003): `_up` and `_duration_seconds` as in
 * `definitions/ai-scholar.yaml`, plus a status gauge of ours that tells degraded apart.
 */
export const SCHOLAR_HEALTH_NAMING: HealthNaming = {
  names: {
    up: 'scholar_health_check_up',
    duration: 'scholar_health_check_duration_seconds',
    status: 'scholar_health_check_status',
  },
  checkLabel: 'check',
  checks: ['comprehensive', 'database', 'services', 'performance'],
};

/** Chorus' component health (002 `chorus.system.health`), as in `definitions/chorus.yaml`. */
export const CHORUS_HEALTH_NAMING: HealthNaming = {
  names: { status: 'chorus_system_health' },
  checkLabel: 'component',
  checks: ['redis_trust_store', 'telemetry_exporter', 'gemini_client', 'trust_manager', 'quarantine_manager', 'trust_analytics'],
};

/**
 * The health catalog of a naming: handles `up`, `duration` and `status`, each present when the
 * naming names it.
 */
export function healthCatalog(naming: HealthNaming): Catalog {
  const check = { [naming.checkLabel]: { values: naming.checks } };
  const metrics: Record<string, CatalogMetric> = {};
  if (naming.names.up) {
    metrics['up'] = {
      name: naming.names.up,
      type: 'gauge',
      unit: '1',
      description: '1 when the health-check endpoint reports healthy, 0 otherwise',
      labels: check,
    };
  }
  if (naming.names.duration) {
    metrics['duration'] = {
      name: naming.names.duration,
      type: 'histogram',
      unit: 's',
      description: 'Time to evaluate a health-check endpoint',
      labels: check,
      buckets: HEALTH_DURATION_BUCKETS,
    };
  }
  if (naming.names.status) {
    metrics['status'] = {
      name: naming.names.status,
      type: 'gauge',
      unit: '1',
      description: '1 for the current health status of each component, 0 for the others',
      labels: { ...check, status: { values: HEALTH_STATUSES } },
    };
  }
  return { metrics };
}
