import type { Alert, Model, Slo } from '@vigil/compiler/core';
import type { Effect } from '../traffic/effect.js';
import { oneHotLabel } from '../traffic/healthy-plan.js';
import type { GaugeBehaviour, MetricPlan } from '../traffic/plan.js';
import type { Scenario } from './scenario.js';

type Condition = Alert['condition'];

/** Seconds a scenario holds past its alert's `for`, so the alert is seen firing. */
const FIRING_MARGIN_SECONDS = 120;

/** `DiversityLoss` -> `diversity-loss`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

function levelOf(plans: readonly MetricPlan[], metric: string): Extract<GaugeBehaviour, { kind: 'level' }> | undefined {
  for (const series of plans.find((p) => p.metric.name === metric)?.series ?? []) {
    if (series.type === 'gauge' && series.behaviour.kind === 'level') return series.behaviour;
  }
  return undefined;
}

/** The effects that put one alert's condition on its firing side, or undefined when no generic one exists. */
export function conditionEffects(condition: Condition, plans: readonly MetricPlan[]): Effect[] | undefined {
  switch (condition.kind) {
    case 'threshold': {
      const { metric, matchers } = condition.value;
      const { op, value } = condition.bound;
      switch (metric.type) {
        case 'gauge':
        case 'updowncounter': {
          const stateLabel = oneHotLabel(metric);
          const state = matchers.find((m) => m.label === stateLabel && m.op === '=');
          if (stateLabel && state) {
            // One group switches (one breaker opens, one component degrades), as it would happen.
            const pinned = metric.labels
              .filter((l) => l.name !== stateLabel && l.allowedValues?.[0] !== undefined && !matchers.some((m) => m.label === l.name))
              .map((l) => ({ label: l.name, op: '=' as const, value: l.allowedValues?.[0] as string }));
            return [{ metric: metric.name, matchers: [...matchers.filter((m) => m !== state), ...pinned], action: { kind: 'one_hot', label: stateLabel, value: state.value } }];
          }
          const target = op === '>' ? (value > 0 ? value * 1.5 : value + 1) : value > 0 ? value / 3 : value - 1;
          return [{ metric: metric.name, matchers, action: { kind: 'set', value: target } }];
        }
        case 'counter':
          return [{ metric: metric.name, matchers, action: op === '>' ? { kind: 'rate', perSecond: value > 0 ? value * 3 : 0.5 } : { kind: 'rate', perSecond: 0 } }];
        case 'histogram':
          return [{ metric: metric.name, matchers, action: { kind: 'observe', value: op === '>' ? value * 3 : value / 4 } }];
      }
      return undefined;
    }
    case 'rate_of_change': {
      const { metric, matchers } = condition.value;
      if (metric.type === 'counter' || metric.type === 'histogram') return undefined;
      // Three times the bound's change within three minutes, then held.
      const sign = condition.bound.op === '>' ? 1 : -1;
      return [{ metric: metric.name, matchers, action: { kind: 'ramp', perSecond: (sign * 3 * Math.abs(condition.bound.value)) / 180, seconds: 180 } }];
    }
    case 'anomaly': {
      const { metric, matchers } = condition.value;
      const up = condition.direction !== 'below';
      if (metric.type === 'counter' || metric.type === 'histogram') return [{ metric: metric.name, matchers, action: { kind: 'scale', factor: up ? 5 : 0.1 } }];
      const healthy = levelOf(plans, metric.name);
      const level = healthy?.level ?? 1;
      const jump = Math.max(Math.abs(level) * 0.5, 10 * ((healthy?.swing ?? 0) + (healthy?.noise ?? 0)), 1e-3);
      return [{ metric: metric.name, matchers, action: { kind: 'set', value: up ? level + jump : Math.max(healthy?.min ?? -Infinity, level - jump) } }];
    }
    case 'forecast': {
      const { metric, matchers } = condition.value;
      const level = levelOf(plans, metric.name)?.level ?? 0;
      const distance = condition.bound.value - level;
      // Reach 80% of the way to the bound in eight minutes: the fitted slope crosses it well within the horizon.
      return [{ metric: metric.name, matchers, action: { kind: 'ramp', perSecond: (0.8 * distance) / 480, seconds: 480 } }];
    }
    case 'staleness':
      return [{ metric: condition.metric.name, matchers: condition.matchers, action: { kind: 'age', seconds: Math.round(condition.olderThanSeconds * 1.2 + 60) } }];
    case 'absence':
      return [{ metric: condition.metric.name, matchers: condition.matchers, action: { kind: 'absent' } }];
    case 'ratio': {
      const share = condition.bound.op === '>' ? Math.min(0.6, condition.bound.value * 5) : 0;
      return [
        {
          metric: condition.numerator.metric.name,
          matchers: condition.numerator.matchers,
          action: { kind: 'share', share, of: { metric: condition.denominator.metric.name, matchers: [...condition.denominator.matchers] } },
        },
      ];
    }
    case 'promql':
      return undefined;
  }
}

/** The effects that burn an SLO's error budget fast. */
export function sloEffects(slo: Slo): Effect[] | undefined {
  const sli = slo.sli;
  switch (sli.kind) {
    case 'events':
      if (sli.bad) return [{ metric: sli.bad.metric.name, matchers: sli.bad.matchers, action: { kind: 'share', share: 0.4, of: { metric: sli.total.metric.name, matchers: [...sli.total.matchers] } } }];
      if (sli.good) return [{ metric: sli.good.metric.name, matchers: sli.good.matchers, action: { kind: 'scale', factor: 0.5 } }];
      return undefined;
    case 'latency':
      return [{ metric: sli.metric.name, matchers: sli.matchers, action: { kind: 'observe', value: sli.threshold * 3 } }];
    case 'promql':
    case 'promql_ratio':
      return undefined;
  }
}

