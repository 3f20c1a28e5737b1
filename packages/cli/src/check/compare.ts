import { parse } from 'yaml';
import type { TestCoverage } from '@vigil/compiler/core';
import type { OutputFile } from '@vigil/compiler/core';
import { RULES_DIR } from '@vigil/compiler/core';
import { compareText } from '@vigil/compiler/core';
import { fullDiff, summarizeFileDiff } from './summarize-diff.js';

/**
 * One output on disk that differs from what the definitions generate: `changed`, `added` (the
 * definitions produce it, the disk lacks it) or `removed` (on disk, no longer produced).
 */
export interface StaleOutput {
  path: string;
  state: 'changed' | 'added' | 'removed';
  /** Short and readable: JSON by changed path, HTML by dashboard and runtime bytes, long lines cut. */
  summary: string;
  /** The full unified diff (`vigil check --diff`). */
  diff: string;
}

/** What a change to the definitions does to the outputs, for review. */
export interface ChangeReport {
  /** How many outputs the definitions generate. */
  outputs: number;
  stale: StaleOutput[];
  rulesAdded: string[];
  rulesRemoved: string[];
  /** Rules present before and after whose expression, duration, labels or annotations changed. */
  rulesChanged: string[];
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
  /** `group/alert Name`: the id without the labels. */
  name: string;
  expr: string;
  /** The whole rule, to tell a changed rule from an unchanged one. */
  text: string;
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
        const named = `${group.name}/${rule.alert ? 'alert' : 'record'} ${name}`;
        entries.push({ id: `${named}${labels ? ` ${labels}` : ''}`, name: named, expr: String(rule.expr), text: JSON.stringify(rule) });
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
 * Compares generated outputs with those on disk. Pure: the caller reads the files. `committed`
 * maps paths to their text on disk; `staleOnDisk` lists generated files no longer produced.
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
      state: current === undefined ? 'added' : 'changed',
      summary: summarizeFileDiff(output.path, current, output.content),
      diff: fullDiff(output.path, current ?? '', output.content),
    });
  }
  for (const path of staleOnDisk) {
    const diff = summarizeFileDiff(path, committed.get(path) ?? '', undefined);
    stale.push({ path, state: 'removed', summary: diff, diff });
  }
  const before = rulesOf(committed);
  const after = rulesOf(new Map(outputs.map((o) => [o.path, o.content])));
  const beforeIds = new Set(before.map((r) => r.id));
  const afterIds = new Set(after.map((r) => r.id));
  const beforeText = new Map(before.map((r) => [r.id, r.text]));
  // Named without their labels: the name and group say which rule it is, the diff says how.
  const rulesChanged = [...new Set(after.filter((r) => beforeText.has(r.id) && beforeText.get(r.id) !== r.text).map((r) => r.name))].sort(compareText);
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
    outputs: outputs.length,
    stale,
    rulesChanged,
    rulesAdded: [...afterIds].filter((id) => !beforeIds.has(id)).sort(),
    rulesRemoved: [...beforeIds].filter((id) => !afterIds.has(id)).sort(),
    coverage: { covered, total: coverage.length, uncovered: coverage.filter((c) => !c.covered) },
    longestNewRanges,
  };
}

/** How {@link formatChangeReport} prints the per-file changes. */
export interface FormatOptions {
  /** Full unified diffs instead of the summaries (`vigil check --diff`). */
  fullDiff?: boolean;
}

/**
 * Renders a change report for people: a summary first (files, rules, coverage, new range
 * selectors), then what changed in each file. It compares with the files on disk, which may or
 * may not be committed, so it speaks of outputs matching the definitions.
 */
export function formatChangeReport(report: ChangeReport, options: FormatOptions = {}): string {
  const lines: string[] = [];
  const count = (state: StaleOutput['state']) => report.stale.filter((s) => s.state === state).length;
  if (report.stale.length === 0) lines.push(`vigil check: outputs match the definitions (${report.outputs} files).`);
  else {
    lines.push(
      `vigil check: ${report.stale.length} output(s) do not match the definitions ` +
        `(${count('changed')} changed, ${count('added')} added, ${count('removed')} removed); run \`vigil generate\`:`,
    );
    for (const s of report.stale) lines.push(`  ${s.state.padEnd(8)} ${s.path}`);
  }
  const rules = (sign: string, ids: readonly string[]) => [...ids.slice(0, 50).map((id) => `  ${sign} ${id}`), ...(ids.length > 50 ? [`  ... and ${ids.length - 50} more`] : [])];
  if (report.rulesChanged.length > 0) lines.push(`Rules changed: ${report.rulesChanged.length}`, ...rules('~', report.rulesChanged));
  if (report.rulesAdded.length > 0 || report.rulesRemoved.length > 0) {
    lines.push(`Rules added: ${report.rulesAdded.length}, removed: ${report.rulesRemoved.length}`, ...rules('+', report.rulesAdded), ...rules('-', report.rulesRemoved));
  }
  const { covered, total, uncovered } = report.coverage;
  lines.push(`Alert test coverage: ${covered}/${total} alerts have a generated promtool test`);
  for (const u of uncovered) {
    lines.push(`  untested: ${u.alert}${u.source ? ` (${u.source.file}:${u.source.line})` : ''}: ${u.reason ?? ''}`);
  }
  if (report.longestNewRanges.length > 0) {
    lines.push('Longest new range selectors (longer than any before):');
    for (const r of report.longestNewRanges) lines.push(`  [${r.range}] in ${r.rule}`);
  }
  if (report.stale.length > 0) {
    lines.push('', options.fullDiff ? 'Diffs:' : 'Changes by file (`vigil check --diff` for full diffs):');
    for (const s of report.stale) lines.push((options.fullDiff ? s.diff : s.summary).replace(/\n$/, ''));
  }
  return `${lines.join('\n')}\n`;
}
