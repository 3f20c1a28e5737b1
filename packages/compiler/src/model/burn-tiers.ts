import type { BurnTier } from './types.js';

/**
 * Multi-window, multi-burn-rate tiers from the Google SRE workbook (chapter 5), as Sloth uses
 * them for a 30-day period: each tier fires when both windows burn faster than the factor.
 */
export const BURN_TIERS: readonly BurnTier[] = [
  { name: 'fast', alert: 'page', longWindowSeconds: 3600, shortWindowSeconds: 300, factor: 14.4 },
  { name: 'medium', alert: 'page', longWindowSeconds: 21600, shortWindowSeconds: 1800, factor: 6 },
  { name: 'slow', alert: 'ticket', longWindowSeconds: 86400, shortWindowSeconds: 7200, factor: 3 },
  { name: 'slowest', alert: 'ticket', longWindowSeconds: 259200, shortWindowSeconds: 21600, factor: 1 },
];

/** Every window an SLO's recording rules must cover, shortest first. */
export function burnWindowsSeconds(tiers: readonly BurnTier[] = BURN_TIERS): number[] {
  const windows = new Set<number>();
  for (const tier of tiers) {
    windows.add(tier.shortWindowSeconds);
    windows.add(tier.longWindowSeconds);
  }
  return [...windows].sort((a, b) => a - b);
}
