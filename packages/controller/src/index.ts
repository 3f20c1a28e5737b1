// @vigil/controller: the autopilot. The pure core (no I/O) is exported here by name; the edges
// (PromQL client, parameters file, state store, scheduler, CLI) call it with plain data.

// Configuration and defaults
export type {
  AutopilotConfig,
  DriftConfig,
  JudgeConfig,
  KpiDefaults,
  KpiDefinition,
  KpiDirection,
  KpiKind,
  KpiRole,
  ParameterDefinition,
  SlidingBoundsConfig,
  TriageConfig,
  ValidationConfig,
} from './core/config.js';
export { AUTOPILOT_DEFAULTS, KPI_DEFAULTS, assertNever } from './core/config.js';

// The cycle state machine
export type {
  Action,
  ActiveCycle,
  AutopilotContext,
  AutopilotEvent,
  AutopilotState,
  CyclePhase,
  RecordedDecision,
  Severity,
  StepResult,
} from './core/cycle.js';
export { blockedReason, initialAutopilotState, lastSlot, step } from './core/cycle.js';
export type { CycleOutcome, CycleRecord, FailureCategory, FailureInstance } from './core/records.js';
export { FAILURE_CATEGORIES, isDecided, isRollback } from './core/records.js';
export { canaryNotice, isPostedNotice } from './core/notices.js';
export { planCanary } from './core/plan.js';
export type { KpiPlan, KpiTraffic } from './core/plan.js';
export type { CanaryOutcome, NoticeName, OperatorCommand } from './core/notices.js';

// Analysis and validation gates
export type {
  AnalysisResult,
  BenchmarkResult,
  GoldenSetResult,
  KpiWindow,
  KpiWindowValue,
  ValidationIssue,
  ValidationOutcome,
} from './core/decide.js';
export { analyzeWindow, benchmarkRegression, validateCandidate } from './core/decide.js';

// Sliding bounds
export type { BoundsAdjustment, ClampedProposal, ParameterState, Range } from './core/bounds.js';
export {
  applyAntiWindup,
  applyPromotion,
  clampProposal,
  clampToBounds,
  contractAfterRollback,
  expandStableBounds,
  initialParameterState,
  isFrozen,
  stabilityDays,
} from './core/bounds.js';

// Proposals
export type { ChangeType, EffectObservation, Optimizer, OptimizerInput, ParameterSlope, ProposedChange } from './core/propose.js';
export { estimateSlopes, predictedKpiChanges, slopeOptimizer, weightedScore } from './core/propose.js';

// Judge
export type {
  CanaryDecision,
  CanaryJudgement,
  JudgeInput,
  KpiObservation,
  KpiVerdict,
  QueryReference,
  TestName,
  Verdict,
  WatchObservation,
  WatchResult,
} from './core/judge/judge.js';
export { finalAlpha, judgeCanary, scoreVerdicts, testKpi, watchCanary } from './core/judge/judge.js';
export type { Counts, RateTestResult } from './core/judge/rate-tests.js';
export { poissonRateRatioTest, twoProportionZTest } from './core/judge/rate-tests.js';
export type { MannWhitneyResult } from './core/judge/mann-whitney.js';
export { hodgesLehmann, mannWhitneyU, naiveU } from './core/judge/mann-whitney.js';
export type { GroupSummary, SequentialLook } from './core/judge/sequential.js';
export { msprtLook } from './core/judge/sequential.js';
export { holmAdjust } from './core/judge/holm.js';
export { minimumDetectableDifference, minimumSampleSize } from './core/judge/power.js';
export { normalCdf, normalQuantile, normalSf } from './core/judge/normal.js';
export type { CanaryScenario, CanaryScenarioResult } from './core/judge/canary-monte-carlo.js';
export { simulateCanaryRuns, wilsonInterval } from './core/judge/canary-monte-carlo.js';
export { designEffect, effectiveCounts } from './core/judge/design-effect.js';
export { discreteHolmAdjust } from './core/judge/holm.js';
export type { DiscretePValue } from './core/judge/holm.js';
export { estimateDispersion } from './core/judge/dispersion.js';
export type { CountBuckets, DispersionEstimate } from './core/judge/dispersion.js';

// Drift and triage
export type { DriftDecision, DriftEventType, DriftMetrics, DriftPauseState } from './core/drift.js';
export { checkDrift, cyclePredictionError, measureDrift, relativePredictionError } from './core/drift.js';
export type { PatchSuggestion, TriageReport } from './core/triage.js';
export { buildTriageReport, renderTriageJson, renderTriageMarkdown } from './core/triage.js';

// Randomness (seeded) and the 30-day simulation
export type { Rng } from './core/rng.js';
export { betaVariateByCorrelation, binomialVariate, createRng, gammaVariate, normalVariate, poissonVariate } from './core/rng.js';
export type { SimulationOptions, SimulationSummary } from './core/simulation.js';
export { SIMULATED_KPIS, SIMULATED_PARAMETERS, SIMULATION_DEFAULTS, runAutopilotSimulation, trueKpis } from './core/simulation.js';

// Edges: PromQL, the parameters file, SQLite state, the fetch stage and the runner around the core
export type { InstantSample, PromQlClientOptions, PromQlFailure, PromQlFailureKind, PromQlResult, QueryRange, RangeSeries } from './edges/promql-client.js';
export { PromQlClient } from './edges/promql-client.js';
export type { CurrentParameters, ParameterChange, ParametersStoreOptions, ParameterVersion, VersionAuthor } from './edges/parameters-store.js';
export { ParametersStore, ParametersStoreError, parameterAt, versionIdOf } from './edges/parameters-store.js';
export type { BoundsRecord, CanaryRecord, CycleStatus, DriftRecord, TriageRecord } from './edges/state-db.js';
export { STATE_SCHEMA_VERSION, StateDb } from './edges/state-db.js';
export type { FetchProblem } from './edges/kpi-fetch.js';
export { KpiFetcher, samplesFromBuckets } from './edges/kpi-fetch.js';
export type { AutopilotNotice, AutopilotRunnerOptions } from './edges/runner.js';
export { AutopilotRunner } from './edges/runner.js';
export { autopilotContext } from './edges/autopilot-context.js';
export { declaredPowerWarnings, planDeclaredTraffic } from './edges/declared-plan.js';
export type { ForgeOptions, ForgeOutcome, IssueLedger, OpenedIssue, TriageDocument } from './edges/forge.js';
export { TriageForge, triageIssueTitle } from './edges/forge.js';
export type { AcceleratedAutopilot, AcceleratedAutopilotOptions, AcceleratedTiming } from './edges/accelerated-autopilot.js';
export { DEMO_TIMING, startAcceleratedAutopilot, upwardSeed } from './edges/accelerated-autopilot.js';
