import type { DatadogSeriesType } from '@vigil/conventions';

/** One point: Unix seconds and a value. */
export interface DatadogPoint {
  timestamp: number;
  value: number;
}

/** One series in Vigil's plain model, before it is mapped to the API client's `MetricSeries`. */
export interface DatadogSeries {
  metric: string;
  type: DatadogSeriesType;
  points: DatadogPoint[];
  tags: string[];
  /** Seconds covered by a `count` point (the delta's window). */
  interval?: number;
  unit?: string;
}

/** A batch of series that fits one request; what the queue holds and the spill file stores. */
export interface SeriesBatch {
  id: string;
  series: DatadogSeries[];
  /** When the batch was made (ms since epoch, injected clock). */
  createdAt: number;
}

/**
 * Time as the exporter sees it. Injected so that a ten-minute outage runs in milliseconds in tests:
 * every wait (backoff, breaker trial, rate limit) goes through `sleep`, every stamp through `now`.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` (or earlier when `signal` aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Why points were dropped; every drop is counted under one of these (in points; `corrupt-spill` counts the points of damaged spill lines). */
export type DropReason =
  | 'too-old'
  | 'too-far-in-future'
  | 'queue-full'
  | 'rejected'
  | 'too-large'
  | 'retries-exhausted'
  | 'shutdown'
  | 'corrupt-spill';

/** All drop reasons, for building zeroed counters. */
export const DROP_REASONS: readonly DropReason[] = [
  'too-old',
  'too-far-in-future',
  'queue-full',
  'rejected',
  'too-large',
  'retries-exhausted',
  'shutdown',
  'corrupt-spill',
];

/** Breaker states, as in `@vigil/instrumentation`'s resilience catalog. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** The real clock: `Date.now` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};
