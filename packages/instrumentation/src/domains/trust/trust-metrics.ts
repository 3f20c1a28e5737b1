import { metrics, type Meter } from '@opentelemetry/api';
import { CardinalityLimiter } from '../shared/cardinality.js';
import { createInstrument, findSpec, type CatalogInstrument } from '../shared/catalog.js';
import {
  AGENT_ID_CARDINALITY,
  INTERVENTION_TYPE_CARDINALITY,
  REASON_CARDINALITY,
  RISK_LEVELS,
  trustCatalog,
  type RiskLevel,
} from './catalog.js';

/** Options of {@link TrustMetrics}. */
export interface TrustMetricsOptions {
  meter?: Meter;
  /** Distinct `agent_id` values exported before folding into `__overflow__`. Default 500 (the catalog cap). */
  maxAgents?: number;
}

type Capped = 'agent_id' | 'reason' | 'intervention_type';

/** Records Chorus' trust layer: scores, changes with reasons, conflict predictions, interventions, quarantines. */
export class TrustMetrics {
  readonly #i: Record<string, CatalogInstrument>;
  readonly #limiters: Record<Capped, CardinalityLimiter>;
  readonly #agents = new Set<string>();
  readonly #quarantined = new Set<string>();

  constructor(options: TrustMetricsOptions = {}) {
    const meter = options.meter ?? metrics.getMeter('@vigil/instrumentation/trust');
    this.#i = Object.fromEntries(trustCatalog.map((spec) => [spec.name, createInstrument(meter, findSpec(trustCatalog, spec.name))]));
    const maxAgents = options.maxAgents ?? AGENT_ID_CARDINALITY;
    if (maxAgents > AGENT_ID_CARDINALITY) throw new RangeError(`maxAgents may not exceed the catalog cap ${AGENT_ID_CARDINALITY}`);
    this.#limiters = {
      agent_id: new CardinalityLimiter(maxAgents),
      reason: new CardinalityLimiter(REASON_CARDINALITY),
      intervention_type: new CardinalityLimiter(INTERVENTION_TYPE_CARDINALITY),
    };
    this.#record('chorus_quarantined_agents', 0);
    this.#record('chorus_agents', 0);
  }

  #record(name: string, value: number, attributes?: Record<string, string>): void {
    (this.#i[name] as CatalogInstrument).record(value, attributes);
  }

  #admit(label: Capped, value: string): string {
    const limiter = this.#limiters[label];
    const before = limiter.overflowed;
    const admitted = limiter.admit(value);
    if (limiter.overflowed > before) this.#record('chorus_trust_label_overflows', 1, { label });
    return admitted;
  }

  #see(agentId: string): void {
    if (this.#agents.has(agentId)) return;
    this.#agents.add(agentId);
    this.#record('chorus_agents', this.#agents.size);
  }

  /**
   * Sets an agent's current score (0-100). Past the agent cap the score goes to
   * `agent_id="__overflow__"` (last write wins there) and the overflow is counted.
   */
  recordScore(agentId: string, score: number): void {
    if (!(score >= 0 && score <= 100)) throw new RangeError(`trust score must be within 0-100, got ${score}`);
    this.#see(agentId);
    this.#record('chorus_trust_score', score, { agent_id: this.#admit('agent_id', agentId) });
  }

  /** Records a score change with its reason: the new score and the size of the adjustment. */
  recordChange(agentId: string, oldScore: number, newScore: number, reason: string): void {
    this.recordScore(agentId, newScore);
    if (newScore === oldScore) return;
    this.#record('chorus_trust_score_adjustment', Math.abs(newScore - oldScore), {
      direction: newScore > oldScore ? 'increase' : 'decrease',
      reason: this.#admit('reason', reason),
    });
  }

  /** Counts an interaction evaluated by the trust policies. */
  recordInteraction(count = 1): void {
    this.#record('chorus_agent_interactions', count);
  }

  /** Records a conflict prediction and, if measured, its latency in seconds. */
  recordConflictPrediction(riskLevel: RiskLevel, durationSeconds?: number): void {
    if (!RISK_LEVELS.includes(riskLevel)) throw new Error(`risk level must be one of ${RISK_LEVELS.join(', ')}; got ${riskLevel}`);
    this.#record('chorus_conflict_predictions', 1, { risk_level: riskLevel });
    if (durationSeconds !== undefined) this.#record('chorus_conflict_prediction_duration_seconds', durationSeconds);
  }

  /** Counts an intervention (one per call, whatever the number of agents). */
  recordIntervention(interventionType: string): void {
    this.#record('chorus_interventions', 1, { intervention_type: this.#admit('intervention_type', interventionType) });
  }

  /** Quarantines agents: an intervention of type `quarantine`, and the quarantined gauge. */
  quarantine(agentIds: readonly string[]): void {
    this.recordIntervention('quarantine');
    for (const id of agentIds) {
      this.#see(id);
      this.#quarantined.add(id);
    }
    this.#record('chorus_quarantined_agents', this.#quarantined.size);
  }

  /** Releases agents from quarantine. */
  release(agentIds: readonly string[]): void {
    for (const id of agentIds) this.#quarantined.delete(id);
    this.#record('chorus_quarantined_agents', this.#quarantined.size);
  }

  /** Observations folded into `__overflow__` so far, per capped label. */
  overflows(): Record<Capped, number> {
    return {
      agent_id: this.#limiters.agent_id.overflowed,
      reason: this.#limiters.reason.overflowed,
      intervention_type: this.#limiters.intervention_type.overflowed,
    };
  }
}

/** Creates {@link TrustMetrics} (default meter `@vigil/instrumentation/trust`). */
export function createTrustMetrics(options: TrustMetricsOptions = {}): TrustMetrics {
  return new TrustMetrics(options);
}
