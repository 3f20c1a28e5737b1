// `.vigil/stack.json`: where the running stack is, for scripts, `vigil down` and a second
// `vigil up`. Written atomically, so a reader sees the old file or the new one.
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '@vigil/conventions/atomic-file';
import { isAlive, processStartTime } from '../io/process-identity.js';

/** Whether the stack is still starting or ready (Prometheus and Alertmanager answer /-/ready). */
export type StackState = 'starting' | 'ready';

/** One process of the stack. */
export interface StackFileProcess {
  /** `vigil` (the supervisor, which also serves the sink), `prometheus` or `alertmanager`. */
  role: string;
  pid: number;
  /** Start time in clock ticks since boot (Linux /proc), to tell our process from a reused pid. */
  startTime?: number;
}

/** The content of `.vigil/stack.json`. */
export interface StackFile {
  version: 1;
  state: StackState;
  startedAt: string;
  /** The project root and the state directory (absolute). */
  root: string;
  dir: string;
  detached: boolean;
  demo: boolean;
  urls: {
    prometheus: string;
    alertmanager: string;
    /** The notification sink's page; its JSON is `<sink>/api/notifications`. */
    sink: string;
    /** The HTML dashboards' base: append `<uid>.html`. */
    dashboards: string;
  };
  /** Each HTML dashboard's page. */
  dashboardPages: { uid: string; url: string }[];
  processes: StackFileProcess[];
  /** The demo's accelerated autopilot (`vigil up --demo` with an autopilot declared). */
  autopilot?: StackAutopilot;
}

/** Where the demo's autopilot keeps its state and card, for `vigil autopilot` while the stack runs. */
export interface StackAutopilot {
  service: string;
  /** The state database and the card it tunes (absolute; under the state directory). */
  stateFile: string;
  parametersFile: string;
  /** The controller's /metrics, scraped through its file_sd file. */
  metricsUrl?: string;
  /** The accelerated timing, in words. */
  timing: string;
}

/** The path of stack.json in a state directory. */
export function stackFilePath(dir: string): string {
  return join(dir, 'stack.json');
}

/** Writes stack.json atomically. */
export async function writeStackFile(dir: string, stack: StackFile): Promise<void> {
  await writeFileAtomically(stackFilePath(dir), `${JSON.stringify(stack, null, 2)}\n`);
}

/** Reads stack.json; undefined when there is none (or it does not parse: a torn file is not ours). */
export async function readStackFile(dir: string): Promise<StackFile | undefined> {
  const text = await readFile(stackFilePath(dir), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as StackFile;
    return value.version === 1 && Array.isArray(value.processes) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Removes stack.json. */
export async function removeStackFile(dir: string): Promise<void> {
  await rm(stackFilePath(dir), { force: true });
}

function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/**
 * Whether `recorded` is still the process the stack started: alive, the same start time, and a
 * command line naming the state directory (Prometheus and Alertmanager are given config files
 * under it; a detached supervisor its `--dir`). Without /proc, only aliveness is checked.
 */
export function isOurProcess(recorded: StackFileProcess, dir: string): boolean {
  if (!isAlive(recorded.pid)) return false;
  const line = cmdline(recorded.pid);
  if (line === undefined) return true;
  if (recorded.startTime !== undefined && processStartTime(recorded.pid) !== recorded.startTime) return false;
  // The foreground supervisor (`vigil up` as typed) may not name the directory; its start time does.
  return line.includes(dir) || (recorded.role === 'vigil' && recorded.startTime !== undefined);
}

/** The processes of a stack file still running as ours. */
export function liveProcesses(stack: StackFile): StackFileProcess[] {
  return stack.processes.filter((p) => isOurProcess(p, stack.dir));
}
