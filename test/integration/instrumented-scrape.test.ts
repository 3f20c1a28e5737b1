import { join, resolve } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { generate } from '@vigil/compiler';
import { prometheusSeriesNames as seriesNames } from '@vigil/conventions';
import { readDefinitionsDir } from '@vigil/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateTraffic, startVvtvCore, type VvtvCore } from '../../examples/vvtv-service/src/service.js';
import { vvtvCoreCatalog } from '../../examples/vvtv-service/src/vvtv-core-catalog.js';
import { missingBinaries } from '../support/binaries.js';
import { type RunningPrometheus, startPrometheus, waitFor } from '../support/servers.js';

const skip = missingBinaries('prometheus');
const root = resolve(import.meta.dirname, '../..');
const TICKS = 12;

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Every vector selector of a PromQL expression, as written (`name{matchers}`), with its metric name. */
function selectors(expr: string): { text: string; name: string }[] {
  const found: { text: string; name: string }[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.name !== 'VectorSelector') continue;
    const node = cursor.node;
    const identifier = node.getChild('Identifier');
    if (identifier) found.push({ text: expr.slice(node.from, node.to), name: expr.slice(identifier.from, identifier.to) });
  } while (cursor.next());
  return found;
}

describe.skipIf(skip !== undefined)('an instrumented service scraped by a real Prometheus', () => {
  let service: VvtvCore;
  let prometheus: RunningPrometheus;

  const query = async (promql: string): Promise<Sample[]> => {
    const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; data: { result: Sample[] }; error?: string };
    if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
    return body.data.result;
  };
  const value = async (promql: string): Promise<number | undefined> => {
    const [first] = await query(promql);
    return first ? Number(first.value[1]) : undefined;
  };

  beforeAll(async () => {
    service = await startVvtvCore({ port: 0, host: '127.0.0.1', shutdownSignals: [] });
    simulateTraffic(service.metrics, TICKS);
    // A label value outside the allowed set (as untyped JavaScript could send) folds into __overflow__.
    service.metrics.llmCalls.add(1, { outcome: 'exploded', variant: 'control' } as never);
    prometheus = await startPrometheus(
      `global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: vvtv-core
    static_configs: [{ targets: ["127.0.0.1:${service.port}"] }]
`,
      {},
    );
    await waitFor(async () => ((await query('vvtv_llm_calls_total{job="vvtv-core"}')).length > 0 ? true : undefined), 30_000, 'the first scrape of vvtv-core');
  });

  afterAll(async () => {
    await prometheus?.stop();
    await service?.stop();
  });

  it('reads the recorded business metrics back through the Prometheus HTTP API', async () => {
    // 12 ticks: outcomes cycle success x3, error, timeout, rejected; the bound handle adds one success/control per tick.
    expect(await value('sum(vvtv_llm_calls_total{job="vvtv-core", outcome="success"})')).toBe(6 + TICKS);
    expect(await value('vvtv_llm_calls_total{job="vvtv-core", outcome="timeout", variant="control"}')).toBe(2);
    expect(await value('vvtv_llm_calls_total{job="vvtv-core", outcome="__overflow__"}')).toBe(1);
    expect(await value('vigil_cardinality_overflow_total{job="vvtv-core", metric="vvtv_llm_calls", label="outcome"}')).toBe(1);
    expect(await value('vvtv_selection_entropy{job="vvtv-core", variant="canary"}')).toBe(0.42);
    expect(await value('vvtv_llm_fallback_activations_total{job="vvtv-core"}')).toBe(3);
    expect(await value('vvtv_llm_call_duration_seconds_count{job="vvtv-core"}')).toBe(TICKS);
    expect(await value('vvtv_llm_call_duration_seconds_bucket{job="vvtv-core", le="0.1"}')).toBe(2);
    expect(await value('vvtv_llm_call_duration_seconds_bucket{job="vvtv-core", le="+Inf"}')).toBe(TICKS);
    expect(await value('vvtv_llm_circuit_breaker_state{job="vvtv-core", state="closed"}')).toBe(1);
    const [info] = await query('target_info{job="vvtv-core"}');
    expect(info?.metric).toMatchObject({ service_name: 'vvtv-core', service_version: '0.1.0', deployment_environment: 'example' });
  });

  it('serves every catalog metric of the service under the series names the rules compiler assumes', async () => {
    const names = new Set((await query('count by (__name__) ({job="vvtv-core"})')).map((s) => s.metric.__name__));
    for (const metric of Object.values(vvtvCoreCatalog.metrics)) {
      for (const series of seriesNames(metric.name, metric.type)) expect(names, `${metric.name} -> ${series}`).toContain(series);
      expect(names).toContain(metric.type === 'histogram' ? `${metric.promName}_count` : metric.promName);
    }
  });

  it('every selector of a catalog metric in the generated vvtv-core rules matches series that exist', async () => {
    const result = generate(await readDefinitionsDir(join(root, 'definitions'), root));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const { rules, model } = result.value;
    const catalogSeries = new Set(model.metrics.filter((m) => m.service === 'vvtv-core').flatMap((m) => seriesNames(m.name, m.type)));
    const records = new Set(rules.flatMap((f) => f.groups.flatMap((g) => g.rules.flatMap((r) => (r.type === 'recording' ? [r.record] : [])))));
    const file = rules.find((f) => f.name === 'vvtv-core');
    expect(file, 'a generated rule file for vvtv-core').toBeDefined();
    const checked: string[] = [];
    for (const rule of file?.groups.flatMap((g) => g.rules) ?? []) {
      for (const selector of selectors(rule.expr)) {
        if (records.has(selector.name) || !selector.name.startsWith('vvtv_')) continue; // records, up, prometheus_*
        expect(catalogSeries, `${selector.name} in ${rule.expr}`).toContain(selector.name);
        expect((await query(`count(${selector.text})`)).length, `${selector.text} in ${rule.type === 'recording' ? rule.record : rule.alert}`).toBe(1);
        checked.push(selector.text);
      }
    }
    expect(checked.length).toBeGreaterThan(5);
  });
});
