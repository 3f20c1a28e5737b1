import type { TargetDescriptor } from '../target.js';

/** Self-contained HTML dashboards that Prometheus serves itself. */
export const html: TargetDescriptor<'html'> = {
  name: 'html',
  owns: [{ dir: 'dashboards/html', files: /\.html$/ }],
  load: async () => (await import('./emit.js')).emitHtml,
};
