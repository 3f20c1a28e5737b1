import { PROMETHEUS_DATASOURCE } from './grafana-dashboards.js';
import { hashHeader } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';
import { toYaml } from '../../emit/yaml.js';

/** Where Grafana's provisioning files go, relative to the project root. */
export const PROVISIONING_DIR = 'grafana/provisioning';

/**
 * Where the dashboards folder is inside the Grafana container: docker-compose.yml mounts
 * `./grafana/dashboards` there (and `./grafana/provisioning` at /etc/grafana/provisioning).
 */
export const GRAFANA_DASHBOARDS_PATH = '/var/lib/grafana/dashboards';

/** The Prometheus server Grafana queries (host networking: the stack's Prometheus on localhost). */
export const PROMETHEUS_URL = 'http://localhost:9090';

/**
 * Grafana provisioning: the Prometheus data source under the uid every generated panel names,
 * and a file provider that loads the generated dashboards into a "Vigil" folder.
 */
export function emitGrafanaProvisioning(): OutputFile[] {
  return [
    {
      path: `${PROVISIONING_DIR}/datasources/prometheus.yml`,
      content: toYaml({
        apiVersion: 1,
        datasources: [
          {
            name: 'Prometheus',
            uid: PROMETHEUS_DATASOURCE.uid,
            type: PROMETHEUS_DATASOURCE.type,
            access: 'proxy',
            url: PROMETHEUS_URL,
            isDefault: true,
          },
        ],
      }, hashHeader('grafana')),
    },
    {
      path: `${PROVISIONING_DIR}/dashboards/vigil.yml`,
      content: toYaml({
        apiVersion: 1,
        providers: [
          {
            name: 'vigil',
            orgId: 1,
            folder: 'Vigil',
            type: 'file',
            // Generated dashboards are rewritten by `vigil generate`, not edited in the UI.
            disableDeletion: true,
            allowUiUpdates: false,
            updateIntervalSeconds: 30,
            options: { path: GRAFANA_DASHBOARDS_PATH, foldersFromFilesStructure: false },
          },
        ],
      }, hashHeader('grafana')),
    },
  ];
}
