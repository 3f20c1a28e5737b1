import { AggregationTemporality, MetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';

/**
 * The reader behind a Prometheus endpoint: cumulative temporality and default aggregations, as
 * the OpenTelemetry `PrometheusExporter` configures its own. It is a class of the workspace's
 * `@opentelemetry/sdk-metrics` (the exporter pins another patch version whose `MetricReader`
 * class TypeScript would not accept where this one is expected); text comes from the exporter's
 * `PrometheusSerializer`. Pulling does nothing on flush.
 */
export class PrometheusPullReader extends MetricReader {
  /** True once shut down, by the endpoint or by the MeterProvider that holds it. */
  isShutdown = false;

  /** `cardinalityLimit`: series kept per instrument before overflow (the SDK's default, 2,000, when undefined). */
  constructor(metricProducers: MetricProducer[] = [], cardinalityLimit?: number) {
    super({
      aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
      metricProducers,
      ...(cardinalityLimit === undefined ? {} : { cardinalitySelector: () => cardinalityLimit }),
    });
  }

  protected override onShutdown(): Promise<void> {
    this.isShutdown = true;
    return Promise.resolve();
  }

  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
