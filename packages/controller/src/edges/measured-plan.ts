/**
 * `vigil autopilot plan`: the canary plan ({@link planCanary}) at the traffic Prometheus measured
 * over a recent span (a day by default, a week for services whose traffic varies by weekday),
 * instead of the `expected_traffic` the definitions may declare. Takes any PromQL edge, so tests
 * pass a fake one and no server is needed.
 */
import type { Autopilot } from '@vigil/compiler/core';
import { UsageError } from '@vigil/conventions';
import { planCanary, type KpiPlan, type KpiTraffic } from '../core/plan.js';
import { autopilotContext } from './autopilot-context.js';
import { KpiFetcher } from './kpi-fetch.js';
import type { PromQlClient } from './promql-client.js';

/** The plan and the traffic it was computed from. */
export interface MeasuredPlan {
  plans: KpiPlan[];
  traffic: KpiTraffic[];
  lookbackMs: number;
}

/** Plans every KPI of `autopilot` at the traffic measured over `[now - lookbackMs, now]`. */
export async function planMeasuredTraffic(autopilot: Autopilot, client: PromQlClient, now: number, lookbackMs: number): Promise<MeasuredPlan> {
  const context = autopilotContext(autopilot);
  const traffic = await new KpiFetcher(client, autopilot).traffic(now, lookbackMs);
  return { plans: planCanary(context.kpis, context.config, traffic), traffic, lookbackMs };
}

/** `30m`, `6h`, `1d`, `7d`, `1w` in milliseconds; anything else is a usage error. */
export function parseLookback(text: string): number {
  const match = /^(\d+)(m|h|d|w)$/.exec(text.trim());
  const unit = match ? { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 'm' | 'h' | 'd' | 'w'] : undefined;
  const value = match ? Number(match[1]) * unit! : Number.NaN;
  if (!(value > 0)) throw new UsageError(`--lookback must be a duration such as 1h, 1d or 7d, got ${text}`);
  return value;
}

/** One line per KPI: the smallest detectable change within the canary window, and whether the configured one is reachable. */
export function formatPlan(plan: MeasuredPlan, canaryMinutes: number): string {
  return plan.plans
    .map((p) => {
      const status = p.canDecide ? 'ok  ' : 'WARN';
      if (Number.isNaN(p.minimumDetectableEffect)) return `${status} ${p.kpi}: ${p.note}\n`;
      const mde = Number.isFinite(p.minimumDetectableEffect) ? `${(p.minimumDetectableEffect * 100).toFixed(1)}%` : 'none (zero baseline)';
      return `${status} ${p.kpi}: smallest detectable change ${mde} within ${canaryMinutes} min (${Math.round(p.canarySize)} canary units expected); ${p.note}\n`;
    })
    .join('');
}
