/** Alert thresholds on panels: their colours and which one a value is past. */
import type { PageSeverity, PageThreshold } from '../page-config.js';

/** Line and number colour per severity. */
export const SEVERITY_COLORS: Record<PageSeverity, string> = { info: '#3274d9', warning: '#e0a400', critical: '#e02f44' };

/** Least to most severe. */
const SEVERITY_ORDER: readonly string[] = ['info', 'warning', 'critical'];

/** The rank of a severity, higher is more severe (-1 for one the page does not know). */
export function severityRank(severity: string): number {
  return SEVERITY_ORDER.indexOf(severity);
}

/** The colour of the most severe threshold a value is past (op > fires above, < below); '' if none. */
export function thresholdColor(thresholds: readonly PageThreshold[] | undefined, value: number): string {
  let color = '';
  let rank = -1;
  for (const t of thresholds || []) {
    const past = t.op === '<' ? value < t.value : value > t.value;
    if (past && severityRank(t.severity) > rank) {
      rank = severityRank(t.severity);
      color = SEVERITY_COLORS[t.severity] || '';
    }
  }
  return color;
}

/** Thresholds least severe first, so the most severe line is drawn last, on top of any other at its value. */
export function bySeverity(thresholds: readonly PageThreshold[]): PageThreshold[] {
  return thresholds.slice().sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}
