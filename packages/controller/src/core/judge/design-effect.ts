/**
 * Clustered traffic: when the canary split assigns sessions or users, one unit's requests resemble
 * one another, and counts of requests carry less information than their number says. Kish's design
 * effect for clusters of mean size m with intra-cluster correlation ρ is 1 + (m - 1) ρ (with unequal
 * sizes m is E[n²]/E[n]); Rao and Scott ("A simple method for the analysis of clustered binary
 * data", Biometrics 48, 1992) divide both events and exposure by it and run the ordinary tests on
 * the result. That keeps every count test (z, exact Poisson, the watcher's mSPRT) valid without
 * per-unit data, which Prometheus counters do not have.
 */
import type { Counts } from './rate-tests.js';

/** Kish's design effect: 1 + (requestsPerUnit - 1) x intraClusterCorrelation, at least 1. */
export function designEffect(requestsPerUnit: number, intraClusterCorrelation: number): number {
  return Math.max(1, 1 + (requestsPerUnit - 1) * intraClusterCorrelation);
}

/**
 * Rao-Scott effective counts: events and exposure divided by the design effect. Kept whole
 * (rounded) so the exact tests still see counts; at a design effect of 1 the counts are returned as they are.
 */
export function effectiveCounts(counts: Counts, effect: number): Counts {
  if (!(effect > 1)) return counts;
  return { events: Math.round(counts.events / effect), exposure: Math.max(1, Math.round(counts.exposure / effect)) };
}
