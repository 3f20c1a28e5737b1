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

  /** Records a failed call (5xx, network error, timeout). */
  recordFailure(now: number): void {
    const state = this.state(now);
    if (state === 'half_open') {
      this.open(now);
      return;
    }
    if (state === 'open') return;
    this.failures = this.failures.filter((t) => now - t < this.options.failureWindowMs);
    this.failures.push(now);
    if (this.failures.length >= this.options.failureThreshold) this.open(now);
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
