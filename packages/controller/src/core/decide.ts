/**
 * The two gates before a canary: analysis of the KPI window (missing or partial data makes the
 * cycle inconclusive, never a decision) and validation of a candidate (bounds, golden set,
 * benchmarks). Both return data, not exceptions.
 */
import { clampToBounds, type ParameterState } from './bounds.js';
import type { AutopilotConfig, KpiDefinition, KpiDirection, ParameterDefinition } from './config.js';
import type { ProposedChange } from './propose.js';

/** One KPI over the analysis window, as the edges fetched it. */
export interface KpiWindowValue {
  kpi: string;
  /** The KPI's value over the window (undefined when the query returned nothing). */
  value: number | undefined;
  /** Share of the window's steps that had data, 0..1. */
  coverage: number;
}

/** KPI data for the analysis window. */
export interface KpiWindow {
  start: number;
  end: number;
  values: readonly KpiWindowValue[];
}

/** What analysis concluded. */
export type AnalysisResult =
  | { status: 'ok'; window: { start: number; end: number }; values: Record<string, number> }
  | { status: 'inconclusive'; reason: string; missing: string[] };

/** Analyzes the window: every KPI must have a finite value over at least the minimum coverage. */
export function analyzeWindow(kpis: readonly KpiDefinition[], window: KpiWindow, config: AutopilotConfig): AnalysisResult {
  const byName = new Map(window.values.map((v) => [v.kpi, v]));
  const missing: string[] = [];
  const values: Record<string, number> = {};
  for (const kpi of kpis) {
    const v = byName.get(kpi.name);
    if (!v || v.value === undefined || !Number.isFinite(v.value) || !(v.coverage >= config.minimumDataCoverage)) missing.push(kpi.name);
    else values[kpi.name] = v.value;
  }
  if (missing.length) {
    return { status: 'inconclusive', reason: `missing or partial data (coverage < ${config.minimumDataCoverage}) for ${missing.join(', ')}`, missing };
  }
  return { status: 'ok', window: { start: window.start, end: window.end }, values };
}

/** Golden-set gate result, produced by the edges. */
export interface GoldenSetResult {
  passed: boolean;
  failures: string[];
}

/** One benchmark, baseline against candidate. */
export interface BenchmarkResult {
  name: string;
  baseline: number;
  candidate: number;
  /** Timings are lower-is-better, throughputs higher-is-better. */
  direction: KpiDirection;
}

/** Why a candidate was blocked. */
export interface ValidationIssue {
  gate: 'bounds' | 'golden-set' | 'benchmark';
  subject: string;
  message: string;
}

/** Validation outcome: the changes, or the issues. */
export type ValidationOutcome = { ok: true; value: ProposedChange[] } | { ok: false; issues: ValidationIssue[] };

/** Relative regression of a benchmark: > 0 means worse. */
export function benchmarkRegression(b: BenchmarkResult): number {
  if (b.baseline === 0) return b.candidate === 0 ? 0 : b.direction === 'lower-is-better' ? Infinity : -Infinity;
  const change = (b.candidate - b.baseline) / Math.abs(b.baseline);
  return b.direction === 'lower-is-better' ? change : -change;
}

/** Checks the changes against the bounds (again, at the gate) and the golden and benchmark results. */
export function validateCandidate(
  changes: readonly ProposedChange[],
  parameters: readonly ParameterState[],
  definitions: ReadonlyMap<string, ParameterDefinition>,
  golden: GoldenSetResult,
  benchmarks: readonly BenchmarkResult[],
  config: AutopilotConfig,
): ValidationOutcome {
  const issues: ValidationIssue[] = [];
  const states = new Map(parameters.map((p) => [p.name, p]));
  for (const c of changes) {
    const state = states.get(c.parameter);
    const definition = definitions.get(c.parameter);
    if (!state || !definition) {
      issues.push({ gate: 'bounds', subject: c.parameter, message: 'unknown parameter' });
      continue;
    }
    if (clampToBounds(definition, state.bounds, c.newValue, Number.NaN) !== c.newValue) {
      issues.push({ gate: 'bounds', subject: c.parameter, message: `${c.newValue} outside [${state.bounds.min}, ${state.bounds.max}]` });
    }
  }
  if (!golden.passed) issues.push({ gate: 'golden-set', subject: 'golden set', message: golden.failures.length ? golden.failures.join('; ') : 'failed' });
  for (const b of benchmarks) {
    const regression = benchmarkRegression(b);
    if (regression > config.validation.maxBenchmarkRegression) {
      issues.push({ gate: 'benchmark', subject: b.name, message: `${(regression * 100).toFixed(1)}% regression vs baseline (limit ${(config.validation.maxBenchmarkRegression * 100).toFixed(0)}%)` });
    }
  }
  return issues.length ? { ok: false, issues } : { ok: true, value: [...changes] };
}
