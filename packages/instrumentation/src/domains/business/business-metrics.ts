import type { Metrics } from '../../catalog.js';
import { createDomainMetrics, type DomainTargetOptions } from '../shared/domain-metrics.js';
import { VARIANTS, businessCatalog, type Variant } from './catalog.js';
import { klDivergence, meanRelativeError, shannonEntropy, usedRatio, type EntropyScale } from './math.js';

/** Options of {@link createBusinessMetrics}. */
export interface BusinessMetricsOptions extends DomainTargetOptions {
  /** Scale of `vvtv_selection_entropy`. Default `nats` (natural log). */
  entropyScale?: EntropyScale;
  /** The selection's declared categories (the catalog's allowed values): the normalized entropy's n. */
  categories?: readonly string[];
  /** Pseudo-count of the KL smoothing. Default 0.5. */
  klPseudoCount?: number;
}

// Array.isArray does not narrow a readonly array out of a union.
function isCountList(counts: Readonly<Record<string, number>> | readonly number[]): counts is readonly number[] {
  return Array.isArray(counts);
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
  readonly #categories: readonly string[] | undefined;

  constructor(options: BusinessMetricsOptions = {}) {
    this.#metrics = createDomainMetrics(businessCatalog, options, '@vigil/instrumentation/business');
    this.#scale = options.entropyScale ?? 'nats';
    this.#pseudoCount = options.klPseudoCount;
    this.#categories = options.categories;
  }

  /**
   * Entropy of a selection given as the count of picks per category (e.g. per genre). With
   * `categories` declared, a map is read over those categories (missing ones count 0, so the
   * normalized scale divides by every declared category); an undeclared key is refused.
   */
  recordSelection(countsPerCategory: Readonly<Record<string, number>> | readonly number[], variant: Variant = 'control'): number {
    const counts = isCountList(countsPerCategory) ? countsPerCategory : this.#countsOf(countsPerCategory);
    const value = shannonEntropy(counts, this.#scale);
    this.#metrics.selectionEntropy.record(value, variantOf(variant));
    return value;
  }

  #countsOf(counts: Readonly<Record<string, number>>): number[] {
    const categories = this.#categories;
    if (categories === undefined) return Object.values(counts);
    if (Object.keys(counts).some((key) => !categories.includes(key))) throw new RangeError('selection counts name a category that is not declared');
    return categories.map((category) => counts[category] ?? 0);
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
    if (!Number.isInteger(slow) || !Number.isInteger(total) || slow < 0 || slow > total) throw new RangeError('slow and total must be whole numbers with 0 <= slow <= total');
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
