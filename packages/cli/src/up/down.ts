// `vigil down`: the other half of `vigil up --detach`.
import { isAlive, waitUntil } from './processes.js';
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
  for (const proc of left) {
    try {
      process.kill(-proc.pid, 'SIGTERM');
    } catch {
      process.kill(proc.pid, 'SIGTERM');
    }
  }
  const gone = async () => left.every((p) => !isAlive(p.pid));
  await waitUntil(gone, () => undefined, 10_000, 'the stack to stop').catch(() => {
    for (const proc of left.filter((p) => isAlive(p.pid))) {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        process.kill(proc.pid, 'SIGKILL');
      }
    }
  });
  await removeStackFile(dir);
  io.out(`vigil down: stopped ${live.map((p) => `${p.role} (${p.pid})`).join(', ') || 'nothing (no process was still running)'}\n`);
}
