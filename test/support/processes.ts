// Process helpers for tests that start real stacks: nothing may be left once a stack stops.
import { readdirSync, readFileSync } from 'node:fs';

/** Every live (not zombie) process, other than this one, whose command line names `text`. */
export function processesNaming(text: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .flatMap((pid) => {
      try {
        const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
        return line.includes(text) && state !== 'Z' ? [`${pid}: ${line}`] : [];
      } catch {
        return [];
      }
    });
}

/** SIGKILLs every process naming `text` (cleanup after a failed test). */
export function killProcessesNaming(text: string): void {
  for (const line of processesNaming(text)) {
    try {
      process.kill(Number(line.split(':')[0]), 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

/** The environment of a user's shell: none of the npm variables of the `npm test` running us. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return { ...env, ...extra };
}
