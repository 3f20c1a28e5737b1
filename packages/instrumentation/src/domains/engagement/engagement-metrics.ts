import type { Metrics } from '../../catalog.js';
import type { MetricsTarget } from '../../create-metrics.js';
import { seriesStoreOf } from '../../create-metrics.js';
import { VigilMetricProducer } from '../../record/vigil-producer.js';
import { createDomainMetrics } from '../shared/domain-metrics.js';
import { INTERACTION_TYPE_CARDINALITY, PRIVACY_ACTIONS, RETENTION_PERIODS, SESSION_OUTCOMES, engagementCatalog, type RetentionPeriod, type SessionOutcome } from './catalog.js';
import { KAnonymousBatches } from './k-anonymous-batches.js';
import { checkedKey, createPseudonymizer } from '../shared/pseudonymize.js';

/** The smallest k accepted without `unsafeAllowSmallK` (the and our default). */
export const MIN_K = 5;
/** Default cap on one user's events in one released batch. */
export const DEFAULT_MAX_CONTRIBUTION_PER_USER = 10;
/** Default time after which an open session is ended as `interrupted` (it never ended). */
export const DEFAULT_SESSION_TTL_MS = 4 * 3600_000;

const INTERACTION_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** Options of {@link EngagementMetrics}. */
export interface EngagementOptions {
  /**
   * Vigil's producer (`telemetry.producer`, or `{ producer, meter }`). Required: an OpenTelemetry
   * SDK keeps exporting a cumulative series once it has seen it, so neither k nor a purge could be
   * enforced at every export through a plain `Meter`.
   */
  target?: MetricsTarget;
  /** HMAC key for pseudonyms: at least 32 bytes of high entropy (`crypto.randomBytes(32)`). Required. */
  key: string | Buffer;
  /**
   * The interaction types that may be published (the catalog's vocabulary: lower-case
   * identifiers, at most 20). Any other type is withheld and counted as a failure; free text never
   * becomes a label.
   */
  interactionTypes: readonly string[];
  /** k-anonymity threshold: every published change holds at least k distinct users. Default and minimum 5. */
  k?: number;
  /** Allows k below {@link MIN_K}; for tests only. */
  unsafeAllowSmallK?: boolean;
  /** Most events one user adds to one released batch (default 10); the rest are dropped. */
  maxContributionPerUser?: number;
  /** Open sessions older than this are ended as `interrupted` (default 4 h), so memory stays bounded. */
  sessionTtlMs?: number;
  /** Monotonic ms clock for session durations. Default `performance.now`. */
  now?: () => number;
  /** Wall clock for the audit trail. Default `Date.now`. */
  wallClock?: () => number;
}

/** An open session; holds only the pseudonym, never the user id. */
export interface SessionHandle {
  readonly pseudonym: string;
  readonly startedAt: number;
}

/** Who asked for a privacy operation, recorded in the audit trail. */
export interface PrivacyActor {
  readonly actor: string;
}

/** A privacy operation, as the audit trail keeps it. */
export type PrivacyAction = (typeof PRIVACY_ACTIONS)[number];

/** One audit record: what, who, when (ms since the epoch). */
export interface AuditRecord {
  readonly action: PrivacyAction;
  readonly actor: string;
  readonly at: number;
}

/** One producer holds one engagement module at a time: two would export the same series twice. */
const liveOn = new WeakMap<VigilMetricProducer, EngagementMetrics>();

function producerOf(target: MetricsTarget | undefined): VigilMetricProducer {
  if (target instanceof VigilMetricProducer) return target;
  const producer = target !== undefined && 'producer' in target ? target.producer : undefined;
  if (producer instanceof VigilMetricProducer) return producer;
  throw new Error(
    'engagement metrics need Vigil\'s producer as target (telemetry.producer): an OpenTelemetry SDK keeps exporting a series once seen, so k and purges could not be enforced',
  );
}

function checkedK(k: number, unsafe: boolean): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError('k must be a positive integer');
  if (k < MIN_K && !unsafe) throw new RangeError(`k must be at least ${MIN_K} (unsafeAllowSmallK is for tests only)`);
  return k;
}

function checkedTypes(types: readonly string[]): ReadonlySet<string> {
  if (!Array.isArray(types) || types.length === 0) throw new Error('interactionTypes must declare the interaction types that may be published');
  if (types.length > INTERACTION_TYPE_CARDINALITY) throw new Error(`interactionTypes may declare at most ${INTERACTION_TYPE_CARDINALITY} types`);
  // The message names the rule, never the value: a rejected value may be personal data.
  for (const type of types) if (typeof type !== 'string' || !INTERACTION_TYPE_PATTERN.test(type)) throw new Error(`every interaction type must match ${INTERACTION_TYPE_PATTERN}`);
  return new Set(types);
}

/**
 * Privacy-preserving engagement metrics (004). User ids are pseudonymized with HMAC-SHA256 on
 * entry and never become labels. Events wait per group (outcome, interaction type) in a batch that
 * is published only once it holds k distinct users, each capped; the duration histogram is fed
 * from the same released session batches as the outcome counters, so every exported series and
 * every difference between two of them covers at least k users. See the README for what this
 * guarantees and what it does not.
 */
