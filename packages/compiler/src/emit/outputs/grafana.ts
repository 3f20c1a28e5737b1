import type { OutputEmitter } from '../../outputs.js';
import { emitGrafanaDashboards } from '../grafana-dashboards.js';
import { emitGrafanaProvisioning } from '../grafana-provisioning.js';

/** `grafana/`: dashboards and the provisioning that loads them. */
export const emitGrafana: OutputEmitter = (model) => [...emitGrafanaDashboards(model), ...emitGrafanaProvisioning()];
