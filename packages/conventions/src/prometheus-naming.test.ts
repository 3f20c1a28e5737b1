import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INSTRUMENT_TYPES } from './instrument-type.js';
import {
  findLabelCollisions,
  PROMETHEUS_LABEL_NAME_PATTERN,
  PROMETHEUS_METRIC_NAME_PATTERN,
  prometheusLabelName,
  prometheusMetricName,
  prometheusSeriesNames,
} from './prometheus-naming.js';

/** Any name a user or an OpenTelemetry instrumentation may give, including what Prometheus rejects. */
const anyName = fc.string({ minLength: 1, maxLength: 24 });
/** Names as the catalog allows them: `^[a-zA-Z_][a-zA-Z0-9_.]*$`. */
const catalogName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.]{0,20}$/);
const instrumentType = fc.constantFrom(...INSTRUMENT_TYPES);

describe('prometheusMetricName', () => {
  it('replaces invalid characters, collapses `_` runs, adds `_total` to counters only, no unit suffix', () => {
    expect(prometheusMetricName('vvtv.selection.events', 'counter')).toBe('vvtv_selection_events_total');
    expect(prometheusMetricName('http.server.duration', 'histogram')).toBe('http_server_duration');
    expect(prometheusMetricName('queue-depth', 'updowncounter')).toBe('queue_depth');
    expect(prometheusMetricName('jobs_total', 'counter')).toBe('jobs_total');
    expect(prometheusMetricName('a:b', 'gauge')).toBe('a_b');
    expect(prometheusMetricName('a.._b', 'gauge')).toBe('a_b');
  });

  it('prefixes `_` to a name that starts with a digit (a metric name must not)', () => {
    expect(prometheusMetricName('9lives', 'gauge')).toBe('_9lives');
    expect(prometheusMetricName('2xx.responses', 'counter')).toBe('_2xx_responses_total');
  });

  it('always produces a valid Prometheus metric name', () => {
    fc.assert(
      fc.property(anyName, instrumentType, (name, type) => {
        expect(prometheusMetricName(name, type)).toMatch(PROMETHEUS_METRIC_NAME_PATTERN);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves no colon and no run of `_` before the counter suffix, and ends in `_total` exactly for counters', () => {
    fc.assert(
      fc.property(anyName, instrumentType, (name, type) => {
        const out = prometheusMetricName(name, type);
        expect(out).not.toContain(':');
        // `a_` as a counter is `a__total`, as the serializer writes it: the suffix comes after the collapse.
        const base = type === 'counter' && !prometheusLabelName(name).endsWith('_total') ? out.slice(0, -'_total'.length) : out;
        expect(base).not.toMatch(/__/);
        if (type === 'counter') expect(out.endsWith('_total')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('is stable: naming a name it produced changes nothing (counters: unless the base ended in `_`)', () => {
    fc.assert(
      fc.property(anyName, instrumentType, (name, type) => {
        fc.pre(type !== 'counter' || !prometheusLabelName(name).endsWith('_'));
        const once = prometheusMetricName(name, type);
        expect(prometheusMetricName(once, type)).toBe(once);
      }),
    );
  });

  it('only turns dots into `_` and adds `_total`, for catalog names without `_` runs', () => {
    fc.assert(
      fc.property(
        catalogName.filter((n) => !/[_.]{2}/.test(n)),
        instrumentType,
        (name, type) => {
          const base = name.replaceAll('.', '_');
          expect(prometheusMetricName(name, type)).toBe(type === 'counter' && !base.endsWith('_total') ? `${base}_total` : base);
        },
      ),
    );
  });
});

describe('prometheusLabelName', () => {
  it('replaces invalid characters and keeps a leading digit (the exporter does not prefix labels)', () => {
    expect(prometheusLabelName('http.route')).toBe('http_route');
    expect(prometheusLabelName('a..b')).toBe('a_b');
    expect(prometheusLabelName('9x')).toBe('9x');
  });

  it('produces a valid label name for any key that does not start with a digit', () => {
    fc.assert(
      fc.property(anyName.filter((k) => !/^[0-9]/.test(k)), (key) => {
        expect(prometheusLabelName(key)).toMatch(PROMETHEUS_LABEL_NAME_PATTERN);
      }),
      { numRuns: 500 },
    );
  });
});

describe('prometheusSeriesNames', () => {
  it('gives a histogram its bucket, sum and count series and any other instrument its family name', () => {
    expect(prometheusSeriesNames('rpc.duration', 'histogram')).toEqual(['rpc_duration_bucket', 'rpc_duration_sum', 'rpc_duration_count']);
    expect(prometheusSeriesNames('rpc.calls', 'counter')).toEqual(['rpc_calls_total']);
    expect(prometheusSeriesNames('queue', 'gauge')).toEqual(['queue']);
  });

  it('names only valid metric names, each built on the family name', () => {
    fc.assert(
      fc.property(anyName, instrumentType, (name, type) => {
        const family = prometheusMetricName(name, type);
        for (const series of prometheusSeriesNames(name, type)) {
          expect(series).toMatch(PROMETHEUS_METRIC_NAME_PATTERN);
          expect(series.startsWith(family)).toBe(true);
        }
      }),
    );
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

  it('reports a group exactly when distinct keys share a label name', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-c][._-]?[a-c]?$/), { maxLength: 8 }), (keys) => {
        const collisions = findLabelCollisions(keys);
        const labels = new Set(keys.map(prometheusLabelName));
        expect(collisions.length > 0).toBe(labels.size < new Set(keys).size);
        for (const { label, keys: group } of collisions) {
          expect(group.length).toBeGreaterThan(1);
          for (const key of group) expect(prometheusLabelName(key)).toBe(label);
        }
      }),
    );
  });
});
