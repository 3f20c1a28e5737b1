import type { Catalog } from '../../catalog.js';
import { GRID_INTENSITY_SOURCES } from './grid-intensity.js';

/** Error types of a model invocation, as in `definitions/tta.yaml`. */
export const MODEL_ERROR_TYPES = ['timeout', 'rate_limited', 'invalid_response', 'provider_error', 'other'] as const;
export type ModelErrorType = (typeof MODEL_ERROR_TYPES)[number];

/** Cap of the `model` label. */
export const MODEL_CARDINALITY = 20;

const model = { maxCardinality: MODEL_CARDINALITY };

/** The AI and carbon catalog, exactly `definitions/tta.yaml`'s (004 AIMetrics, CarbonReport). */
export const aiCarbonCatalog = {
  metrics: {
    invocations: { name: 'tta_ai_model_invocations', type: 'counter', unit: '1', description: 'AI model invocations', labels: { model } },
    errors: {
      name: 'tta_ai_model_errors',
      type: 'counter',
      unit: '1',
      description: 'Failed AI model invocations by error type',
      labels: { model, error_type: { values: MODEL_ERROR_TYPES } },
    },
    inferenceDuration: {
      name: 'tta_ai_model_inference_duration_seconds',
      type: 'histogram',
      unit: 's',
      description: 'AI model inference time (AIMetrics.inference_time_ms, exported in seconds)',
      labels: { model },
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    },
    tokens: {
      name: 'tta_ai_model_tokens',
      type: 'counter',
      unit: '1',
      description: 'Tokens processed by AI models (AIMetrics.token_count)',
      labels: { model, token_type: { values: ['prompt', 'completion'] } },
    },
    energy: {
      name: 'tta_energy_consumed_kilowatt_hours',
      type: 'counter',
      unit: 'kW.h',
      description: 'Energy consumed by AI operations as measured by CodeCarbon (CarbonReport.energy_consumption_kwh)',
      labels: { model, hardware: { values: ['cpu', 'gpu', 'ram'] } },
    },
    emissions: {
      name: 'tta_carbon_emissions_kilograms',
      type: 'counter',
      unit: 'kg',
      description: 'CO2-equivalent emissions of AI operations (CarbonReport.total_emissions_kg)',
      labels: { model },
    },
    gridIntensity: {
      name: 'tta_carbon_grid_intensity',
      type: 'gauge',
      unit: 'g/kW.h',
      description: 'Grid carbon intensity used for the emissions (gCO2e/kWh), with the region it was looked up for and its source',
      labels: { region: { maxCardinality: 8 }, source: { values: GRID_INTENSITY_SOURCES } },
    },
  },
} as const satisfies Catalog;
