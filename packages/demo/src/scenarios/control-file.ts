import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from '@vigil/conventions/atomic-file';

/**
 * The scenario control file (`.vigil/scenario.json`): `vigil scenario run` writes it atomically,
 * the running demo reads it every second. `scenario: null` (or no file) means healthy.
 */
export interface ScenarioControl {
  version: 1;
  scenario: string | null;
  /** ISO 8601 times; the demo applies the scenario between them. */
  startedAt?: string;
  endsAt?: string;
}

/** Where the control file lives in a project. */
export function defaultControlFile(projectDir: string): string {
  return join(projectDir, '.vigil', 'scenario.json');
}

/** Writes the control file atomically (the demo never reads half of it). */
export async function writeScenarioControl(path: string, control: ScenarioControl): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomically(path, `${JSON.stringify(control, null, 2)}\n`);
}

/** The scenario in force at `nowMs`, if the file names one; a missing or malformed file reads as none. */
export async function readScenarioControl(path: string, nowMs: number): Promise<{ scenario: string; startedAtMs: number; endsAtMs: number } | undefined> {
  let control: Partial<ScenarioControl>;
  try {
    control = JSON.parse(await readFile(path, 'utf8')) as Partial<ScenarioControl>;
  } catch {
    return undefined;
  }
  if (typeof control.scenario !== 'string') return undefined;
  const startedAtMs = Date.parse(control.startedAt ?? '');
  const endsAtMs = Date.parse(control.endsAt ?? '');
  if (!Number.isFinite(startedAtMs) || !Number.isFinite(endsAtMs) || nowMs < startedAtMs || nowMs >= endsAtMs) return undefined;
  return { scenario: control.scenario, startedAtMs, endsAtMs };
}
