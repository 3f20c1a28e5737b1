import type { Attributes, Counter, Gauge, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { assertNever, type InstrumentType } from '@vigil/conventions';

/** A label of a catalog metric: a closed set of values or a cardinality cap. */
export type LabelSpec = { values: readonly string[] } | { max_cardinality: number };

/** One catalog metric, shaped like a `metrics` entry of a definitions file (without `service`). */
export interface MetricSpec {
  name: string;
  type: InstrumentType;
  unit: string;
  description: string;
  labels: Readonly<Record<string, LabelSpec>>;
  buckets?: readonly number[];
}

/** Label value that replaces values past a label's cardinality cap (one overflow series). */
export const OVERFLOW_LABEL_VALUE = '__overflow__';

/** A synchronous instrument created from a catalog entry; `record` adds or sets by type. */
export interface CatalogInstrument {
  readonly spec: MetricSpec;
  record(value: number, attributes?: Attributes): void;
}

/**
 * Creates the OpenTelemetry instrument for a catalog entry. Histograms get the catalog's
 * buckets as `explicitBucketBoundaries` advice, so any MeterProvider uses the same buckets
 * as the rules compiled from the definitions.
 */
export function createInstrument(meter: Meter, spec: MetricSpec): CatalogInstrument {
  const options = { description: spec.description, unit: spec.unit };
  switch (spec.type) {
    case 'counter': {
      const counter: Counter = meter.createCounter(spec.name, options);
      return { spec, record: (value, attributes) => counter.add(value, attributes) };
    }
    case 'updowncounter': {
      const counter: UpDownCounter = meter.createUpDownCounter(spec.name, options);
      return { spec, record: (value, attributes) => counter.add(value, attributes) };
    }
    case 'gauge': {
      const gauge: Gauge = meter.createGauge(spec.name, options);
      return { spec, record: (value, attributes) => gauge.record(value, attributes) };
    }
    case 'histogram': {
      const histogram: Histogram = meter.createHistogram(spec.name, {
        ...options,
        ...(spec.buckets ? { advice: { explicitBucketBoundaries: [...spec.buckets] } } : {}),
      });
      return { spec, record: (value, attributes) => histogram.record(value, attributes) };
    }
    default:
      return assertNever(spec.type);
  }
}

/** Looks a metric up by name in a catalog; a missing name is a programming error. */
export function findSpec(catalog: readonly MetricSpec[], name: string): MetricSpec {
  const spec = catalog.find((metric) => metric.name === name);
  if (!spec) throw new Error(`metric ${name} is not in the catalog`);
  return spec;
}

/**
 * Wraps catalog metrics in a definitions document (`apiVersion: vigil.dev/v1`, one service),
 * so the rules compiler can check a module's catalog like a user's definitions file.
 */
export function toDefinitionsDocument(service: string, catalog: readonly MetricSpec[]): Record<string, unknown> {
  return {
    apiVersion: 'vigil.dev/v1',
    services: [{ name: service, team: 'vigil' }],
    metrics: catalog.map((spec) => ({
      name: spec.name,
      type: spec.type,
      unit: spec.unit,
      description: spec.description,
      service,
      labels: Object.fromEntries(
        Object.entries(spec.labels).map(([label, value]) => [
          label,
          'values' in value ? { values: [...value.values] } : { max_cardinality: value.max_cardinality },
        ]),
      ),
      ...(spec.buckets ? { buckets: [...spec.buckets] } : {}),
    })),
  };
}
