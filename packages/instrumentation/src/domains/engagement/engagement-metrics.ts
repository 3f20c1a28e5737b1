import type { Metrics } from '../../catalog.js';
import { createDomainMetrics, labelValueOf, type DomainTargetOptions } from '../shared/domain-metrics.js';
import { RETENTION_PERIODS, SESSION_OUTCOMES, engagementCatalog, type RetentionPeriod, type SessionOutcome } from './catalog.js';
import { KAnonymousGroups } from './k-anonymous-groups.js';
import { createPseudonymizer } from './pseudonymize.js';

/** Options of {@link EngagementMetrics}. */
export interface EngagementOptions extends DomainTargetOptions {
  /** HMAC key for pseudonyms, at least 32 bytes. Required: there is no default key. */
  key: string | Buffer;
  /** k-anonymity threshold: a group is reported once it holds k distinct users. Default 5 (ours). */
  k?: number;
  /** Monotonic ms clock for session durations. Default `performance.now`. */
  now?: () => number;
}

/** An open session; holds only the pseudonym, never the user id. */
export interface SessionHandle {
  readonly pseudonym: string;
  readonly startedAt: number;
}

/** A k-anonymous group count and how much of it the counter has been given. */
interface Published {
  readonly groups: KAnonymousGroups;
  readonly exported: Map<string, number>;
}

/**
 * Privacy-preserving engagement metrics (004). User ids are pseudonymized with HMAC-SHA256 on
 * entry and never become labels; counts are kept per group with the distinct users behind them,
 * and a group reaches its counter only once it holds at least k distinct users.
 */
export class EngagementMetrics {
  readonly #pseudonymize: (userId: string) => string;
  readonly #k: number;
  readonly #now: () => number;
  readonly #metrics: Metrics<typeof engagementCatalog>;
  readonly #sessions: Published;
  readonly #interactions: Published;
  readonly #active = new Map<SessionHandle, string>();
  readonly #pendingDurations: { pseudonym: string; seconds: number }[] = [];

  constructor(options: EngagementOptions) {
    this.#pseudonymize = createPseudonymizer(options.key);
    this.#k = options.k ?? 5;
    this.#sessions = { groups: new KAnonymousGroups(this.#k), exported: new Map() };
    this.#interactions = { groups: new KAnonymousGroups(this.#k), exported: new Map() };
    this.#now = options.now ?? (() => performance.now());
    this.#metrics = createDomainMetrics(engagementCatalog, options, '@vigil/instrumentation/engagement');
  }

  /**
   * Adds to a group and gives its counter what became reportable: nothing while the group is
   * under k distinct users, its whole count when it reaches k, each event after that.
   */
  #count(published: Published, group: string, pseudonym: string, count: number, add: (delta: number) => void): void {
    published.groups.add(group, pseudonym, count);
    const reportable = published.groups.reportable().get(group);
    if (reportable === undefined) return;
    const delta = reportable - (published.exported.get(group) ?? 0);
    published.exported.set(group, reportable);
    if (delta > 0) add(delta);
  }

  /** Records the active-session count, only while it holds k distinct users (else the last k-anonymous value stays). */
  #recordActive(): void {
    if (new Set(this.#active.values()).size >= this.#k) this.#metrics.activeSessions.record(this.#active.size);
  }

  /** Pseudonymizes or, if that fails, counts the failure and returns undefined (the event is withheld). */
  #pseudonymOf(userId: string): string | undefined {
    try {
      return this.#pseudonymize(userId);
    } catch {
      this.#metrics.anonymizationFailures.add(1);
      return undefined;
    }
  }

  /** Starts a session; undefined when the id could not be pseudonymized (event withheld). */
  startSession(userId: string): SessionHandle | undefined {
    const pseudonym = this.#pseudonymOf(userId);
    if (pseudonym === undefined) return undefined;
    const handle: SessionHandle = { pseudonym, startedAt: this.#now() };
    this.#active.set(handle, pseudonym);
    this.#recordActive();
    return handle;
  }

  /**
   * Ends a session. Its outcome counts toward a k-anonymous group; its duration waits in a
   * batch released into the histogram once the batch holds k distinct users.
   */
  endSession(handle: SessionHandle, outcome: SessionOutcome): void {
    if (!SESSION_OUTCOMES.includes(outcome)) throw new Error(`outcome must be one of ${SESSION_OUTCOMES.join(', ')}`);
    if (!this.#active.delete(handle)) return;
    this.#recordActive();
    this.#count(this.#sessions, outcome, handle.pseudonym, 1, (delta) => this.#metrics.sessions.add(delta, { outcome }));
    this.#pendingDurations.push({ pseudonym: handle.pseudonym, seconds: (this.#now() - handle.startedAt) / 1000 });
    if (new Set(this.#pendingDurations.map((d) => d.pseudonym)).size >= this.#k) {
      for (const { seconds } of this.#pendingDurations.splice(0)) this.#metrics.sessionDuration.record(seconds);
    }
  }

  /** Counts an interaction of a user (the type is capped at 20 values). */
  recordInteraction(userId: string, interactionType: string, count = 1): void {
    const pseudonym = this.#pseudonymOf(userId);
    if (pseudonym === undefined) return;
    // The type is folded by the catalog's cap (20) before grouping, counted by the producer.
    const type = labelValueOf(this.#metrics.interactions, 'interaction_type', interactionType);
    this.#count(this.#interactions, type, pseudonym, count, (delta) => this.#metrics.interactions.add(delta, { interaction_type: type }));
  }

  /**
   * Sets a period's retention from a cohort: retained / cohort size. A cohort smaller than k is
   * not reported (returns false) and the period keeps its last k-anonymous value: the SDK keeps
   * exporting an observed series, so a value cannot be withdrawn once exported.
   */
  recordRetention(period: RetentionPeriod, cohortSize: number, retained: number): boolean {
    if (!RETENTION_PERIODS.includes(period)) throw new Error(`period must be one of ${RETENTION_PERIODS.join(', ')}`);
    if (retained < 0 || retained > cohortSize) throw new RangeError(`retained (${retained}) must be within 0..cohort size (${cohortSize})`);
    if (cohortSize < this.#k) return false;
    this.#metrics.retention.record(retained / cohortSize, { period });
    return true;
  }

  /**
   * Emergency purge (004 privacy violation): forgets every pseudonym, count and pending
   * duration held in memory. Aggregates already exported (all k-anonymous) are not retracted.
   */
  emergencyPurge(): void {
    for (const published of [this.#sessions, this.#interactions]) {
      published.groups.clear();
      published.exported.clear();
    }
    this.#active.clear();
    this.#pendingDurations.length = 0;
    this.#metrics.emergencyPurges.add(1);
  }
}

/** Creates {@link EngagementMetrics}; `key` is required. */
export function createEngagementMetrics(options: EngagementOptions): EngagementMetrics {
  return new EngagementMetrics(options);
}
