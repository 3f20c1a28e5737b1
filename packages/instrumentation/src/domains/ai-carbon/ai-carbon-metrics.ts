import { availableParallelism } from 'node:os';
import type { Metrics } from '../../catalog.js';
import { createDomainMetrics, labelValueOf, overflowsOf, type DomainTargetOptions } from '../shared/domain-metrics.js';
import { LabelVocabulary } from '../shared/label-vocabulary.js';
import { MODEL_CARDINALITY, aiCarbonCatalog, type ModelErrorType } from './catalog.js';
import { EnergySampler } from './energy-sampler.js';
import { DEFAULT_CPU_TDP_WATTS, DEFAULT_RAM_WATTS_PER_GB, emissionsKg } from './estimate.js';
import { resolveGridIntensity, type GridIntensity, type GridIntensityOption } from './grid-intensity.js';

/** Options of {@link AiCarbonMetrics}; every default is documented in the README. */
export interface AiCarbonOptions extends DomainTargetOptions {
  /**
   * Model names that may be a `model` value (`gpt-4o-2024-08-06`), at most 19. Any other name is
   * `other`: a model name is free text (a fine-tune can be named after a person).
   */
  models?: readonly string[];
  /** CPU TDP in W. Default 85 (CodeCarbon's fallback). */
  cpuTdpWatts?: number;
  /**
   * The grid the process runs on: `{ provider: 'gcp', region: 'europe-west1' }` or `{ country: 'FRA' }`
   * (looked up in the table copied from CodeCarbon), or `{ gramsPerKwh, source }`. Default:
   * CodeCarbon's world average, 475 gCO2e/kWh (IEA). Unknown regions are refused.
   */
  grid?: GridIntensityOption;
  /** The GPU's current power draw in W, sampled at each start and end (NVML, `nvidia-smi --query-gpu=power.draw`); without it no GPU energy is counted. */
  gpuWatts?: () => number | undefined;
  /** Resident memory of the process in bytes, for RAM energy. Default `process.memoryUsage.rss`; `false` counts no RAM energy. */
  residentBytes?: (() => number) | false;
  /** RAM power per GB. Default 0.375 W (CodeCarbon: 3 W per 8 GB). */
  ramWattsPerGb?: number;
  /** Logical cores. Default `os.availableParallelism()`. */
  cores?: number;
  /** Monotonic ms clock. Default `performance.now`. */
  now?: () => number;
  /** CPU time of the process in µs. Default `process.cpuUsage()` (user + system). */
  cpuMicros?: () => number;
  /** Maps a failure to an error type. Default: by name and message (timeout, 429/rate limit, else other). */
  classifyError?: (error: unknown) => ModelErrorType;
}

/** What one invocation reports back besides its result. */
export interface InvocationUsage {
  prompt: number;
  completion: number;
}

/** The default error classifier. */
export function classifyModelError(error: unknown): ModelErrorType {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  if (/timeout|timed out|TaskCancelled|AbortError/i.test(text)) return 'timeout';
  if (/rate.?limit|\b429\b|too many requests/i.test(text)) return 'rate_limited';
  if (/invalid|malformed|parse/i.test(text)) return 'invalid_response';
  if (/\b5\d\d\b|provider|upstream|unavailable/i.test(text)) return 'provider_error';
  return 'other';
}


/** Records model invocations with latency, tokens, errors, and the CPU energy and CO2 they cost. */
export class AiCarbonMetrics {
  readonly #metrics: Metrics<typeof aiCarbonCatalog>;
  readonly #grid: GridIntensity;
  readonly #models: LabelVocabulary;
  readonly #now: () => number;
  readonly #sampler: EnergySampler;
  readonly #classify: (error: unknown) => ModelErrorType;

