import type { TargetDescriptor } from '../target.js';

/** Grafana dashboards and the provisioning (data source, dashboard provider) that loads them. */
export const grafana: TargetDescriptor<'grafana'> = {
  name: 'grafana',
  owns: [
    { dir: 'grafana/dashboards', files: /\.json$/ },
    { dir: 'grafana/provisioning/datasources', files: /\.ya?ml$/ },
    { dir: 'grafana/provisioning/dashboards', files: /\.ya?ml$/ },
  ],
  load: async () => (await import('./emit.js')).emitGrafana,
};
