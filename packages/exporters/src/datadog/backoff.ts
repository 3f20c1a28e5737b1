/** Retry figures; defaults are the OpenTelemetry Collector exporter helper's. */
export interface RetryOptions {
  /** First backoff (ms); Collector: 5 s. */
  initialIntervalMs: number;
  /** Largest backoff (ms); Collector: 30 s. */
  maxIntervalMs: number;
  /** Growth per attempt; Collector: 1.5. */
  multiplier: number;
  /** Randomization factor: the wait is drawn in `[1 - j, 1 + j] * interval`; Collector: 0.5. */
  jitter: number;
  /** Retry budget of one batch while the API answers (ms); Collector: 5 min. */
  maxElapsedMs: number;
  /** Per-attempt timeout (ms); Collector: 5 s. The starting and lowest value: it adapts (see `maxAttemptTimeoutMs`). */
  attemptTimeoutMs: number;
  /**
   * Ceiling of the adaptive per-attempt timeout (ms, default 12 s). A timed-out attempt doubles
   * the timeout of the next; a success sets it to 3x the answer's latency (never under
   * `attemptTimeoutMs`): an API that answers slowly but works is waited for instead of being
   * sent the same batch again and again. The exporter keeps it at or under the breaker's failure
   * pace (window / threshold, 12 s), so that a hanging API still opens the breaker in time.
   */
  maxAttemptTimeoutMs: number;
  /** Cap on a server-requested wait (Retry-After, X-RateLimit-Reset), so a bad header cannot stall us for a day. */
  maxServerWaitMs: number;
}

/** The Collector's exporter helper defaults. */
export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  initialIntervalMs: 5_000,
  maxIntervalMs: 30_000,
  multiplier: 1.5,
  jitter: 0.5,
  maxElapsedMs: 300_000,
  attemptTimeoutMs: 5_000,
  maxAttemptTimeoutMs: 12_000,
  maxServerWaitMs: 300_000,
};

/** Jittered exponential backoff before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number): number {
  const base = Math.min(options.maxIntervalMs, options.initialIntervalMs * options.multiplier ** attempt);
  const factor = 1 - options.jitter + 2 * options.jitter * random();
  return Math.round(base * factor);
}

/**
 * The wait a response asks for: `Retry-After` (seconds or an HTTP date), else Datadog's
 * `X-RateLimit-Reset` (seconds until the window resets). Undefined when neither is present.
 */
export function serverRequestedWait(headers: Record<string, string>, nowMs: number): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  const reset = headers['x-ratelimit-reset'];
  if (reset !== undefined) {
    const seconds = Number(reset);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  }
  return undefined;
}

/** True when a response says the rate-limit window is spent (`X-RateLimit-Remaining: 0`). */
export function rateLimitExhausted(headers: Record<string, string>): boolean {
  return headers['x-ratelimit-remaining'] === '0';
}
