export type {
  AttributeArgs,
  AttributesOf,
  BoundCounter,
  BoundGauge,
  BoundHistogram,
  BoundUpDownCounter,
  Catalog,
  CatalogLabel,
  CatalogMetric,
  CounterHandle,
  GaugeHandle,
  HandleOf,
  HistogramHandle,
  LabelValue,
  Metrics,
  UpDownCounterHandle,
} from './catalog.js';
export type { InstrumentType } from '@vigil/conventions';
export type { CreateMetricsOptions, MetricsTarget } from './create-metrics.js';
export type { Telemetry, TelemetryOptions, TelemetryPrometheusOptions } from './telemetry.js';
export { attachProducer } from './attach-producer.js';
export { createMetrics } from './create-metrics.js';
export { TelemetryConfigError } from './errors.js';
export { OVERFLOW_VALUE, SERIES_CAP_LABEL } from './record/series-store.js';
export { DROPPED_METRIC, OVERFLOW_METRIC, VIGIL_SCOPE, VigilMetricProducer } from './record/vigil-producer.js';
export { startTelemetry } from './telemetry.js';
export type { CanaryParameters, CanaryParametersOptions, CanarySplit, CanarySplitOptions, Variant, VariantParameters } from './canary.js';
export { VARIANT_ATTRIBUTE, canarySplit, candidateFileOf, watchCanaryParameters } from './canary.js';
