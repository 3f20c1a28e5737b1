// Type-level tests: `tsc -p tsconfig.test.json` fails if any `@ts-expect-error` line compiles.
import { describe, expect, it } from 'vitest';
import type { Catalog } from './catalog.js';
import { createMetrics } from './create-metrics.js';
import { VigilMetricProducer } from './record/vigil-producer.js';

const catalog = {
  service: 'vvtv-core',
  metrics: {
    selectionEntropy: { name: 'vvtv_selection_entropy', type: 'gauge', unit: '1', description: '', labels: { channel: { maxCardinality: 50 } } },
    llmCalls: { name: 'vvtv_llm_calls', type: 'counter', unit: '1', description: '', labels: { outcome: { values: ['success', 'error'] } } },
    fallbacks: { name: 'vvtv_llm_fallback_activations', type: 'counter', unit: '1', description: '', labels: {} },
    latency: { name: 'vvtv_llm_call_duration_seconds', type: 'histogram', unit: 's', description: '', labels: {}, buckets: [1, 5] },
  },
} as const satisfies Catalog;

/** Never called: each line must fail to compile (some would also throw at run time). */
function compileTimeOnly(metrics: ReturnType<typeof createMetrics<typeof catalog>>): void {
  // @ts-expect-error unknown metric
  void metrics.selectionEntrpy;
  // @ts-expect-error unknown label
  metrics.selectionEntropy.record(0.42, { channel: 'news', region: 'eu' });
  // @ts-expect-error missing label
  metrics.selectionEntropy.record(0.42, {});
  // @ts-expect-error label value outside the allowed set
  metrics.llmCalls.add(1, { outcome: 'maybe' });
  // @ts-expect-error label value outside the allowed set, when binding
  metrics.llmCalls.bind({ outcome: 'maybe' });
  // @ts-expect-error labels are required for a labelled metric
  metrics.llmCalls.add(1);
  // @ts-expect-error a counter has no record()
  metrics.llmCalls.record(1, { outcome: 'success' });
  // @ts-expect-error a gauge has no add()
  metrics.selectionEntropy.add(1, { channel: 'news' });
  // @ts-expect-error an unlabelled metric takes no labels
  metrics.fallbacks.add(1, { outcome: 'success' });
  // @ts-expect-error values are numbers
  metrics.latency.record('2');
}

describe('typed handles', () => {
  it('accept what the catalog allows and reject the rest at compile time', () => {
    const metrics = createMetrics(catalog, new VigilMetricProducer());
    metrics.selectionEntropy.record(0.42, { channel: 'news' });
    metrics.llmCalls.add(1, { outcome: 'success' });
    metrics.llmCalls.bind({ outcome: 'error' }).add();
    metrics.fallbacks.add(1);
    metrics.latency.bind().record(2);

    expect(typeof compileTimeOnly).toBe('function');
    expect(Object.keys(metrics).sort()).toEqual(['fallbacks', 'latency', 'llmCalls', 'selectionEntropy']);
  });
});
