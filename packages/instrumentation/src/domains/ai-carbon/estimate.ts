import { WORLD_AVERAGE_INTENSITY } from './grid-intensity-data.js';

/**
 * CPU TDP used when the CPU's own is not configured: 85 W, CodeCarbon's default for a CPU it
 * cannot find in its TDP table (codecarbon `cpu_power.csv` fallback).
 */
export const DEFAULT_CPU_TDP_WATTS = 85;

/**
 * Grid carbon intensity used when no location or figure is configured: CodeCarbon's world
 * average, 475 gCO2e/kWh (IEA Global Energy & CO2 Status Report 2019; see grid-intensity-data.ts).
 */
export const DEFAULT_GRID_INTENSITY_G_PER_KWH = WORLD_AVERAGE_INTENSITY.gramsPerKwh;

/** RAM power per GB: CodeCarbon's estimate of 3 W per 8 GB of memory. */
export const DEFAULT_RAM_WATTS_PER_GB = 0.375;

/** Inputs of {@link estimateCpuEnergyKwh}. */
export interface CpuEnergyInput {
  /** CPU time spent by the process (user + system) in µs, as `process.cpuUsage()` deltas. */
  cpuMicros: number;
  /** Wall time of the interval in ms. */
  wallMillis: number;
  /** Logical cores of the machine. */
  cores: number;
  /** The CPU package's TDP in W. */
  tdpWatts: number;
}

/**
 * Energy of the CPU over an interval, CodeCarbon's method without a power meter (RAPL):
 * power = TDP × utilisation share, where the share is the process' CPU time over the wall time
 * of all cores (clamped to 0-1); energy kWh = power W × wall time s / 3.6e6.
 */
export function estimateCpuEnergyKwh(input: CpuEnergyInput): number {
  const { cpuMicros, wallMillis, cores, tdpWatts } = input;
  if (cpuMicros < 0 || wallMillis < 0 || cores <= 0 || tdpWatts < 0) throw new RangeError('energy inputs must be non-negative (cores > 0)');
  if (wallMillis === 0) return 0;
  const share = Math.min(1, cpuMicros / 1000 / (wallMillis * cores));
  const powerWatts = tdpWatts * share;
  return (powerWatts * (wallMillis / 1000)) / 3.6e6;
}

/** CO2-equivalent in kg: kWh × intensity (gCO2e/kWh) / 1000. */
export function emissionsKg(energyKwh: number, gridIntensityGPerKwh: number): number {
  return (energyKwh * gridIntensityGPerKwh) / 1000;
}
