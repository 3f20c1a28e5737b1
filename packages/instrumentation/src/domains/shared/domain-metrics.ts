import { metrics as globalMetrics, type Meter } from '@opentelemetry/api';
import type { InstrumentType } from '@vigil/conventions';
import type { Catalog, CatalogMetric, Metrics } from '../../catalog.js';
import { createMetrics, seriesStoreOf, type MetricsTarget } from '../../create-metrics.js';

/** A catalog metric of a known instrument kind, for catalogs built from a naming at run time. */
export type MetricOf<K extends InstrumentType> = CatalogMetric & { readonly type: K };

/** Where a domain module records, an option of every module. */
export interface DomainTargetOptions {
  /**
   * Where the module's handles record: Vigil's producer (`telemetry.producer`, the fast cells),
   * any OpenTelemetry `Meter`, or both as `{ producer, meter }`. Takes precedence over `meter`.
   */
  target?: MetricsTarget;
  /** An OpenTelemetry meter to record through (default: the global provider's meter named after the module). */
  meter?: Meter;
}

/**
 * A domain module's handles: its catalog through `createMetrics`, the path every service's
 * catalog takes, so the module's label caps, `__overflow__` value and overflow counts are the
 * producer's (`vigil.cardinality.overflow`).
 */
export function createDomainMetrics<C extends Catalog>(catalog: C, options: DomainTargetOptions, scope: string): Metrics<C> {
  return createMetrics(catalog, options.target ?? options.meter ?? globalMetrics.getMeter(scope));
}

/**
 * The value `label` of `handle`'s metric takes for `value` (itself, or `__overflow__` past the
 * cap, counted as the producer counts it), without recording: for a value several metrics share
 * or a group held back before it is recorded.
 */
export function labelValueOf(handle: object, label: string, value: string): string {
  return seriesStoreOf(handle).labelValue(label, value) ?? value;
}

/** Recordings of `handle`'s metric whose `label` value was folded into `__overflow__`. */
export function overflowsOf(handle: object, label: string): number {
  return seriesStoreOf(handle).overflowsOf(label);
}
