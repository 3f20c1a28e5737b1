import { estimateCpuEnergyKwh } from './estimate.js';

/** The hardware a share of energy is counted for (the catalog's `hardware` values). */
export type Hardware = 'cpu' | 'gpu' | 'ram';

/** Energy per hardware in kWh. */
export type EnergyShare = Record<Hardware, number>;

/** What the sampler reads at each start and end of an operation. */
export interface EnergyReadings {
  /** Monotonic ms clock. */
  now: () => number;
  /** The process' CPU time in µs (user + system). */
  cpuMicros: () => number;
  cores: number;
  cpuTdpWatts: number;
  /** The GPU's current power draw in W (e.g. sampled from NVML or `nvidia-smi`); undefined: no GPU energy. */
  gpuWatts?: () => number | undefined;
  /** The process' resident memory in bytes; undefined: no RAM energy. */
  residentBytes?: () => number;
  /** RAM power per GB (CodeCarbon: 3 W per 8 GB, 0.375 W/GB). */
  ramWattsPerGb: number;
}

const EMPTY: EnergyShare = { cpu: 0, gpu: 0, ram: 0 };

/**
 * One sampler for the process: energy is measured over the intervals between any operation's
 * start or end, once per interval, and each interval's energy is split equally between the
 * operations in flight during it. So ten concurrent operations together get the energy of the
 * window once (measuring each operation's own interval counted the process' CPU ten times).
 */
export class EnergySampler {
  readonly #readings: EnergyReadings;
  readonly #open = new Map<symbol, EnergyShare>();
  #lastAt = 0;
  #lastCpu = 0;
  #lastGpuWatts: number | undefined;

  constructor(readings: EnergyReadings) {
    this.#readings = readings;
  }

  /** Charges the interval since the last sample to the operations in flight, then starts a new one. */
  #sample(): void {
    const r = this.#readings;
    const at = r.now();
    const cpu = r.cpuMicros();
    const gpuWatts = r.gpuWatts?.();
    if (this.#open.size > 0) {
      const wallMillis = Math.max(0, at - this.#lastAt);
      const hours = wallMillis / 3.6e6;
      const cpuKwh = estimateCpuEnergyKwh({ cpuMicros: Math.max(0, cpu - this.#lastCpu), wallMillis, cores: r.cores, tdpWatts: r.cpuTdpWatts });
      // Trapezoid over the two samples of the GPU's draw.
      const gpuKwh = gpuWatts !== undefined && this.#lastGpuWatts !== undefined ? (((gpuWatts + this.#lastGpuWatts) / 2) * hours) / 1000 : 0;
      const ramKwh = r.residentBytes ? ((r.residentBytes() / 1e9) * r.ramWattsPerGb * hours) / 1000 : 0;
      const n = this.#open.size;
      for (const share of this.#open.values()) {
        share.cpu += cpuKwh / n;
        share.gpu += gpuKwh / n;
        share.ram += ramKwh / n;
      }
    }
    this.#lastAt = at;
    this.#lastCpu = cpu;
    this.#lastGpuWatts = gpuWatts;
  }

  /** Starts an operation; pass the token to {@link end}. */
  start(): symbol {
    this.#sample();
    const token = Symbol('operation');
    this.#open.set(token, { ...EMPTY });
    return token;
  }

  /** Ends an operation and returns its share of the energy. */
  end(token: symbol): EnergyShare {
    this.#sample();
    const share = this.#open.get(token) ?? { ...EMPTY };
    this.#open.delete(token);
    return share;
  }
}
