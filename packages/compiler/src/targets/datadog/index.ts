import type { TargetDescriptor } from '../target.js';

/** Datadog monitors and dashboards; loaded only when asked for, since its emitter pulls the Datadog API client. */
export const datadog: TargetDescriptor<'datadog'> = {
  name: 'datadog',
  owns: [
    { dir: 'datadog/monitors', files: /\.json$/ },
    { dir: 'datadog/dashboards', files: /\.json$/ },
  ],
  load: async () => (await import('./emit.js')).emitDatadog,
};
