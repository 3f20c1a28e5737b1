/**
 * Weekly incident triage: categorises the week's failures, suggests bounds patches for parameters
 * that failed repeatedly (at the configured threshold), and renders a Markdown and a JSON report.
 * Pure: data in, strings out; the edges publish them (file, issue tracker).
 */
import type { ParameterState, Range } from './bounds.js';
import type { TriageConfig } from './config.js';
import { FAILURE_CATEGORIES, type FailureCategory, type FailureInstance } from './records.js';

const DAY_MS = 86_400_000;

/** A suggested bounds change for a human to review (the design's PatchSuggestion). */
export interface PatchSuggestion {
  category: FailureCategory;
  parameter: string;
  occurrences: number;
  currentBounds: Range;
  suggestedBounds: Range;
  rationale: string;
  /** 0..1, grows with the number of occurrences beyond the threshold. */
  confidence: number;
}

/** The weekly report (the design's TriageReport, without the issue-tracker side). */
export interface TriageReport {
  reportId: string;
  analysisPeriod: { start: number; end: number };
  failureCategories: Record<FailureCategory, FailureInstance[]>;
  patchSuggestions: PatchSuggestion[];
}

/** Builds the report for the window ending at `now`. */
export function buildTriageReport(failures: readonly FailureInstance[], parameters: readonly ParameterState[], config: TriageConfig, now: number, contraction = 0.25): TriageReport {
  const start = now - config.analysisWindowDays * DAY_MS;
  const inWindow = failures.filter((f) => f.at > start && f.at <= now);
  const failureCategories = Object.fromEntries(FAILURE_CATEGORIES.map((c) => [c, inWindow.filter((f) => f.category === c)])) as Record<FailureCategory, FailureInstance[]>;
  const byParameter = new Map(parameters.map((p) => [p.name, p]));
  const patchSuggestions: PatchSuggestion[] = [];
  for (const category of FAILURE_CATEGORIES) {
    const counts = new Map<string, number>();
    for (const f of failureCategories[category]) for (const p of f.parameters) counts.set(p, (counts.get(p) ?? 0) + 1);
    for (const [parameter, occurrences] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      const state = byParameter.get(parameter);
      if (!state || occurrences < config.failureThresholdForPatch) continue;
      const keep = 1 - contraction;
      const v = state.value;
      patchSuggestions.push({
        category,
        parameter,
        occurrences,
        currentBounds: state.bounds,
        suggestedBounds: { min: v - (v - state.bounds.min) * keep, max: v + (state.bounds.max - v) * keep },
        rationale: `${occurrences} ${category} failures in ${config.analysisWindowDays} days involved ${parameter}; narrow its bounds around the current value ${v}`,
        confidence: Math.min(1, occurrences / (2 * config.failureThresholdForPatch)),
      });
    }
  }
  return { reportId: `triage-${new Date(now).toISOString().slice(0, 10)}`, analysisPeriod: { start, end: now }, failureCategories, patchSuggestions };
}

/** The report as stable, pretty JSON. */
export function renderTriageJson(report: TriageReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The report as Markdown. */
export function renderTriageMarkdown(report: TriageReport): string {
  const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');
  const lines = [`# Autopilot triage ${report.reportId}`, '', `Period: ${iso(report.analysisPeriod.start)} to ${iso(report.analysisPeriod.end)}`, '', '## Failures by category', '', '| Category | Count |', '| --- | ---: |'];
  for (const c of FAILURE_CATEGORIES) lines.push(`| ${c} | ${report.failureCategories[c].length} |`);
  lines.push('', '## Patch suggestions', '');
  if (!report.patchSuggestions.length) lines.push('None: no parameter reached the threshold.');
  else {
    lines.push('| Parameter | Category | Occurrences | Current bounds | Suggested bounds | Confidence |', '| --- | --- | ---: | --- | --- | ---: |');
    for (const s of report.patchSuggestions) {
      lines.push(`| ${s.parameter} | ${s.category} | ${s.occurrences} | [${fmt(s.currentBounds.min)}, ${fmt(s.currentBounds.max)}] | [${fmt(s.suggestedBounds.min)}, ${fmt(s.suggestedBounds.max)}] | ${s.confidence.toFixed(2)} |`);
    }
  }
  lines.push('', '## Details', '');
  for (const c of FAILURE_CATEGORIES) {
    for (const f of report.failureCategories[c]) lines.push(`- ${iso(f.at)} ${c} ${f.cycleId}${f.parameters.length ? ` [${f.parameters.join(', ')}]` : ''}: ${f.detail.replace(/\|/g, '\\|')}`);
  }
  if (lines[lines.length - 1] === '') lines.push('No failures.');
  return `${lines.join('\n')}\n`;
}

function fmt(v: number): string {
  return Number(v.toPrecision(6)).toString();
}
