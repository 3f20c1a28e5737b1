import { createTwoFilesPatch } from 'diff';
import { parse } from 'yaml';
import type { TestCoverage } from '@vigil/compiler/core';
import type { OutputFile } from '@vigil/compiler/core';
import { RULES_DIR } from '@vigil/compiler/core';
import { compareText } from '@vigil/compiler/core';

/** One committed output that differs from what the definitions generate. */
export interface StaleOutput {
  path: string;
  state: 'changed' | 'missing' | 'stale';
  diff: string;
}

/** What a change to the definitions does to the outputs, for review. */
export interface ChangeReport {
  stale: StaleOutput[];
  rulesAdded: string[];
  rulesRemoved: string[];
  coverage: { covered: number; total: number; uncovered: TestCoverage[] };
  /** Range selectors longer than any in the committed rules, longest first. */
  longestNewRanges: { range: string; seconds: number; rule: string }[];
}

const RANGE = /\[(\d+[smhdwy](?:\d+[smhdwy])*)(?::[^\]]*)?\]/g;
const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

function rangeSeconds(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/(\d+)([smhdwy])/g)) total += Number(m[1]) * (UNIT[m[2] as string] as number);
  return total;
}

interface RuleEntry {
  id: string;
  expr: string;
}

function rulesOf(files: ReadonlyMap<string, string>): RuleEntry[] {
  const entries: RuleEntry[] = [];
  for (const [path, text] of files) {
    if (!path.startsWith(`${RULES_DIR}/`)) continue;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch {
      continue;
    }
    const groups = (doc as { groups?: { name: string; rules?: Record<string, unknown>[] }[] } | null)?.groups ?? [];
    for (const group of groups) {
      for (const rule of group.rules ?? []) {
        const name = String(rule.alert ?? rule.record);
        const labels = rule.labels ? JSON.stringify(rule.labels) : '';
        entries.push({ id: `${group.name}/${rule.alert ? 'alert' : 'record'} ${name} ${labels}`, expr: String(rule.expr) });
      }
    }
  }
  return entries;
}

function maxRange(entries: readonly RuleEntry[]): number {
  let max = 0;
  for (const entry of entries) for (const m of entry.expr.matchAll(RANGE)) max = Math.max(max, rangeSeconds(m[1] as string));
  return max;
}

/**
 * Compares generated outputs with the committed ones. Pure: the caller reads the files.
 * `committed` maps paths to their text; `staleOnDisk` lists generated files no longer produced.
 */
export function compareOutputs(
  outputs: readonly OutputFile[],
  committed: ReadonlyMap<string, string>,
  staleOnDisk: readonly string[],
  coverage: readonly TestCoverage[],
): ChangeReport {
  const stale: StaleOutput[] = [];
  for (const output of outputs) {
    const current = committed.get(output.path);
    if (current === output.content) continue;
    stale.push({
      path: output.path,
      state: current === undefined ? 'missing' : 'changed',
      diff: createTwoFilesPatch(`a/${output.path}`, `b/${output.path}`, current ?? '', output.content, 'committed', 'generated'),
    });
  }
  for (const path of staleOnDisk) {
    stale.push({ path, state: 'stale', diff: `${path}: generated file that the definitions no longer produce\n` });
  }
  const before = rulesOf(committed);
  const after = rulesOf(new Map(outputs.map((o) => [o.path, o.content])));
  const beforeIds = new Set(before.map((r) => r.id));
  const afterIds = new Set(after.map((r) => r.id));
  const previousMax = maxRange(before);
  const longestNewRanges = after
    .flatMap((entry) =>
      [...entry.expr.matchAll(RANGE)].map((m) => ({ range: m[1] as string, seconds: rangeSeconds(m[1] as string), rule: entry.id })),
    )
    .filter((r) => r.seconds > previousMax)
    .sort((a, b) => b.seconds - a.seconds || compareText(a.rule, b.rule))
    .slice(0, 5);
  const covered = coverage.filter((c) => c.covered).length;
  return {
    stale,
    rulesAdded: [...afterIds].filter((id) => !beforeIds.has(id)).sort(),
    rulesRemoved: [...beforeIds].filter((id) => !afterIds.has(id)).sort(),
    coverage: { covered, total: coverage.length, uncovered: coverage.filter((c) => !c.covered) },
    longestNewRanges,
  };
}

/** Renders a change report for people. */
export function formatChangeReport(report: ChangeReport): string {
  const lines: string[] = [];
  if (report.stale.length === 0) lines.push('Committed outputs are up to date.');
  else {
    lines.push(`${report.stale.length} committed output(s) differ from the definitions; run \`vigil generate\`:`);
    for (const s of report.stale) lines.push(`  ${s.state.padEnd(8)} ${s.path}`);
    lines.push('', ...report.stale.map((s) => s.diff));
  }
  if (report.rulesAdded.length > 0 || report.rulesRemoved.length > 0) {
    lines.push(`Rules added: ${report.rulesAdded.length}, removed: ${report.rulesRemoved.length}`);
    for (const id of report.rulesAdded.slice(0, 50)) lines.push(`  + ${id}`);
    for (const id of report.rulesRemoved.slice(0, 50)) lines.push(`  - ${id}`);
  }
  const { covered, total, uncovered } = report.coverage;
  lines.push(`Alert test coverage: ${covered}/${total} alerts have a generated promtool test`);
  for (const u of uncovered) {
    lines.push(`  untested: ${u.alert}${u.source ? ` (${u.source.file}:${u.source.line})` : ''}: ${u.reason ?? ''}`);
  }
  if (report.longestNewRanges.length > 0) {
    lines.push('Longest new range selectors (longer than any committed before):');
    for (const r of report.longestNewRanges) lines.push(`  [${r.range}] in ${r.rule}`);
  }
  return `${lines.join('\n')}\n`;
}
