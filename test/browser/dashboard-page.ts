/**
 * What the HTML dashboard tests share: the Chromium they drive, and how they read a page's panels
 * once loaded (from the DOM, as a user sees them).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** Skips (locally) or fails (CI) without Chromium; returns why to skip. */
export function missingChromium(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.env.CI === 'true') throw new Error(`CI=true: missing ${CHROMIUM} (apt-get install chromium)`);
  return `missing ${CHROMIUM}`;
}

/** Chromium headless, with no sandbox (containers) and no background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** What a panel shows once loaded, read from the page's DOM. */
export interface PanelView {
  title: string;
  type: string;
  state: string;
  series: number;
  canvas: boolean;
  numbers: string[];
  cells: number;
  message: string;
  /** Drawn pixels in the chart canvas's two leftmost columns: ink there is a y axis label cut off. */
  leftInk: number;
}

/** Reads every panel of the open rows (a browser-side expression: the tests compile without DOM types). */
const READ_PANELS = `[...document.querySelectorAll('details[open] .vd-panel')].map((panel) => ({
  title: panel.querySelector('.vd-panel-title')?.textContent ?? '',
  type: panel.dataset.type ?? '',
  state: panel.dataset.state ?? '',
  series: Number(panel.dataset.series ?? 0),
  canvas: panel.querySelector('canvas') !== null,
  numbers: [...panel.querySelectorAll('.vd-number-value')].map((n) => n.textContent ?? ''),
  cells: panel.querySelectorAll('td').length,
  message: panel.querySelector('.vd-message')?.textContent ?? '',
  leftInk: (() => {
    const canvas = panel.querySelector('canvas');
    if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
    const pixels = canvas.getContext('2d').getImageData(0, 0, 2, canvas.height).data;
    let ink = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) ink++;
    return ink;
  })(),
}))`;

const PANELS_SETTLED = `document.querySelectorAll('.vd-panel').length > 0 &&
  document.querySelectorAll('details[open] .vd-panel[data-state="loading"]').length === 0`;

/** Waits until every panel in an open row has left `loading`, then reads them all. */
export async function readPanels(page: Page): Promise<PanelView[]> {
  await page.waitForFunction(PANELS_SETTLED, undefined, { timeout: 20_000 });
  return (await page.evaluate(READ_PANELS)) as PanelView[];
}

/** Titles of panels whose every query reads `ALERTS`, from a page's embedded model. */
export function quietPanels(html: string): string[] {
  const json = /<script type="application\/json" id="vigil-dashboard">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}';
  const { dashboard } = JSON.parse(json) as { dashboard: { rows: { panels: { title: string; queries: { expr: string }[] }[] }[] } };
  return dashboard.rows.flatMap((row) => row.panels.filter((panel) => panel.queries.every((q) => /\bALERTS\b/.test(q.expr))).map((panel) => panel.title));
}

/** Checks that a panel in state `ok` really shows values of its kind. */
export function expectRendered(panel: PanelView): void {
  expect(panel.series, panel.title).toBeGreaterThan(0);
  switch (panel.type) {
    case 'stat':
    case 'gauge':
    case 'bargauge':
      expect(panel.numbers.length, panel.title).toBeGreaterThan(0);
      for (const number of panel.numbers) expect(number, panel.title).toMatch(/\d/);
      break;
    case 'table':
      expect(panel.cells, panel.title).toBeGreaterThan(0);
      break;
    default:
      expect(panel.canvas, panel.title).toBe(true);
      // The y axis is as wide as its widest label: nothing is drawn at the canvas's left edge
      // (a fixed 70 px axis cut "1.75 ops/s" to ".75 ops/s").
      expect(panel.leftInk, `${panel.title}: a y axis label reaches the left edge (clipped)`).toBe(0);
  }
}

/**
 * Checks every panel of one generated page: each with data really rendered, and none without
 * data but the `quiet` ones (alert panels read ALERTS: with nothing firing, "No data" is right).
 * Returns the page's summary line and what failed.
 */
export function checkGeneratedPage(file: string, panels: readonly PanelView[], quiet: ReadonlySet<string>): { summary: string; failures: string[] } {
  const drawn = panels.filter((panel) => panel.state === 'ok');
  drawn.forEach(expectRendered);
  const failures = panels
    .filter((panel) => !(panel.state === 'ok' || (panel.state === 'empty' && quiet.has(panel.title))))
    .map((panel) => `${file} ${panel.title}: ${panel.state} ${panel.message}`);
  return { summary: `${file}: ${drawn.length}/${panels.length} panels with data`, failures };
}
