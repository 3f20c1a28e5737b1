import type { ManualClock } from './manual-clock.js';

/** Polls `condition` in real time (1 ms) until true; throws after `timeoutMs` so a test never hangs. */
export async function waitForReal(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * Runs virtual time forward in `stepMs` steps until `done()`, waiting between steps until the
 * code under test is asleep on the clock (a timer is pending) or done, so real I/O never races
 * the simulated time.
 */
export async function runUntil(clock: ManualClock, done: () => boolean, stepMs = 1_000, maxVirtualMs = 3_600_000): Promise<void> {
  const limit = clock.now() + maxVirtualMs;
  while (!done()) {
    if (clock.now() > limit) throw new Error(`not done after ${maxVirtualMs} ms of virtual time`);
    await waitForReal(() => clock.pendingTimers > 0 || done());
    if (done()) break;
    await clock.advance(stepMs);
  }
}

/** Runs virtual time forward by `ms`, step by step, waiting for the code under test to sleep between steps. */
export async function runFor(clock: ManualClock, ms: number, idle: () => boolean, stepMs = 1_000): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    await waitForReal(() => clock.pendingTimers > 0 || idle());
    await clock.advance(Math.min(stepMs, end - clock.now()));
  }
}
