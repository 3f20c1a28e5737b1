export type { Variant } from './catalog.js';
export { VARIANTS, businessCatalog } from './catalog.js';
export type { EntropyScale } from './math.js';
export { DEFAULT_KL_PSEUDO_COUNT, MAX_USED_RATIO, klDivergence, klDivergenceExcess, meanRelativeError, shannonEntropy, usedRatio } from './math.js';
export type { BusinessMetricsOptions } from './business-metrics.js';
export { BusinessMetrics, createBusinessMetrics } from './business-metrics.js';
