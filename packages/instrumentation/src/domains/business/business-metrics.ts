import { metrics, type Meter } from '@opentelemetry/api';
import { createInstrument, findSpec, type CatalogInstrument } from '../shared/catalog.js';
import { VARIANTS, businessCatalog, type Variant } from './catalog.js';
import { klDivergence, meanRelativeError, shannonEntropy, usedRatio, type EntropyScale } from './math.js';

/** Options of {@link createBusinessMetrics}. */
export interface BusinessMetricsOptions {
  meter?: Meter;
  /** Scale of `vvtv_selection_entropy`. Default `nats` (natural log). */
  entropyScale?: EntropyScale;
  /** Pseudo-count of the KL smoothing. Default 0.5. */
  klPseudoCount?: number;
}

function variantOf(variant: Variant): { variant: Variant } {
  if (!VARIANTS.includes(variant)) throw new Error(`variant must be one of ${VARIANTS.join(', ')}; got ${String(variant)}`);
  return { variant };
}

/**
 * Records the VVTV business KPIs; every method returns the value it recorded. The selection
 * KPIs carry the autopilot's canary arm (`variant`, default `control`: all traffic outside a canary).
 */
export class BusinessMetrics {
  readonly #entropy: CatalogInstrument;
  readonly #budget: CatalogInstrument;
  readonly #novelty: CatalogInstrument;
  readonly #slow: CatalogInstrument;
  readonly #predictionError: CatalogInstrument;
  readonly #scale: EntropyScale;
  readonly #pseudoCount: number | undefined;

  constructor(options: BusinessMetricsOptions = {}) {
    const meter = options.meter ?? metrics.getMeter('@vigil/instrumentation/business');
    const make = (name: string) => createInstrument(meter, findSpec(businessCatalog, name));
    this.#entropy = make('vvtv_selection_entropy');
    this.#budget = make('vvtv_curator_apply_budget_used_ratio');
    this.#novelty = make('vvtv_novelty_temporal_kld');
    this.#slow = make('vvtv_hd_detection_slow_ratio');
    this.#predictionError = make('vvtv_autopilot_prediction_error_ratio');
    this.#scale = options.entropyScale ?? 'nats';
    this.#pseudoCount = options.klPseudoCount;
  }

  /** Entropy of a selection given as the count of picks per category (e.g. per genre). */
  recordSelection(countsPerCategory: Readonly<Record<string, number>> | readonly number[], variant: Variant = 'control'): number {
    const counts = Array.isArray(countsPerCategory) ? countsPerCategory : Object.values(countsPerCategory);
    const value = shannonEntropy(counts, this.#scale);
    this.#entropy.record(value, variantOf(variant));
    return value;
  }

  /** Novelty: KL divergence of recent selections against history (both as counts per category). */
  recordNovelty(
    recent: Readonly<Record<string, number>>,
    history: Readonly<Record<string, number>>,
    variant: Variant = 'control',
  ): number {
    const value = klDivergence(recent, history, this.#pseudoCount);
    this.#novelty.record(value, variantOf(variant));
    return value;
  }

  /** Share of the curator's apply budget already used. */
  recordCuratorBudget(used: number, budget: number, variant: Variant = 'control'): number {
    const value = usedRatio(used, budget);
    this.#budget.record(value, variantOf(variant));
    return value;
  }

  /** Share of HD detections classified as slow in the last window. */
  recordHdDetections(slow: number, total: number): number {
    if (slow > total) throw new RangeError(`slow detections (${slow}) exceed total (${total})`);
    const value = total === 0 ? 0 : slow / total;
    this.#slow.record(value);
    return value;
  }

  /** Mean relative error between the autopilot's predicted and realised KPI impacts. */
  recordPredictionError(pairs: readonly { predicted: number; realised: number }[]): number {
    const value = meanRelativeError(pairs);
    this.#predictionError.record(value);
    return value;
  }
}

/** Creates {@link BusinessMetrics} (default meter `@vigil/instrumentation/business`). */
export function createBusinessMetrics(options: BusinessMetricsOptions = {}): BusinessMetrics {
  return new BusinessMetrics(options);
}
