/**
 * Honest power from the definitions alone: the canary plan ({@link planCanary}) at the traffic
 * each KPI declares (`expected_traffic`), for `vigil validate`. A KPI without a declaration is
 * skipped (`vigil autopilot plan` measures the live traffic instead). Pure, and free of the
 * runner's SQLite binding, so the CLI can load it for validation.
 */
import type { Autopilot } from '@vigil/compiler';
import { planCanary, type KpiPlan, type KpiTraffic } from '../core/plan.js';
import { autopilotContext } from './autopilot-context.js';

/** The plan of every KPI that declares its traffic. */
export function planDeclaredTraffic(autopilot: Autopilot): KpiPlan[] {
  const context = autopilotContext(autopilot);
  const traffic: KpiTraffic[] = [];
  for (const kpi of autopilot.kpis) {
    const declared = kpi.expectedTraffic;
    if (!declared) continue;
    if (kpi.queries.kind === 'ratio') {
      traffic.push(declared.rate === undefined ? { kpi: kpi.name, kind: 'unknown', reason: 'expected_traffic has no rate' } : { kpi: kpi.name, kind: 'counts', exposurePerMinute: declared.perMinute, rate: declared.rate });
    } else {
      traffic.push(declared.relativeSd === undefined ? { kpi: kpi.name, kind: 'unknown', reason: 'expected_traffic has no relative_sd' } : { kpi: kpi.name, kind: 'readings', readingsPerMinute: declared.perMinute, relativeSd: declared.relativeSd });
    }
  }
  const declaredNames = new Set(traffic.map((t) => t.kpi));
  return planCanary(context.kpis, context.config, traffic).filter((plan) => declaredNames.has(plan.kpi));
}

/** One line per declared KPI that the defaults cannot decide within the canary window. */
export function declaredPowerWarnings(autopilots: readonly Autopilot[]): string[] {
  return autopilots.flatMap((autopilot) =>
    planDeclaredTraffic(autopilot)
      .filter((plan) => !plan.canDecide)
      .map((plan) => `autopilot ${autopilot.service}, KPI ${plan.kpi}: ${plan.note}`),
  );
}
