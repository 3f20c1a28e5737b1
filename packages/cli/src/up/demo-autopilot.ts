// The demo's autopilot in the `vigil up --demo` supervisor: the controller on an accelerated
// clock against the stack's Prometheus, tuning a copy of the card under the state directory.
// Loaded on use: `vigil up` without --demo never imports the controller or runs the autopilot.
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Autopilot } from '@vigil/compiler/core';
import type { StackAutopilot } from './stack-file.js';

/** Where the demo's autopilot keeps its state and card, under the state directory. */
export interface DemoAutopilotPaths {
  stateFile: string;
  parametersFile: string;
}

/** `<dir>/autopilot.db` and `<dir>/autopilot/<card name>`. */
export function demoAutopilotPaths(dir: string, autopilot: Autopilot): DemoAutopilotPaths {
  return { stateFile: join(dir, 'autopilot.db'), parametersFile: join(dir, 'autopilot', basename(autopilot.parametersFile)) };
}

/** A running demo autopilot and its stack.json entry. */
export interface DemoAutopilot {
  entry: StackAutopilot;
  stop(): Promise<void>;
}

/** Starts the accelerated autopilot; its first cycle waits for an analysis window of demo data. */
export async function startDemoAutopilot(options: {
  autopilot: Autopilot;
  root: string;
  prometheusUrl: string;
  paths: DemoAutopilotPaths;
  targetsFile?: string;
  onLog: (line: string) => void;
}): Promise<DemoAutopilot> {
  const { DEMO_TIMING, startAcceleratedAutopilot } = await import('@vigil/controller');
  const timing = DEMO_TIMING;
  // The first scrape lands up to 35 s after start (file_sd refresh, a 30 s interval); the analysis
  // then needs its window covered, and its first per-step rate reads one more window before it
  // (`increase(...[window])` at its start): an earlier first cycle is analysis-inconclusive.
  const firstCycleAt = Date.now() + (3 * timing.analysisWindowSeconds + 40) * 1000;
  const running = await startAcceleratedAutopilot({
    autopilot: options.autopilot,
    root: options.root,
    prometheusUrl: options.prometheusUrl,
    stateFile: options.paths.stateFile,
    parametersFile: options.paths.parametersFile,
    ...(options.targetsFile ? { targetsFile: options.targetsFile } : {}),
    timing,
    firstCycleAt,
    onLog: options.onLog,
  });
  const words = `analysis window ${timing.analysisWindowSeconds}s, canary ${timing.canarySeconds}s, a cycle every ~${Math.round((timing.analysisWindowSeconds + timing.canarySeconds + timing.gapSeconds) / 60)} min instead of daily`;
  return {
    entry: {
      service: options.autopilot.service,
      stateFile: options.paths.stateFile,
      parametersFile: options.paths.parametersFile,
      ...(running.metricsUrl ? { metricsUrl: running.metricsUrl } : {}),
      timing: words,
    },
    stop: async () => {
      await running.stop();
      if (options.targetsFile) await rm(options.targetsFile, { force: true });
    },
  };
}
