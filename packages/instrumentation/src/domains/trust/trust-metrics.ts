import type { Metrics } from '../../catalog.js';
import { createDomainMetrics, overflowsOf, type DomainTargetOptions } from '../shared/domain-metrics.js';
import { checkedKey } from '../shared/pseudonymize.js';
import { LabelVocabulary, UNDECLARED_LABEL_VALUE, labelPseudonymizer } from '../shared/label-vocabulary.js';
import { AGENT_ID_CARDINALITY, INTERVENTION_TYPE_CARDINALITY, REASON_CARDINALITY, RISK_LEVELS, trustCatalog, type RiskLevel } from './catalog.js';

/** Options of {@link TrustMetrics}. */
export interface TrustMetricsOptions extends DomainTargetOptions {
  /** Distinct `agent_id` values exported before folding into `__overflow__`. Default 500 (the catalog cap). */
  maxAgents?: number;
  /** Agents not seen for this long are forgotten (and counted in `expiredAgents`). Default 24 h. */
  agentTtlMs?: number;
  /** Wall clock in ms. Default `Date.now`. */
  now?: () => number;
  /** Agent ids exported as they are (`agent_narrator`): a declared vocabulary. */
  agents?: readonly string[];
  /**
   * HMAC key (32+ bytes, high entropy: `crypto.randomBytes(32)`) for agents not in `agents`: their
   * `agent_id` is `agent_` + 16 hex digits of HMAC-SHA256(key, id). Without it they are `other`.
   */
  agentKey?: string | Buffer;
  /** Reasons of score changes that may be a `reason` value; any other reason is `other`. */
  reasons?: readonly string[];
  /** Intervention types that may be an `intervention_type` value (`quarantine` is always one); others are `other`. */
  interventionTypes?: readonly string[];
}

type Capped = 'agent_id' | 'reason' | 'intervention_type';

/** The trust catalog with the instance's own `agent_id` cap (at most the catalog's). */
function catalogFor(maxAgents: number) {
  const score = trustCatalog.metrics.score;
  return { metrics: { ...trustCatalog.metrics, score: { ...score, labels: { agent_id: { maxCardinality: maxAgents } } } } };
}

/**
 * Records Chorus' trust layer: scores, changes with reasons, conflict predictions, interventions,
 * quarantines. Capped labels fold into `__overflow__` past their cap, counted by the producer
 * (`vigil.cardinality.overflow`).
 */
export class TrustMetrics {
  readonly #metrics: Metrics<ReturnType<typeof catalogFor>>;
  /** Agents by last sight, oldest first (re-inserted when seen), so expiry stops at the first live one. */
  readonly #agents = new Map<string, number>();
  readonly #quarantined = new Set<string>();
  readonly #ttl: number;
  readonly #agentIds: LabelVocabulary;
  readonly #agentPseudonym: ((agentId: string) => string) | undefined;
  readonly #reasons: LabelVocabulary;
  readonly #interventionTypes: LabelVocabulary;
  readonly #now: () => number;
  #expired = 0;

  constructor(options: TrustMetricsOptions = {}) {
    const maxAgents = options.maxAgents ?? AGENT_ID_CARDINALITY;
    if (!Number.isInteger(maxAgents) || maxAgents < 1) throw new RangeError(`maxAgents must be a positive integer, got ${maxAgents}`);
    if (maxAgents > AGENT_ID_CARDINALITY) throw new RangeError(`maxAgents may not exceed the catalog cap ${AGENT_ID_CARDINALITY}`);
    this.#agentIds = new LabelVocabulary('agents', options.agents, maxAgents);
    this.#agentPseudonym = options.agentKey === undefined ? undefined : labelPseudonymizer(checkedKey(options.agentKey), 'agent_');
    this.#reasons = new LabelVocabulary('reasons', options.reasons, REASON_CARDINALITY);
    this.#interventionTypes = new LabelVocabulary('interventionTypes', options.interventionTypes, INTERVENTION_TYPE_CARDINALITY, ['quarantine']);
    this.#ttl = options.agentTtlMs ?? 24 * 3600_000;
    this.#now = options.now ?? Date.now;
    this.#metrics = createDomainMetrics(catalogFor(maxAgents), options, '@vigil/instrumentation/trust');
    this.#metrics.quarantinedAgents.record(0);
    this.#metrics.agents.record(0);
  }

