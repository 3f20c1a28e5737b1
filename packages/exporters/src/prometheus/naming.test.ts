import { ValueType } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prometheusName as rulesPrometheusName, sanitizeName as rulesSanitizeName } from '../../../compiler/src/model/names.js';
import { findLabelCollisions, type InstrumentKind, prometheusLabelName, prometheusMetricName } from './naming.js';

/** What the OpenTelemetry serializer really writes for one instrument with one attribute. */
function exportedNames(name: string, kind: InstrumentKind, attribute: string): { metric: string; label: string } {
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

const kinds: InstrumentKind[] = ['counter', 'updowncounter', 'gauge', 'histogram'];

describe('prometheusMetricName and prometheusLabelName', () => {
  it('states the rule: invalid characters to _, _total on counters, no unit suffix', () => {
    expect(prometheusMetricName('vvtv.selection.events', 'counter')).toBe('vvtv_selection_events_total');
    expect(prometheusMetricName('http.server.duration', 'histogram')).toBe('http_server_duration');
    expect(prometheusMetricName('queue-depth', 'updowncounter')).toBe('queue_depth');
    expect(prometheusMetricName('jobs_total', 'counter')).toBe('jobs_total');
    expect(prometheusMetricName('a:b', 'gauge')).toBe('a_b');
    expect(prometheusMetricName('a.._b', 'gauge')).toBe('a_b');
    expect(prometheusLabelName('http.route')).toBe('http_route');
  });

  it('matches what the OpenTelemetry Prometheus serializer writes, for any instrument name and attribute key', () => {
    // OpenTelemetry instrument names: a letter, then letters, digits, `_`, `.`, `-`, `/` (max 255).
    const instrumentName = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_./-]{0,20}$/);
    const attributeKey = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,12}$/).filter((k) => prometheusLabelName(k) !== '_');
    fc.assert(
      fc.property(instrumentName, fc.constantFrom(...kinds), attributeKey, (name, kind, key) => {
        const exported = exportedNames(name, kind, key);
        expect(prometheusMetricName(name, kind)).toBe(exported.metric);
        expect(prometheusLabelName(key)).toBe(exported.label);
      }),
      { numRuns: 300 },
    );
  });
});

describe('agreement with the rules generator (packages/rules-generator/src/model/names.ts)', () => {
  // Names as the catalog allows them (`^[a-zA-Z_][a-zA-Z0-9_.]*$`) and as the users' definitions write them.
  const catalogNames = [
    'vvtv_selection_entropy',
    'vvtv.curator.budget',
    'chorus_trust_score',
    'http.server.request.duration',
    'rag_query_latency_seconds',
    'tta_carbon_grams',
    '_private.metric',
    'A.Mixed_Case9',
  ];

  it('agrees on catalog names, for every instrument kind, and on label names', () => {
    for (const name of catalogNames) {
      for (const kind of kinds) expect(prometheusMetricName(name, kind), `${name} as ${kind}`).toBe(rulesPrometheusName(name, kind));
      expect(prometheusLabelName(name)).toBe(rulesSanitizeName(name));
    }
  });

  // Names the exporter rewrites beyond replacing dots: the rules generator must say the same.
  it.each([
    { name: 'jobs_total', kind: 'counter' as InstrumentKind, exporter: 'jobs_total' },
    { name: 'a__b', kind: 'gauge' as InstrumentKind, exporter: 'a_b' },
    { name: 'a._b', kind: 'gauge' as InstrumentKind, exporter: 'a_b' },
    { name: 'a:b', kind: 'gauge' as InstrumentKind, exporter: 'a_b' },
  ])('agrees on $name ($kind): $exporter', ({ name, kind, exporter }) => {
    expect(prometheusMetricName(name, kind)).toBe(exporter);
    expect(exportedNames(name, kind, 'k').metric).toBe(exporter);
    expect(rulesPrometheusName(name, kind)).toBe(exporter);
  });
});

describe('findLabelCollisions', () => {
  it('reports keys that become one label name', () => {
    expect(findLabelCollisions(['a.b', 'a_b', 'c', 'd-e', 'd.e', 'd__e'])).toEqual([
      { label: 'a_b', keys: ['a.b', 'a_b'] },
      { label: 'd_e', keys: ['d-e', 'd.e', 'd__e'] },
    ]);
  });

  it('reports nothing for distinct labels or a key repeated', () => {
    expect(findLabelCollisions(['region', 'route', 'region'])).toEqual([]);
  });
});
