/**
 * The shape of a Vigil metric catalog as `vigil codegen` writes it (`as const`), and the types
 * that turn one into typed handles. A catalog is plain data: handles are made from it at run time
 * by `createMetrics`, and the compiler checks metric names, label names and label values.
 */

import type { InstrumentType } from '@vigil/conventions';

/** A label: a closed set of values, or free values with a cardinality cap. */
export interface CatalogLabel {
  /** The allowed values; any other value does not compile and, at run time, folds into the overflow value. */
  readonly values?: readonly string[];
  /** How many distinct values are kept before new ones fold into the overflow value. */
  readonly maxCardinality?: number;
}

/** One catalog metric. */
export interface CatalogMetric {
  /** The OpenTelemetry instrument name. */
  readonly name: string;
  readonly type: InstrumentType;
  readonly unit: string;
  readonly description: string;
  readonly labels: { readonly [label: string]: CatalogLabel };
  /** Explicit histogram bucket boundaries (histograms only). */
  readonly buckets?: readonly number[];
  /** The series name Prometheus shows (counters end in `_total`; histograms are the base name). */
  readonly promName?: string;
}

/** A generated catalog: metrics keyed by handle name. */
export interface Catalog {
  /** The service the catalog was generated for, if one. */
  readonly service?: string;
  readonly metrics: { readonly [handle: string]: CatalogMetric };
}

/** The value type of one label: its allowed values when closed, else any string. */
export type LabelValue<L> = L extends { readonly values: readonly (infer V extends string)[] } ? V : string;

/** The attributes a metric takes: every catalog label, no other. */
export type AttributesOf<M extends CatalogMetric> = { readonly [K in keyof M['labels']]: LabelValue<M['labels'][K]> };

/** The attribute argument: required when the metric has labels, optional (and empty) otherwise. */
export type AttributeArgs<M extends CatalogMetric> = keyof M['labels'] extends never
  ? [attributes?: Readonly<Record<string, never>>]
  : [attributes: AttributesOf<M>];

/** Adds to a monotonic sum, with attributes fixed at bind time. */
export interface BoundCounter {
  add(value?: number): void;
}

/** Adds to (or subtracts from) a sum, with attributes fixed at bind time. */
export interface BoundUpDownCounter {
  add(value: number): void;
}

/** Records the last value, with attributes fixed at bind time. */
export interface BoundGauge {
  record(value: number): void;
}

/** Records into explicit buckets, with attributes fixed at bind time. */
export interface BoundHistogram {
  record(value: number): void;
}

/** A monotonic counter. Negative, NaN and infinite increments are dropped and counted. */
export interface CounterHandle<M extends CatalogMetric> {
  add(value: number, ...attributes: AttributeArgs<M>): void;
  bind(...attributes: AttributeArgs<M>): BoundCounter;
}

/** A sum that goes up and down. NaN and infinite values are dropped and counted. */
export interface UpDownCounterHandle<M extends CatalogMetric> {
  add(value: number, ...attributes: AttributeArgs<M>): void;
  bind(...attributes: AttributeArgs<M>): BoundUpDownCounter;
}

/** A last-value gauge. NaN and infinite values are dropped and counted. */
export interface GaugeHandle<M extends CatalogMetric> {
  record(value: number, ...attributes: AttributeArgs<M>): void;
  bind(...attributes: AttributeArgs<M>): BoundGauge;
}

/** A histogram with the catalog's buckets. NaN and infinite values are dropped and counted. */
export interface HistogramHandle<M extends CatalogMetric> {
  record(value: number, ...attributes: AttributeArgs<M>): void;
  bind(...attributes: AttributeArgs<M>): BoundHistogram;
}

/** The handle type for one catalog metric. */
export type HandleOf<M extends CatalogMetric> = M['type'] extends 'counter'
  ? CounterHandle<M>
  : M['type'] extends 'updowncounter'
    ? UpDownCounterHandle<M>
    : M['type'] extends 'gauge'
      ? GaugeHandle<M>
      : HistogramHandle<M>;

/** Typed handles for every metric of a catalog, keyed like the catalog. */
export type Metrics<C extends Catalog> = { readonly [H in keyof C['metrics']]: HandleOf<C['metrics'][H]> };
