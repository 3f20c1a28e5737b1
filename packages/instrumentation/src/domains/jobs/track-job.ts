import { metrics, type Attributes, type Meter } from '@opentelemetry/api';
import { createInstrument, findSpec } from '../shared/catalog.js';
import { jobCatalog, SCHOLAR_BACKUP_NAMING, type JobNaming } from './catalog.js';

/** What a job reports back (all optional). */
export interface JobReport {
  /** Output size in bytes (e.g. the compressed, encrypted backup). */
  bytes?: number;
  /** Whether the output passed verification (checksum, decrypt, restore probe). */
  verified?: boolean;
}

/** Options of {@link JobMetrics}. */
export interface JobMetricsOptions {
  meter?: Meter;
  naming?: JobNaming;
  /** Wall clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** Records scheduled job runs: outcome, duration, last success, bytes and verification. */
export class JobMetrics {
  readonly #naming: JobNaming;
  readonly #now: () => number;
  readonly #record: Record<'runs' | 'duration' | 'lastSuccess' | 'bytes' | 'verifications', (value: number, attributes: Attributes) => void>;

  constructor(options: JobMetricsOptions = {}) {
    this.#naming = options.naming ?? SCHOLAR_BACKUP_NAMING;
    this.#now = options.now ?? Date.now;
    const meter = options.meter ?? metrics.getMeter('@vigil/instrumentation/jobs');
    const catalog = jobCatalog(this.#naming);
    const make = (name: string) => {
      const instrument = createInstrument(meter, findSpec(catalog, name));
      return (value: number, attributes: Attributes) => instrument.record(value, attributes);
    };
    this.#record = {
      runs: make(this.#naming.runs),
      duration: make(this.#naming.duration),
      lastSuccess: make(this.#naming.lastSuccess),
      bytes: make(this.#naming.bytes),
      verifications: make(this.#naming.verifications),
    };
  }

  #jobAttributes(job: string): Attributes {
    const { jobLabel } = this.#naming;
    if (!jobLabel.values.includes(job)) throw new Error(`${jobLabel.name} must be one of ${jobLabel.values.join(', ')}; got ${job}`);
    return { [jobLabel.name]: job };
  }

  #attributes(job: string, kind: string | undefined): { job: Attributes; withKind: Attributes } {
    const { kindLabel } = this.#naming;
    const jobAttributes = this.#jobAttributes(job);
    if (!kindLabel) return { job: jobAttributes, withKind: jobAttributes };
    if (kind === undefined || !kindLabel.values.includes(kind)) {
      throw new Error(`${kindLabel.name} must be one of ${kindLabel.values.join(', ')}; got ${String(kind)}`);
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
      this.#record.runs(1, { ...attributes.withKind, outcome: 'failure' });
      this.#record.duration((this.#now() - started) / 1000, attributes.withKind);
      throw error;
    }
    const finished = this.#now();
    this.#record.runs(1, { ...attributes.withKind, outcome: 'success' });
    this.#record.duration((finished - started) / 1000, attributes.withKind);
    this.#record.lastSuccess(finished / 1000, attributes.job);
    if (report && report.bytes !== undefined) this.#record.bytes(report.bytes, attributes.withKind);
    if (report && report.verified !== undefined) this.recordVerification(job, report.verified);
    return report;
  }

  /** Records a verification done apart from a run (e.g. a nightly restore probe). */
  recordVerification(job: string, passed: boolean): void {
    this.#record.verifications(1, { ...this.#jobAttributes(job), result: passed ? 'passed' : 'failed' });
  }
}

/** Creates {@link JobMetrics} (default: AI Scholar's backup names, meter `@vigil/instrumentation/jobs`). */
export function createJobMetrics(options: JobMetricsOptions = {}): JobMetrics {
  return new JobMetrics(options);
}
