import type { TargetDescriptor } from '../target.js';

/** The Alertmanager configuration from `notifications:`, its message templates and the secrets script. */
export const alertmanager: TargetDescriptor<'alertmanager'> = {
  name: 'alertmanager',
  owns: [
    { dir: 'alertmanager', files: /^alertmanager\.yml$|\.sh$/ },
    { dir: 'alertmanager/templates', files: /\.tmpl$/ },
  ],
  load: async () => (await import('./emit.js')).emitAlertmanager,
};
