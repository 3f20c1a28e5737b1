export type { ModelErrorType } from './catalog.js';
export { MODEL_CARDINALITY, MODEL_ERROR_TYPES, aiCarbonCatalog } from './catalog.js';
export type { CpuEnergyInput } from './estimate.js';
export { DEFAULT_CPU_TDP_WATTS, DEFAULT_GRID_INTENSITY_G_PER_KWH, emissionsKg, estimateCpuEnergyKwh } from './estimate.js';
export type { AiCarbonOptions, InvocationUsage } from './ai-carbon-metrics.js';
export { AiCarbonMetrics, classifyModelError, createAiCarbonMetrics } from './ai-carbon-metrics.js';
