import type { TargetEmit } from '../target.js';
import { emitDatadogDashboards } from './datadog-dashboards.js';
import { emitDatadogMonitors } from './datadog-monitors.js';

/** `datadog/`: monitors and dashboards as the Datadog API takes them. */
export const emitDatadog: TargetEmit = ({ model }) => ({ files: [...emitDatadogMonitors(model), ...emitDatadogDashboards(model)] });
