// `vigil down`: the other half of `vigil up --detach`.
import { CommandFailedError } from '@vigil/conventions';
import { isAlive } from '../io/process-identity.js';
import { signalGroup, waitUntil } from './processes.js';
import { liveProcesses, readStackFile, removeStackFile } from './stack-file.js';
import type { UpOutput } from './up.js';

/**
 * `vigil down`: stops what stack.json lists, checking each pid is still the process the stack
 * started (a reused pid is left alone), then removes stack.json.
 */
export async function runDown(dir: string, io: UpOutput): Promise<void> {
  const stack = await readStackFile(dir);
  if (stack === undefined) {
    io.out(`vigil down: no stack running from ${dir}\n`);
    return;
  }
  const live = liveProcesses(stack);
  // The supervisor first: it stops the rest in order and removes stack.json.
  const supervisor = live.find((p) => p.role === 'vigil' && p.pid !== process.pid);
  if (supervisor) {
    process.kill(supervisor.pid, 'SIGTERM');
    await waitUntil(async () => !isAlive(supervisor.pid), () => undefined, 30_000, 'vigil up to stop').catch(() => undefined);
  }
  // Whatever is left (the supervisor was killed, or did not finish): its process group.
  const left = liveProcesses(stack).filter((p) => p.pid !== process.pid);
  const gone = async () => left.every((p) => !isAlive(p.pid));
  for (const proc of left) signalGroup(proc.pid, 'SIGTERM');
  if (!(await waitUntil(gone, () => undefined, 10_000, 'the stack to stop').then(() => true, () => false))) {
    for (const proc of left.filter((p) => isAlive(p.pid))) signalGroup(proc.pid, 'SIGKILL');
    await waitUntil(gone, () => undefined, 5_000, 'the stack to stop').catch(() => undefined);
  }
  const survivors = left.filter((p) => isAlive(p.pid));
  await removeStackFile(dir);
  if (survivors.length > 0) {
    throw new CommandFailedError(`down: ${survivors.map((p) => `${p.role} (${p.pid})`).join(', ')} did not stop`);
  }
  io.out(`vigil down: stopped ${live.map((p) => `${p.role} (${p.pid})`).join(', ') || 'nothing (no process was still running)'}\n`);
}