  #see(agentId: string): void {
    const now = this.#now();
    for (const [id, lastSeen] of this.#agents) {
      if (now - lastSeen < this.#ttl) break;
      this.#agents.delete(id);
      this.#quarantined.delete(id);
      this.#expired++;
    }
    this.#agents.delete(agentId);
    this.#agents.set(agentId, now);
    this.#metrics.agents.record(this.#agents.size);
    this.#metrics.quarantinedAgents.record(this.#quarantined.size);
  }

  /** An agent's `agent_id` value: declared as is, else its keyed pseudonym, else `other`; never the id itself. */
  #agentLabel(agentId: string): string {
    if (this.#agentIds.has(agentId)) return agentId;
    if (this.#agentPseudonym && typeof agentId === 'string' && agentId.length > 0) return this.#agentPseudonym(agentId);
    return UNDECLARED_LABEL_VALUE;
  }

  /** Agents forgotten because they were not seen within the TTL. */
  get expiredAgents(): number {
    return this.#expired;
  }

  /**
   * Sets an agent's current score (0-100). Past the agent cap the score goes to
   * `agent_id="__overflow__"` (last write wins there) and the overflow is counted.
   */
  recordScore(agentId: string, score: number): void {
    if (!(score >= 0 && score <= 100)) throw new RangeError(`trust score must be within 0-100, got ${score}`);
    this.#see(agentId);
    this.#metrics.score.record(score, { agent_id: this.#agentLabel(agentId) });
  }

  /** Records a score change with its reason: the new score and the size of the adjustment. */
  recordChange(agentId: string, oldScore: number, newScore: number, reason: string): void {
    this.recordScore(agentId, newScore);
    if (newScore === oldScore) return;
    this.#metrics.scoreAdjustment.record(Math.abs(newScore - oldScore), { direction: newScore > oldScore ? 'increase' : 'decrease', reason: this.#reasons.valueOf(reason) });
  }

  /** Counts an interaction evaluated by the trust policies. */
  recordInteraction(count = 1): void {
    this.#metrics.agentInteractions.add(count);
  }

  /** Records a conflict prediction and, if measured, its latency in seconds. */
  recordConflictPrediction(riskLevel: RiskLevel, durationSeconds?: number): void {
    if (!RISK_LEVELS.includes(riskLevel)) throw new Error(`risk level must be one of ${RISK_LEVELS.join(', ')}`);
    this.#metrics.conflictPredictions.add(1, { risk_level: riskLevel });
    if (durationSeconds !== undefined) this.#metrics.conflictPredictionDuration.record(durationSeconds);
  }

  /** Counts an intervention (one per call, whatever the number of agents). */
  recordIntervention(interventionType: string): void {
    this.#metrics.interventions.add(1, { intervention_type: this.#interventionTypes.valueOf(interventionType) });
  }

  /** Quarantines agents: an intervention of type `quarantine`, and the quarantined gauge. */
  quarantine(agentIds: readonly string[]): void {
    this.recordIntervention('quarantine');
    for (const id of agentIds) {
      this.#see(id);
      this.#quarantined.add(id);
    }
    this.#metrics.quarantinedAgents.record(this.#quarantined.size);
  }

  /** Releases agents from quarantine. */
  release(agentIds: readonly string[]): void {
    for (const id of agentIds) this.#quarantined.delete(id);
    this.#metrics.quarantinedAgents.record(this.#quarantined.size);
  }

  /** Observations folded into `__overflow__` so far, per capped label (the producer's counts). */
  overflows(): Record<Capped, number> {
    return {
      agent_id: overflowsOf(this.#metrics.score, 'agent_id'),
      reason: overflowsOf(this.#metrics.scoreAdjustment, 'reason'),
      intervention_type: overflowsOf(this.#metrics.interventions, 'intervention_type'),
    };
  }
}

/** Creates {@link TrustMetrics} (default meter `@vigil/instrumentation/trust`). */
export function createTrustMetrics(options: TrustMetricsOptions = {}): TrustMetrics {
  return new TrustMetrics(options);
}
