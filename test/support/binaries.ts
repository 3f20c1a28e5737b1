import { spawnSync } from 'node:child_process';

/**
 * Whether a binary is on PATH. Under CI (`CI=true`) a missing binary is a failure, never a
 * skip: tests that need it call {@link requireBinaries} and it throws.
 */
export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** Skips (locally) or fails (CI) when binaries are missing; returns whether to skip. */
export function missingBinaries(...names: string[]): string | undefined {
  const missing = names.filter((name) => !hasBinary(name));
  if (missing.length === 0) return undefined;
  const reason = `missing ${missing.join(', ')} (apt-get install prometheus prometheus-alertmanager victoria-metrics)`;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
  return reason;
}
