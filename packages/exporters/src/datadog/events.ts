import { diag } from '@opentelemetry/api';
import { v1 } from '@datadog/datadog-api-client';
import { backoffDelay, serverRequestedWait } from './backoff.js';
import type { RetryOptions } from './backoff.js';
import { DatadogRequestError } from './errors.js';
import { createDatadogConfiguration, FetchTransport } from './transport.js';
import type { DatadogConnectionOptions } from './transport.js';
import { systemClock } from './types.js';
import type { Clock } from './types.js';

/** An event for Datadog's event stream (deploys, rollbacks, autopilot pauses). */
export interface DatadogEvent {
  title: string;
  text: string;
  tags?: string[];
  alertType?: 'error' | 'warning' | 'info' | 'success';
  /** Groups related events (e.g. one rollout) in the stream. */
  aggregationKey?: string;
  /** When it happened (ms since epoch; default now). */
  happenedAt?: number;
}

/** Outcome of posting an event: never thrown, always returned. */
export type DatadogEventResult =
  | { ok: true; id?: number; attempts: number }
  | { ok: false; error: string; status?: number; attempts: number };

/** Options of {@link DatadogEventPoster}. */
export interface DatadogEventPosterOptions extends DatadogConnectionOptions {
  /** Attempts per event including the first (default 4). */
  maxAttempts?: number;
  /** Backoff figures (defaults: 1 s doubling to 10 s, jitter 0.5, 5 s per attempt). */
  retry?: Partial<Pick<RetryOptions, 'initialIntervalMs' | 'maxIntervalMs' | 'multiplier' | 'jitter' | 'attemptTimeoutMs' | 'maxServerWaitMs'>>;
  clock?: Clock;
  random?: () => number;
}

/**
 * Posts events with `EventsApi.createEvent`, retrying 429, 5xx and network errors with backoff
 * (honouring `Retry-After` and `X-RateLimit-Reset`). `post` never rejects: the caller (the
 * controller) gets a result value and carries on whatever Datadog does.
 */
export class DatadogEventPoster {
  private readonly api: v1.EventsApi;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly retry: RetryOptions;

  constructor(options: DatadogEventPosterOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retry = {
      initialIntervalMs: 1_000,
      maxIntervalMs: 10_000,
      multiplier: 2,
      jitter: 0.5,
      attemptTimeoutMs: 5_000,
      maxAttemptTimeoutMs: 5_000,
      maxServerWaitMs: 60_000,
      maxElapsedMs: Number.POSITIVE_INFINITY,
      ...options.retry,
    };
    const transport = new FetchTransport({ attemptTimeoutMs: this.retry.attemptTimeoutMs });
    this.api = new v1.EventsApi(createDatadogConfiguration(options, transport));
  }

  /** Posts one event; resolves with the outcome, never rejects. */
  async post(event: DatadogEvent): Promise<DatadogEventResult> {
    const body: v1.EventCreateRequest = {
      title: event.title,
      text: event.text,
      ...(event.tags ? { tags: event.tags } : {}),
      ...(event.alertType ? { alertType: event.alertType } : {}),
      ...(event.aggregationKey ? { aggregationKey: event.aggregationKey } : {}),
      dateHappened: Math.floor((event.happenedAt ?? this.clock.now()) / 1000),
    };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await this.api.createEvent({ body });
        return { ok: true, attempts: attempt, ...(response.event?.id !== undefined ? { id: response.event.id } : {}) };
      } catch (caught) {
        const error = caught instanceof DatadogRequestError ? caught : undefined;
        const message = caught instanceof Error ? caught.message : String(caught);
        if (!error?.retryable || attempt >= this.maxAttempts) {
          diag.warn(`datadog events: could not post "${event.title}": ${message}`);
          return { ok: false, error: message, attempts: attempt, ...(error?.status !== undefined ? { status: error.status } : {}) };
        }
        const wait = serverRequestedWait(error.headers, this.clock.now()) ?? backoffDelay(attempt - 1, this.retry, this.random);
        await this.clock.sleep(Math.min(wait, this.retry.maxServerWaitMs));
      }
    }
  }
}

/** Posts one event with a one-off {@link DatadogEventPoster}; never rejects. */
export function postDatadogEvent(options: DatadogEventPosterOptions, event: DatadogEvent): Promise<DatadogEventResult> {
  return new DatadogEventPoster(options).post(event);
}
