import type { Model } from '@vigil/compiler/core';
import { withAutopilotScenario } from './autopilot-bad-change.js';
import { healthyPlan } from '../traffic/healthy-plan.js';
import { deriveScenarios, undrivenAlerts } from './derive-scenarios.js';
import type { Scenario } from './scenario.js';

/** A project's scenarios, and the alerts none of them drives. */
export function projectScenarios(model: Model): { scenarios: Scenario[]; undriven: string[] } {
  const scenarios = withAutopilotScenario(model, deriveScenarios(model, healthyPlan(model)));
  return { scenarios, undriven: undrivenAlerts(model, scenarios) };
}
