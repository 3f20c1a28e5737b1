import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  fallback,
  handleAll,
  handleWhen,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IBreaker,
} from 'cockatiel';
import type { Metrics } from '../../catalog.js';
import { createDomainMetrics, type DomainTargetOptions } from '../shared/domain-metrics.js';
import {
  BREAKER_STATES,
  VVTV_LLM_NAMING,
  resilienceCatalog,
  type BreakerStateName,
  type CallOutcome,
  type ResilienceCatalog,
  type ResilienceNaming,
} from './catalog.js';
import { systemClock, type Clock } from './clock.js';

/** Options of one protected dependency. Defaults follow 002 (5 failures open, probe after 30 s). */
export interface ProtectOptions<T> {
  /** Value of the `service` label; required when the naming declares services. */
  service?: string;
  /** Value of the `variant` label of the calls when the naming declares variants. Default: the first (`control`). */
  variant?: string;
  /** Per-attempt timeout in ms (cockatiel `timeout`, aggressive). Default 30 000 (000's longest scenario). */
  timeoutMs?: number;
  /** Attempts after the first (cockatiel `retry`, exponential backoff). Default 0. */
  retries?: number;
  /** Backoff of the retries in ms. Default 1 000 to 30 000 (002's Redis policy). */
  backoff?: { initialDelayMs: number; maxDelayMs: number };
  /** The breaker's failure rule. Default `new ConsecutiveBreaker(5)`. */
  breaker?: IBreaker;
  /** Time in the open state before a half-open probe, in ms. Default 30 000. */
  halfOpenAfterMs?: number;
  /** Answer given when the call fails for good (cockatiel `fallback`); without it the error propagates. */
  fallback?: () => T | Promise<T>;
}

/** A dependency call behind timeout, retry, circuit breaker and fallback, with its metrics. */
export interface ProtectedCall<T> {
  /** Runs `fn` under the policies; `signal` aborts when the attempt times out. */
  execute(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** The breaker's state as a label value. */
  readonly state: BreakerStateName;
  /** The underlying cockatiel breaker (for `isolate()` or events). */
  readonly breaker: CircuitBreakerPolicy;
}

/** Options of {@link createResilienceMetrics}. */
export interface ResilienceMetricsOptions extends DomainTargetOptions {
  naming?: ResilienceNaming;
  clock?: Clock;
}

/** Maps a cockatiel circuit state to the label value (isolated counts as open). */
export function breakerStateName(state: CircuitState): BreakerStateName {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half_open';
    case CircuitState.Open:
    case CircuitState.Isolated:
      return 'open';
  }
}

/** Classifies a failed call: breaker rejections and timeouts apart from other errors. */
export function classifyFailure(error: unknown): Exclude<CallOutcome, 'success'> {
  if (error instanceof BrokenCircuitError) return 'rejected';
  if (error instanceof TaskCancelledError) return 'timeout';
  return 'error';
}

/** Records resilience metrics and builds protected calls that report into them. */
export class ResilienceMetrics {
  readonly #instruments: Metrics<ResilienceCatalog>;
  readonly #naming: ResilienceNaming;
  readonly #clock: Clock;

  constructor(options: ResilienceMetricsOptions = {}) {
    this.#naming = options.naming ?? VVTV_LLM_NAMING;
    this.#clock = options.clock ?? systemClock;
    this.#instruments = createDomainMetrics(resilienceCatalog(this.#naming), options, '@vigil/instrumentation/resilience');
  }

  #serviceAttributes(service: string | undefined): Record<string, string> {
    const services = this.#naming.services;
    if (!services) return {};
    if (service === undefined || !services.includes(service)) {
      throw new Error(`service must be one of ${services.join(', ')}`);
    }
    return { service };
  }

  #variantAttributes(variant: string | undefined): Record<string, string> {
    const variants = this.#naming.variants;
    if (!variants) return {};
    const value = variant ?? variants[0];
    if (value === undefined || !variants.includes(value)) throw new Error(`variant must be one of ${variants.join(', ')}`);
    return { variant: value };
  }

  /** Records LLM token usage of one call. */
  recordTokens(usage: { prompt: number; completion: number }, service?: string): void {
    const attributes = this.#serviceAttributes(service);
    this.#instruments.tokens.add(usage.prompt, { ...attributes, token_type: 'prompt' });
    this.#instruments.tokens.add(usage.completion, { ...attributes, token_type: 'completion' });
  }

  /** Wraps a dependency in cockatiel policies (fallback → retry → breaker → timeout) and metrics. */
  protect<T>(options: ProtectOptions<T> = {}): ProtectedCall<T> {
    const attributes = this.#serviceAttributes(options.service);
    const callAttributes = { ...attributes, ...this.#variantAttributes(options.variant) };
    const instruments = this.#instruments;
    const clock = this.#clock;
    const backoff = options.backoff ?? { initialDelayMs: 1_000, maxDelayMs: 30_000 };

    const timeoutPolicy = timeout(options.timeoutMs ?? 30_000, TimeoutStrategy.Aggressive);
    const breakerPolicy = circuitBreaker(handleAll, {
      breaker: options.breaker ?? new ConsecutiveBreaker(5),
      halfOpenAfter: options.halfOpenAfterMs ?? 30_000,
    });
    // A rejected call is the breaker doing its job: retrying it would only spin.
    const retryPolicy = retry(handleWhen((error) => !(error instanceof BrokenCircuitError)), {
      maxAttempts: options.retries ?? 0,
      backoff: new ExponentialBackoff({ initialDelay: backoff.initialDelayMs, maxDelay: backoff.maxDelayMs }),
    });
    const inner = wrap(retryPolicy, breakerPolicy, timeoutPolicy);

    const recordState = (state: BreakerStateName) => {
      for (const candidate of BREAKER_STATES) {
        instruments.breakerState.record(candidate === state ? 1 : 0, { ...attributes, state: candidate });
      }
    };
    recordState('closed');
    breakerPolicy.onStateChange((state) => {
      const name = breakerStateName(state);
      recordState(name);
      instruments.breakerTransitions.add(1, { ...attributes, to_state: name });
    });
    breakerPolicy.onFailure(() => instruments.breakerFailures.add(1, attributes));
    retryPolicy.onRetry(() => instruments.retries.add(1, attributes));

    const measured = async (fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
      const started = clock.now();
      let outcome: CallOutcome = 'success';
      try {
        return await inner.execute(({ signal }) => fn(signal));
      } catch (error) {
        outcome = classifyFailure(error);
        throw error;
      } finally {
        instruments.calls.add(1, { ...callAttributes, outcome });
        instruments.callDuration.record((clock.now() - started) / 1000, attributes);
      }
    };

    const fallbackFn = options.fallback;
    const fallbackPolicy = fallbackFn ? fallback(handleAll, () => fallbackFn()) : undefined;
    fallbackPolicy?.onFailure(() => instruments.fallbacks.add(1, attributes));

    return {
      execute: (fn) => (fallbackPolicy ? fallbackPolicy.execute(() => measured(fn)) : measured(fn)) as Promise<T>,
      get state() {
        return breakerStateName(breakerPolicy.state);
      },
      breaker: breakerPolicy,
    };
  }
}

/** Creates {@link ResilienceMetrics} on the given target (default: the global meter provider's `@vigil/instrumentation/resilience` meter). */
export function createResilienceMetrics(options: ResilienceMetricsOptions = {}): ResilienceMetrics {
  return new ResilienceMetrics(options);
}
