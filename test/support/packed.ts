// The packages as a user gets them: `npm pack` of every workspace, and commands run as a user's
// shell would run them. Shared by the packaging test and the end-to-end `vigil up` test.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { userEnv } from './processes.js';

export { userEnv };

/** The repository root. */
export const REPO = resolve(import.meta.dirname, '../..');

/** A finished command: its exit code and its stdout and stderr, interleaved. */
export interface Run {
  code: number | null;
  output: string;
}

/** Runs a command to its end, collecting its output. */
export function run(command: string, args: string[], cwd: string, env = userEnv()): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', fail);
    child.once('close', (code) => done({ code, output }));
  });
}

/** Runs a documented line through the shell, as a user would type it. */
export const shell = (line: string, cwd: string, env?: NodeJS.ProcessEnv): Promise<Run> => run('sh', ['-c', line], cwd, env);

/** `npm pack`s every workspace into `dest`; the tarballs' paths. Assumes `npm run build` ran. */
export async function packWorkspaces(dest: string): Promise<string[]> {
  const packed = await run('npm', ['pack', '--workspaces', '--pack-destination', dest, '--json'], REPO);
  if (packed.code !== 0) throw new Error(`npm pack --workspaces exited ${packed.code}\n${packed.output}`);
  return (await readdir(dest)).filter((name) => name.endsWith('.tgz')).map((name) => join(dest, name));
}
