/**
 * Short, readable diffs of generated files for `vigil check`. A one-number change in the
 * definitions changes a line of a Grafana JSON dashboard or of an HTML page whose runtime is one
 * minified line: printed as a unified diff, that was 133 KB. JSON is summarized by changed path
 * (old -> new), HTML by its embedded dashboard JSON plus how many bytes of the rest (runtime,
 * styles) changed; other text is a unified diff with long lines cut. `--diff` prints it all.
 */
import { createTwoFilesPatch } from 'diff';
import { formatJsonChanges, jsonChanges, truncate } from './json-changes.js';

/** Unified diff lines longer than this are cut to {@link CUT_TO} (minified code, one-line JSON). */
const LONG_LINE = 240;
const CUT_TO = 160;

const EMBEDDED = /<script type="application\/json" id="vigil-dashboard">([\s\S]*?)<\/script>/;

/** The full unified diff of one file (`context` lines around each change). */
export function fullDiff(path: string, before: string, after: string, context = 3): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, 'on disk', 'generated', { context });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Bytes that differ between two texts: what lies between their common prefix and suffix. */
export function changedBytes(before: string, after: string): number {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return Math.max(before.length - start - end, after.length - start - end);
}

function summarizeJson(path: string, before: unknown, after: unknown, what = 'changed value(s)'): string {
  const changes = jsonChanges(before, after);
  return [`${path}: ${changes.length} ${what}`, ...formatJsonChanges(changes)].join('\n');
}

function summarizeHtml(path: string, before: string, after: string): string | undefined {
  const a = EMBEDDED.exec(before);
  const b = EMBEDDED.exec(after);
  if (!a || !b) return undefined;
  const aJson = parseJson(a[1] as string);
  const bJson = parseJson(b[1] as string);
  if (!aJson.ok || !bJson.ok) return undefined;
  const lines: string[] = [];
  const changes = jsonChanges(aJson.value, bJson.value);
  if (changes.length > 0) lines.push(`${path}: ${changes.length} changed value(s) in the embedded dashboard`, ...formatJsonChanges(changes));
  const rest = changedBytes(before.replace(EMBEDDED, ''), after.replace(EMBEDDED, ''));
  if (rest > 0) lines.push(`${path}: ${rest} bytes changed in the inlined runtime, uPlot or styles`);
  return lines.length > 0 ? lines.join('\n') : `${path}: changed`;
}

/** A unified diff without its `===` rule, long lines cut. */
function compactDiff(diff: string): string {
  return diff
    .split('\n')
    .filter((line) => !/^=+$/.test(line))
    .map((line) => (line.length > LONG_LINE ? truncate(line, CUT_TO) : line))
    .join('\n');
}

/**
 * What changed in one generated file, for people: JSON by path, HTML by its dashboard and
 * runtime, anything else as a unified diff with long lines cut.
 */
export function summarizeFileDiff(path: string, before: string | undefined, after: string | undefined): string {
  if (before === undefined) return `${path}: added (${(after ?? '').length} bytes)\n`;
  if (after === undefined) return `${path}: generated file that the definitions no longer produce\n`;
  if (path.endsWith('.json')) {
    const a = parseJson(before);
    const b = parseJson(after);
    if (a.ok && b.ok) return `${summarizeJson(path, a.value, b.value)}\n`;
  }
  if (path.endsWith('.html')) {
    const summary = summarizeHtml(path, before, after);
    if (summary !== undefined) return `${summary}\n`;
  }
  return compactDiff(fullDiff(path, before, after, 1));
}
