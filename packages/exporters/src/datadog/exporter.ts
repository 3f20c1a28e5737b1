import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { diag } from '@opentelemetry/api';
import type { Meter } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { MetricProducer, PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { v2 } from '@datadog/datadog-api-client';
import { backoffDelay, DEFAULT_RETRY_OPTIONS, rateLimitExhausted, serverRequestedWait } from './backoff.js';
import type { RetryOptions } from './backoff.js';
import { CircuitBreaker, DEFAULT_BREAKER_OPTIONS } from './breaker.js';
import type { BreakerOptions } from './breaker.js';
import { DATADOG_ACCEPTED_WINDOW, DeltaTracker, filterWindow, toDatadogSeries } from './convert.js';
import type { AcceptedWindow } from './convert.js';
import { DatadogRequestError } from './errors.js';
import { BatchQueue } from './queue.js';
import type { OverflowPolicy } from './queue.js';
import { registerSelfMetrics } from './self-metrics.js';
import type { SelfMetrics } from './self-metrics.js';
import { quarantineSpill, readSpill } from './spill.js';
import { SpillLog } from './spill-log.js';
import { countPoints, DATADOG_PAYLOAD_LIMITS, halveChunk, seriesBody, splitSeries, toWireSeries } from './split.js';
import type { PayloadLimits } from './split.js';
import { createDatadogConfiguration, FetchTransport } from './transport.js';
import type { DatadogConnectionOptions, RequestRecord } from './transport.js';
import { DROP_REASONS, systemClock } from './types.js';
import type { BreakerState, Clock, DatadogSeries, DropReason, SeriesBatch } from './types.js';

/** Options of {@link DatadogMetricExporter}; every figure has a default. */
export interface DatadogExporterOptions extends DatadogConnectionOptions {
  /** Batches the queue holds (default 1,000, the Collector's queue size). */
  queueSize?: number;
  /**
   * Estimated heap bytes the queue holds (default 64 MiB: about 80 batches of 2,000 series, 13
   * minutes of outage at a 10 s interval for a service with 2,000 series, over 2 hours with 200).
   * Whichever bound is reached first evicts per `overflow`.
   */
  queueMaxBytes?: number;
  /**
   * Requests sent at once (default 1, which keeps batches in order). More let one slow request
   * not hold the rest back; the breaker still lets one trial through at a time when half-open.
   */
  senders?: number;
  /** What a full queue drops (default `drop-oldest`: fresh data matters more in an outage). */
  overflow?: OverflowPolicy;
  /** Retry figures (defaults: the Collector's exporter helper). */
  retry?: Partial<RetryOptions>;
  /** Circuit breaker figures (defaults: 5 failures in 60 s, trial every 30 s, 3 successes to close). */
  breaker?: Partial<BreakerOptions>;
  /** Request limits (defaults: Datadog's 512,000 / 5,242,880 bytes and 10,000 points). */
  limits?: Partial<PayloadLimits>;
  /** Accepted point window (default: 1 h in the past, 10 min in the future). */
  window?: Partial<AcceptedWindow>;
  /** Directory to spill the queue to during failures and at shutdown; reloaded at start. */
  spillDirectory?: string;
  /** Meter for the exporter's own metrics (sent, retried, dropped by reason, queued, breaker state). */
  meter?: Meter;
  /**
   * Deadline of `forceFlush()` (ms, default 5 s). It returns earlier when the breaker is open:
   * no request can go before the next trial, so waiting would only hold the caller.
   */
  flushTimeoutMs?: number;
  /**
   * Deadline of `shutdown()` (ms, default 5 s): it drains until then (or until the breaker is
   * open), aborts the requests in flight, and spills what is left (or counts it as dropped).
   * forceFlush then shutdown fits in 10 s, a third of a Kubernetes pod's default grace period.
   */
  shutdownTimeoutMs?: number;
  /** Clock and sleep; inject a fake one in tests. */
  clock?: Clock;
  /** Random source in [0, 1) for jitter. */
  random?: () => number;
  /** Per-attempt timeout signal factory (default `AbortSignal.timeout`, real time). */
  timeoutSignal?: (ms: number) => AbortSignal;
  /** Called for every request sent (benchmark and tests). */
  onRequest?: (record: RequestRecord) => void;
}

/** Counters of what the exporter did, in points unless named otherwise. */
export interface DatadogExporterStats {
  sentPoints: number;
  sentRequests: number;
  retries: number;
  dropped: Record<DropReason, number>;
  droppedBatches: number;
  queuedBatches: number;
  /** Estimated heap bytes of the queued batches (the in-flight one excluded). */
  queuedBytes: number;
  /**
   * Count points stamped ahead of the clock (collections less than 1 s apart carry a series'
   * point to the next free second). Sent; a process restarted within those seconds that writes
   * the same series would overwrite them, so a non-zero figure says: lengthen the interval.
   */
  aheadOfClockPoints: number;
  breakerState: BreakerState;
}

/**
 * OpenTelemetry push exporter to Datadog's v2 series API (`MetricsApi.submitMetrics`).
 *
 * `export()` converts and enqueues, calls back at once and never throws; one background loop
 * drains the bounded queue through a circuit breaker with jittered backoff that honours
 * `Retry-After` and `X-RateLimit-*`. Every point is either sent or counted as dropped with a reason.
 */
export class DatadogMetricExporter implements PushMetricExporter {
  private readonly api: v2.MetricsApi;
  private readonly queue: BatchQueue;
  private readonly breaker: CircuitBreaker;
  private readonly tracker = new DeltaTracker();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly retry: RetryOptions;
  private readonly limits: PayloadLimits;
  private readonly window: AcceptedWindow;
  private readonly flushTimeoutMs: number;
  private readonly shutdownTimeoutMs: number;
  /** Resolved and replaced each time the breaker opens (ends a flush's wait early). */
  private breakerOpened = signalled();
  private readonly spillDirectory: string | undefined;
  private readonly metrics: SelfMetrics | undefined;
  private readonly counters: Omit<DatadogExporterStats, 'queuedBatches' | 'queuedBytes' | 'breakerState'> = {
    sentPoints: 0,
    sentRequests: 0,
    retries: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    droppedBatches: 0,
    aheadOfClockPoints: 0,
  };
  private readonly senders: number;
  /** Batches being sent, by id (the series left after the window filter). */
  private readonly inFlight = new Map<string, SeriesBatch>();
  /** A half-open trial is in flight: the other senders wait for its answer. */
  private trialInFlight = false;
  private trialSettled = signalled();
  /** Senders running; each takes batches until the queue is empty. */
  private activeSenders = 0;
  /** Resolved when the last running sender stops (see `whenIdle`). */
  private idleWaiters: (() => void)[] = [];
  /** No request before this time: what the server asked for (Retry-After, X-RateLimit-Reset). */
  private serverNotBefore = 0;
  /** No request before this time: our own backoff (ignored while the breaker is open: it paces then). */
  private backoffNotBefore = 0;
  private failing = false;
  private stopped = false;
  private readonly stopController = new AbortController();
  private readonly loaded: Promise<void>;
  /** The persistent queue, when `spillDirectory` is set. */
  private readonly spill: SpillLog | undefined;
  /** The adaptive per-attempt timeout (see `RetryOptions.maxAttemptTimeoutMs`). */
  private attemptTimeoutMs: number;
  /**
   * The smallest body the API refused with `413` (raw and gzip bytes, measured here): a body at
   * least as large in both is refused too, so it is split (or, one point, dropped) without a
   * request. Without it, an API whose limit is under our estimate cost 2n-1 requests for n series.
   */
  private refused: { raw: number; gzip: number } | undefined;

  constructor(options: DatadogExporterOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.limits = { ...DATADOG_PAYLOAD_LIMITS, ...options.limits };
    this.window = { ...DATADOG_ACCEPTED_WINDOW, ...options.window };
    this.flushTimeoutMs = options.flushTimeoutMs ?? 5_000;
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5_000;
    this.senders = options.senders ?? 1;
    if (!Number.isInteger(this.senders) || this.senders < 1) throw new RangeError(`senders must be a positive integer, got ${this.senders}`);
    this.attemptTimeoutMs = this.retry.attemptTimeoutMs;
    this.spillDirectory = options.spillDirectory;
    this.spill = options.spillDirectory ? new SpillLog(options.spillDirectory, (error) => diag.error('datadog exporter: could not write the spill files', error)) : undefined;
    this.queue = new BatchQueue(options.queueSize ?? 1_000, options.overflow ?? 'drop-oldest', options.queueMaxBytes ?? 64 * 1024 * 1024);
    this.breaker = new CircuitBreaker({ ...DEFAULT_BREAKER_OPTIONS, ...options.breaker }, (state) => {
      diag.info(`datadog exporter: circuit breaker ${state}`);
      if (state === 'open') {
        this.breakerOpened.resolve();
        this.breakerOpened = signalled();
      }
    });
    const transport = new FetchTransport({
      attemptTimeoutMs: () => this.attemptTimeoutMs,
      stopSignal: this.stopController.signal,
      onResponse: (status, headers) => this.onResponse(status, headers),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      ...(options.timeoutSignal ? { timeoutSignal: options.timeoutSignal } : {}),
    });
    this.api = new v2.MetricsApi(createDatadogConfiguration(options, transport));
    this.metrics = options.meter ? registerSelfMetrics(options.meter, () => this.stats()) : undefined;
    this.loaded = this.loadSpill();
    if (this.spillDirectory) void this.loaded.then(() => this.kick(), () => this.kick());
  }

  /** Converts, splits to request size and enqueues; calls back at once. Never throws. */
  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('Datadog exporter is shut down') });
      return;
    }
    try {
      const now = this.clock.now();
      const converted = toDatadogSeries(metrics, this.tracker, now, this.window);
      this.tracker.prune(now - this.window.maxAgeMs);
      for (const [reason, points] of Object.entries(converted.dropped)) this.drop(reason as DropReason, points);
      if (converted.aheadOfClock > 0) {
        // Warned once: at a sub-second interval it would be every export.
        if (this.counters.aheadOfClockPoints === 0) diag.warn(`datadog exporter: ${converted.aheadOfClock} count points stamped ahead of the clock (collections under 1 s apart); a restart within those seconds could overwrite them`);
        this.counters.aheadOfClockPoints += converted.aheadOfClock;
      }
      this.enqueueSeries(converted.series, now);
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      diag.error('datadog exporter: could not convert metrics', error);
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
      return;
    }
    this.kick();
  }

  /** Datadog wants deltas but we compute them from cumulative points ourselves. */
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  /** Drains the queue, up to `flushTimeoutMs` or until the breaker opens; what remains is spilled when a directory is set. */
  async forceFlush(): Promise<void> {
    await this.drainWithDeadline(this.flushTimeoutMs);
  }

  /** Drains with the deadline, stops the loop, spills what is left or counts it as dropped. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    await this.drainWithDeadline(this.shutdownTimeoutMs);
    this.stopped = true;
    // Aborts the requests in flight (and every wait): the loop ends at once.
    this.stopController.abort();
    await this.whenIdle();
    const left = this.pending();
    if (this.spill) {
      this.spill.append(left);
      await this.spill.close();
    } else {
      for (const batch of left) this.dropBatch('shutdown', batch);
    }
    this.queueClear();
  }

  /** A snapshot of the exporter's counters. */
  stats(): DatadogExporterStats {
    return {
      ...this.counters,
      dropped: { ...this.counters.dropped },
      queuedBatches: this.queue.length + this.inFlight.size,
      queuedBytes: this.queue.bytes,
      breakerState: this.breaker.state(this.clock.now()),
    };
  }

  private enqueueSeries(series: DatadogSeries[], now: number): void {
    if (series.length === 0) return;
    const { chunks, oversized } = splitSeries(series, this.limits);
    if (oversized.length > 0) this.drop('too-large', countPoints(oversized));
    for (const chunk of chunks) {
      const batch: SeriesBatch = { id: randomUUID(), series: chunk, createdAt: now };
      const evicted = this.queue.push(batch);
      for (const e of evicted) this.dropBatch('queue-full', e);
      // While the API fails, or a backlog from a failure still drains, each new batch is appended
      // as it comes (one batch's write): a kill during the drain loses none of them.
      if ((this.failing || this.spill?.live) && !evicted.includes(batch)) this.spill?.append([batch]);
    }
  }

  /**
   * Starts senders for the queued batches, up to `senders` at once. A sender that found the
   * queue empty has stopped; a batch queued later starts one again at once instead of waiting
   * for the senders still busy with slow requests.
   */
  private kick(): void {
    if (this.stopped) return;
    // One sender per queued batch not yet taken, besides those busy with a request; before the
    // spill is loaded, one sender waits for it (the load kicks again for the rest).
    const free = (): number => this.activeSenders - this.inFlight.size;
    while (this.activeSenders < this.senders && (free() < this.queue.length || this.activeSenders === 0)) this.startSender();
  }

  private startSender(): void {
    this.activeSenders += 1;
    const run = async (): Promise<void> => {
      await this.loaded;
      await this.sendLoop();
    };
    // sendLoop() catches per batch; this catch is the last guard so no rejection ever reaches the process.
    void run()
      .catch((error: unknown) => diag.error('datadog exporter: send loop failed', error))
      .finally(() => {
        this.activeSenders -= 1;
        if (this.queue.length > 0 && !this.stopped) this.kick();
        if (this.activeSenders === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
  }

  /** Resolves once no sender runs (at once when none does). */
  private whenIdle(): Promise<void> {
    if (this.activeSenders === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** One sender: takes the head batch and delivers it, until the queue is empty or the exporter stops. */
  private async sendLoop(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const batch = this.queue.shift();
      if (!batch) break;
      this.inFlight.set(batch.id, batch);
      let outcome: 'done' | 'stopped' = 'done';
      try {
        outcome = await this.deliver(batch);
      } catch (error) {
        // deliver() counts its own outcomes; this is a bug guard so the loop never dies silently.
        diag.error('datadog exporter: unexpected failure', error);
        this.dropBatch('rejected', batch);
      }
      // A batch interrupted by shutdown stays in flight so shutdown() spills or counts it.
      if (outcome === 'done') {
        const last = this.inFlight.get(batch.id);
        this.inFlight.delete(batch.id);
        void this.spill?.ack(last && last.id !== batch.id ? [batch.id, last.id] : [batch.id]);
      }
    }
  }

  /**
   * Sends one batch until it is accepted or dropped. Time spent waiting on an open breaker does
   * not use the batch's retry budget: an outage is the breaker's business, and the queue bound
   * and the accepted window decide what an outage costs; the budget drops poison batches that
   * keep failing while the API answers.
   */
  private async deliver(batch: SeriesBatch): Promise<'done' | 'stopped'> {
    let series = batch.series;
    /** The batch as on disk: a replacement once points left the window. */
    let current = batch;
    let attempt = 0;
    let budgetUsed = 0;
    for (;;) {
      await this.waitUntilAllowed();
      if (this.stopped) return 'stopped';
      const filtered = filterWindow(series, this.clock.now(), this.window);
      const dropped = Object.entries(filtered.dropped);
      if (dropped.length > 0 && this.spill?.has(current.id)) {
        // The file forgets these points before they are counted: a kill in between would load
        // and count them again at the next start. The kept points replace the batch on disk.
        const previous = current.id;
        if (filtered.kept.length > 0) {
          current = { id: randomUUID(), series: filtered.kept, createdAt: batch.createdAt };
          this.spill.append([current]);
        }
        await this.spill.ack([previous]);
      }
      for (const [reason, points] of dropped) this.drop(reason as DropReason, points);
      series = filtered.kept;
      this.inFlight.set(batch.id, { ...current, series });
      if (series.length === 0) return 'done';
      if (this.refused && (await this.knownTooLarge(series))) return this.splitTooLarge(current, series);
      if (this.stopped) return 'stopped';
      const startedAt = this.clock.now();
      const trial = this.breaker.state(startedAt) === 'half_open';
      if (trial) this.trialInFlight = true;
      try {
        await this.api.submitMetrics({ body: { series: series.map(toWireSeries) as unknown as v2.MetricSeries[] }, contentEncoding: 'gzip' });
        this.breaker.recordSuccess(this.clock.now());
        this.adaptTimeout(this.clock.now() - startedAt);
        this.counters.sentPoints += countPoints(series);
        this.counters.sentRequests += 1;
        this.metrics?.sent(countPoints(series));
        this.failing = false;
        return 'done';
      } catch (caught) {
        const error = caught instanceof DatadogRequestError ? caught : new DatadogRequestError('network', String(caught), undefined, {}, undefined, { cause: caught });
        if (error.kind === 'timeout') this.adaptTimeout(undefined);
        if (error.kind === 'http' && error.status === 413) {
          // Too large after all (the API's limit is under our estimate): remember the size, halve and resend first.
          await this.recordRefused(series);
          return this.splitTooLarge(current, series);
        }
        if (!error.retryable) {
          if (error.status === 401 || error.status === 403) diag.error(`datadog exporter: the API key was refused, every batch will be dropped: ${error.message}`);
          else diag.warn(`datadog exporter: batch rejected: ${error.message}`);
          this.drop('rejected', countPoints(series));
          this.counters.droppedBatches += 1;
          return 'done';
        }
        const now = this.clock.now();
        if (error.countsAgainstBreaker) this.breaker.recordFailure(startedAt);
        if (!this.failing) {
          // From the first failure on, the whole queue must survive a restart.
          this.failing = true;
          this.spill?.append(this.pending());
        }
        const requested = serverRequestedWait(error.headers, now);
        let wait: number;
        if (requested !== undefined) {
          wait = Math.min(this.retry.maxServerWaitMs, requested);
          this.serverNotBefore = Math.max(this.serverNotBefore, now + wait);
        } else {
          wait = backoffDelay(attempt, this.retry, this.random);
          // The API looks unhealthy: retry soon enough for the breaker's figures to hold.
          if (error.countsAgainstBreaker) wait = Math.min(wait, Math.max(0, startedAt + this.breaker.failurePaceMs - now));
          // An open breaker paces the trials itself, every openDurationMs.
          if (this.breaker.state(now) === 'open') wait = 0;
          this.backoffNotBefore = Math.max(this.backoffNotBefore, now + wait);
        }
        attempt += 1;
        if (this.breaker.state(now) !== 'open') {
          budgetUsed += wait;
          if (budgetUsed > this.retry.maxElapsedMs) {
            diag.warn(`datadog exporter: giving up on a batch after ${attempt} attempts: ${error.message}`);
            this.drop('retries-exhausted', countPoints(series));
            this.counters.droppedBatches += 1;
            return 'done';
          }
        }
        this.counters.retries += 1;
        this.metrics?.retried();
      } finally {
        if (trial) {
          this.trialInFlight = false;
          this.trialSettled.resolve();
          this.trialSettled = signalled();
        }
      }
    }
  }

  /** Halves a batch the API refuses as too large and puts the halves first; drops (and counts) a lone point. */
  private splitTooLarge(batch: SeriesBatch, series: DatadogSeries[]): 'done' {
    const halves = halveChunk(series);
    if (halves === undefined) {
      this.drop('too-large', countPoints(series));
      this.counters.droppedBatches += 1;
      return 'done';
    }
    const parts = halves.map((half, i) => ({ id: `${batch.id}.${i}`, series: half, createdAt: batch.createdAt }));
    this.queue.unshift(parts);
    // Halves of a batch on disk go to disk before the batch is acknowledged.
    if (this.spill?.has(batch.id)) this.spill.append(parts);
    this.kick();
    return 'done';
  }

  private async recordRefused(series: readonly DatadogSeries[]): Promise<void> {
    const size = await bodySize(series);
    if (this.refused === undefined || size.raw < this.refused.raw) this.refused = size;
  }

  /** True when `series` is at least as large, raw and compressed, as a body the API refused. */
  private async knownTooLarge(series: readonly DatadogSeries[]): Promise<boolean> {
    const refused = this.refused;
    if (refused === undefined) return false;
    const body = seriesBody(series);
    // Compressing is only needed for a body the raw size does not already clear.
    if (Buffer.byteLength(body) < refused.raw) return false;
    return (await gzipAsync(body)).length >= refused.gzip;
  }

  /** Adapts the per-attempt timeout: doubled after a timeout, 3x the latency after a success. */
  private adaptTimeout(latencyMs: number | undefined): void {
    const floor = this.retry.attemptTimeoutMs;
    // Longer attempts would space failures too far apart for the breaker's figures to hold.
    const ceiling = Math.min(this.retry.maxAttemptTimeoutMs, this.breaker.failurePaceMs);
    const next = latencyMs === undefined ? this.attemptTimeoutMs * 2 : 3 * latencyMs;
    this.attemptTimeoutMs = Math.min(Math.max(floor, ceiling), Math.max(floor, next));
  }

  private async waitUntilAllowed(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const now = this.clock.now();
      const breakerWait = this.breaker.waitMs(now);
      const backoffWait = this.breaker.state(now) === 'open' ? 0 : this.backoffNotBefore - now;
      const wait = Math.max(breakerWait, this.serverNotBefore - now, backoffWait);
      if (wait <= 0 && this.trialInFlight && this.breaker.state(now) === 'half_open') {
        // One trial at a time: wait for its answer (shutdown aborts it, which settles it too).
        await this.trialSettled.promise;
        continue;
      }
      if (wait <= 0) return;
      await this.clock.sleep(wait, this.stopController.signal);
    }
  }

  private onResponse(status: number, headers: Record<string, string>): void {
    // A spent rate-limit window on a success still means: wait for the reset before the next call.
    if (status < 300 && rateLimitExhausted(headers)) {
      const wait = serverRequestedWait({ 'x-ratelimit-reset': headers['x-ratelimit-reset'] ?? '0' }, this.clock.now()) ?? 0;
      this.serverNotBefore = Math.max(this.serverNotBefore, this.clock.now() + Math.min(wait, this.retry.maxServerWaitMs));
    }
  }

  private async drainWithDeadline(timeoutMs: number): Promise<void> {
    this.kick();
    const deadline = new AbortController();
    const drained = (async () => {
      while (this.activeSenders > 0 && !deadline.signal.aborted) await this.whenIdle();
    })();
    if (this.breaker.state(this.clock.now()) !== 'open') {
      await Promise.race([drained, this.breakerOpened.promise, this.clock.sleep(timeoutMs, deadline.signal)]);
    }
    deadline.abort();
    if (this.spill && this.pending().length > 0) {
      this.spill.append(this.pending());
      await this.spill.flushed();
    }
  }

  private pending(): SeriesBatch[] {
    return [...this.inFlight.values(), ...this.queue.toArray()];
  }

  private queueClear(): void {
    while (this.queue.shift()) {
      /* emptied */
    }
    this.inFlight.clear();
  }

  private drop(reason: DropReason, points: number): void {
    if (points <= 0) return;
    this.counters.dropped[reason] += points;
    this.metrics?.dropped(reason, points);
    diag.warn(`datadog exporter: dropped ${points} points (${reason})`);
  }

  private dropBatch(reason: DropReason, batch: SeriesBatch): void {
    void this.spill?.ack([batch.id]);
    this.counters.droppedBatches += 1;
    this.drop(reason, countPoints(batch.series));
  }

  private async loadSpill(): Promise<void> {
    if (!this.spillDirectory) return;
    try {
      const { batches, corruptLines, lostPoints, acknowledgedLines } = await readSpill(this.spillDirectory);
      if (corruptLines > 0) {
        diag.warn(`datadog exporter: ${corruptLines} damaged lines in the spill file (${lostPoints} points lost); moving it aside`);
        this.counters.droppedBatches += corruptLines;
        this.drop('corrupt-spill', lostPoints);
        try {
          await quarantineSpill(this.spillDirectory, this.clock.now());
          // The readable batches go back to a clean file at once, so a crash now loses none of them.
          this.spill?.append(batches);
          await this.spill?.flushed();
        } catch (error) {
          diag.error('datadog exporter: could not move the damaged spill file aside', error);
        }
      }
      if (corruptLines === 0) this.spill?.adopt(batches, acknowledgedLines);
      // Spilled batches are older than anything exported since start: they go first.
      const newer = this.queue.toArray();
      this.queueClear();
      for (const batch of [...batches, ...newer]) {
        for (const evicted of this.queue.push(batch)) this.dropBatch('queue-full', evicted);
      }
    } catch (error) {
      diag.error('datadog exporter: could not read the spill directory', error);
    }
  }
}

const gzipAsync = promisify(gzip);

/** Raw and gzip size of the body for `series`, compressed as the transport does (zlib's default level). */
async function bodySize(series: readonly DatadogSeries[]): Promise<{ raw: number; gzip: number }> {
  const body = seriesBody(series);
  return { raw: Buffer.byteLength(body), gzip: (await gzipAsync(body)).length };
}

/** A promise and the function that resolves it. */
function signalled(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Options of {@link createDatadogReader}. */
export interface DatadogReaderOptions extends DatadogExporterOptions {
  /** Collection interval (ms, default 10 s, Datadog's flush interval). */
  exportIntervalMillis?: number;
  /** Reader's export timeout (ms, default 5 s or the interval if shorter); export() returns at once, so this is rarely hit. */
  exportTimeoutMillis?: number;
  /** More sources per collection, such as the prom-client bridge. */
  metricProducers?: MetricProducer[];
}

/** A `PeriodicExportingMetricReader` around a new {@link DatadogMetricExporter}. */
export function createDatadogReader(options: DatadogReaderOptions): PeriodicExportingMetricReader {
  const { exportIntervalMillis = 10_000, exportTimeoutMillis: timeout, metricProducers, ...exporterOptions } = options;
  // The SDK refuses a timeout longer than the interval; export() returns at once, so the shorter is enough.
  const exportTimeoutMillis = timeout ?? Math.min(5_000, exportIntervalMillis);
  return new PeriodicExportingMetricReader({
    exporter: new DatadogMetricExporter(exporterOptions),
    exportIntervalMillis,
    exportTimeoutMillis,
    ...(metricProducers ? { metricProducers } : {}),
  });
}