  constructor(options: AiCarbonOptions = {}) {
    this.#models = new LabelVocabulary('models', options.models, MODEL_CARDINALITY);
    // Resolved before anything is recorded, so a refused region leaves no series behind.
    const grid = resolveGridIntensity(options.grid);
    this.#metrics = createDomainMetrics(aiCarbonCatalog, options, '@vigil/instrumentation/ai-carbon');
    this.#grid = grid;
    this.#metrics.gridIntensity.record(grid.gramsPerKwh, { region: grid.region, source: grid.sourceLabel });
    this.#now = options.now ?? (() => performance.now());
    const resident = options.residentBytes === undefined ? () => process.memoryUsage.rss() : options.residentBytes;
    this.#sampler = new EnergySampler({
      now: this.#now,
      cpuMicros:
        options.cpuMicros ??
        (() => {
          const usage = process.cpuUsage();
          return usage.user + usage.system;
        }),
      cores: options.cores ?? availableParallelism(),
      cpuTdpWatts: options.cpuTdpWatts ?? DEFAULT_CPU_TDP_WATTS,
      ...(options.gpuWatts ? { gpuWatts: options.gpuWatts } : {}),
      ...(resident ? { residentBytes: resident } : {}),
      ramWattsPerGb: options.ramWattsPerGb ?? DEFAULT_RAM_WATTS_PER_GB,
    });
    this.#classify = options.classifyError ?? classifyModelError;
  }

  /**
   * The `model` value of every metric of an invocation: folded once, by the invocations metric's
   * cap (counted by the producer there), so a model is shown or folded alike on all six metrics.
   */
  #model(model: string): { model: string } {
    // Declared or `other` (never the name as given), then folded by the cap.
    return { model: labelValueOf(this.#metrics.invocations, 'model', this.#models.valueOf(model)) };
  }

  /**
   * Runs one model invocation and records it. `usage` extracts token counts from the result.
   * Energy comes from one sampler for the process: each interval's energy is counted once and
   * split between the invocations in flight (see README).
   */
  async invoke<T>(model: string, fn: () => Promise<T> | T, usage?: (result: T) => InvocationUsage | undefined): Promise<T> {
    const attributes = this.#model(model);
    const started = this.#now();
    const token = this.#sampler.start();
    this.#metrics.invocations.add(1, attributes);
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      this.#metrics.errors.add(1, { ...attributes, error_type: this.#classify(error) });
      this.#finish(attributes, started, token);
      throw error;
    }
    this.#finish(attributes, started, token);
    const tokens = usage?.(result);
    if (tokens) this.recordTokens(model, tokens);
    return result;
  }

  #finish(attributes: { model: string }, started: number, token: symbol): void {
    const share = this.#sampler.end(token);
    this.#metrics.inferenceDuration.record(Math.max(0, this.#now() - started) / 1000, attributes);
    this.#metrics.energy.add(share.cpu, { ...attributes, hardware: 'cpu' });
    if (share.gpu > 0) this.#metrics.energy.add(share.gpu, { ...attributes, hardware: 'gpu' });
    if (share.ram > 0) this.#metrics.energy.add(share.ram, { ...attributes, hardware: 'ram' });
    this.#metrics.emissions.add(emissionsKg(share.cpu + share.gpu + share.ram, this.#grid.gramsPerKwh), attributes);
  }

  /** Records token usage reported apart from {@link invoke}. */
  recordTokens(model: string, tokens: InvocationUsage): void {
    const attributes = this.#model(model);
    this.#metrics.tokens.add(tokens.prompt, { ...attributes, token_type: 'prompt' });
    this.#metrics.tokens.add(tokens.completion, { ...attributes, token_type: 'completion' });
  }

  /** The grid intensity used for emissions, with its region, source and year. */
  get gridIntensity(): GridIntensity {
    return this.#grid;
  }

  /** Invocations (and token reports) whose model name was folded into `__overflow__`: the producer's count for `tta_ai_model_invocations`. */
  get modelOverflows(): number {
    return overflowsOf(this.#metrics.invocations, 'model');
  }
}

/** Creates {@link AiCarbonMetrics} (default meter `@vigil/instrumentation/ai-carbon`). */
export function createAiCarbonMetrics(options: AiCarbonOptions = {}): AiCarbonMetrics {
  return new AiCarbonMetrics(options);
}
