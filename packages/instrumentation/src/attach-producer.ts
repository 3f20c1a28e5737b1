import type { CollectionResult, IMetricReader, MetricProducer } from '@opentelemetry/sdk-metrics';

const attached = new WeakMap<IMetricReader, Set<MetricProducer>>();

/**
 * Makes `reader` read `producer` too, for a reader already built without it in its
 * `metricProducers` option (one from `@vigil/exporters`, sdk-node or your own code). The reader's
 * `collect` is wrapped: the SDK's metrics and the producer's are read together and merged, as the
 * SDK does for `metricProducers`. Attaching the same producer twice is a no-op; do not also list
 * it in the reader's `metricProducers`, or its metrics would be read twice.
 */
export function attachProducer(reader: IMetricReader, producer: MetricProducer): void {
  const producers = attached.get(reader) ?? new Set<MetricProducer>();
  if (producers.has(producer)) return;
  producers.add(producer);
  attached.set(reader, producers);
  if (producers.size > 1) return; // the wrapper below already reads every producer in the set
  const collectSdk = reader.collect.bind(reader);
  reader.collect = async (options) => {
    const results = await Promise.all([collectSdk(options), ...[...producers].map((p) => p.collect(options))]);
    const [sdk, ...extra] = results as [CollectionResult, ...CollectionResult[]];
    return {
      resourceMetrics: {
        resource: sdk.resourceMetrics.resource,
        scopeMetrics: sdk.resourceMetrics.scopeMetrics.concat(extra.flatMap((r) => r.resourceMetrics.scopeMetrics)),
      },
      errors: sdk.errors.concat(extra.flatMap((r) => r.errors)),
    };
  };
}
