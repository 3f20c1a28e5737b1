import { formatDuration } from '../spec/duration.js';
import type { Slo } from './types.js';

// What an SLO's recording rules are called and its budget, in the model: the dashboards the
// model builds read these series, and rules/slos.ts records them.

/** `slo:sli_error:ratio_rate5m`: the SLI error ratio over a window. */
export function errorRatioRecord(windowSeconds: number): string {
  return `slo:sli_error:ratio_rate${formatDuration(windowSeconds)}`;
}

/** The error budget as a ratio: (100 - objective) / 100, computed as Sloth does. */
export function errorBudget(slo: Slo): number {
  return (100 - slo.objectivePercent) / 100;
}
