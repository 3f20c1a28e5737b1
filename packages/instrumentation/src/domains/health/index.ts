export type { HealthNaming, HealthStatus } from './catalog.js';
export { CHORUS_HEALTH_NAMING, HEALTH_DURATION_BUCKETS, HEALTH_STATUSES, SCHOLAR_HEALTH_NAMING, healthCatalog } from './catalog.js';
export type { CheckReport, CheckResult, HealthCheck, HealthRegistryOptions, HealthReport } from './health-checks.js';
export { HealthRegistry, httpStatusOf, worstStatus } from './health-checks.js';
export type { HealthHandler, HealthServer } from './http.js';
export { createHealthHandler, startHealthServer } from './http.js';
export type { FailingBound, TrendPrediction, TrendSample } from './predict.js';
export { MIN_TREND_SAMPLES, predictBreach } from './predict.js';
