/**
 * The definitions' autopilot (the compiler's model) mapped to the core's configuration, parameter
 * and KPI definitions. Pure: the runner, the CLI and `vigil validate`'s power check share it.
 */
import type { Autopilot } from '@vigil/compiler';
import { AUTOPILOT_DEFAULTS, type AutopilotConfig, type KpiDefinition, type ParameterDefinition } from '../core/config.js';
import type { AutopilotContext } from '../core/cycle.js';
import { designEffect } from '../core/judge/design-effect.js';
import { slopeOptimizer } from '../core/propose.js';

/** Maps the definitions' autopilot to the core's configuration. */
export function autopilotContext(autopilot: Autopilot): AutopilotContext {
  const defaults = AUTOPILOT_DEFAULTS;
  const config: AutopilotConfig = {
    ...defaults,
    enabled: autopilot.enabled,
    dailySchedule: autopilot.daily,
    canaryDurationMinutes: autopilot.canary.durationSeconds / 60,
    canaryTrafficShare: autopilot.canary.trafficPercent / 100,
    statisticalConfidence: autopilot.canary.confidence,
    maxExecutionMinutes: autopilot.maxCycleSeconds / 60,
    manualOverrideHours: autopilot.manualOverrideSeconds / 3600,
    maxParametersPerCycle: autopilot.maxParametersPerCycle,
    analysisWindowMinutes: autopilot.analysisWindowSeconds / 60,
    maxConsecutiveQueryErrors: autopilot.canary.maxQueryErrors,
    canaryInitialDelayMinutes: autopilot.canary.initialDelaySeconds / 60,
    onInconclusive: autopilot.canary.onInconclusive,
    slidingBounds: {
      ...defaults.slidingBounds,
      expansionRatePerWeek: autopilot.slidingBounds.expansionPerWeek,
      contractionRateAfterRollback: autopilot.slidingBounds.contractionAfterRollback,
      stabilityThresholdDays: autopilot.slidingBounds.stabilityDays,
      rollbackThreshold: autopilot.slidingBounds.rollbackThreshold,
      antiWindupEnabled: autopilot.slidingBounds.antiWindup,
    },
    drift: {
      ...defaults.drift,
      predictionErrorThresholdPct: autopilot.drift.predictionErrorPercent,
      rollbackRateThresholdPct: autopilot.drift.rollbackRatePercent,
      monitoringWindowDays: autopilot.drift.windowSeconds / 86_400,
      pauseDurationHours: autopilot.drift.pauseSeconds / 3600,
      maxPauseDurationDays: autopilot.drift.maxPauseSeconds / 86_400,
    },
    triage: {
      weeklySchedule: autopilot.triage.weekly,
      analysisWindowDays: autopilot.triage.windowSeconds / 86_400,
      failureThresholdForPatch: autopilot.triage.patchAfter,
    },
    judge: {
      ...defaults.judge,
      alpha: 1 - autopilot.canary.confidence,
      designEffect: designEffect(autopilot.canary.randomization.requestsPerUnit, autopilot.canary.randomization.intraClusterCorrelation),
    },
    validation: { maxBenchmarkRegression: autopilot.gates.benchmark?.maxRegression ?? defaults.validation.maxBenchmarkRegression },
  };
  const parameters: ParameterDefinition[] = autopilot.parameters.map((p) => ({
    name: p.name,
    path: p.path,
    type: p.type,
    initialBounds: p.bounds,
    limits: p.limits,
    step: p.step,
  }));
  const kpis: KpiDefinition[] = autopilot.kpis.map((k) => ({
    name: k.name,
    query: 'promql' in k.queries ? k.queries.promql : Object.values(k.queries).slice(1).join(' ; '),
    direction: k.direction,
    weight: k.weight,
    role: k.role,
    kind: k.queries.kind,
    nonInferiorityMargin: k.margin,
    minimumDetectableEffect: k.minDetectableEffect,
  }));
  return { config, parameters, kpis, optimizer: slopeOptimizer() };
}
