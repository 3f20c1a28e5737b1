import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '@vigil/conventions';

/** Where the scenario commands write; injected like the rest of the CLI's output. */
export interface ScenarioIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** `90s`, `5m`, `1h30m` or a bare number of seconds, in seconds. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 } as const;
  return parts.reduce((n, p) => n + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * `vigil scenario list | run NAME [--duration D]`: drives the running demo (`vigil up --demo`)
 * through the scenario control file `.vigil/scenario.json`. `@vigil/demo` is loaded only here.
 */
export function addScenarioCommand(program: Command, io: ScenarioIo, project: () => { root: string; definitions: string }): void {
  const scenario = program.command('scenario').description('drive the demo services into an alert condition and back (vigil up --demo)');

  const load = async () => {
    const { root, definitions } = project();
    const demo = await import('@vigil/demo');
    const model = await demo.loadProjectModel(resolve(root), resolve(root, definitions));
    return { demo, root: resolve(root), ...demo.projectScenarios(model) };
  };

  scenario
    .command('list')
    .description('list the scenarios and the alerts each drives')
    .action(async () => {
      const { scenarios, undriven } = await load();
      const width = Math.max(...scenarios.map((s) => s.name.length), 4);
      io.out(`${'NAME'.padEnd(width)}  ${'DEFAULT'.padEnd(7)}  ALERTS\n`);
      for (const s of scenarios) io.out(`${s.name.padEnd(width)}  ${formatSeconds(s.defaultDurationSeconds).padEnd(7)}  ${s.alerts.join(', ')}\n`);
      if (undriven.length > 0) io.out(`\nno scenario drives: ${undriven.join(', ')}\n`);
    });

  scenario
    .command('run <name>')
    .description('apply a scenario to the running demo for --duration, then return it to healthy')
    .option('--duration <d>', "how long to hold it (90s, 5m, 1h); default: the alert's for plus 2m")
    .option('--detach', 'write the control file and return at once (the demo ends the scenario by itself)', false)
    .action(async (name: string, options: { duration?: string; detach: boolean }) => {
      const { demo, root, scenarios } = await load();
      const chosen = scenarios.find((s) => s.name === name);
      if (!chosen) throw new UsageError(`unknown scenario ${name}: \`vigil scenario list\` shows them`);
      const seconds = options.duration === undefined ? chosen.defaultDurationSeconds : parseDuration(options.duration);
      if (seconds === undefined || seconds <= 0) throw new UsageError(`--duration ${options.duration ?? ''}: expected a duration such as 90s, 5m or 1h`);
      const file = demo.defaultControlFile(root);
      const start = Date.now();
      const endsAt = start + seconds * 1000;
      await demo.writeScenarioControl(file, { version: 1, scenario: chosen.name, startedAt: new Date(start).toISOString(), endsAt: new Date(endsAt).toISOString() });
      io.out(`vigil scenario: ${chosen.name} until ${new Date(endsAt).toISOString()} (drives ${chosen.alerts.join(', ')}); control file ${file}\n`);
      if (options.detach) return;
      const clear = () => demo.writeScenarioControl(file, { version: 1, scenario: null });
      let interrupted = false;
      const onSignal = () => {
        interrupted = true;
      };
      process.once('SIGINT', onSignal);
      try {
        while (!interrupted && Date.now() < endsAt) await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, endsAt - Date.now()))));
      } finally {
        process.removeListener('SIGINT', onSignal);
        await clear();
      }
      io.out(`vigil scenario: ${chosen.name} ${interrupted ? 'stopped' : 'ended'}; the demo is back to healthy\n`);
    });
}
