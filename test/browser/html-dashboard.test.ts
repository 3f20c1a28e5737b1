import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate, HTML_DASHBOARD_DIR, type Model, type OutputFile, renderHtmlDashboard } from '@vigil/compiler';
import { readDefinitionsDir } from '@vigil/cli';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingBinaries } from '../support/binaries.js';
import { type RunningPrometheus, startPrometheus, waitFor } from '../support/servers.js';
import { checkGeneratedPage, expectRendered, launchChromium, missingChromium, type PanelView, quietPanels, readPanels } from './dashboard-page.js';
import { FIXTURE_DASHBOARD } from './fixture-dashboard.js';
import { syntheticOpenMetrics } from './synthetic-history.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCREENSHOTS = join(ROOT, 'artifacts/screenshots');

const skip = missingBinaries('prometheus', 'promtool') ?? missingChromium();

describe.skipIf(skip !== undefined)('generated HTML dashboards in Chromium against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let browser: Browser;
  let pages: OutputFile[];
  let model: Model;

  beforeAll(async () => {
    const generated = generate(await readDefinitionsDir(join(ROOT, 'definitions'), ROOT));
    if (!generated.ok) throw new Error(JSON.stringify(generated.issues));
    model = generated.value.model;
    const options = { scrapeIntervalSeconds: model.settings.scrapeIntervalSeconds };
    pages = [
      ...generated.value.outputs.filter((o) => o.path.startsWith(`${HTML_DASHBOARD_DIR}/`)),
      { path: `${HTML_DASHBOARD_DIR}/${FIXTURE_DASHBOARD.uid}.html`, content: renderHtmlDashboard(FIXTURE_DASHBOARD, options) },
    ];

    // Six hours of history for every catalog metric (SLO panels read rules over them), one
    // sample a minute (two per $__rate_interval window), backfilled before start; the generated
    // rules run on top.
    const history = syntheticOpenMetrics(model, model.metrics, {
      endSeconds: Math.floor(Date.now() / 1000),
      spanSeconds: 6 * 3600,
      stepSeconds: 60,
    });
    // The pages are served by Prometheus itself (--web.user-assets): same origin as the API.
    const files = Object.fromEntries([
      ...pages.map((page) => [`assets/${page.path.slice(HTML_DASHBOARD_DIR.length + 1)}`, page.content]),
      ...generated.value.outputs.filter((o) => o.path.startsWith('prometheus/rules/')).map((o) => [o.path.slice('prometheus/'.length), o.content]),
    ]);
    const config = 'global: { scrape_interval: 15s, evaluation_interval: 1s }\nrule_files: ["rules/*.yml"]\n';
    [prometheus, browser] = await Promise.all([
      startPrometheus(config, files, {
        args: ['--web.user-assets={dir}/assets'],
        beforeStart: async (dir) => {
          await writeFile(join(dir, 'history.om'), history);
          const backfill = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', join(dir, 'history.om'), join(dir, 'data')], {
            encoding: 'utf8',
          });
          if (backfill.status !== 0) throw new Error(`promtool backfill failed: ${backfill.stderr}`);
        },
      }),
      launchChromium(),
    ]);
    await mkdir(SCREENSHOTS, { recursive: true });
    // SLO panels show recording rules: wait for their first evaluation over the backfill.
    if (model.slos.length > 0) {
      await waitFor(
        async () => {
          const body = (await (await fetch(`${prometheus.url}/api/v1/query?query=count({__name__=~"slo:.%2B"})`)).json()) as { data: { result: unknown[] } };
          return body.data.result.length > 0 ? true : undefined;
        },
        20_000,
        'the first evaluation of the SLO recording rules',
      );
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await prometheus?.stop();
  });

  const open = async (path: string): Promise<{ page: Page; errors: string[] }> => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${prometheus.url}/user/${path}`);
    return { page, errors };
  };

  it('draws every generated dashboard with data and saves a screenshot of each', async () => {
    const generated = pages.filter((page) => !page.path.endsWith(`/${FIXTURE_DASHBOARD.uid}.html`));
    const summary: string[] = [];
    const failures: string[] = [];
    const quiet = new Set(pages.flatMap((page) => quietPanels(page.content)));
    const visit = async (page: Page, output: OutputFile) => {
      const file = output.path.slice(HTML_DASHBOARD_DIR.length + 1);
      const errors: string[] = [];
      const onError = (error: Error) => errors.push(error.message);
      page.on('pageerror', onError);
      await page.goto(`${prometheus.url}/user/${file}`, { waitUntil: 'domcontentloaded' });
      const panels = await readPanels(page);
      await page.screenshot({ path: join(SCREENSHOTS, file.replace(/\.html$/, '.png')), fullPage: true });
      page.off('pageerror', onError);
      expect(errors, file).toEqual([]);
      if (!generated.includes(output)) return;
      const checked = checkGeneratedPage(file, panels, quiet);
      summary.push(checked.summary);
      failures.push(...checked.failures);
    };
    // One browser, a few tabs each walking through a share of the pages.
    const queue = [...pages];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        for (let output = queue.shift(); output; output = queue.shift()) await visit(page, output);
        await page.close();
      }),
    );
    console.log(`${summary.sort().join('\n')}\n${failures.join('\n')}`);
    expect(generated.length).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });

  it('shows values, an error for a rejected query and "No data" for an empty one', async () => {
    const { page, errors } = await open(`${FIXTURE_DASHBOARD.uid}.html`);
    const panels = await readPanels(page);
    const byTitle = new Map(panels.map((panel) => [panel.title, panel]));
    expect(errors).toEqual([]);
    for (const title of ['Selection entropy', 'Curator budget used', 'HD slow detections', 'LLM calls by outcome', 'LLM call latency p95', 'LLM call latency buckets', 'LLM calls (table)']) {
      const panel = byTitle.get(title);
      expect(panel?.state, title).toBe('ok');
      expectRendered(panel as PanelView);
    }
    expect(byTitle.get('Curator budget used')?.numbers[0]).toMatch(/^\d+(\.\d+)?%$/);
    expect(byTitle.get('LLM calls by outcome')?.numbers.length).toBe(4);
    expect(byTitle.get('LLM call latency buckets')?.series).toBeGreaterThan(3);
    expect(byTitle.get('Broken query')).toMatchObject({ state: 'error' });
    expect(byTitle.get('Broken query')?.message).toMatch(/parse error/);
    expect(byTitle.get('Metric nobody writes')).toMatchObject({ state: 'empty', message: 'No data' });
    // The variable lists the jobs Prometheus knows.
    await page.waitForSelector('select[data-variable="service"] option[value="vvtv-core"]', { state: 'attached' });
    await page.close();
  });

  it('re-queries for the picked time range, variable value and on the refresh interval', async () => {
    const { page } = await open(`${FIXTURE_DASHBOARD.uid}.html`);
    await readPanels(page);
    const ranged = page.waitForRequest((request) => request.url().includes('/api/v1/query_range'));
    await page.click('button[data-range="1h"]');
    const request = new URL((await ranged).url());
    expect(Number(request.searchParams.get('end')) - Number(request.searchParams.get('start'))).toBe(3600);
    expect(new URL(page.url()).searchParams.get('range')).toBe('1h');
    expect((await readPanels(page)).find((panel) => panel.title === 'Selection entropy')?.state).toBe('ok');

    // Picking a variable value puts it into the queries (as a regex) and into the URL.
    await page.waitForSelector('select[data-variable="service"] option[value="vvtv-core"]', { state: 'attached' });
    const filtered = page.waitForRequest((r) => (new URL(r.url()).searchParams.get('query') ?? '').includes('job=~"vvtv-core"'));
    await page.selectOption('select[data-variable="service"]', 'vvtv-core');
    await filtered;
    expect(new URL(page.url()).searchParams.get('var-service')).toBe('vvtv-core');
    await page.close();

    // With ?refresh=1s the page asks again on its own once loaded, without any click.
    const { page: refreshing } = await open(`${FIXTURE_DASHBOARD.uid}.html?refresh=1s`);
    await readPanels(refreshing);
    await refreshing.waitForRequest((r) => r.url().includes('/api/v1/query'), { timeout: 10_000 });
    await refreshing.close();
  });

  it('also works opened from disk with ?prometheus= (Prometheus answers CORS for any origin by default)', async () => {
    const page = await browser.newPage();
    const file = pathToFileURL(join(prometheus.dir, 'assets', `${FIXTURE_DASHBOARD.uid}.html`));
    file.searchParams.set('prometheus', prometheus.url);
    await page.goto(file.href);
    const panels = await readPanels(page);
    expect(panels.find((panel) => panel.title === 'Selection entropy')?.state).toBe('ok');
    await page.close();
  });
});
