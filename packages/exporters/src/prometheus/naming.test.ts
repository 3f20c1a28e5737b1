import { ValueType } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INSTRUMENT_TYPES, type InstrumentType, prometheusLabelName, prometheusMetricName } from '@vigil/conventions';

/** What the OpenTelemetry serializer really writes for one instrument with one attribute. */
function exportedNames(name: string, kind: InstrumentType, attribute: string): { metric: string; label: string } {
  const descriptor = { name, description: 'd', unit: 'ms', valueType: ValueType.DOUBLE };
  const point = { startTime: [0, 0] as [number, number], endTime: [1, 0] as [number, number], attributes: { [attribute]: 'v' }, value: 1 };
  const data: MetricData =
    kind === 'gauge'
      ? { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.GAUGE, dataPoints: [point] }
      : kind === 'histogram'
        ? {
            descriptor,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.HISTOGRAM,
            dataPoints: [{ ...point, value: { buckets: { boundaries: [1], counts: [1, 0] }, sum: 1, count: 1 } }],
          }
        : {
            descriptor,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: kind === 'counter',
            dataPoints: [point],
          };
  const text = new PrometheusSerializer(undefined, false, undefined, true, true).serialize({
    resource: emptyResource(),
    scopeMetrics: [{ scope: { name: 's' }, metrics: [data] }],
  });
  const typeLine = /^# TYPE (\S+) /m.exec(text);
  const sample = /^[^#\s][^{]*\{([^=]+)=/m.exec(text);
  if (!typeLine?.[1] || !sample?.[1]) throw new Error(`unexpected serializer output:\n${text}`);
  return { metric: typeLine[1], label: sample[1] };
}

// The exporter's claim: the names its serializer writes are the shared convention's.
describe('the Prometheus naming convention', () => {
  it('is what the OpenTelemetry Prometheus serializer writes, for any instrument name and attribute key', () => {
    // OpenTelemetry instrument names: a letter, then letters, digits, `_`, `.`, `-`, `/` (max 255).
    const instrumentName = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_./-]{0,20}$/);
    const attributeKey = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,12}$/).filter((k) => prometheusLabelName(k) !== '_');
    fc.assert(
      fc.property(instrumentName, fc.constantFrom(...INSTRUMENT_TYPES), attributeKey, (name, kind, key) => {
        const exported = exportedNames(name, kind, key);
        expect(prometheusMetricName(name, kind)).toBe(exported.metric);
        expect(prometheusLabelName(key)).toBe(exported.label);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    { name: 'jobs_total', kind: 'counter' as InstrumentType },
    { name: 'a__b', kind: 'gauge' as InstrumentType },
    { name: 'a._b', kind: 'gauge' as InstrumentType },
    { name: 'a:b', kind: 'gauge' as InstrumentType },
    { name: 'http.server.duration', kind: 'histogram' as InstrumentType },
    { name: '9lives', kind: 'counter' as InstrumentType },
  ])('agrees on $name ($kind), a name rewritten beyond its dots', ({ name, kind }) => {
    expect(exportedNames(name, kind, 'k').metric).toBe(prometheusMetricName(name, kind));
  });
});
