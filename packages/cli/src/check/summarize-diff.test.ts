import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../main.js';
import { changedBytes, summarizeFileDiff } from './summarize-diff.js';
import { formatJsonChanges, jsonChanges } from './json-changes.js';

const REPO = join(import.meta.dirname, '../../../..');

function page(dashboard: unknown, runtime: string): string {
  return `<!DOCTYPE html>\n<script type="application/json" id="vigil-dashboard">${JSON.stringify({ dashboard })}</script>\n<script>${runtime}</script>\n`;
}

describe('summarized diffs of generated files', () => {
  it('JSON: changed paths with old -> new, objects named by title, long values truncated', () => {
    const before = { panels: [{ title: 'Errors', targets: [{ expr: 'a > 1' }] }, { title: 'Latency', max: 3 }] };
    const after = { panels: [{ title: 'Errors', targets: [{ expr: 'a > 2' }] }, { title: 'Latency' }], note: 'x'.repeat(500) };
    const changes = jsonChanges(before, after);
    expect(changes).toEqual([
      { path: 'panels[0]("Errors").targets[0].expr', before: '"a > 1"', after: '"a > 2"' },
      { path: 'panels[1]("Latency").max', before: '3' },
      { path: 'note', after: JSON.stringify('x'.repeat(500)) },
    ]);
    const lines = formatJsonChanges(changes);
    expect(lines[0]).toBe('  ~ panels[0]("Errors").targets[0].expr: "a > 1" -> "a > 2"');
    expect(lines[1]).toBe('  - panels[1]("Latency").max: 3');
    expect(lines[2]?.length).toBeLessThan(140);
    expect(lines[2]).toMatch(/\(422 more characters\)$/);
  });

  it('HTML: the embedded dashboard by changed value, the runtime by changed bytes, never the minified line', () => {
    const runtime = `var uPlot=function(){${'x'.repeat(50_000)}}`;
    const a = page({ rows: [{ title: 'Row', panels: [{ title: 'Entropy', thresholds: [{ value: 0.3 }] }] }] }, runtime);
    const b = page({ rows: [{ title: 'Row', panels: [{ title: 'Entropy', thresholds: [{ value: 0.25 }] }] }] }, runtime.replace('xxxx', 'yyyy'));
    const summary = summarizeFileDiff('dashboards/html/x.html', a, b);
    expect(summary).toContain('dashboard.rows[0]("Row").panels[0]("Entropy").thresholds[0].value: 0.3 -> 0.25');
    expect(summary).toContain('dashboards/html/x.html: 4 bytes changed in the inlined runtime, uPlot or styles');
    expect(summary.length).toBeLessThan(400);
    expect(changedBytes('abcdef', 'abXYef')).toBe(2);
  });

  it('other text: a unified diff with one line of context and long lines cut', () => {
    const before = ['a', 'b', 'c', 'd', `e${'z'.repeat(1000)}`, 'f'].join('\n');
    const after = before.replace('c', 'C').replace('ezz', 'Ezz');
    const summary = summarizeFileDiff('prometheus/rules/x.yml', before, after);
    expect(summary).toContain('-c\n+C');
    expect(summary).not.toContain('\n a\n');
    expect(Math.max(...summary.split('\n').map((l) => l.length))).toBeLessThan(220);
  });
});

describe('vigil check after a one-number change in the definitions', () => {
  it('prints a short summary first, naming the changed rule, under 4 KB; --diff prints the full diffs', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigil-check-summary-'));
    try {
      for (const dir of ['definitions', 'prometheus', 'alertmanager', 'grafana', 'dashboards', 'datadog', 'schema']) {
        await cp(join(REPO, dir), join(root, dir), { recursive: true });
      }
      const file = join(root, 'definitions/vvtv.yaml');
      const text = await readFile(file, 'utf8');
      const threshold = '      metric: vvtv_selection_entropy\n      below: 0.3\n';
      expect(text.split(threshold)).toHaveLength(2);
      await writeFile(file, text.replace(threshold, threshold.replace('0.3', '0.25')));
      const run = async (...args: string[]) => {
        let out = '';
        const code = await runCli(['--root', root, ...args], { out: (t) => void (out += t), err: (t) => void (out += t) }, {});
        return { code, out };
      };
      const { code, out } = await run('check');
      expect(code).toBe(1);
      expect(Buffer.byteLength(out)).toBeLessThan(4096);
      expect(out).toMatch(/^vigil check: \d+ output\(s\) do not match the definitions \(\d+ changed, 0 added, 0 removed\)/);
      expect(out).toMatch(/^Rules changed: 1\n {2}~ vigil-vvtv-core\/alert DiversityLoss$/m);
      // The summary comes before any per-file change.
      expect(out.indexOf('Alert test coverage')).toBeLessThan(out.indexOf('Changes by file'));
      expect(out).toContain('thresholds[0].value: 0.3 -> 0.25');
      expect(out).not.toContain('uPlot');
      const full = await run('check', '--diff');
      expect(full.code).toBe(1);
      expect(full.out.length).toBeGreaterThan(out.length * 4);
      expect(full.out).toContain('var uPlot');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});