export class EngagementMetrics {
  #pseudonymize: (userId: string) => string;
  #k: number;
  readonly #unsafe: boolean;
  readonly #now: () => number;
  readonly #wallClock: () => number;
  readonly #ttl: number;
  readonly #producer: VigilMetricProducer;
  readonly #metrics: Metrics<typeof engagementCatalog>;
  readonly #types: ReadonlySet<string>;
  readonly #sessions: KAnonymousBatches<number>;
  readonly #interactions: KAnonymousBatches;
  /** Open sessions in start order (the clock is monotonic), for the TTL sweep. */
  readonly #active = new Map<SessionHandle, string>();
  /** Open sessions per pseudonym: distinct users online without a scan. */
  readonly #openPerUser = new Map<string, number>();
  /** The cohort size behind each published retention value. */
  readonly #retentionCohorts = new Map<RetentionPeriod, number>();
  readonly #audit: AuditRecord[] = [];
  #closed = false;

  constructor(options: EngagementOptions) {
    this.#producer = producerOf(options.target);
    if (liveOn.has(this.#producer)) throw new Error('an engagement module is already open on this producer; close() it first');
    this.#pseudonymize = createPseudonymizer(options.key);
    this.#unsafe = options.unsafeAllowSmallK === true;
    this.#k = checkedK(options.k ?? MIN_K, this.#unsafe);
    this.#types = checkedTypes(options.interactionTypes);
    const cap = options.maxContributionPerUser ?? DEFAULT_MAX_CONTRIBUTION_PER_USER;
    this.#sessions = new KAnonymousBatches<number>(this.#k, cap);
    this.#interactions = new KAnonymousBatches(this.#k, cap);
    this.#ttl = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.#now = options.now ?? (() => performance.now());
    this.#wallClock = options.wallClock ?? Date.now;
    this.#metrics = createDomainMetrics(engagementCatalog, { target: this.#producer }, '@vigil/instrumentation/engagement');
    liveOn.set(this.#producer, this);
  }

  /** The published series that hold user data (the purge and close clear them). */
  #userSeries(): ReturnType<typeof seriesStoreOf>[] {
    const m = this.#metrics;
    return [m.sessions, m.sessionDuration, m.activeSessions, m.interactions, m.retention].map((h) => seriesStoreOf(h));
  }

  /**
   * Publishes the open-session count rounded down to a multiple of k while at least k distinct
   * users are online; otherwise withdraws it, so no stale value stays exported.
   */
  #publishActive(): void {
    if (this.#openPerUser.size >= this.#k) this.#metrics.activeSessions.record(Math.floor(this.#active.size / this.#k) * this.#k);
    else seriesStoreOf(this.#metrics.activeSessions).withholdGauge(undefined);
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

  #open(handle: SessionHandle, pseudonym: string): void {
    this.#active.set(handle, pseudonym);
    this.#openPerUser.set(pseudonym, (this.#openPerUser.get(pseudonym) ?? 0) + 1);
  }

  /** Forgets an open session; false if it was not open (ended, expired, purged or from before a rotation). */
  #close(handle: SessionHandle): boolean {
    const pseudonym = this.#active.get(handle);
    if (pseudonym === undefined) return false;
    this.#active.delete(handle);
    const left = (this.#openPerUser.get(pseudonym) ?? 1) - 1;
    if (left > 0) this.#openPerUser.set(pseudonym, left);
    else this.#openPerUser.delete(pseudonym);
    return true;
  }

  /** Adds an ended session to its outcome's batch; a released batch feeds the counter and the histogram together. */
  #endInto(handle: SessionHandle, outcome: SessionOutcome, seconds: number): void {
    const released = this.#sessions.add(outcome, handle.pseudonym, 1, seconds);
    if (released === undefined) return;
    this.#metrics.sessions.add(released.count, { outcome });
    for (const duration of released.items) this.#metrics.sessionDuration.record(duration);
  }

  /** Ends as `interrupted` the sessions open longer than the TTL (oldest first: the map is in start order). */
  #expire(now: number): void {
    for (const [handle] of this.#active) {
      if (now - handle.startedAt < this.#ttl) break;
      this.#close(handle);
      this.#endInto(handle, 'interrupted', (now - handle.startedAt) / 1000);
    }
  }

  /** Starts a session; undefined when the id could not be pseudonymized (event withheld). */
  startSession(userId: string): SessionHandle | undefined {
    if (this.#closed) return undefined;
    const pseudonym = this.#pseudonymOf(userId);
    if (pseudonym === undefined) return undefined;
    const now = this.#now();
    this.#expire(now);
    const handle: SessionHandle = Object.freeze({ pseudonym, startedAt: now });
    this.#open(handle, pseudonym);
    this.#publishActive();
    return handle;
  }

  /**
   * Ends a session. It joins its outcome's pending batch with its duration; the batch reaches the
   * outcome counter and the duration histogram together once it holds k distinct users.
   */
  endSession(handle: SessionHandle, outcome: SessionOutcome): void {
    if (!SESSION_OUTCOMES.includes(outcome)) throw new Error(`outcome must be one of ${SESSION_OUTCOMES.join(', ')}`);
    const now = this.#now();
    this.#expire(now);
    if (!this.#close(handle)) return;
    this.#publishActive();
    this.#endInto(handle, outcome, (now - handle.startedAt) / 1000);
  }

  /**
   * Counts `count` interactions of a user with a declared type. An undeclared type, or a count
   * that is not a positive whole number, is withheld and counted in
   * `tta_privacy_anonymization_failures`.
   */
  recordInteraction(userId: string, interactionType: string, count = 1): void {
    if (this.#closed) return;
    if (!this.#types.has(interactionType) || !Number.isInteger(count) || count < 1) {
      this.#metrics.anonymizationFailures.add(1);
      return;
    }
    const pseudonym = this.#pseudonymOf(userId);
    if (pseudonym === undefined) return;
    const released = this.#interactions.add(interactionType, pseudonym, count);
    if (released !== undefined) this.#metrics.interactions.add(released.count, { interaction_type: interactionType });
  }

  /**
   * Sets a period's retention from a cohort: retained / cohort size. Published only when the cohort
   * holds at least k users and differs from the last published cohort by at least k users (a
   * cohort grown by one would show that user's retention); returns whether it was published.
   */
  recordRetention(period: RetentionPeriod, cohortSize: number, retained: number): boolean {
    if (!RETENTION_PERIODS.includes(period)) throw new Error(`period must be one of ${RETENTION_PERIODS.join(', ')}`);
    if (!Number.isInteger(cohortSize) || !Number.isInteger(retained)) throw new RangeError('cohort size and retained must be whole numbers');
    if (retained < 0 || retained > cohortSize) throw new RangeError('retained must be within 0..cohort size');
    if (this.#closed || cohortSize < this.#k) return false;
    const last = this.#retentionCohorts.get(period);
    if (last !== undefined && Math.abs(cohortSize - last) < this.#k) return false;
    this.#retentionCohorts.set(period, cohortSize);
    this.#metrics.retention.record(retained / cohortSize, { period });
    return true;
  }

  /** Forgets pending batches, open sessions and retention cohorts, and withdraws every published user series. */
  #forget(): void {
    this.#sessions.clear();
    this.#interactions.clear();
    this.#active.clear();
    this.#openPerUser.clear();
    this.#retentionCohorts.clear();
    for (const store of this.#userSeries()) store.clear();
  }

  #audited(action: PrivacyAction, by: PrivacyActor): void {
    if (typeof by?.actor !== 'string' || by.actor.length === 0) throw new Error('a privacy operation needs an actor for the audit trail');
    this.#audit.push(Object.freeze({ action, actor: by.actor, at: this.#wallClock() }));
    // Counted, never withdrawn: who did it stays in memory, that it happened reaches Prometheus.
    this.#metrics.privacyOperations.add(1, { action });
  }

  /**
   * Emergency purge (004 privacy violation): forgets every pseudonym, pending batch and open
   * session, and withdraws every engagement series from the export at once (the next scrape has
   * none; a later release starts the counters again from zero). Samples a TSDB already scraped are
   * not retracted. Recorded in the audit trail and counted in `tta_privacy_emergency_purges`.
   */
  emergencyPurge(by: PrivacyActor): void {
    this.#audited('emergency_purge', by);
    this.#forget();
    this.#metrics.emergencyPurges.add(1);
  }

  /**
   * Replaces the pseudonymization key. Pending batches and open sessions hold pseudonyms of the old
   * key, under which a user would count as a second user, so they are dropped (published series
   * stay). The new key is checked like the first.
   */
  rotateKey(key: string | Buffer, by: PrivacyActor): void {
    checkedKey(key);
    this.#audited('key_rotation', by);
    this.#pseudonymize = createPseudonymizer(key);
    this.#sessions.clear();
    this.#interactions.clear();
    this.#active.clear();
    this.#openPerUser.clear();
    this.#publishActive();
  }

  /** Changes k for batches from now on (never below the minimum unless the instance was made unsafe). */
  setK(k: number, by: PrivacyActor): void {
    const checked = checkedK(k, this.#unsafe);
    this.#audited('k_change', by);
    this.#k = checked;
    this.#sessions.k = checked;
    this.#interactions.k = checked;
    this.#publishActive();
  }

  /** Every privacy operation so far (oldest first): what, who and when. */
  auditTrail(): readonly AuditRecord[] {
    return [...this.#audit];
  }

  /** Withdraws this module's series from the producer and frees it for another instance. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#forget();
    for (const handle of Object.values(this.#metrics)) this.#producer.unregister(seriesStoreOf(handle));
    liveOn.delete(this.#producer);
  }
}

/** Creates {@link EngagementMetrics}; `key`, `interactionTypes` and a producer `target` are required. */
export function createEngagementMetrics(options: EngagementOptions): EngagementMetrics {
  return new EngagementMetrics(options);
}
