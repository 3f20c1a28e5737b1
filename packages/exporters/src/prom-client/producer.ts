import type { Attributes, HrTime } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import type { CollectionResult, MetricProducer } from '@opentelemetry/sdk-metrics';
import type { Registry } from 'prom-client';
import { type ExpositionSource, type ExpositionWriter, labelBlock } from '../prometheus/exposition-writer.js';
import { writeMetricData } from '../prometheus/write-metric-data.js';
import { type PromClientMetric, type PromClientValue, promClientToMetricData } from './to-metric-data.js';
import { attributesOf, type PromClientMetricSamples, writePromClientMetric } from './write-prom-client.js';

/** Options of {@link createPromClientProducer}. */
export interface PromClientProducerOptions {
  /** Instrumentation scope of the bridged metrics (the `otel_scope_name` label). Default `prom-client`. */
  scopeName?: string;
  /** Collection time source (default `hrTime`); inject one in tests. */
  now?: () => HrTime;
}

/** The parts of a prom-client metric object the bridge watches (public API of every type). */
interface WatchedMetric {
  get?: () => unknown;
  getForPromString?: () => unknown;
  labelNames?: readonly string[];
  reset?: (...args: unknown[]) => unknown;
  remove?: (...args: unknown[]) => unknown;
}

/**
 * Bridges a prom-client registry into OpenTelemetry: a `MetricProducer` to pass in the
 * `metricProducers` option of any reader (the Prometheus endpoint, a periodic Datadog reader),
 * so the service's existing prom-client metrics reach every backend those readers feed.
 * See {@link promClientToMetricData} for how each prom-client type is mapped.
 *
 * Resets are visible as new start times: prom-client's cumulative values carry none, so a
 * `registry.resetMetrics()` (or a metric's `reset()`) followed by growth past the old value
 * would look like plain growth to a cumulative-to-delta consumer such as the Datadog exporter,
 * which would send the difference and lose the rest. The bridge wraps each metric's `reset` and
 * `remove` methods (once, at its first collection) and notices a metric object replaced under
 * the same name; the series affected then start at the reset.
 *
 * A failing prom-client `collect()` callback does not fail the scrape: the producer then returns
 * no prom-client metrics for that collection and reports the error in `errors`, next to the
 * SDK's own metrics, which are still served.
 */
export function createPromClientProducer(registry: Registry, options: PromClientProducerOptions = {}): MetricProducer & ExpositionSource {
  const scope = { name: options.scopeName ?? 'prom-client' };
  const now = options.now ?? hrTime;
  // Cumulative series count from when the bridge was created, or from their last reset.
  const startTime = now();
  const resets = new ResetLog();
  const watched = new Map<string, WatchedMetric>();

  const watch = (name: string): void => {
    const metric = registry.getSingleMetric(name) as unknown as WatchedMetric | undefined;
    if (metric === undefined || watched.get(name) === metric) return;
    // A new object under a known name (removed and registered again) counts from zero.
    if (watched.has(name)) resets.resetMetric(name, now());
    watched.set(name, metric);
    const { reset, remove } = metric;
    if (typeof reset === 'function') {
      metric.reset = function (this: unknown, ...args: unknown[]) {
        resets.resetMetric(name, now());
        return reset.apply(this, args);
      };
    }
    if (typeof remove === 'function') {
      metric.remove = function (this: unknown, ...args: unknown[]) {
        resets.resetSeries(name, removedLabels(metric.labelNames ?? [], args), now());
        return remove.apply(this, args);
      };
    }
  };

  // prom-client keeps one labels object per series (counters, gauges, histograms' shared labels,
  // summaries' sum and count): its label block is built at the first scrape and kept as long as
  // prom-client keeps the object.
  const blocks = new WeakMap<object, string>();
  const blockOf = (labels: PromClientValue['labels']): string => {
    let block = blocks.get(labels);
    if (block === undefined) {
      block = labelBlock(attributesOf(labels));
      blocks.set(labels, block);
    }
    return block;
  };

  /**
   * The registry's metrics as its own `registry.metrics()` reads them (`getForPromString()`
   * where a metric has it: histograms' samples then share one labels object per series), or
   * through `getMetricsAsJSON()` when the registry has default labels (which it merges in).
   */
  const samples = async (): Promise<PromClientMetricSamples[]> => {
    const defaults = (registry as unknown as { _defaultLabels?: object })._defaultLabels;
    if (defaults === undefined || Object.keys(defaults).length > 0) return (await registry.getMetricsAsJSON()) as unknown as PromClientMetricSamples[];
    const metrics = registry.getMetricsAsArray() as unknown as WatchedMetric[];
    return (await Promise.all(metrics.map((m) => (typeof m.getForPromString === 'function' ? m.getForPromString() : m.get?.())))) as PromClientMetricSamples[];
  };

  return {
    /**
     * The Prometheus endpoint's fast path: every prom-client type written straight from
     * prom-client's samples (label blocks cached per series), the same text as `collect` through
     * the OpenTelemetry serializer; a metric in another shape goes through the conversion.
     */
    async writeExposition(writer: ExpositionWriter): Promise<void> {
      const raw = await samples();
      for (const metric of raw) watch(metric.name);
      const errors: Error[] = [];
      for (const metric of raw) {
        if (writePromClientMetric(writer, metric, scope, blockOf)) continue;
        // The conversion wants each sample's labels whole, as getMetricsAsJSON gives them.
        const values = metric.values.map((v) => (v.sharedLabels === undefined ? v : { ...v, labels: { ...v.labels, ...v.sharedLabels } }));
        const converted = promClientToMetricData([{ ...metric, values } as PromClientMetric], startTime, now());
        errors.push(...converted.errors);
        writeMetricData(writer, [{ scope, metrics: converted.metrics }]);
      }
      if (errors.length > 0) throw new AggregateError(errors, `${errors.length} prom-client metric(s) not written`);
    },

    async collect(): Promise<CollectionResult> {
      let raw: PromClientMetric[];
      try {
        // prom-client's typings say `type` is a numeric enum; at run time it is 'counter' etc.
        raw = (await registry.getMetricsAsJSON()) as unknown as PromClientMetric[];
      } catch (error) {
        return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [] }, errors: [error] };
      }
      for (const metric of raw) watch(metric.name);
      const end = now();
      resets.beginCollection(end);
      const { metrics, errors } = promClientToMetricData(raw, (name, attributes) => resets.startOf(name, attributes) ?? startTime, end);
      resets.endCollection();
      return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope, metrics }] }, errors };
    },
  };
}

