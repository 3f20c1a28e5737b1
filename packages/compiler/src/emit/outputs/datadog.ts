import type { OutputEmitter } from '../../outputs.js';
import { emitDatadogDashboards } from '../datadog-dashboards.js';
import { emitDatadogMonitors } from '../datadog-monitors.js';

/** `datadog/`: monitors and dashboards as the Datadog API takes them. */
export const emitDatadog: OutputEmitter = (model) => [...emitDatadogMonitors(model), ...emitDatadogDashboards(model)];
