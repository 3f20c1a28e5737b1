import type { TargetDescriptor } from '../target.js';

/** prometheus.yml (intervals, rule files, Alertmanagers, scrape jobs) and the storage flags beside it. */
export const prometheusConfig: TargetDescriptor<'prometheus-config'> = {
  name: 'prometheus-config',
  owns: [{ dir: 'prometheus', files: /^(?:prometheus(?:-[a-z0-9_-]+)?|storage)\.yml$/ }],
  load: async () => (await import('./emit.js')).emitConfig,
};
