import type { Metrics } from '../../catalog.js';
import { createDomainMetrics, type DomainTargetOptions } from '../shared/domain-metrics.js';
import { jobCatalog, SCHOLAR_BACKUP_NAMING, type JobCatalog, type JobNaming } from './catalog.js';

type Attributes = Record<string, string>;

/** What a job reports back (all optional). */
export interface JobReport {
  /** Output size in bytes (e.g. the compressed, encrypted backup). */
  bytes?: number;
  /** Whether the output passed verification (checksum, decrypt, restore probe). */
  verified?: boolean;
}

/** Options of {@link JobMetrics}. */
export interface JobMetricsOptions extends DomainTargetOptions {
  naming?: JobNaming;
  /** Wall clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** Records scheduled job runs: outcome, duration, last success, bytes and verification. */
export class JobMetrics {
  readonly #naming: JobNaming;
  readonly #now: () => number;
  readonly #metrics: Metrics<JobCatalog>;

  constructor(options: JobMetricsOptions = {}) {
    this.#naming = options.naming ?? SCHOLAR_BACKUP_NAMING;
    this.#now = options.now ?? Date.now;
    this.#metrics = createDomainMetrics(jobCatalog(this.#naming), options, '@vigil/instrumentation/jobs');
  }

  #jobAttributes(job: string): Attributes {
    const { jobLabel } = this.#naming;
    if (!jobLabel.values.includes(job)) throw new Error(`${jobLabel.name} must be one of ${jobLabel.values.join(', ')}`);
    return { [jobLabel.name]: job };
  }

  #attributes(job: string, kind: string | undefined): { job: Attributes; withKind: Attributes } {
    const { kindLabel } = this.#naming;
    const jobAttributes = this.#jobAttributes(job);
    if (!kindLabel) return { job: jobAttributes, withKind: jobAttributes };
    if (kind === undefined || !kindLabel.values.includes(kind)) {
      throw new Error(`${kindLabel.name} must be one of ${kindLabel.values.join(', ')}`);
    }
    return { job: jobAttributes, withKind: { ...jobAttributes, [kindLabel.name]: kind } };
  }

  /**
   * Runs `fn` as one run of `job` and records it. On success: the last-success timestamp (in
   * seconds), duration, bytes and verification if reported. On failure: the failure count and
   * duration, and the error is rethrown. `kind` is required when the naming has a kind label.
   */
  async trackJob<T extends JobReport | void>(job: string, fn: () => Promise<T> | T, kind?: string): Promise<T> {
    const attributes = this.#attributes(job, kind);
    const started = this.#now();
    let report: T;
    try {
      report = await fn();
    } catch (error) {
      this.#metrics.runs.add(1, { ...attributes.withKind, outcome: 'failure' });
      this.#metrics.duration.record((this.#now() - started) / 1000, attributes.withKind);
      throw error;
    }
    const finished = this.#now();
    this.#metrics.runs.add(1, { ...attributes.withKind, outcome: 'success' });
    this.#metrics.duration.record((finished - started) / 1000, attributes.withKind);
    this.#metrics.lastSuccess.record(finished / 1000, attributes.job);
    if (report && report.bytes !== undefined) this.#metrics.bytes.record(report.bytes, attributes.withKind);
    if (report && report.verified !== undefined) this.recordVerification(job, report.verified);
    return report;
  }

  /** Records a verification done apart from a run (e.g. a nightly restore probe). */
  recordVerification(job: string, passed: boolean): void {
    this.#metrics.verifications.add(1, { ...this.#jobAttributes(job), result: passed ? 'passed' : 'failed' });
  }
}

/** Creates {@link JobMetrics} (default: AI Scholar's backup names, meter `@vigil/instrumentation/jobs`). */
export function createJobMetrics(options: JobMetricsOptions = {}): JobMetrics {
  return new JobMetrics(options);
}
