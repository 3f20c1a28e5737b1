export type { BreakerStateName, CallOutcome, ResilienceNaming } from './catalog.js';
export {
  BREAKER_STATES,
  CALL_DURATION_BUCKETS,
  CALL_OUTCOMES,
  CHORUS_NAMING,
  VVTV_LLM_NAMING,
  resilienceCatalog,
  resilienceMetricNames,
} from './catalog.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { ProtectOptions, ProtectedCall, ResilienceMetricsOptions } from './protected-call.js';
export { ResilienceMetrics, breakerStateName, classifyFailure, createResilienceMetrics } from './protected-call.js';
export type { BreakerTransition, StressConfig, StressOptions, StressScenarioResult } from './stress.js';
export { DEFAULT_STRESS_CONFIG, percentile, runStressTest, seededRandom } from './stress.js';
