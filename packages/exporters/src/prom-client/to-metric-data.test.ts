import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { promClientToMetricData, type PromClientMetric } from './to-metric-data.js';

const start: [number, number] = [100, 0];
const end: [number, number] = [160, 0];

describe('promClientToMetricData', () => {
  it('turns cumulative le buckets into per-bucket counts, one point per label set', () => {
    const histogram: PromClientMetric = {
      name: 'rpc_seconds',
      help: 'RPC time',
      type: 'histogram',
      values: [
        { metricName: 'rpc_seconds_bucket', labels: { le: 0.1, method: 'get' }, value: 2 },
        { metricName: 'rpc_seconds_bucket', labels: { le: 1, method: 'get' }, value: 5 },
        { metricName: 'rpc_seconds_bucket', labels: { le: '+Inf', method: 'get' }, value: 6 },
        { metricName: 'rpc_seconds_sum', labels: { method: 'get' }, value: 4.5 },
        { metricName: 'rpc_seconds_count', labels: { method: 'get' }, value: 6 },
        { metricName: 'rpc_seconds_bucket', labels: { le: 0.1, method: 'put' }, value: 0 },
        { metricName: 'rpc_seconds_bucket', labels: { le: 1, method: 'put' }, value: 0 },
        { metricName: 'rpc_seconds_bucket', labels: { le: '+Inf', method: 'put' }, value: 1 },
        { metricName: 'rpc_seconds_sum', labels: { method: 'put' }, value: 9 },
        { metricName: 'rpc_seconds_count', labels: { method: 'put' }, value: 1 },
      ],
    };
    const { metrics, errors } = promClientToMetricData([histogram], start, end);
    expect(errors).toEqual([]);
    expect(metrics).toEqual([
      {
        descriptor: { name: 'rpc_seconds', description: 'RPC time', unit: '', valueType: 1 },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: [
          { startTime: start, endTime: end, attributes: { method: 'get' }, value: { buckets: { boundaries: [0.1, 1], counts: [2, 3, 1] }, sum: 4.5, count: 6 } },
          { startTime: start, endTime: end, attributes: { method: 'put' }, value: { buckets: { boundaries: [0.1, 1], counts: [0, 0, 1] }, sum: 9, count: 1 } },
        ],
      },
    ]);
  });

  it('maps counters to monotonic sums and gauges to gauges, label values as strings', () => {
    const { metrics } = promClientToMetricData(
      [
        { name: 'jobs_total', help: 'Jobs', type: 'counter', values: [{ labels: { shard: 3 }, value: 7 }] },
        { name: 'queue', help: 'Queue', type: 'gauge', values: [{ labels: {}, value: -2 }] },
      ],
      start,
      end,
    );
    expect(metrics.map((m) => [m.descriptor.name, m.dataPointType, 'isMonotonic' in m ? m.isMonotonic : undefined])).toEqual([
      ['jobs_total', DataPointType.SUM, true],
      ['queue', DataPointType.GAUGE, undefined],
    ]);
    expect(metrics[0]?.dataPoints[0]?.attributes).toEqual({ shard: '3' });
    expect(metrics[1]?.dataPoints[0]?.value).toBe(-2);
  });

  it('maps a summary to quantile gauges and a bucketless histogram of its sum and count', () => {
    const { metrics } = promClientToMetricData(
      [
        {
          name: 'lat',
          help: 'Latency',
          type: 'summary',
          values: [
            { labels: { quantile: 0.5, route: '/' }, value: 1.5 },
            { labels: { quantile: 0.9, route: '/' }, value: 2 },
            { metricName: 'lat_sum', labels: { route: '/' }, value: 3 },
            { metricName: 'lat_count', labels: { route: '/' }, value: 2 },
          ],
        },
      ],
      start,
      end,
    );
    expect(metrics.map((m) => [m.descriptor.name, m.dataPointType])).toEqual([
      ['lat_quantile', DataPointType.GAUGE],
      ['lat', DataPointType.HISTOGRAM],
    ]);
    expect(metrics[0]?.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ route: '/', quantile_level: '0.5' }, 1.5],
      [{ route: '/', quantile_level: '0.9' }, 2],
    ]);
    expect(metrics[1]?.dataPoints[0]?.value).toEqual({ buckets: { boundaries: [], counts: [2] }, sum: 3, count: 2 });
  });

  it('reports an unknown type as an error and converts the rest', () => {
    const { metrics, errors } = promClientToMetricData(
      [
        { name: 'odd', help: '', type: 'untyped', values: [] },
        { name: 'g', help: '', type: 'gauge', values: [] },
      ],
      start,
      end,
    );
    expect(metrics.map((m) => m.descriptor.name)).toEqual(['g']);
    expect(errors.map(String)).toEqual(['Error: prom-client metric "odd" has unknown type "untyped"; skipped']);
  });
});
