import type { Metrics } from '../../catalog.js';
import { createDomainMetrics, type DomainTargetOptions } from '../shared/domain-metrics.js';
import { ERROR_SEVERITIES, ERROR_TYPE_CARDINALITY, TTA_COMPONENTS, errorCatalog, type ErrorSeverity } from './catalog.js';
import { LabelVocabulary } from '../shared/label-vocabulary.js';
import { BUILTIN_ERROR_TYPES, ERROR_CLASS_NAME, classifyErrorName } from '../shared/redact.js';
import { fingerprint, normalizeMessage } from './fingerprint.js';

/** Who resolved a group, when, and in which release (the resolution record). */
export interface Resolution {
  /** Who resolved it (a person, a team or a bot). */
  by: string;
  /** The release that carries the fix, if known. */
  release?: string;
  /** ms since the epoch. */
  at: number;
}

/** A group of errors sharing a fingerprint. */
export interface ErrorGroup {
  fingerprint: string;
  errorType: string;
  /** The normalized message: no e-mails, secrets, quoted values, ids, numbers or paths. */
  message: string;
  severity: ErrorSeverity;
  count: number;
  /** ms since the epoch. */
  firstSeen: number;
  lastSeen: number;
  resolvedAt?: number;
  /** Every resolution of the group, oldest first (a group reopens when it happens again). */
  resolutions: Resolution[];
}

/** Where an error happened. */
export interface ErrorContext {
  component: string;
  severity: ErrorSeverity;
}

/** Result of {@link ErrorTracker.track}: the group, or `overflow` when the group cap was hit. */
export type TrackResult = { kind: 'grouped'; group: ErrorGroup; isNew: boolean } | { kind: 'overflow'; fingerprint: string };

/** Options of {@link ErrorTracker}. */
export interface ErrorTrackerOptions extends DomainTargetOptions {
  /** Groups kept in memory; errors of further new groups are counted as overflow. Default 1000. */
  maxGroups?: number;
  /** Allowed `component` values. Default: the TTA components. */
  components?: readonly string[];
  /**
   * The application's own error class names that may be an `error_type` value (`LookupError`),
   * besides the built-in ones (`TypeError`, ...). Any other name is `OtherError`: an error's name
   * is free text (it can carry an e-mail or a person's name) and never becomes a label as such.
   */
  errorTypes?: readonly string[];
  /** Wall clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** The error catalog with the tracker's own `component` values (the TTA components by default). */
function catalogFor(components: readonly string[]) {
  const errors = errorCatalog.metrics.errors;
  return { metrics: { ...errorCatalog.metrics, errors: { ...errors, labels: { ...errors.labels, component: { values: components } } } } };
}

/**
 * The declared error types: class-like names, distinct, within the catalog's cap of 50 together
 * with the built-in ones and `OtherError`.
 */
function checkedErrorTypes(errorTypes: readonly string[] | undefined): LabelVocabulary {
  (errorTypes ?? []).forEach((name, index) => {
    if (typeof name !== 'string' || !ERROR_CLASS_NAME.test(name)) throw new TypeError(`errorTypes[${index}] must be a class-like name (LookupError)`);
  });
  return new LabelVocabulary('errorTypes', errorTypes, ERROR_TYPE_CARDINALITY - BUILTIN_ERROR_TYPES.length);
}

function asError(value: unknown): { name: string; message: string; stack?: string } {
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value.stack ? { stack: value.stack } : {}) };
  return { name: 'NonError', message: String(value) };
}

function copyOf(group: ErrorGroup): ErrorGroup {
  return { ...group, resolutions: group.resolutions.map((r) => ({ ...r })) };
}

/** Groups errors by fingerprint, counts them, and tracks resolution. */
export class ErrorTracker {
  readonly #groups = new Map<string, ErrorGroup>();
  readonly #maxGroups: number;
  readonly #components: readonly string[];
  readonly #errorTypes: LabelVocabulary;
  readonly #now: () => number;
  readonly #metrics: Metrics<ReturnType<typeof catalogFor>>;
  #overflowCount = 0;

