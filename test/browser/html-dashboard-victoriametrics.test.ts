/**
 * The generated HTML dashboards in Chromium against VictoriaMetrics: the pages are opened from
 * disk with `?prometheus=<VictoriaMetrics URL>`, so every query is a cross-origin request that
 * VictoriaMetrics answers with `Access-Control-Allow-Origin: *` (its default; the page sends only
 * simple GETs, so no preflight is needed). Six hours of every catalog metric are remote-written
 * into VictoriaMetrics, the generated recording rules replayed on top with vmalert (SLO panels
 * read them); each panel must draw its series, and the fixture's numbers must be what a direct
 * query to VictoriaMetrics answers.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate, HTML_DASHBOARD_DIR, type OutputFile, renderHtmlDashboard } from '@vigil/compiler';
import { readDefinitionsDir } from '@vigil/cli';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushVictoriaMetrics, replayRules, type RunningEngine, startVictoriaMetrics } from '../engines/support/engines.js';
import { openMetricsSeries, remoteWrite } from '../engines/support/remote-write.js';
import { rulePhases } from '../engines/support/rule-phases.js';
import { missingBinaries } from '../support/binaries.js';
import { checkGeneratedPage, expectRendered, launchChromium, missingChromium, type PanelView, quietPanels, readPanels } from './dashboard-page.js';
import { FIXTURE_DASHBOARD } from './fixture-dashboard.js';
import { syntheticOpenMetrics } from './synthetic-history.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'artifacts/screenshots/victoriametrics');

const skip = missingBinaries('victoria-metrics', 'vmalert') ?? missingChromium();

interface VectorBody {
  status: string;
  error?: string;
  data: { result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] };
}

/** A percentage as the page shows it ("53.2%"), as a number of percent. */
function percent(text: string): number {
  const match = /^(-?\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (!match) throw new Error(`not a percentage: ${text}`);
  return Number(match[1]);
}

describe.skipIf(skip !== undefined)('generated HTML dashboards in Chromium against VictoriaMetrics', () => {
  let victoria: RunningEngine;
  let browser: Browser;
  let dir: string;
  let pages: OutputFile[];

  /** Direct query to VictoriaMetrics, as the test's reference. */
  const query = async (path: string, params: Record<string, string>): Promise<VectorBody> => {
    const body = (await (await fetch(`${victoria.url}${path}?${new URLSearchParams(params)}`)).json()) as VectorBody;
    if (body.status !== 'success') throw new Error(`${params.query}: ${body.error}`);
    return body;
  };

  /** Opens a page from disk pointed at VictoriaMetrics; records the page's errors. */
  const open = async (file: string, page?: Page): Promise<{ page: Page; errors: string[] }> => {
    const tab = page ?? (await browser.newPage({ viewport: { width: 1400, height: 900 } }));
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    const url = pathToFileURL(join(dir, file));
    url.searchParams.set('prometheus', victoria.url);
    await tab.goto(url.href, { waitUntil: 'domcontentloaded' });
    return { page: tab, errors };
  };

  beforeAll(async () => {
    const generated = generate(await readDefinitionsDir(join(ROOT, 'definitions'), ROOT));
    if (!generated.ok) throw new Error(JSON.stringify(generated.issues));
    const { model, outputs } = generated.value;
    pages = [
      ...outputs.filter((o) => o.path.startsWith(`${HTML_DASHBOARD_DIR}/`)),
      { path: `${HTML_DASHBOARD_DIR}/${FIXTURE_DASHBOARD.uid}.html`, content: renderHtmlDashboard(FIXTURE_DASHBOARD, { scrapeIntervalSeconds: model.settings.scrapeIntervalSeconds }) },
    ];
    dir = await mkdtemp(join(tmpdir(), 'vigil-vm-html-'));
    for (const page of pages) await writeFile(join(dir, page.path.slice(HTML_DASHBOARD_DIR.length + 1)), page.content);
    [victoria, browser] = await Promise.all([startVictoriaMetrics(), launchChromium()]);

    // Six hours, one sample a minute (two per $__rate_interval window), ending now.
    const end = Math.floor(Date.now() / 1000);
    await remoteWrite(`${victoria.url}/api/v1/write`, openMetricsSeries(syntheticOpenMetrics(model, model.metrics, { endSeconds: end, spanSeconds: 6 * 3600, stepSeconds: 60 })));
    await flushVictoriaMetrics(victoria.url);
    // The recording rules over the last 30 minutes, phase by phase (chained SLO rules read the
    // previous phase's results once they are searchable).
    const rules = join(dir, 'rules');
    await mkdir(rules);
    const ruleFiles = await Promise.all(
      outputs
        .filter((o) => o.path.startsWith('prometheus/rules/'))
        .map(async (o) => {
          const file = join(rules, o.path.split('/').at(-1) as string);
          await writeFile(file, o.content);
          return file;
        }),
    );
    for (const [i, text] of rulePhases(ruleFiles).entries()) {
      const file = join(rules, `phase-${i}.yml`);
      await writeFile(file, text);
      await replayRules({ ruleFiles: [file], datasourceUrl: victoria.url, remoteWriteUrl: victoria.url, fromMs: (end - 1800) * 1000, toMs: end * 1000, evaluationSeconds: 30, rulesDelayMs: 0 });
      await flushVictoriaMetrics(victoria.url);
    }
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await victoria?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('draws every generated dashboard with data, cross-origin from disk, and saves a screenshot of each', async () => {
    const generated = pages.filter((page) => !page.path.endsWith(`/${FIXTURE_DASHBOARD.uid}.html`));
    const quiet = new Set(pages.flatMap((page) => quietPanels(page.content)));
    const summary: string[] = [];
    const failures: string[] = [];
    const queue = [...generated];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        for (let output = queue.shift(); output; output = queue.shift()) {
          const file = output.path.slice(HTML_DASHBOARD_DIR.length + 1);
          const { errors } = await open(file, tab);
          const panels = await readPanels(tab);
          tab.removeAllListeners('pageerror');
          await tab.screenshot({ path: join(SCREENSHOTS, file.replace(/\.html$/, '.png')), fullPage: true });
          expect(errors, file).toEqual([]);
          const checked = checkGeneratedPage(file, panels, quiet);
          summary.push(checked.summary);
          failures.push(...checked.failures);
        }
        await tab.close();
      }),
    );
    console.log(`${summary.sort().join('\n')}\n${failures.join('\n')}`);
    expect(generated.length).toBeGreaterThan(0);
    expect(summary).toHaveLength(generated.length);
    expect(failures).toEqual([]);
  });

  it('shows the values and series a direct query to VictoriaMetrics answers', async () => {
    const { page, errors } = await open(`${FIXTURE_DASHBOARD.uid}.html`);
    const panels = await readPanels(page);
    const byTitle = new Map(panels.map((panel) => [panel.title, panel]));
    expect(errors).toEqual([]);
    const panel = (title: string): PanelView => {
      const found = byTitle.get(title);
      expect(found?.state, `${title}: ${found?.message}`).toBe('ok');
      expectRendered(found as PanelView);
      return found as PanelView;
    };
    // Instant numbers: the history's last sample, so the page and the test read the same value.
    for (const [title, expr] of [
      ['Curator budget used', 'max(vvtv_curator_apply_budget_used_ratio)'],
      ['HD slow detections', 'max(vvtv_hd_detection_slow_ratio)'],
    ] as const) {
      const [sample] = (await query('/api/v1/query', { query: expr })).data.result;
      const expected = Number(sample?.value?.[1]) * 100;
      const shown = percent(panel(title).numbers[0] ?? '');
      // The page rounds to three significant digits.
      expect(Math.abs(shown - expected), `${title}: page ${shown}%, VictoriaMetrics ${expected}%`).toBeLessThanOrEqual(Math.max(0.05, Math.abs(expected) * 0.005));
    }
    // Series: as many lines, bars and buckets as VictoriaMetrics returns for the same query.
    const now = Math.floor(Date.now() / 1000);
    const range = { start: String(now - 6 * 3600), end: String(now), step: '300' };
    const entropy = await query('/api/v1/query_range', { query: 'avg by (job) (vvtv_selection_entropy)', ...range });
    expect(panel('Selection entropy').series).toBe(entropy.data.result.length);
    const buckets = await query('/api/v1/query_range', { query: 'sum by (le) (rate(vvtv_llm_call_duration_seconds_bucket[5m]))', ...range });
    expect(buckets.data.result.length).toBeGreaterThan(3);
    expect(panel('LLM call latency buckets').series).toBe(buckets.data.result.length);
    const outcomes = await query('/api/v1/query', { query: 'sum by (outcome) (rate(vvtv_llm_calls_total[5m]))' });
    expect(panel('LLM calls by outcome').numbers).toHaveLength(outcomes.data.result.length);
    panel('LLM call latency p95');
    panel('LLM calls (table)');
    // VictoriaMetrics' own parse error reaches the panel; an empty answer is "No data".
    expect(byTitle.get('Broken query')?.state).toBe('error');
    expect(byTitle.get('Broken query')?.message).toMatch(/\S/);
    expect(byTitle.get('Metric nobody writes')).toMatchObject({ state: 'empty', message: 'No data' });
    // The service variable lists the jobs, through VictoriaMetrics' label-values API.
    await page.waitForSelector('select[data-variable="service"] option[value="vvtv-core"]', { state: 'attached' });
    await page.screenshot({ path: join(SCREENSHOTS, `${FIXTURE_DASHBOARD.uid}.png`), fullPage: true });
    await page.close();
  });
});
