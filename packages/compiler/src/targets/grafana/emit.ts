import type { TargetEmit } from '../target.js';
import { emitGrafanaDashboards } from './grafana-dashboards.js';
import { emitGrafanaProvisioning } from './grafana-provisioning.js';

/** `grafana/`: dashboards and the provisioning that loads them. */
export const emitGrafana: TargetEmit = ({ model }) => ({ files: [...emitGrafanaDashboards(model), ...emitGrafanaProvisioning()] });
