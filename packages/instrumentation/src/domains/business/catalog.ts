import type { Catalog } from '../../catalog.js';

/** The autopilot's canary arms (001), a label of the selection KPIs the canary gate compares. */
export const VARIANTS = ['control', 'canary'] as const;
export type Variant = (typeof VARIANTS)[number];
const variant = { values: VARIANTS };

/** The VVTV P6 business KPIs, as declared in `definitions/vvtv.yaml` (000 BusinessMetricType). */
export const businessCatalog = {
  metrics: {
    selectionEntropy: {
      name: 'vvtv_selection_entropy',
      type: 'gauge',
      unit: '1',
      description: 'Shannon entropy of the last selection (BusinessMetricType::SelectionEntropy); low values mean loss of diversity',
      labels: { variant },
    },
    curatorApplyBudgetUsedRatio: {
      name: 'vvtv_curator_apply_budget_used_ratio',
      type: 'gauge',
      unit: '1',
      description: 'Fraction (0-1) of the Curator Vigilante apply budget already used (BusinessMetricType::CuratorApplyBudgetUsedPct)',
      labels: { variant },
    },
    noveltyTemporalKld: {
      name: 'vvtv_novelty_temporal_kld',
      type: 'gauge',
      unit: '1',
      description: 'Temporal Kullback-Leibler divergence of recent selections against history (BusinessMetricType::NoveltyTemporalKld)',
      labels: { variant },
    },
    hdDetectionSlowRatio: {
      name: 'vvtv_hd_detection_slow_ratio',
      type: 'gauge',
      unit: '1',
      description: 'Fraction (0-1) of HD detections classified as slow (BusinessMetricType::HdDetectionSlowRate)',
      labels: {},
    },
    autopilotPredictionErrorRatio: {
      name: 'vvtv_autopilot_prediction_error_ratio',
      type: 'gauge',
      unit: '1',
      description:
        "Relative error (0-1) between the autopilot's predicted and realised KPI impact over the 14-day drift window (BusinessMetricType::AutopilotPredVsRealError)",
      labels: {},
    },
  },
} as const satisfies Catalog;
