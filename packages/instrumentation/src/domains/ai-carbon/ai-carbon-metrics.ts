import { availableParallelism } from 'node:os';
import type { Metrics } from '../../catalog.js';
import { createDomainMetrics, labelValueOf, overflowsOf, type DomainTargetOptions } from '../shared/domain-metrics.js';
import { safeLabelValue } from '../shared/redact.js';
import { aiCarbonCatalog, type ModelErrorType } from './catalog.js';
import { DEFAULT_CPU_TDP_WATTS, DEFAULT_GRID_INTENSITY_G_PER_KWH, emissionsKg, estimateCpuEnergyKwh } from './estimate.js';

/** Options of {@link AiCarbonMetrics}; every default is documented in the README. */
export interface AiCarbonOptions extends DomainTargetOptions {
  /** CPU TDP in W. Default 85 (CodeCarbon's fallback). */
  cpuTdpWatts?: number;
  /** Grid intensity in gCO2e/kWh. Default 475 (world average). */
  gridIntensityGPerKwh?: number;
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
  readonly #tdp: number;
  readonly #intensity: number;
  readonly #cores: number;
  readonly #now: () => number;
  readonly #cpuMicros: () => number;
  readonly #classify: (error: unknown) => ModelErrorType;

  constructor(options: AiCarbonOptions = {}) {
    this.#metrics = createDomainMetrics(aiCarbonCatalog, options, '@vigil/instrumentation/ai-carbon');
    this.#tdp = options.cpuTdpWatts ?? DEFAULT_CPU_TDP_WATTS;
    this.#intensity = options.gridIntensityGPerKwh ?? DEFAULT_GRID_INTENSITY_G_PER_KWH;
    this.#cores = options.cores ?? availableParallelism();
    this.#now = options.now ?? (() => performance.now());
    this.#cpuMicros =
      options.cpuMicros ??
      (() => {
        const usage = process.cpuUsage();
        return usage.user + usage.system;
      });
    this.#classify = options.classifyError ?? classifyModelError;
  }

  /**
   * The `model` value of every metric of an invocation: folded once, by the invocations metric's
   * cap (counted by the producer there), so a model is shown or folded alike on all six metrics.
   */
  #model(model: string): { model: string } {
    // Screened first (a model name may carry a user's name or id), then folded by the cap.
    return { model: labelValueOf(this.#metrics.invocations, 'model', safeLabelValue(model)) };
  }

  /**
   * Runs one model invocation and records it. `usage` extracts token counts from the result.
   * Energy is the process' CPU time during the call: concurrent invocations in one process
   * each see the others' CPU time, so under concurrency the sum over-counts (see README).
   */
  async invoke<T>(model: string, fn: () => Promise<T> | T, usage?: (result: T) => InvocationUsage | undefined): Promise<T> {
    const attributes = this.#model(model);
    const started = this.#now();
    const cpuStarted = this.#cpuMicros();
    this.#metrics.invocations.add(1, attributes);
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      this.#metrics.errors.add(1, { ...attributes, error_type: this.#classify(error) });
      this.#finish(attributes, started, cpuStarted);
      throw error;
    }
    this.#finish(attributes, started, cpuStarted);
    const tokens = usage?.(result);
    if (tokens) this.recordTokens(model, tokens);
    return result;
  }

  #finish(attributes: { model: string }, started: number, cpuStarted: number): void {
    const wallMillis = Math.max(0, this.#now() - started);
    const cpuMicros = Math.max(0, this.#cpuMicros() - cpuStarted);
    this.#metrics.inferenceDuration.record(wallMillis / 1000, attributes);
    const energy = estimateCpuEnergyKwh({ cpuMicros, wallMillis, cores: this.#cores, tdpWatts: this.#tdp });
    this.#metrics.energy.add(energy, { ...attributes, hardware: 'cpu' });
    this.#metrics.emissions.add(emissionsKg(energy, this.#intensity), attributes);
  }

  /** Records token usage reported apart from {@link invoke}. */
  recordTokens(model: string, tokens: InvocationUsage): void {
    const attributes = this.#model(model);
    this.#metrics.tokens.add(tokens.prompt, { ...attributes, token_type: 'prompt' });
    this.#metrics.tokens.add(tokens.completion, { ...attributes, token_type: 'completion' });
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