/** The labels a prom-client `remove(...)` call names: one labels object, or values in `labelNames` order. */
function removedLabels(labelNames: readonly string[], args: readonly unknown[]): Record<string, string> {
  const first = args[0];
  const entries: [string, unknown][] =
    typeof first === 'object' && first !== null ? Object.entries(first) : labelNames.map((name, i) => [name, args[i]]);
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}

interface SeriesReset {
  labels: Record<string, string>;
  at: HrTime;
  /** Last collection a point matched it (or its reset time). */
  seen: HrTime;
}

const FORGET_AFTER_S = 3_600;

/** When metrics, or single series of them, were last reset. */
class ResetLog {
  private readonly metrics = new Map<string, HrTime>();
  private readonly series = new Map<string, SeriesReset[]>();

  resetMetric(name: string, at: HrTime): void {
    this.metrics.set(name, at);
    // A whole-metric reset supersedes its series' own resets.
    this.series.delete(name);
  }

  resetSeries(name: string, labels: Record<string, string>, at: HrTime): void {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const list = (this.series.get(name) ?? []).filter((s) => JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) !== key);
    list.push({ labels, at, seen: at });
    this.series.set(name, list);
  }

  /** Collection time of the points being converted. */
  private collecting: HrTime = [0, 0];

  beginCollection(at: HrTime): void {
    this.collecting = at;
  }

  /**
   * Forgets the series resets no point has matched for an hour (a removed series not created
   * again): consumers forget a series unseen that long (the Datadog exporter's delta tracker
   * does), so its next point counts from zero anyway. Forgetting sooner would not be safe: a
   * series removed, absent from a few collections, then created again and grown past its old
   * value would look like plain growth.
   */
  endCollection(): void {
    const cutoff = this.collecting[0] - FORGET_AFTER_S;
    for (const [name, list] of this.series) {
      const kept = list.filter((s) => s.seen[0] >= cutoff);
      if (kept.length > 0) this.series.set(name, kept);
      else this.series.delete(name);
    }
  }

  /** The last reset of the series (the metric's own labels match; registry default labels may be extra). */
  startOf(name: string, attributes: Attributes): HrTime | undefined {
    let latest = this.metrics.get(name);
    for (const s of this.series.get(name) ?? []) {
      if (!Object.entries(s.labels).every(([k, v]) => attributes[k] === v)) continue;
      s.seen = this.collecting;
      if (latest === undefined || later(s.at, latest)) latest = s.at;
    }
    return latest;
  }
}

function later(a: HrTime, b: HrTime): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}
