import type { Metrics } from '../../catalog.js';
import { createDomainMetrics, type DomainTargetOptions } from '../shared/domain-metrics.js';
import { VARIANTS, businessCatalog, type Variant } from './catalog.js';
import { klDivergence, meanRelativeError, shannonEntropy, usedRatio, type EntropyScale } from './math.js';

/** Options of {@link createBusinessMetrics}. */
export interface BusinessMetricsOptions extends DomainTargetOptions {
  /** Scale of `vvtv_selection_entropy`. Default `nats` (natural log). */
  entropyScale?: EntropyScale;
  /** Pseudo-count of the KL smoothing. Default 0.5. */
  klPseudoCount?: number;
}

function variantOf(variant: Variant): { variant: Variant } {
  if (!VARIANTS.includes(variant)) throw new Error(`variant must be one of ${VARIANTS.join(', ')}`);
  return { variant };
}

/**
 * Records the VVTV business KPIs; every method returns the value it recorded. The selection
 * KPIs carry the autopilot's canary arm (`variant`, default `control`: all traffic outside a canary).
 */
export class BusinessMetrics {
  readonly #metrics: Metrics<typeof businessCatalog>;
  readonly #scale: EntropyScale;
  readonly #pseudoCount: number | undefined;

  constructor(options: BusinessMetricsOptions = {}) {
    this.#metrics = createDomainMetrics(businessCatalog, options, '@vigil/instrumentation/business');
    this.#scale = options.entropyScale ?? 'nats';
    this.#pseudoCount = options.klPseudoCount;
  }

  /** Entropy of a selection given as the count of picks per category (e.g. per genre). */
  recordSelection(countsPerCategory: Readonly<Record<string, number>> | readonly number[], variant: Variant = 'control'): number {
    const counts = Array.isArray(countsPerCategory) ? countsPerCategory : Object.values(countsPerCategory);
    const value = shannonEntropy(counts, this.#scale);
    this.#metrics.selectionEntropy.record(value, variantOf(variant));
    return value;
  }

  /** Novelty: KL divergence of recent selections against history (both as counts per category). */
  recordNovelty(
    recent: Readonly<Record<string, number>>,
    history: Readonly<Record<string, number>>,
    variant: Variant = 'control',
  ): number {
    const value = klDivergence(recent, history, this.#pseudoCount);
    this.#metrics.noveltyTemporalKld.record(value, variantOf(variant));
    return value;
  }

  /** Share of the curator's apply budget already used. */
  recordCuratorBudget(used: number, budget: number, variant: Variant = 'control'): number {
    const value = usedRatio(used, budget);
    this.#metrics.curatorApplyBudgetUsedRatio.record(value, variantOf(variant));
    return value;
  }

  /** Share of HD detections classified as slow in the last window. */
  recordHdDetections(slow: number, total: number): number {
    if (slow > total) throw new RangeError(`slow detections (${slow}) exceed total (${total})`);
    const value = total === 0 ? 0 : slow / total;
    this.#metrics.hdDetectionSlowRatio.record(value);
    return value;
  }

  /** Mean relative error between the autopilot's predicted and realised KPI impacts. */
  recordPredictionError(pairs: readonly { predicted: number; realised: number }[]): number {
    const value = meanRelativeError(pairs);
    this.#metrics.autopilotPredictionErrorRatio.record(value);
    return value;
  }
}

/** Creates {@link BusinessMetrics} (default meter `@vigil/instrumentation/business`). */
export function createBusinessMetrics(options: BusinessMetricsOptions = {}): BusinessMetrics {
  return new BusinessMetrics(options);
}
