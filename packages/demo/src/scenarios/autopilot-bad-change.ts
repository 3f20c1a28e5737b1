import type { Model } from '@vigil/compiler/core';
import type { Scenario } from './scenario.js';

/** The scenario that makes the autopilot's next canary worse than its control. */
export const AUTOPILOT_BAD_CHANGE = 'autopilot-bad-change';

/** Long enough for the accelerated demo autopilot to start, run and judge one more canary. */
const BAD_CHANGE_SECONDS = 900;

/**
 * The project's scenarios plus `autopilot-bad-change` when it declares an autopilot. Its effect
 * is not a series effect: the demo service's canary arm errs more and its KPIs drop (see
 * `arm-response.ts`), so the canary running meanwhile is rolled back.
 */
export function withAutopilotScenario(model: Model, scenarios: readonly Scenario[]): Scenario[] {
  if (!model.autopilots.some((a) => a.enabled)) return [...scenarios];
  const rollbackAlerts = model.alerts.filter((a) => a.name === 'AutopilotRollback').map((a) => a.name);
  return [
    ...scenarios,
    {
      name: AUTOPILOT_BAD_CHANGE,
      description: "the autopilot's candidate parameters make the canary arm fail 3x as often and lower its KPIs: the canary is rolled back",
      alerts: rollbackAlerts,
      effects: [],
      defaultDurationSeconds: BAD_CHANGE_SECONDS,
      origin: 'named',
    },
  ];
}
