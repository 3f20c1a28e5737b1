import { describe, expect, it } from 'vitest';
import type { PagePanel } from '../page-config.js';
import { AXIS_FONT, axisSize, axisValues, chartKey, chartOptions, chartUnit, PALETTE, rangeBounds, yRange } from './chart.js';
import type { AlignedData, PanelSeries } from './series.js';

const panel: PagePanel = {
  title: 'Latency',
  type: 'timeseries',
  unit: 's',
  queries: [],
  thresholds: [{ value: 2, op: '>', severity: 'warning', alert: 'Slow' }],
  min: 0,
};
const series: PanelSeries[] = [
  { name: 'api', labels: {}, values: [] },
  { name: 'web', labels: {}, values: [] },
];
const data: AlignedData = [
  [1, 2, 3],
  [0.1, 0.2, 0.3],
  [null, 0.5, null],
];

describe('chart options', () => {
  it('keeps thresholds, min and max in the y range, padded, from 0 rather than just below it', () => {
    expect(rangeBounds({ ...panel, max: 10 })).toEqual([2, 0, 10]);
    const [lo, hi] = yRange([2], 0.05, 0.5); // padding would dip below 0: starts at 0
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(2.0975);
    expect(yRange([2], 0.1, 0.5)[0]).toBeCloseTo(0.005); // padding stays above 0: kept
    expect(yRange([], -10, 10)).toEqual([-11, 11]);
    // A flat line spans 0 to twice its value (it spanned ±1: 4.9..5.1 looked like noise, 0.05 like -100%..100%).
    expect(yRange([], 5, 5)).toEqual([0, 10.5]);
    expect(yRange([], 0, 0)).toEqual([0, 1.05]);
    expect(yRange([], -2, -2)).toEqual([-4.2, 0.2]);
  });

  it("fits a ratio's axis to its data: a steady 5% ratio is not drawn on -100%..100%, and never beyond 0..100%", () => {
    expect(yRange([], 0.05, 0.05, 'percentunit')).toEqual([0, 0.1 * 1.05]);
    const [lo, hi] = yRange([], 0.02, 0.07, 'percentunit'); // 2%..7%: the data, padded 5%
    expect(lo).toBeCloseTo(0.0175);
    expect(hi).toBeCloseTo(0.0725);
    expect(yRange([], 0.5, 1, 'percentunit')).toEqual([0.475, 1]); // padding would pass 100%: clamped
    expect(yRange([], 50, 100, 'percent')).toEqual([47.5, 100]);
    expect(yRange([], 0.5, 1, 'short')).toEqual([0.475, 1.025]); // not a ratio: padded as usual
    expect(yRange([], -0.5, 1, 'percentunit')[0]).toBeCloseTo(-0.575); // data outside 0..1: not clamped
    expect(chartOptions({ ...panel, unit: 'percentunit', thresholds: [], min: undefined }, series, data, 640).scales?.y?.range).toBeTypeOf('function');
  });

  it('sizes the y axis to its widest label, so "1.75 ops/s" is not cut to ".75 ops/s"', () => {
    const measure = (text: string) => text.length * 7; // 7 px a character
    expect(axisSize(['1.75 ops/s', '0 ops/s'], measure)).toBe(Math.ceil(10 + 5 + 70 + 4));
    expect(axisSize(['12.5k ops/s'], measure)).toBeGreaterThan(axisSize(['1.75 ops/s'], measure));
    expect(axisSize(null, measure)).toBe(40);
    expect(axisSize(['1'], measure)).toBe(40);
    const y = chartOptions(panel, series, data, 640).axes?.[1];
    expect(y?.size).toBeTypeOf('function');
    expect(y?.font).toBe(AXIS_FONT);
  });

  it('labels the y axis in the panel unit, a heatmap in observations per second', () => {
    expect(axisValues('s')(undefined as never, [0.5, 90])).toEqual(['500 ms', '1.5 min']);
    expect(chartUnit(panel)).toBe('s');
    expect(chartUnit({ ...panel, type: 'heatmap' })).toBe('ops');
  });

  it('draws one coloured line per series, dots for series with fewer than three samples', () => {
    const options = chartOptions(panel, series, data, 640);
    expect(options.width).toBe(640);
    const lines = options.series.slice(1);
    expect(lines.map((s) => s.label)).toEqual(['api', 'web']);
    expect(lines.map((s) => s.stroke)).toEqual([PALETTE[0], PALETTE[1]]);
    expect(lines.map((s) => s.points?.show)).toEqual([false, true]);
    const value = lines[0]?.value as unknown as (u: never, v: number) => string;
    expect(value(undefined as never, 1.5)).toBe('1.5 s');
  });

  it('keys a chart by its series names and which are dotted', () => {
    expect(chartKey(series, data)).toBe(chartKey(series, [[1, 2, 3], [1, 2, 3], [null, 1, null]]));
    expect(chartKey(series, data)).not.toBe(chartKey(series, [[1, 2, 3], [1, 2, 3], [1, 1, 1]]));
    expect(chartKey(series, data)).not.toBe(chartKey([series[1] as PanelSeries, series[0] as PanelSeries], data));
  });
});
