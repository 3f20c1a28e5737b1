// Child processes of the local stack: each runs in its own process group, so one signal to the
// group stops it and whatever it started, and Ctrl-C reaches only `vigil up`, which then stops
// them in order and waits for each to exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { constants, openSync, closeSync, fstatSync, readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { CommandFailedError, ToolError } from '@vigil/conventions';
import { processStartTime } from '../io/process-identity.js';

/** A binary the stack runs, and the Debian package that installs it. */
export interface StackBinary {
  name: string;
  debianPackage: string;
  /** The environment variable that overrides its path. */
  envOverride: string;
}

/** Prometheus and Alertmanager as Debian ships them. */
export const BINARIES = {
  prometheus: { name: 'prometheus', debianPackage: 'prometheus', envOverride: 'VIGIL_PROMETHEUS' },
  alertmanager: { name: 'prometheus-alertmanager', debianPackage: 'prometheus-alertmanager', envOverride: 'VIGIL_ALERTMANAGER' },
} as const satisfies Record<string, StackBinary>;

/**
 * The path of `binary`: its override variable, else the first executable on PATH. A missing
 * one is a {@link ToolError} naming the package to install.
 */
export async function findBinary(binary: StackBinary, env: NodeJS.ProcessEnv): Promise<string> {
  const override = env[binary.envOverride];
  const candidates = override ? [override] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, binary.name));
  for (const candidate of candidates) {
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  throw new ToolError(
    `${binary.name} is not installed${override ? ` at ${override} (${binary.envOverride})` : ' (not found on PATH)'}: install Debian's ${binary.debianPackage} package (sudo apt-get install ${binary.debianPackage}) or set ${binary.envOverride}`,
  );
}

/** A process the stack started. */
export interface StackProcess {
  role: string;
  pid: number;
  /** Its start time in clock ticks since boot (/proc/PID/stat), so a reused pid is not taken for it. */
  startTime?: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** The last lines it wrote, for error messages. */
  logFile: string;
  /** The log file's size when it started: what it wrote lies after (the file is appended to). */
  logStart: number;
}

/** Starts `binary` in its own process group, its output appended to `logFile`. */
export function startProcess(role: string, binary: string, args: readonly string[], logFile: string, cwd: string): StackProcess {
  const log = openSync(logFile, 'a');
  const logStart = fstatSync(log).size;
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { cwd, detached: true, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
    child.once('error', () => resolve(-1));
  });
  const pid = child.pid ?? -1;
  return { role, pid, ...(pid > 0 ? { startTime: processStartTime(pid) } : {}), child, exited, logFile, logStart } as StackProcess;
}

/** The last `bytes` of a log file (of what follows offset `from`), for an error message. */
export function logTail(logFile: string, bytes = 2000, from = 0): string {
  try {
    const text = readFileSync(logFile).subarray(from).toString('utf8');
    return text.slice(-bytes);
  } catch {
    return '';
  }
}

/** Sends `signal` to the process group led by `pid` (or to `pid` alone when it leads none). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Stops a process group: SIGTERM, then SIGKILL after `graceMs`; resolves once the leader has
 * exited (and been reaped, for our own children).
 */
export async function stopProcess(proc: StackProcess, graceMs = 10_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  signalGroup(proc.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(proc.pid, 'SIGKILL'), graceMs);
  await proc.exited;
  clearTimeout(timer);
  // Anything the leader started stays in its group: make sure it goes too.
  signalGroup(proc.pid, 'SIGKILL');
}

/**
 * Polls `probe` every 100 ms until it returns true; a reason from `failed()`, or `timeoutMs`
 * passing, is a {@link CommandFailedError}.
 */
export async function waitUntil(probe: () => Promise<boolean>, failed: () => string | undefined, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = failed();
    if (reason !== undefined) throw new CommandFailedError(`${what}: ${reason}`);
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new CommandFailedError(`${what}: not ready after ${Math.round(timeoutMs / 1000)} s`);
}

/** Whether `url` answers 200. */
export async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response.ok;
}
