/** The stylesheet of a generated HTML dashboard (uPlot's own CSS is inlined beside it). */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --bg: #f4f5f5; --panel: #fff; --fg: #24292e; --muted: #6e7781; --border: #d8dee4; --accent: #3274d9; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111217; --panel: #181b1f; --fg: #d8d9da; --muted: #8e8e8e; --border: #2c3235; --accent: #6e9fff; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
#vigil-root { padding: 12px 16px 32px; }
.vd-header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; margin-bottom: 8px; }
.vd-title { font-size: 20px; font-weight: 600; margin: 0; flex: 1 1 auto; }
.vd-controls { display: flex; align-items: center; gap: 8px; }
.vd-ranges { display: inline-flex; border: 1px solid var(--border); border-radius: 4px; overflow: hidden; }
.vd-ranges button, .vd-refresh { background: var(--panel); color: var(--fg); border: 0; padding: 4px 10px; cursor: pointer; font: inherit; }
.vd-ranges button + button { border-left: 1px solid var(--border); }
.vd-ranges button[aria-pressed="true"] { background: var(--accent); color: #fff; }
.vd-refresh { border: 1px solid var(--border); border-radius: 4px; }
.vd-meta { color: var(--muted); font-size: 12px; }
.vd-variables { display: flex; flex-wrap: wrap; gap: 8px; width: 100%; }
.vd-variables:empty { display: none; }
.vd-variable select { font: inherit; background: var(--panel); color: var(--fg); border: 1px solid var(--border); border-radius: 4px; padding: 2px 4px; }
.vd-row { margin-top: 12px; }
.vd-row-title { font-size: 15px; font-weight: 600; cursor: pointer; padding: 4px 0; }
.vd-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); align-items: start; gap: 8px; margin-top: 6px; }
.vd-panel { background: var(--panel); border: 1px solid var(--border); border-radius: 4px; padding: 8px; min-width: 0; }
.vd-panel.vd-number { min-height: 120px; }
.vd-panel-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px; margin-bottom: 4px; }
.vd-panel-title { font-size: 13px; font-weight: 600; margin: 0; flex: 1 1 auto; }
.vd-threshold { font-size: 11px; border-radius: 3px; padding: 0 4px; color: #fff; }
.vd-threshold.vd-info { background: #3274d9; }
.vd-threshold.vd-warning { background: #c48a00; }
.vd-threshold.vd-critical { background: #e02f44; }
.vd-panel-body { min-height: 60px; }
.vd-chart .vd-panel-body { min-height: 260px; }
.vd-message { color: var(--muted); text-align: center; padding: 40px 8px; }
.vd-error { color: #e02f44; text-align: left; white-space: pre-wrap; word-break: break-word; }
.vd-numbers { display: flex; flex-wrap: wrap; justify-content: space-around; gap: 8px 24px; padding: 8px 0; }
.vd-number { text-align: center; }
.vd-number-value { font-size: 36px; font-weight: 600; line-height: 1.1; }
.vd-numbers-many .vd-number-value { font-size: 22px; }
.vd-number-label { color: var(--muted); font-size: 12px; }
.vd-table-wrap { max-height: 300px; overflow: auto; }
.vd-table { border-collapse: collapse; width: 100%; font-size: 12px; }
.vd-table th, .vd-table td { border-bottom: 1px solid var(--border); padding: 3px 6px; text-align: left; }
.vd-table-value { text-align: right; font-variant-numeric: tabular-nums; }
.uplot { font-family: inherit; }
.u-legend { font-size: 12px; }
`;
