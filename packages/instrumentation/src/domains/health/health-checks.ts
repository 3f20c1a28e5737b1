import { TaskCancelledError, TimeoutStrategy, timeout } from 'cockatiel';
import type { GaugeHandle, HistogramHandle } from '../../catalog.js';
import { createDomainMetrics, type DomainTargetOptions, type MetricOf } from '../shared/domain-metrics.js';
import { classifyErrorName, redactSecrets } from '../shared/redact.js';
import { predictBreach, type FailingBound, type TrendPrediction, type TrendSample } from './predict.js';
import { HEALTH_STATUSES, healthCatalog, type HealthNaming, type HealthStatus } from './catalog.js';

/** What a check returns; returning nothing means healthy, throwing means unhealthy. */
export interface CheckResult {
  status: HealthStatus;
  /** Why the check is not healthy (shown in the JSON, with secrets and e-mails redacted). */
  reason?: string;
  details?: Record<string, unknown>;
  /** The measured value the check judged (latency ms, pool use, free GB), for trend prediction. */
  value?: number;
}

const SYSTEM_ERROR_CODE = /^E[A-Z0-9_]{2,31}$/;

/** A thrown value as a served reason: its class and, for a system error, its code (ECONNREFUSED). */
function thrownReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const type = error instanceof Error ? classifyErrorName(error.name) : 'NonError';
  return typeof code === 'string' && SYSTEM_ERROR_CODE.test(code) ? `threw ${type} (${code})` : `threw ${type}`;
}

/** A named health check (database, cache, services, performance, ...). */
export interface HealthCheck {
  name: string;
  run(signal: AbortSignal): Promise<CheckResult | void> | CheckResult | void;
  /** Overrides the registry's timeout for this check, in ms. */
  timeoutMs?: number;
  /** The value at which the check fails: with it, the report predicts when the trend of `value` reaches it. */
  failingBound?: FailingBound;
}

/** One check's outcome, as served in JSON. */
export interface CheckReport {
  name: string;
  status: HealthStatus;
  reason?: string;
  details?: Record<string, unknown>;
  value?: number;
  durationMs: number;
  /** The trend of `value` towards the check's failing bound (checks with a `failingBound`). */
  prediction?: TrendPrediction;
}

/** The aggregate outcome: the worst status of all checks. */
export interface HealthReport {
  status: HealthStatus;
  checks: CheckReport[];
}

/** Options of {@link HealthRegistry}. */
export interface HealthRegistryOptions extends DomainTargetOptions {
  checks: readonly HealthCheck[];
  naming: HealthNaming;
  /** Timeout of a check in ms; a check past it is unhealthy. Default 5 000. */
  timeoutMs?: number;
  /** Name under which the aggregate is recorded, if it is one of the naming's checks. Default `comprehensive`. */
  aggregateName?: string;
  /** Monotonic ms clock for durations. Default `performance.now`. */
  now?: () => number;
  /** Values kept per check for the trend (default 20). */
  trendSamples?: number;
}

/** The worse of two statuses. */
export function worstStatus(a: HealthStatus, b: HealthStatus): HealthStatus {
  return HEALTH_STATUSES.indexOf(a) >= HEALTH_STATUSES.indexOf(b) ? a : b;
}

/**
 * HTTP status of a health status. Degraded answers 200, like `warn` in the IETF draft
 * "Health Check Response Format for HTTP APIs" (draft-inadarei-api-health-check): the service
 * still serves, so load balancers keep it; the body and the status gauge carry the reason.
 */
export function httpStatusOf(status: HealthStatus): 200 | 503 {
  return status === 'unhealthy' ? 503 : 200;
}

/** Runs named checks with timeouts and records their status and latency. */
export class HealthRegistry {
  readonly #checks: Map<string, HealthCheck>;
  readonly #timeoutMs: number;
  readonly #aggregateName: string;
  readonly #now: () => number;
  readonly #trendSamples: number;
  readonly #history = new Map<string, TrendSample[]>();
  readonly #record: (check: string, status: HealthStatus, durationMs: number) => void;

