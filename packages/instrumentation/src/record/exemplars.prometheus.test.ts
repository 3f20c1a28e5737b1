import { spawnSync } from 'node:child_process';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createPrometheusEndpoint, type PrometheusEndpoint } from '@vigil/exporters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../../../../test/support/binaries.js';
import { type RunningPrometheus, startPrometheus, waitFor } from '../../../../test/support/servers.js';
import { createMetrics } from '../create-metrics.js';
import { VigilMetricProducer } from './vigil-producer.js';

const skip = missingBinaries('prometheus', 'promtool');

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const OPENMETRICS = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

const catalog = {
  metrics: {
    orders: { name: 'shop.orders', type: 'counter', unit: '1', description: 'Orders "placed"', labels: { method: {} } },
    latency: { name: 'shop.checkout.duration_seconds', type: 'histogram', unit: 's', description: 'Checkout time', labels: { step: {} }, buckets: [0.1, 1, 10] },
    depth: { name: 'shop.queue.depth', type: 'updowncounter', unit: '1', description: 'Queue', labels: {} },
    ratio: { name: 'shop.stock.ratio', type: 'gauge', unit: '1', description: 'Stock', labels: { warehouse: {} } },
  },
} as const;

/** `promtool check metrics` on a body: exit status and what it printed. */
function promtool(body: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * Vigil's handles keeping exemplars, served by two endpoints over the same producer (one
 * negotiating OpenMetrics, one held to the Prometheus text format) and scraped by a real
 * Prometheus with exemplar storage.
 */
