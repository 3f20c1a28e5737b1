import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Generation, generate } from '@vigil/compiler';
import { readDefinitionsDir } from '@vigil/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticOpenMetrics } from '../browser/synthetic-history.js';
import { missingBinaries } from '../support/binaries.js';
import { type RunningPrometheus, startPrometheus, waitFor } from '../support/servers.js';
import { parseLabelValues, queriesOf, substituteVariables } from './grafana-queries.js';

const skip = missingBinaries('prometheus', 'promtool');
const ROOT = join(import.meta.dirname, '..', '..');

interface ApiResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType?: string; result?: unknown[] } | string[];
}

async function api(prometheus: RunningPrometheus, path: string, params: Record<string, string>): Promise<ApiResponse> {
  // GET, as Grafana's label-values calls are (Prometheus 2.42 takes POST only for queries).
  const response = await fetch(`${prometheus.url}${path}?${new URLSearchParams(params)}`);
  return (await response.json()) as ApiResponse;
}

const resultCount = (body: ApiResponse): number => (Array.isArray(body.data) ? body.data.length : (body.data?.result?.length ?? 0));

describe.skipIf(skip !== undefined)('every generated Grafana query against a real Prometheus', () => {
  let generation: Generation;
  let prometheus: RunningPrometheus;
  const end = Math.floor(Date.now() / 1000 / 30) * 30;

  beforeAll(async () => {
    const result = generate(await readDefinitionsDir(join(ROOT, 'definitions'), ROOT));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    generation = result.value;
    const { model, outputs } = generation;
    // Two hours of history for every catalog metric, then the generated recording rules on top.
    const history = syntheticOpenMetrics(model, model.metrics, { endSeconds: end, spanSeconds: 2 * 3600, stepSeconds: 30 });
    const rules = Object.fromEntries(outputs.filter((o) => o.path.startsWith('prometheus/rules/')).map((o) => [o.path.slice('prometheus/'.length), o.content]));
    const config = 'global: { scrape_interval: 15s, evaluation_interval: 2s }\nrule_files: ["rules/*.yml"]\n';
    prometheus = await startPrometheus(config, rules, {
      beforeStart: async (dir) => {
        await writeFile(join(dir, 'history.om'), history);
        const backfill = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', join(dir, 'history.om'), join(dir, 'data')], {
          encoding: 'utf8',
        });
        if (backfill.status !== 0) throw new Error(`promtool backfill failed: ${backfill.stderr}`);
      },
    });
    // SLO panels read recording rules: wait for the first evaluation of every SLO's group
    // (groups start at different offsets), and of the rules that read other rules.
    const count = async (query: string) => resultCount(await api(prometheus, '/api/v1/query', { query }));
    await waitFor(
      async () =>
        (await count('slo:objective:ratio')) === model.slos.length &&
        (await count('slo:period_error_budget_remaining:ratio')) > 0 &&
        (await count('slo:current_burn_rate:ratio')) > 0
          ? true
          : undefined,
      30_000,
      'the SLO recording rules to evaluate',
    );
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('generates the dashboards the seeds name, one per alerting service, and the SLO overview', () => {
    const { dashboards, alerts } = generation.model;
    const uids = new Set(dashboards.map((board) => board.uid));
    // Alerts link to their service's dashboard (`/d/vigil-<service>`): it must exist.
    for (const alert of alerts) expect(uids.has(`vigil-${alert.service.name}`), alert.name).toBe(true);
    expect(dashboards.filter((board) => board.origin.kind !== 'service').map((board) => board.title).sort()).toEqual([
      'AI Scholar Backups',
      'AI Scholar Service Health',
      'Chorus Trust',
      'SLO overview',
      'TTA Carbon Footprint',
      'TTA Engagement',
      'TTA Errors',
      'TTA Performance',
      'TTA Platform Health',
      'VVTV Autopilot Health',
      'VVTV Business Logic Overview',
    ]);
  });

  it('answers every panel query, instant and range, with status success', async () => {
    const queries = queriesOf(generation.model.dashboards);
    expect(queries.length).toBeGreaterThan(100);
    const failures: string[] = [];
    const empty: string[] = [];
    await Promise.all(
      queries.map(async ({ dashboard, panel, query }) => {
        const expr = substituteVariables(query.expr);
        const where = `${dashboard} / ${panel.title}: ${expr}`;
        const instant = await api(prometheus, '/api/v1/query', { query: expr, time: String(end) });
        const range = await api(prometheus, '/api/v1/query_range', { query: expr, start: String(end - 3600), end: String(end), step: '60' });
        for (const body of [instant, range]) if (body.status !== 'success') failures.push(`${where}: ${body.error}`);
        // A catalog panel reads the exact series the exporters write: the history has them all.
        if (panel.metric !== undefined && resultCount(range) === 0) empty.push(where);
      }),
    );
    expect(failures).toEqual([]);
    expect(empty).toEqual([]);
  });

  it('answers every query variable through the label-values API', async () => {
    const variables = generation.model.dashboards.flatMap((board) => board.variables.map((variable) => ({ board: board.uid, variable })));
    const queried = variables.flatMap(({ board, variable }) => (variable.kind === 'query' ? [{ board, name: variable.name, query: variable.query }] : []));
    expect(queried.length).toBeGreaterThan(0);
    for (const { board, name, query } of queried) {
      const parsed = parseLabelValues(query);
      expect(parsed, `${board} $${name}: ${query}`).toBeDefined();
      if (!parsed) continue;
      const body = await api(prometheus, `/api/v1/label/${parsed.label}/values`, { 'match[]': substituteVariables(parsed.selector) });
      expect(body.status, `${board} $${name}: ${body.error}`).toBe('success');
    }
  });

  it('summarizes every SLO on the overview from the recording rules', async () => {
    const overview = generation.model.dashboards.find((board) => board.uid === 'vigil-slo-overview');
    const summary = overview?.rows[0]?.panels ?? [];
    expect(summary.length).toBeGreaterThan(0);
    for (const panel of summary) {
      for (const query of panel.queries) {
        const body = await api(prometheus, '/api/v1/query', { query: substituteVariables(query.expr) });
        // One row per SLO whose rules ran; the history has data for at least one SLO's SLI.
        expect(resultCount(body), `${panel.title}: ${query.expr}`).toBeGreaterThan(0);
      }
    }
    const objectives = await api(prometheus, '/api/v1/query', { query: summary[0]?.queries[0]?.expr ?? '' });
    expect(resultCount(objectives)).toBe(generation.model.slos.length);
  });
});