/** Hand-written effects for the seed alerts whose condition is raw PromQL, keyed by alert name. */
const PROMQL_EFFECTS: Readonly<Record<string, Effect[]>> = {
  // 1 day over the 7-day average: any emissions at all on a young Prometheus, which the healthy state keeps at zero.
  TtaCarbonEmissionsAboveBaseline: [{ metric: 'tta_carbon_emissions_kilograms', matchers: [], action: { kind: 'rate', perSecond: 0.01 } }],
  ChorusQuarantineShareHigh: [{ metric: 'chorus_quarantined_agents', matchers: [], action: { kind: 'set', value: 20 } }],
  AutopilotCycleMissed: [{ metric: 'vvtv_autopilot_last_cycle_timestamp_seconds', matchers: [], action: { kind: 'age', seconds: 27 * 3600 } }],
};

/** The seed teams' named scenarios: the conditions their design documents name, by alert. */
const NAMED: readonly { name: string; description: string; alerts: readonly string[] }[] = [
  { name: 'diversity-loss', description: 'VVTV selection entropy collapses below 0.3', alerts: ['DiversityLoss'] },
  { name: 'curator-budget-exhausted', description: "VVTV's Curator Vigilante uses over 90% of its apply budget", alerts: ['CuratorBudgetExhausted', 'CuratorBudgetExhaustionForecast'] },
  { name: 'backup-stale', description: 'AI Scholar backups stop succeeding', alerts: ['ScholarBackupStale'] },
  { name: 'backup-verification-failed', description: 'An AI Scholar backup fails its integrity verification', alerts: ['ScholarBackupVerificationFailed'] },
  { name: 'error-budget-burn', description: 'AI Scholar API requests fail with 5xx fast enough to burn the availability budget', alerts: ['ScholarApiAvailabilityBudgetBurn', 'ScholarApiHighErrorRate'] },
  { name: 'breaker-open', description: 'The VVTV LLM and Chorus circuit breakers open', alerts: ['LlmCircuitBreakerOpen', 'ChorusCircuitBreakerOpen'] },
  { name: 'health-degraded', description: 'Chorus and TTA components report degraded health', alerts: ['ChorusComponentDegraded', 'TtaComponentDegraded'] },
  { name: 'carbon-budget', description: "TTA's AI emissions of the last day exceed 1.5x the 7-day average", alerts: ['TtaCarbonEmissionsAboveBaseline'] },
];

function forOf(condition: Condition): number {
  return condition.kind === 'staleness' ? 0 : condition.forSeconds;
}

/**
 * Every scenario of a project: one per alert and per SLO, derived from the model (a raw PromQL
 * alert only when a seed team's hand-written effect exists), and the seed teams' named ones,
 * which combine those of the alerts they name; a named one whose alerts are absent is left out.
 */
export function deriveScenarios(model: Model, plans: readonly MetricPlan[]): Scenario[] {
  const byAlert = new Map<string, { effects: Effect[]; forSeconds: number; description: string }>();
  for (const alert of model.alerts) {
    const effects = conditionEffects(alert.condition, plans) ?? PROMQL_EFFECTS[alert.name]?.filter((e) => model.metrics.some((m) => m.name === e.metric));
    if (!effects || effects.length === 0) continue;
    byAlert.set(alert.name, { effects, forSeconds: forOf(alert.condition), description: alert.summary.replace(/\{\{[^}]*\}\}/g, '…') });
  }
  for (const slo of model.slos) {
    const effects = sloEffects(slo);
    if (!effects) continue;
    const tierFor = 120;
    byAlert.set(slo.alertName, { effects, forSeconds: tierFor, description: `burns the error budget of SLO ${slo.name}` });
  }
  const scenarios: Scenario[] = [];
  for (const named of NAMED) {
    const alerts = named.alerts.filter((a) => byAlert.has(a));
    if (alerts.length === 0) continue;
    const parts = alerts.map((a) => byAlert.get(a) as { effects: Effect[]; forSeconds: number });
    scenarios.push({
      name: named.name,
      description: named.description,
      alerts,
      effects: parts.flatMap((p) => p.effects),
      defaultDurationSeconds: Math.max(...parts.map((p) => p.forSeconds)) + FIRING_MARGIN_SECONDS,
      origin: 'named',
    });
  }
  const taken = new Set(scenarios.map((s) => s.name));
  for (const [alert, part] of byAlert) {
    const name = kebabCase(alert);
    if (taken.has(name)) continue;
    taken.add(name);
    scenarios.push({ name, description: part.description, alerts: [alert], effects: part.effects, defaultDurationSeconds: part.forSeconds + FIRING_MARGIN_SECONDS, origin: 'generated' });
  }
  return scenarios;
}

/** The alerts no scenario drives (raw PromQL without a hand-written effect, SLOs on raw PromQL). */
export function undrivenAlerts(model: Model, scenarios: readonly Scenario[]): string[] {
  const driven = new Set(scenarios.flatMap((s) => s.alerts));
  const names = [...new Set([...model.alerts.map((a) => a.name), ...model.slos.map((s) => s.alertName)])];
  return names.filter((n) => !driven.has(n));
}
