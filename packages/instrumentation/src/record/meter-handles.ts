import type { Attributes, Meter } from '@opentelemetry/api';
import type { BoundCounter, BoundGauge, BoundHistogram, BoundUpDownCounter } from '../catalog.js';
import type { SeriesStore } from './series-store.js';

type Attrs = Readonly<Record<string, unknown>> | undefined;

/** The part of an OpenTelemetry synchronous instrument the handles call. */
interface Instrument {
  add?(value: number, attributes?: Attributes): void;
  record?(value: number, attributes?: Attributes): void;
}

/**
 * A handle over an instrument of an OpenTelemetry `Meter` (any MeterProvider, e.g. sdk-node's),
 * for services whose readers do not carry Vigil's producer. Values are checked and label values
 * folded by the same `SeriesStore` as the cell handles (so caps and overflow behave the same),
 * then handed to the SDK; only the cells are not used.
 */
export class MeterHandle implements BoundCounter, BoundUpDownCounter, BoundGauge, BoundHistogram {
  private readonly instrument: Instrument;
  private readonly write: (value: number, attributes: Attributes) => void;
  private readonly accepts: (value: number) => boolean;

  constructor(
    readonly store: SeriesStore,
    meter: Meter,
    private readonly fixed?: Attributes,
  ) {
    const options = { unit: store.unit, description: store.description };
    switch (store.kind) {
      case 'counter':
        this.instrument = meter.createCounter(store.name, options);
        break;
      case 'updowncounter':
        this.instrument = meter.createUpDownCounter(store.name, options);
        break;
      case 'gauge':
        this.instrument = meter.createGauge(store.name, options);
        break;
      case 'histogram':
        this.instrument = meter.createHistogram(store.name, { ...options, advice: { explicitBucketBoundaries: [...store.boundaries] } });
        break;
    }
    const instrument = this.instrument;
    this.write =
      store.kind === 'counter' || store.kind === 'updowncounter'
        ? (value, attributes) => instrument.add?.(value, attributes)
        : (value, attributes) => instrument.record?.(value, attributes);
    this.accepts =
      store.kind === 'counter'
        ? (value) => typeof value === 'number' && value >= 0 && value < Infinity
        : (value) => typeof value === 'number' && value > -Infinity && value < Infinity;
  }

  private constructorFor(attributes: Attributes): MeterHandle {
    const bound = Object.create(MeterHandle.prototype) as MeterHandle;
    Object.assign(bound, this, { fixed: attributes });
    return bound;
  }

  private put(value: number, attributes: Attrs): void {
    try {
      if (!this.accepts(value)) {
        this.store.invalidValues++;
        return;
      }
      this.write(value, this.fixed ?? this.store.keptAttributesOf(this.store.seriesFor(attributes)));
    } catch {
      this.store.errors++;
    }
  }

  add(value?: number, attributes?: Attrs): void {
    this.put(value ?? 1, attributes);
  }

  record(value: number, attributes?: Attrs): void {
    this.put(value, attributes);
  }

  bind(attributes?: Attrs): MeterHandle {
    try {
      return this.constructorFor(this.store.keptAttributesOf(this.store.seriesFor(attributes)));
    } catch {
      this.store.errors++;
      return this.constructorFor({});
    }
  }
}
