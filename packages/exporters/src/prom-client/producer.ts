import { hrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import type { CollectionResult, MetricProducer } from '@opentelemetry/sdk-metrics';
import type { Registry } from 'prom-client';
import { type PromClientMetric, promClientToMetricData } from './to-metric-data.js';

/** Options of {@link createPromClientProducer}. */
export interface PromClientProducerOptions {
  /** Instrumentation scope of the bridged metrics (the `otel_scope_name` label). Default `prom-client`. */
  scopeName?: string;
}

/**
 * Bridges a prom-client registry into OpenTelemetry: a `MetricProducer` to pass in the
 * `metricProducers` option of any reader (the Prometheus endpoint, a periodic Datadog reader),
 * so the service's existing prom-client metrics reach every backend those readers feed.
 * See {@link promClientToMetricData} for how each prom-client type is mapped.
 *
 * A failing prom-client `collect()` callback does not fail the scrape: the producer then returns
 * no prom-client metrics for that collection and reports the error in `errors`, next to the
 * SDK's own metrics, which are still served.
 */
export function createPromClientProducer(registry: Registry, options: PromClientProducerOptions = {}): MetricProducer {
  const scope = { name: options.scopeName ?? 'prom-client' };
  // Cumulative series count from when the bridge was created.
  const startTime = hrTime();
  return {
    async collect(): Promise<CollectionResult> {
      let raw: PromClientMetric[];
      try {
        // prom-client's typings say `type` is a numeric enum; at run time it is 'counter' etc.
        raw = (await registry.getMetricsAsJSON()) as unknown as PromClientMetric[];
      } catch (error) {
        return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [] }, errors: [error] };
      }
      const { metrics, errors } = promClientToMetricData(raw, startTime, hrTime());
      return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope, metrics }] }, errors };
    },
  };
}
