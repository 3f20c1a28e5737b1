import type { Metric } from '@vigil/compiler/core';
import type { SeriesLabels } from '../model/series.js';

/** How a gauge series behaves in the healthy state. */
export type GaugeBehaviour =
  /** `level` moved by the daily shape (`swing`, absolute) and uniform noise (`noise`, half-width). */
  | { kind: 'level'; level: number; swing: number; noise: number; integer: boolean; min?: number; max?: number }
  /** A Unix time that a periodic job refreshes every `periodSeconds`. */
  | { kind: 'timestamp'; periodSeconds: number };

/** The healthy behaviour of one series. */
export type SeriesPlan =
  | { type: 'gauge'; labels: SeriesLabels; behaviour: GaugeBehaviour }
  /**
   * A counter at `rate` per second on average; `smooth` counters (watched by an anomaly alert)
   * get neither noise nor bursts, so their z-score stays bounded.
   */
  | { type: 'counter'; labels: SeriesLabels; rate: number; smooth: boolean }
  /** A histogram observing `rate` values a second, each between `low` and `high`. */
  | { type: 'histogram'; labels: SeriesLabels; rate: number; low: number; high: number; smooth: boolean };

/** The healthy plan of one catalog metric on one service. */
export interface MetricPlan {
  metric: Metric;
  /** The service (scrape job) that records it. */
  job: string;
  series: SeriesPlan[];
}
