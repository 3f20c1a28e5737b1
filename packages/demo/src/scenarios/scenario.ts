import type { Effect } from '../traffic/effect.js';

/** A named way to drive demo services into one or more alert conditions and back. */
export interface Scenario {
  /** Kebab-case, as `vigil scenario run NAME` takes it. */
  name: string;
  description: string;
  /** The alerts it drives (Prometheus alert names). */
  alerts: string[];
  effects: Effect[];
  /** How long `run` holds it by default: long enough for the slowest alert's `for` to pass. */
  defaultDurationSeconds: number;
  /** Whether it was derived from one alert or SLO (`generated`) or written for a seed team (`named`). */
  origin: 'generated' | 'named';
}
