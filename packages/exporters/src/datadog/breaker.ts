import type { BreakerState } from './types.js';

/** Circuit breaker figures (Chorus design 002: 5 failures in 60 s, a trial every 30 s, 3 successes). */
export interface BreakerOptions {
  /** Failures within `failureWindowMs` that open the breaker. */
  failureThreshold: number;
  failureWindowMs: number;
  /** Time the breaker stays open before one trial call (half-open). */
  openDurationMs: number;
  /** Consecutive successes while half-open that close it. */
  successThreshold: number;
}

/** Defaults from the Chorus design document. */
export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = {
  failureThreshold: 5,
  failureWindowMs: 60_000,
  openDurationMs: 30_000,
  successThreshold: 3,
};

/**
 * Circuit breaker state machine around the Datadog API, on an injected clock.
 *
 * Why not cockatiel: its `halfOpenSampling: { calls: 3 }` does give "3 successes to close", but it
 * reads `Date.now()` inside (openedAt, `SamplingBreaker` windows), so a simulated ten-minute outage
 * cannot run on a fake clock, and its half-open state lets the sampled calls run concurrently where
 * we want one trial at a time. The machine is small enough to own: closed counts failures in a
 * sliding window; open refuses until `openDurationMs` passed; half-open lets one call through at a
 * time, a failure reopens it, `successThreshold` consecutive successes close it.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures: number[] = [];
  private openedAt = 0;
  private halfOpenSuccesses = 0;

  constructor(
    private readonly options: BreakerOptions,
    private readonly onChange: (state: BreakerState) => void = () => {},
  ) {}

  /** The state, moving from open to half-open when the open period has passed at `now`. */
  state(now: number): BreakerState {
    if (this.current === 'open' && now - this.openedAt >= this.options.openDurationMs) this.transition('half_open');
    return this.current;
  }

  /** Milliseconds until a call may go through (0 when closed or half-open). */
  waitMs(now: number): number {
    return this.state(now) === 'open' ? this.openedAt + this.options.openDurationMs - now : 0;
  }

  /** Records a successful call. */
  recordSuccess(now: number): void {
    const state = this.state(now);
    if (state === 'half_open') {
      this.halfOpenSuccesses += 1;
      if (this.halfOpenSuccesses >= this.options.successThreshold) this.transition('closed');
    } else if (state === 'closed') {
      this.failures = [];
    }
  }

  /**
   * Records a failed call (5xx, network error, timeout), stamped with the time the attempt
   * started: a failure counts by attempt, so a slow timeout does not push it out of the window,
   * and a failed trial reopens the breaker from the trial's start, so trials start every
   * `openDurationMs` however long each one took to fail.
   */
  recordFailure(attemptStartedAt: number): void {
    const state = this.state(attemptStartedAt);
    if (state === 'half_open') {
      this.open(attemptStartedAt);
      return;
    }
    if (state === 'open') return;
    this.failures = this.failures.filter((t) => attemptStartedAt - t < this.options.failureWindowMs);
    this.failures.push(attemptStartedAt);
    if (this.failures.length >= this.options.failureThreshold) this.open(attemptStartedAt);
  }

  /**
   * The longest gap between the starts of failed attempts that still lets `failureThreshold`
   * failures fall within `failureWindowMs` (12 s for 5 in 60 s). Retries of failures that count
   * against the breaker wait at most this long, so whatever the backoff, jitter or timeouts, an
   * outage opens the breaker as the figures say.
   */
  get failurePaceMs(): number {
    return this.options.failureWindowMs / this.options.failureThreshold;
  }

  private open(now: number): void {
    this.openedAt = now;
    this.transition('open');
  }

  private transition(next: BreakerState): void {
    if (next === this.current) return;
    this.current = next;
    this.failures = [];
    this.halfOpenSuccesses = 0;
    this.onChange(next);
  }
}