describe.skipIf(skip !== undefined)('exemplars and both formats, with promtool and a real Prometheus', () => {
  const manager = new AsyncLocalStorageContextManager();
  let openMetrics: PrometheusEndpoint;
  let text: PrometheusEndpoint;
  let provider: MeterProvider;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    context.setGlobalContextManager(manager.enable());
    const producer = new VigilMetricProducer();
    const metrics = createMetrics(catalog, producer, { exemplars: true });
    openMetrics = createPrometheusEndpoint({ port: 0, host: '127.0.0.1', metricProducers: [producer] });
    text = createPrometheusEndpoint({ port: 0, host: '127.0.0.1', metricProducers: [producer], openMetrics: false });
    provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'shop' }), readers: [openMetrics.reader, text.reader] });
    // Outside any span: counted, no exemplar.
    metrics.orders.add(1, { method: 'cash' });
    const sampled = trace.setSpanContext(context.active(), { traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED });
    context.with(sampled, () => {
      metrics.orders.add(2, { method: 'card' });
      metrics.orders.bind({ method: 'card' }).add(3);
      metrics.latency.record(0.5, { step: 'pay\n"now"' });
      metrics.latency.bind({ step: 'ship' }).record(4);
    });
    metrics.depth.add(-2);
    metrics.ratio.record(0.75, { warehouse: 'eu-1' });
    const omTarget = `127.0.0.1:${(await openMetrics.listen()).port}`;
    const textTarget = `127.0.0.1:${(await text.listen()).port}`;
    prometheus = await startPrometheus(
      `global: { scrape_interval: 1s }
scrape_configs:
  - job_name: openmetrics
    static_configs: [{ targets: ["${omTarget}"] }]
  - job_name: text
    static_configs: [{ targets: ["${textTarget}"] }]
`,
      {},
      { args: ['--enable-feature=exemplar-storage'] },
    );
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await openMetrics?.shutdown();
    await text?.shutdown();
    await provider?.shutdown();
    context.disable();
  });

  it('writes exemplars of sampled spans on counters and on the bucket each value fell in, in OpenMetrics only', async () => {
    const url = `http://127.0.0.1:${(await openMetrics.listen()).port}/metrics`;
    const om = await (await fetch(url, { headers: { accept: OPENMETRICS } })).text();
    expect(om).toMatch(new RegExp(`^shop_orders_total\\{method="card",otel_scope_name="@vigil/instrumentation",otel_scope_version="0.1.0"\\} 5 # \\{trace_id="${TRACE}",span_id="${SPAN}"\\} 3 \\d+\\.\\d{3}$`, 'm'));
    expect(om).toMatch(/^shop_orders_total\{method="cash",[^}]*\} 1$/m);
    expect(om).toMatch(new RegExp(`^shop_checkout_duration_seconds_bucket\\{step="ship",[^}]*,le="10"\\} 1 # \\{trace_id="${TRACE}",span_id="${SPAN}"\\} 4 `, 'm'));
    expect(om).toMatch(/^shop_checkout_duration_seconds_bucket\{step="ship",[^}]*,le="1"\} 0$/m);
    expect(om).toContain('step="pay\\n\\"now\\""');
    expect(om.endsWith('# EOF\n')).toBe(true);
    const plain = await (await fetch(url)).text();
    expect(plain).not.toContain('trace_id');
  });

  it('promtool accepts the Prometheus text body, and the OpenMetrics body as far as its text parser reads (exemplars aside)', async () => {
    const url = `http://127.0.0.1:${(await openMetrics.listen()).port}/metrics`;
    const plain = await (await fetch(url)).text();
    const checked = promtool(plain);
    expect(checked.output).not.toMatch(/error/i);
    expect(checked.status).toBe(0);
    // promtool 2.42's `check metrics` has only the text-format parser: it reads OpenMetrics'
    // `# EOF`, `# UNIT` and `_total` samples, but not exemplars nor `\"` in HELP (which
    // OpenMetrics requires), so those are cut for it here; the real Prometheus below parses the
    // whole OpenMetrics body.
    const om = await (await fetch(url, { headers: { accept: OPENMETRICS } })).text();
    expect(om).toContain('# HELP shop_orders Orders \\"placed\\"\n');
    const withoutExemplars = om.replace(/ # \{[^}]*\} \S+ \S+$/gm, '').replace(/^(# HELP .*)$/gm, (line) => line.replaceAll('\\"', "'"));
    expect(withoutExemplars).not.toBe(om);
    const checkedOm = promtool(withoutExemplars);
    // It parses every line (no "error while linting"); its only lint findings are the text
    // format's reading of OpenMetrics counters, whose `_total` samples it takes for a family of
    // their own without HELP.
    expect(checkedOm.output).not.toMatch(/error/i);
    const findings = checkedOm.output.split('\n').filter((line) => line.trim() !== '');
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) {
      const family = /^(\S+)_total no help text$/.exec(finding)?.[1];
      expect(family, finding).toBeDefined();
      expect(om, finding).toContain(`# TYPE ${family} counter\n`);
    }
  });

  it('a real Prometheus ingests both formats alike and returns the exemplars', async () => {
    const query = async (expr: string): Promise<Sample[]> => {
      const body = (await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: Sample[] } };
      return body.data.result;
    };
    await waitFor(async () => ((await query('up == 1')).length === 2 && (await query('shop_orders_total')).length === 4 ? true : undefined), 30_000, 'both jobs up');
    const byJob = async (expr: string): Promise<Record<string, string[]>> => {
      const out: Record<string, string[]> = {};
      for (const s of await query(expr)) {
        const { job = '', instance: _i, ...labels } = s.metric;
        (out[job] ??= []).push(`${JSON.stringify(labels)} ${s.value[1]}`);
      }
      for (const list of Object.values(out)) list.sort();
      return out;
    };
    for (const expr of ['shop_orders_total', 'shop_checkout_duration_seconds_bucket', 'shop_checkout_duration_seconds_count', 'shop_queue_depth', 'shop_stock_ratio', 'target_info']) {
      const jobs = await byJob(expr);
      expect(jobs['openmetrics'], expr).toBeDefined();
      expect(jobs['openmetrics'], expr).toEqual(jobs['text']);
    }
    const exemplars = await waitFor(
      async () => {
        const now = Date.now() / 1000;
        const url = `${prometheus.url}/api/v1/query_exemplars?query=${encodeURIComponent('{__name__=~"shop_orders_total|shop_checkout_duration_seconds_bucket"}')}&start=${now - 600}&end=${now + 60}`;
        const body = (await (await fetch(url)).json()) as { data: { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string }[] }[] };
        return body.data.length >= 2 ? body.data : undefined;
      },
      30_000,
      'exemplars in Prometheus',
    );
    const found = exemplars.map((e) => [e.seriesLabels['__name__'], e.seriesLabels['job'], e.seriesLabels['method'] ?? e.seriesLabels['le'], e.exemplars[0]?.labels]);
    expect(found).toContainEqual(['shop_orders_total', 'openmetrics', 'card', { trace_id: TRACE, span_id: SPAN }]);
    expect(found).toContainEqual(['shop_checkout_duration_seconds_bucket', 'openmetrics', '10', { trace_id: TRACE, span_id: SPAN }]);
    expect(found.every(([, job]) => job === 'openmetrics')).toBe(true);
  });
});
