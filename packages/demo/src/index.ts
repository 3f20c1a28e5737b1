/**
 * @vigil/demo: simulated services for any Vigil project. `startDemo` serves every catalog metric
 * with healthy, varying traffic (no alert but the watchdog fires); scenarios drive alerts one at a
 * time through a control file that `vigil scenario run` writes.
 */
export type { DemoOptions, RunningDemo } from './service/start-demo.js';
export { startDemo, startDemoFromModel } from './service/start-demo.js';
export type { Scenario } from './scenarios/scenario.js';
export type { Effect, EffectAction } from './traffic/effect.js';
export type { ScenarioControl } from './scenarios/control-file.js';
export { defaultControlFile, readScenarioControl, writeScenarioControl } from './scenarios/control-file.js';
export { loadProjectModel } from './model/load-project-model.js';
export { projectScenarios } from './scenarios/project-scenarios.js';
export { healthyPlan } from './traffic/healthy-plan.js';
export type { GaugeBehaviour, MetricPlan, SeriesPlan } from './traffic/plan.js';
