// A trivial output target, as a new one would be written: one folder exporting one descriptor.
// extra-target.test.ts registers it beside the built-in ones.
import { generatedNotice, type TargetDescriptor, type TargetEmit } from '@vigil/compiler/core';

/** One Markdown note per service, listing its alerts. */
const emitNotes: TargetEmit = ({ model }) => ({
  files: model.services.map((service) => ({
    path: `notes/${service.name}.md`,
    content: [
      `<!-- ${generatedNotice('notes')} -->`,
      `# ${service.name}`,
      ...model.alerts.filter((alert) => alert.service.name === service.name).map((alert) => `- ${alert.name}`),
      '',
    ].join('\n'),
  })),
});

/** The descriptor: its name, what it owns, and its emitter behind `load`. */
export const notes: TargetDescriptor<'notes'> = {
  name: 'notes',
  owns: [{ dir: 'notes', files: /\.md$/ }],
  load: async () => emitNotes,
};