  constructor(options: HealthRegistryOptions) {
    this.#checks = new Map(options.checks.map((check) => [check.name, check]));
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#aggregateName = options.aggregateName ?? 'comprehensive';
    this.#now = options.now ?? (() => performance.now());
    this.#trendSamples = options.trendSamples ?? 20;
    for (const name of this.#checks.keys()) {
      if (!options.naming.checks.includes(name)) {
        throw new Error(`check "${name}" is not in the naming's checks (${options.naming.checks.join(', ')})`);
      }
    }
    if (this.#checks.size !== options.checks.length) throw new Error('check names must be unique');
    const { checkLabel, checks } = options.naming;
    // The naming decides which of the three handles exist.
    const handles = createDomainMetrics(healthCatalog(options.naming), options, '@vigil/instrumentation/health') as {
      readonly up?: GaugeHandle<MetricOf<'gauge'>>;
      readonly duration?: HistogramHandle<MetricOf<'histogram'>>;
      readonly status?: GaugeHandle<MetricOf<'gauge'>>;
    };
    const { up, duration, status: statusGauge } = handles;
    this.#record = (check, status, durationMs) => {
      // The aggregate is recorded only where the naming has a value for it.
      if (!checks.includes(check)) return;
      const attributes = { [checkLabel]: check };
      up?.record(httpStatusOf(status) === 200 ? 1 : 0, attributes);
      duration?.record(durationMs / 1000, attributes);
      for (const candidate of HEALTH_STATUSES) statusGauge?.record(candidate === status ? 1 : 0, { ...attributes, status: candidate });
    };
  }

  /** Names of the registered checks. */
  get names(): string[] {
    return [...this.#checks.keys()];
  }

  async #evaluate(check: HealthCheck): Promise<CheckReport> {
    const started = this.#now();
    const timeoutMs = check.timeoutMs ?? this.#timeoutMs;
    let result: CheckResult;
    let timedOut = false;
    const policy = timeout(timeoutMs, TimeoutStrategy.Aggressive);
    const subscription = policy.onTimeout(() => {
      timedOut = true;
    });
    try {
      const returned = await policy.execute((_, signal) => check.run(signal));
      result = returned ?? { status: 'healthy' };
    } catch (error) {
      // A check that honours the signal rejects with its own error when the timeout aborts it.
      // The thrown text is never served (it can hold a connection string or an e-mail): only the
      // error's class and a system error code.
      const reason = timedOut || error instanceof TaskCancelledError ? `timed out after ${timeoutMs} ms` : thrownReason(error);
      result = { status: 'unhealthy', reason };
    } finally {
      subscription.dispose();
    }
    const durationMs = this.#now() - started;
    this.#record(check.name, result.status, durationMs);
    const prediction = check.failingBound ? this.#predict(check.name, check.failingBound, result.value) : undefined;
    return {
      name: check.name,
      ...result,
      ...(result.reason === undefined ? {} : { reason: redactSecrets(result.reason) }),
      durationMs,
      ...(prediction ? { prediction } : {}),
    };
  }

  /** Adds the value to the check's bounded history and fits the trend towards its bound. */
  #predict(name: string, bound: FailingBound, value: number | undefined): TrendPrediction {
    const history = this.#history.get(name) ?? [];
    this.#history.set(name, history);
    if (typeof value === 'number' && Number.isFinite(value)) {
      history.push({ at: this.#now() / 1000, value });
      if (history.length > this.#trendSamples) history.shift();
    }
    return predictBreach(history, bound);
  }

  /** Runs one check; undefined for an unknown name. */
  async runCheck(name: string): Promise<CheckReport | undefined> {
    const check = this.#checks.get(name);
    return check ? this.#evaluate(check) : undefined;
  }

  /** Runs every check concurrently; the aggregate is the worst status. */
  async runAll(): Promise<HealthReport> {
    const started = this.#now();
    const checks = await Promise.all([...this.#checks.values()].map((check) => this.#evaluate(check)));
    const status = checks.reduce<HealthStatus>((worst, check) => worstStatus(worst, check.status), 'healthy');
    this.#record(this.#aggregateName, status, this.#now() - started);
    return { status, checks };
  }
}