  constructor(options: ErrorTrackerOptions = {}) {
    this.#maxGroups = options.maxGroups ?? 1000;
    this.#components = options.components ?? TTA_COMPONENTS;
    this.#errorTypes = checkedErrorTypes(options.errorTypes);
    this.#now = options.now ?? Date.now;
    this.#metrics = createDomainMetrics(catalogFor(this.#components), options, '@vigil/instrumentation/errors');
    this.#recordUnresolved();
  }

  #recordUnresolved(): void {
    const counts = new Map<ErrorSeverity, number>(ERROR_SEVERITIES.map((s) => [s, 0]));
    for (const group of this.#groups.values()) {
      if (group.resolvedAt === undefined) counts.set(group.severity, (counts.get(group.severity) ?? 0) + 1);
    }
    for (const [severity, count] of counts) this.#metrics.groupsUnresolved.record(count, { severity });
  }

  /** Records one error: counts it, and adds it to its group (reopening a resolved group). */
  track(error: unknown, context: ErrorContext): TrackResult {
    if (!this.#components.includes(context.component)) {
      throw new Error(`component must be one of ${this.#components.join(', ')}`);
    }
    const normalized = asError(error);
    const now = this.#now();
    // The name is classified (built in, declared, or OtherError: a name can carry personal data).
    const errorType = classifyErrorName(normalized.name, this.#errorTypes);
    this.#metrics.errors.add(1, { component: context.component, severity: context.severity, error_type: errorType });
    const key = fingerprint(normalized);
    let group = this.#groups.get(key);
    const isNew = group === undefined;
    if (!group) {
      if (this.#groups.size >= this.#maxGroups) {
        this.#overflowCount++;
        this.#metrics.groupOverflows.add(1);
        return { kind: 'overflow', fingerprint: key };
      }
      group = {
        fingerprint: key,
        errorType,
        message: normalizeMessage(normalized.message),
        severity: context.severity,
        count: 0,
        firstSeen: now,
        lastSeen: now,
        resolutions: [],
      };
      this.#groups.set(key, group);
    }
    group.count++;
    group.lastSeen = now;
    // A group keeps the highest severity it was seen with.
    if (ERROR_SEVERITIES.indexOf(context.severity) > ERROR_SEVERITIES.indexOf(group.severity)) group.severity = context.severity;
    const reopened = group.resolvedAt !== undefined;
    if (reopened) delete group.resolvedAt;
    // The severity may have risen as well as the group being new or reopened.
    this.#recordUnresolved();
    return { kind: 'grouped', group: copyOf(group), isNew };
  }

  /**
   * Marks a group resolved, keeps the resolution record (who, when, which release) and records
   * the time from first occurrence; false if unknown or already resolved.
   */
  resolve(fingerprintKey: string, resolution: { by: string; release?: string } = { by: 'unknown' }): boolean {
    const group = this.#groups.get(fingerprintKey);
    if (!group || group.resolvedAt !== undefined) return false;
    group.resolvedAt = this.#now();
    group.resolutions.push({ by: resolution.by, ...(resolution.release === undefined ? {} : { release: resolution.release }), at: group.resolvedAt });
    this.#metrics.resolutionDuration.record((group.resolvedAt - group.firstSeen) / 1000, { severity: group.severity });
    this.#recordUnresolved();
    return true;
  }

  /** Snapshot of every group, most frequent first. */
  groups(): ErrorGroup[] {
    return [...this.#groups.values()].map(copyOf).sort((a, b) => b.count - a.count);
  }

  /** Errors not grouped because the group cap was reached. */
  get overflowCount(): number {
    return this.#overflowCount;
  }
}

/** Creates an {@link ErrorTracker} (default meter `@vigil/instrumentation/errors`). */
export function createErrorTracker(options: ErrorTrackerOptions = {}): ErrorTracker {
  return new ErrorTracker(options);
}
