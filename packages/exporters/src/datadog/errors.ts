/** How a request to Datadog failed. */
export type RequestFailureKind = 'http' | 'network' | 'timeout';

/**
 * A failed request to the Datadog API, with what the retry logic needs: the status and the
 * response headers (`Retry-After`, `X-RateLimit-*`) that the API client's own exception drops.
 */
export class DatadogRequestError extends Error {
  constructor(
    readonly kind: RequestFailureKind,
    message: string,
    readonly status?: number,
    readonly headers: Record<string, string> = {},
    readonly body?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DatadogRequestError';
  }

  /** 429, 5xx (and 408), network errors and timeouts are worth retrying; other 4xx are not. */
  get retryable(): boolean {
    if (this.kind !== 'http') return true;
    const status = this.status ?? 0;
    return status === 408 || status === 429 || status >= 500;
  }

  /** Whether this failure says the API is unhealthy (counts for the circuit breaker). 429 is backpressure, not ill health. */
  get countsAgainstBreaker(): boolean {
    if (this.kind !== 'http') return true;
    return (this.status ?? 0) >= 500;
  }
}
