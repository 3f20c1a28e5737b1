import { spawnSync } from 'node:child_process';
import { ToolError } from '@vigil/conventions';

/** What a tool run printed, and whether it succeeded. */
export interface ToolRun {
  ok: boolean;
  output: string;
}

/** Runs a tool; a missing binary is a {@link ToolError}, a failing check is data. */
export function runTool(binary: string, args: readonly string[], cwd: string): ToolRun {
  const result = spawnSync(binary, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new ToolError(
      code === 'ENOENT'
        ? `${binary} is not installed: install Debian's prometheus package (apt-get install prometheus) or set VIGIL_PROMTOOL`
        : `${binary} failed to start: ${result.error.message}`,
      { cause: result.error },
    );
  }
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** The promtool binary: `VIGIL_PROMTOOL` or `promtool` on PATH. */
export function promtoolPath(env: NodeJS.ProcessEnv): string {
  return env.VIGIL_PROMTOOL ?? 'promtool';
}
