// Prometheus (pull): an OpenTelemetry reader served as /metrics, on the service's server or its own port.
export { createPrometheusEndpoint } from './prometheus/endpoint.js';
export { OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE } from './prometheus/exposition-format.js';
export type { ExpositionFormat } from './prometheus/exposition-format.js';
export type {
  ExpositionExemplar,
  ExpositionFamily,
  ExpositionKind,
  ExpositionScope,
  ExpositionSource,
  ExpositionWriter,
} from './prometheus/exposition-writer.js';
export type { EndpointErrorLog, PrometheusEndpoint, PrometheusEndpointOptions } from './prometheus/endpoint.js';
export type { MetricsAuth } from './prometheus/auth.js';
export { PrometheusConfigError } from './prometheus/errors.js';

// prom-client bridge: an existing prom-client registry as an OpenTelemetry MetricProducer.
export { createPromClientProducer } from './prom-client/producer.js';
export type { PromClientProducerOptions } from './prom-client/producer.js';
export { promClientToMetricData, QUANTILE_ATTRIBUTE } from './prom-client/to-metric-data.js';
export type { ConvertedMetrics, PromClientMetric, PromClientValue } from './prom-client/to-metric-data.js';

// Datadog (push): a resilient PushMetricExporter on the v2 series API, events, and a fake API for tests.
export { createDatadogReader, DatadogMetricExporter } from './datadog/exporter.js';
export type { DatadogExporterOptions, DatadogExporterStats, DatadogReaderOptions } from './datadog/exporter.js';
export { DATADOG_ACCEPTED_WINDOW, DeltaTracker, toDatadogSeries } from './datadog/convert.js';
export type { AcceptedWindow, ConversionResult } from './datadog/convert.js';
export { DATADOG_PAYLOAD_LIMITS, splitSeries } from './datadog/split.js';
export type { PayloadLimits, SplitResult } from './datadog/split.js';
export { DEFAULT_RETRY_OPTIONS } from './datadog/backoff.js';
export type { RetryOptions } from './datadog/backoff.js';
export { CircuitBreaker, DEFAULT_BREAKER_OPTIONS } from './datadog/breaker.js';
export type { BreakerOptions } from './datadog/breaker.js';
export type { OverflowPolicy } from './datadog/queue.js';
export { DatadogRequestError } from './datadog/errors.js';
export { createDatadogConfiguration, FetchTransport } from './datadog/transport.js';
export type { DatadogConnectionOptions, RequestRecord } from './datadog/transport.js';
export { DatadogEventPoster, postDatadogEvent } from './datadog/events.js';
export type { DatadogEvent, DatadogEventPosterOptions, DatadogEventResult } from './datadog/events.js';
export { systemClock } from './datadog/types.js';
export type { BreakerState, Clock, DatadogPoint, DatadogSeries, DropReason } from './datadog/types.js';
export { startFakeDatadog } from './datadog/testing/fake-datadog.js';
export type { FakeDatadog, FakeDatadogOptions, FakeFailure, FakeSeries, RecordedRequest } from './datadog/testing/fake-datadog.js';
export { ManualClock } from './datadog/testing/manual-clock.js';
