import { availableParallelism } from 'node:os';
import { metrics, type Meter } from '@opentelemetry/api';
import { CardinalityLimiter } from '../shared/cardinality.js';
import { createInstrument, type CatalogInstrument } from '../shared/catalog.js';
import { MODEL_CARDINALITY, aiCarbonCatalog, type ModelErrorType } from './catalog.js';
import { DEFAULT_CPU_TDP_WATTS, DEFAULT_GRID_INTENSITY_G_PER_KWH, emissionsKg, estimateCpuEnergyKwh } from './estimate.js';

/** Options of {@link AiCarbonMetrics}; every default is documented in the README. */
export interface AiCarbonOptions {
  meter?: Meter;
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
  readonly #i: Record<string, CatalogInstrument>;
  readonly #models = new CardinalityLimiter(MODEL_CARDINALITY);
  readonly #tdp: number;
  readonly #intensity: number;
  readonly #cores: number;
  readonly #now: () => number;
  readonly #cpuMicros: () => number;
  readonly #classify: (error: unknown) => ModelErrorType;

  constructor(options: AiCarbonOptions = {}) {
    const meter = options.meter ?? metrics.getMeter('@vigil/instrumentation/ai-carbon');
    this.#i = Object.fromEntries(aiCarbonCatalog.map((spec) => [spec.name, createInstrument(meter, spec)]));
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

  #record(name: string, value: number, attributes: Record<string, string>): void {
    (this.#i[name] as CatalogInstrument).record(value, attributes);
  }

  /**
   * Runs one model invocation and records it. `usage` extracts token counts from the result.
   * Energy is the process' CPU time during the call: concurrent invocations in one process
   * each see the others' CPU time, so under concurrency the sum over-counts (see README).
   */
  async invoke<T>(model: string, fn: () => Promise<T> | T, usage?: (result: T) => InvocationUsage | undefined): Promise<T> {
    const attributes = { model: this.#models.admit(model) };
    const started = this.#now();
    const cpuStarted = this.#cpuMicros();
    this.#record('tta_ai_model_invocations', 1, attributes);
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      this.#record('tta_ai_model_errors', 1, { ...attributes, error_type: this.#classify(error) });
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
    this.#record('tta_ai_model_inference_duration_seconds', wallMillis / 1000, attributes);
    const energy = estimateCpuEnergyKwh({ cpuMicros, wallMillis, cores: this.#cores, tdpWatts: this.#tdp });
    this.#record('tta_energy_consumed_kilowatt_hours', energy, { ...attributes, hardware: 'cpu' });
    this.#record('tta_carbon_emissions_kilograms', emissionsKg(energy, this.#intensity), attributes);
  }

  /** Records token usage reported apart from {@link invoke}. */
  recordTokens(model: string, tokens: InvocationUsage): void {
    const attributes = { model: this.#models.admit(model) };
    this.#record('tta_ai_model_tokens', tokens.prompt, { ...attributes, token_type: 'prompt' });
    this.#record('tta_ai_model_tokens', tokens.completion, { ...attributes, token_type: 'completion' });
  }

  /** Invocations whose model name was folded into `__overflow__`. */
  get modelOverflows(): number {
    return this.#models.overflowed;
  }
}

/** Creates {@link AiCarbonMetrics} (default meter `@vigil/instrumentation/ai-carbon`). */
export function createAiCarbonMetrics(options: AiCarbonOptions = {}): AiCarbonMetrics {
  return new AiCarbonMetrics(options);
}
