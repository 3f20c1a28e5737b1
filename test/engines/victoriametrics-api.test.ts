import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Generation, generate } from '@vigil/compiler';
import { readDefinitionsDir } from '@vigil/cli';
import { PromQlClient } from '@vigil/controller';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticOpenMetrics } from '../browser/synthetic-history.js';
import { parseLabelValues, queriesOf, substituteVariables } from '../dashboards/grafana-queries.js';
import { missingBinaries } from '../support/binaries.js';
import { type MetricsEndpoint, startMetricsEndpoint, waitFor } from '../support/servers.js';
import { flushVictoriaMetrics, replayRules, type RunningEngine, startVictoriaMetrics, startVmagent } from './support/engines.js';
import { openMetricsSeries, remoteWrite } from './support/remote-write.js';
import { rulePhases } from './support/rule-phases.js';

// VictoriaMetrics' Prometheus API as Vigil's readers use it: vmagent scrapes a service with the
// generated scrape configuration and remote-writes; the controller's PromQL client reads it;
// every generated Grafana panel query and query variable answers as on Prometheus.

const skip = missingBinaries('victoria-metrics', 'vmagent', 'vmalert');
const ROOT = join(import.meta.dirname, '..', '..');

interface ApiBody {
  status: string;
  error?: string;
  data?: { result?: unknown[] } | string[];
}

const resultCount = (body: ApiBody): number => (Array.isArray(body.data) ? body.data.length : (body.data?.result?.length ?? 0));

describe.skipIf(skip !== undefined)('Vigil against VictoriaMetrics\' Prometheus API', () => {
  let generation: Generation;
  let victoria: RunningEngine;
  let vmagent: RunningEngine | undefined;
  let metrics: MetricsEndpoint;
  const end = Math.floor(Date.now() / 1000 / 30) * 30 - 600;

  beforeAll(async () => {
    const result = generate(await readDefinitionsDir(join(ROOT, 'definitions'), ROOT));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    generation = result.value;
    victoria = await startVictoriaMetrics();
    metrics = await startMetricsEndpoint();
    // Two hours of every catalog metric, then the generated recording rules replayed on top.
    const { model, outputs } = generation;
    await remoteWrite(`${victoria.url}/api/v1/write`, openMetricsSeries(syntheticOpenMetrics(model, model.metrics, { endSeconds: end, spanSeconds: 2 * 3600, stepSeconds: 30 })));
    await flushVictoriaMetrics(victoria.url);
    const dir = await mkdtemp(join(tmpdir(), 'vigil-vmapi-'));
    try {
      const ruleFiles = await Promise.all(
        outputs
          .filter((o) => o.path.startsWith('prometheus/rules/'))
          .map(async (o) => {
            const file = join(dir, o.path.split('/').at(-1) as string);
            await writeFile(file, o.content);
            return file;
          }),
      );
      for (const [i, text] of rulePhases(ruleFiles).entries()) {
        const file = join(dir, `phase-${i}.yml`);
        await writeFile(file, text);
        await replayRules({ ruleFiles: [file], datasourceUrl: victoria.url, remoteWriteUrl: victoria.url, fromMs: (end - 1800) * 1000, toMs: end * 1000, evaluationSeconds: 30, rulesDelayMs: 0 });
        await flushVictoriaMetrics(victoria.url);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  afterAll(async () => {
    await vmagent?.stop();
    await victoria?.stop();
    await metrics?.close();
  });

  it('vmagent scrapes with the generated scrape jobs and remote-writes; the controller\'s PromQL client reads it', async () => {
    metrics.set('# TYPE shop_orders_total counter\nshop_orders_total{variant="canary"} 42\n');
    const result = generate([
      {
        path: 'definitions/shop.yaml',
        text: `apiVersion: vigil.dev/v1
settings: { scrape_interval: 1s, evaluation_interval: 1s, outputs: [], remote_write: [{ url: "${victoria.url}/api/v1/write" }] }
services: [{ name: shop, team: web, targets: ["127.0.0.1:${metrics.port}"] }]
`,
      },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const config = result.value.outputs.find((o) => o.path === 'prometheus/prometheus.yml')?.content as string;
    expect(config).toMatch(/remote_write:\n\s+- url: \S+\/api\/v1\/write/);
    // The generated prometheus.yml as it is: vmagent reads its global and scrape_configs and,
    // not strict, passes over rule_files, alerting and remote_write (given by flag instead).
    vmagent = await startVmagent({ config, remoteWriteUrl: `${victoria.url}/api/v1/write` });
    const client = new PromQlClient({ baseUrl: victoria.url });
    const sample = await waitFor(
      async () => {
        await flushVictoriaMetrics(victoria.url);
        const answer = await client.instant('sum by (job) (shop_orders_total)');
        return answer.ok && answer.value.length > 0 ? answer.value[0] : undefined;
      },
      30_000,
      'the scraped series in VictoriaMetrics',
    );
    expect(sample).toMatchObject({ labels: { job: 'shop' }, value: 42 });
    const up = await client.instant('up{job="shop"}');
    expect(up.ok && up.value[0]?.value).toBe(1);
  }, 60_000);

  it('answers every generated panel query, instant and range, with status success', async () => {
    const queries = queriesOf(generation.model.dashboards);
    expect(queries.length).toBeGreaterThan(100);
    const failures: string[] = [];
    const empty: string[] = [];
    for (const { dashboard, panel, query } of queries) {
      const expr = substituteVariables(query.expr);
      const where = `${dashboard} / ${panel.title}: ${expr}`;
      const get = async (path: string, params: Record<string, string>) => (await (await fetch(`${victoria.url}${path}?${new URLSearchParams(params)}`)).json()) as ApiBody;
      const instant = await get('/api/v1/query', { query: expr, time: String(end) });
      const range = await get('/api/v1/query_range', { query: expr, start: String(end - 3600), end: String(end), step: '60' });
      for (const body of [instant, range]) if (body.status !== 'success') failures.push(`${where}: ${body.error}`);
      if (panel.metric !== undefined && resultCount(range) === 0) empty.push(where);
    }
    expect(failures).toEqual([]);
    expect(empty).toEqual([]);
  }, 120_000);

  it('answers every query variable through the label-values API', async () => {
    const variables = generation.model.dashboards.flatMap((board) => board.variables.flatMap((variable) => (variable.kind === 'query' ? [{ board: board.uid, variable }] : [])));
    expect(variables.length).toBeGreaterThan(0);
    for (const { board, variable } of variables) {
      const parsed = parseLabelValues(variable.query);
      expect(parsed, `${board} $${variable.name}`).toBeDefined();
      if (!parsed) continue;
      const params = new URLSearchParams({ 'match[]': substituteVariables(parsed.selector), start: String(end - 3600), end: String(end) });
      const body = (await (await fetch(`${victoria.url}/api/v1/label/${parsed.label}/values?${params}`)).json()) as ApiBody;
      expect(body.status, `${board} $${variable.name}: ${body.error}`).toBe('success');
      expect(resultCount(body), `${board} $${variable.name}`).toBeGreaterThan(0);
    }
  });

  it('has the SLO recording rules the SLO panels read', async () => {
    const body = (await (await fetch(`${victoria.url}/api/v1/query?${new URLSearchParams({ query: 'slo:objective:ratio', time: String(end) })}`)).json()) as ApiBody;
    expect(resultCount(body)).toBe(generation.model.slos.length);
  });
});

