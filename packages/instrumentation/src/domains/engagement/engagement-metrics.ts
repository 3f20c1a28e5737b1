import { metrics, type Meter, type ObservableResult } from '@opentelemetry/api';
import { CardinalityLimiter } from '../shared/cardinality.js';
import { createInstrument, findSpec, type CatalogInstrument, type MetricSpec } from '../shared/catalog.js';
import {
  INTERACTION_TYPE_CARDINALITY,
  RETENTION_PERIODS,
  SESSION_OUTCOMES,
  engagementCatalog,
  type RetentionPeriod,
  type SessionOutcome,
} from './catalog.js';
import { KAnonymousGroups } from './k-anonymous-groups.js';
import { createPseudonymizer } from './pseudonymize.js';

/** Options of {@link EngagementMetrics}. */
export interface EngagementOptions {
  /** HMAC key for pseudonyms, at least 32 bytes. Required: there is no default key. */
  key: string | Buffer;
  /** k-anonymity threshold: a group is reported once it holds k distinct users. Default 5 (ours). */
  k?: number;
  meter?: Meter;
  /** Monotonic ms clock for session durations. Default `performance.now`. */
  now?: () => number;
}

/** An open session; holds only the pseudonym, never the user id. */
export interface SessionHandle {
  readonly pseudonym: string;
  readonly startedAt: number;
}

/**
 * Privacy-preserving engagement metrics (004). User ids are pseudonymized with HMAC-SHA256 on
 * entry and never become labels; aggregated counts are exported through observable
 * instruments whose callbacks report only groups with at least k distinct users.
 */
export class EngagementMetrics {
  readonly #pseudonymize: (userId: string) => string;
  readonly #k: number;
  readonly #now: () => number;
  readonly #sessions: KAnonymousGroups;
  readonly #interactions: KAnonymousGroups;
  readonly #interactionTypes = new CardinalityLimiter(INTERACTION_TYPE_CARDINALITY);
  readonly #active = new Map<SessionHandle, string>();
  readonly #pendingDurations: { pseudonym: string; seconds: number }[] = [];
  readonly #retention = new Map<RetentionPeriod, number>();
  readonly #duration: CatalogInstrument;
  readonly #failures: CatalogInstrument;
  readonly #purges: CatalogInstrument;

  constructor(options: EngagementOptions) {
    this.#pseudonymize = createPseudonymizer(options.key);
    this.#k = options.k ?? 5;
    this.#sessions = new KAnonymousGroups(this.#k);
    this.#interactions = new KAnonymousGroups(this.#k);
    this.#now = options.now ?? (() => performance.now());
    const meter = options.meter ?? metrics.getMeter('@vigil/instrumentation/engagement');
    const spec = (name: string): MetricSpec => findSpec(engagementCatalog, name);
    const observable = (name: string) => ({ description: spec(name).description, unit: spec(name).unit });

    this.#duration = createInstrument(meter, spec('tta_therapeutic_session_duration_seconds'));
    this.#failures = createInstrument(meter, spec('tta_privacy_anonymization_failures'));
    this.#purges = createInstrument(meter, spec('tta_privacy_emergency_purges'));

    meter
      .createObservableCounter('tta_therapeutic_sessions', observable('tta_therapeutic_sessions'))
      .addCallback((result: ObservableResult) => {
        for (const [outcome, count] of this.#sessions.reportable()) result.observe(count, { outcome });
      });
    meter
      .createObservableCounter('tta_player_interactions', observable('tta_player_interactions'))
      .addCallback((result: ObservableResult) => {
        for (const [type, count] of this.#interactions.reportable()) result.observe(count, { interaction_type: type });
      });
    meter.createObservableGauge('tta_active_sessions', observable('tta_active_sessions')).addCallback((result: ObservableResult) => {
      if (new Set(this.#active.values()).size >= this.#k) result.observe(this.#active.size);
    });
    meter
      .createObservableGauge('tta_user_retention_ratio', observable('tta_user_retention_ratio'))
      .addCallback((result: ObservableResult) => {
        for (const [period, ratio] of this.#retention) result.observe(ratio, { period });
      });
  }

  /** Pseudonymizes or, if that fails, counts the failure and returns undefined (the event is withheld). */
  #pseudonymOf(userId: string): string | undefined {
    try {
      return this.#pseudonymize(userId);
    } catch {
      this.#failures.record(1);
      return undefined;
    }
  }

  /** Starts a session; undefined when the id could not be pseudonymized (event withheld). */
  startSession(userId: string): SessionHandle | undefined {
    const pseudonym = this.#pseudonymOf(userId);
    if (pseudonym === undefined) return undefined;
    const handle: SessionHandle = { pseudonym, startedAt: this.#now() };
    this.#active.set(handle, pseudonym);
    return handle;
  }

  /**
   * Ends a session. Its outcome counts toward a k-anonymous group; its duration waits in a
   * batch released into the histogram once the batch holds k distinct users.
   */
  endSession(handle: SessionHandle, outcome: SessionOutcome): void {
    if (!SESSION_OUTCOMES.includes(outcome)) throw new Error(`outcome must be one of ${SESSION_OUTCOMES.join(', ')}`);
    if (!this.#active.delete(handle)) return;
    this.#sessions.add(outcome, handle.pseudonym);
    this.#pendingDurations.push({ pseudonym: handle.pseudonym, seconds: (this.#now() - handle.startedAt) / 1000 });
    if (new Set(this.#pendingDurations.map((d) => d.pseudonym)).size >= this.#k) {
      for (const { seconds } of this.#pendingDurations.splice(0)) this.#duration.record(seconds);
    }
  }

  /** Counts an interaction of a user (the type is capped at 20 values). */
  recordInteraction(userId: string, interactionType: string, count = 1): void {
    const pseudonym = this.#pseudonymOf(userId);
    if (pseudonym === undefined) return;
    this.#interactions.add(this.#interactionTypes.admit(interactionType), pseudonym, count);
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
    this.#retention.set(period, retained / cohortSize);
    return true;
  }

  /**
   * Emergency purge (004 privacy violation): forgets every pseudonym, count and pending
   * duration held in memory. Aggregates already exported (all k-anonymous) are not retracted.
   */
  emergencyPurge(): void {
    this.#sessions.clear();
    this.#interactions.clear();
    this.#active.clear();
    this.#pendingDurations.length = 0;
    this.#retention.clear();
    this.#purges.record(1);
  }
}

/** Creates {@link EngagementMetrics}; `key` is required. */
export function createEngagementMetrics(options: EngagementOptions): EngagementMetrics {
  return new EngagementMetrics(options);
}
