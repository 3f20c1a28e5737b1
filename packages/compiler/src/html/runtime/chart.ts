/** uPlot charts of a panel: the options (pure, tested in Node) and drawing the threshold lines. */
import type uPlot from 'uplot';
import type { PagePanel } from '../page-config.js';
import type { AlignedData, PanelSeries } from './series.js';
import { bySeverity, SEVERITY_COLORS } from './thresholds.js';
import { formatValue } from './units.js';

/** Series colours, in order (Grafana's classic palette). */
export const PALETTE = ['#3274d9', '#e0752d', '#56a64b', '#a352cc', '#f2cc0c', '#4ab4c0', '#e02f44', '#8f6a44', '#7f8c99', '#d683ce'];
/** Chart height in CSS pixels. */
export const CHART_HEIGHT = 220;

/** A heatmap's unit is its buckets' (seconds); its lines are observations per second. */
export function chartUnit(panel: PagePanel): string {
  return panel.type === 'heatmap' ? 'ops' : panel.unit;
}

/** Units whose values have a natural ceiling: ratios (0..1) and percentages (0..100). */
const RATIO_CEILING: Readonly<Record<string, number>> = { percentunit: 1, percent: 100 };

/**
 * The y range over the data's `min`..`max` that keeps every value of `bounds` (thresholds, the
 * panel's min and max) in view, padded 5%, and starting at 0 rather than just below it. A flat
 * line spans from 0 to twice its value (a steady 5% ratio was drawn on -100%..100% when it
 * spanned ±1), and a ratio whose values lie within 0..1 (or a percentage within 0..100) is
 * never drawn beyond them.
 */
export function yRange(bounds: readonly number[], min: number, max: number, unit = ''): [number, number] {
  let lo = Math.min(min, ...bounds);
  let hi = Math.max(max, ...bounds);
  if (lo === hi) {
    if (lo === 0) hi = 1;
    else if (lo > 0) [lo, hi] = [0, 2 * hi];
    else [lo, hi] = [2 * lo, 0];
  }
  const pad = (hi - lo) * 0.05;
  const range: [number, number] = [lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad];
  const ceiling = RATIO_CEILING[unit];
  if (ceiling !== undefined && lo >= 0 && hi <= ceiling) return [Math.max(0, range[0]), Math.min(ceiling, range[1])];
  return range;
}

/** The y axis labels' font (uPlot's default face, named so its width can be measured). */
export const AXIS_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
/** uPlot's tick length and the gap between ticks and labels, in CSS pixels (its defaults). */
const AXIS_TICK = 10;
const AXIS_GAP = 5;

/**
 * The y axis width that fits its widest label: tick, gap, the label's measured width and a
 * little air. A fixed 70 px cut "1.75 ops/s" to ".75 ops/s".
 */
export function axisSize(labels: readonly string[] | null | undefined, measure: (text: string) => number): number {
  const widest = Math.max(0, ...(labels || []).map((label) => measure(label)));
  return Math.max(40, Math.ceil(AXIS_TICK + AXIS_GAP + widest + 4));
}

/** uPlot's axis `size` hook: the labels measured with the canvas in {@link AXIS_FONT}. */
function fitLabels(u: uPlot, values: string[] | null): number {
  const ctx = u.ctx;
  ctx.save();
  ctx.font = AXIS_FONT;
  const size = axisSize(values, (text) => ctx.measureText(text).width);
  ctx.restore();
  return size;
}

/** The values the y range must show: threshold lines (invisible outside the data otherwise), min, max. */
export function rangeBounds(panel: PagePanel): number[] {
  const bounds = (panel.thresholds || []).map((t) => t.value);
  if (typeof panel.min === 'number') bounds.push(panel.min);
  if (typeof panel.max === 'number') bounds.push(panel.max);
  return bounds;
}

/** Axis tick labels in the panel's unit. */
export function axisValues(unit: string): (u: uPlot, values: number[]) => string[] {
  return (_u, values) => values.map((v) => formatValue(v, unit));
}

/** A series with a handful of samples (a rule that just started) would draw no line: it gets dots. */
function fewSamples(column: readonly (number | null)[] | undefined): boolean {
  return (column || []).filter((v) => v !== null).length < 3;
}

/**
 * What decides whether a chart can be kept on refresh (only its data swapped, no flicker,
 * legend state kept): the series names and which are drawn as dots.
 */
export function chartKey(series: readonly PanelSeries[], data: AlignedData): string {
  return series.map((s) => s.name).join('\n') + '\n' + series.map((_, i) => fewSamples(data[i + 1])).join();
}

/** Draws each threshold as a dashed line in its severity's colour, the most severe on top. */
function drawThresholds(panel: PagePanel): (u: uPlot) => void {
  return (u) => {
    const ctx = u.ctx;
    ctx.save();
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.setLineDash([8 * devicePixelRatio, 4 * devicePixelRatio]);
    for (const t of bySeverity(panel.thresholds || [])) {
      const y = Math.round(u.valToPos(t.value, 'y', true));
      if (y < u.bbox.top || y > u.bbox.top + u.bbox.height) continue;
      ctx.strokeStyle = SEVERITY_COLORS[t.severity] || '#888';
      ctx.beginPath();
      ctx.moveTo(u.bbox.left, y);
      ctx.lineTo(u.bbox.left + u.bbox.width, y);
      ctx.stroke();
    }
    ctx.restore();
  };
}

/** uPlot options of a panel's line chart `width` pixels wide. */
export function chartOptions(panel: PagePanel, series: readonly PanelSeries[], data: AlignedData, width: number): uPlot.Options {
  const unit = chartUnit(panel);
  const bounds = rangeBounds(panel);
  return {
    width,
    height: CHART_HEIGHT,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true },
      y: { range: (_u, min, max) => yRange(bounds, min, max, unit) },
    },
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.name,
        stroke: PALETTE[i % PALETTE.length],
        width: 1.5,
        spanGaps: false,
        points: { show: fewSamples(data[i + 1]), size: 7, fill: PALETTE[i % PALETTE.length] },
        value: (_u: uPlot, v: number) => formatValue(v, unit),
      })),
    ],
    axes: [
      { stroke: '#8e8e8e', grid: { stroke: 'rgba(128,128,128,0.15)' } },
      { stroke: '#8e8e8e', font: AXIS_FONT, size: fitLabels, grid: { stroke: 'rgba(128,128,128,0.15)' }, values: axisValues(unit) },
    ],
    hooks: { draw: [drawThresholds(panel)] },
  };
}
