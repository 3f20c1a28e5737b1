import type { Meter } from '@opentelemetry/api';
import type { BreakerState, DropReason } from './types.js';

/** Recorders for the exporter's own metrics. */
export interface SelfMetrics {
  sent(points: number): void;
  retried(): void;
  dropped(reason: DropReason, points: number): void;
}

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];

/**
 * Registers the exporter's instruments on `meter`: `vigil_datadog_export_sent_points`,
 * `vigil_datadog_export_retries`, `vigil_datadog_export_dropped_points{reason}` (counters),
 * `vigil_datadog_export_queued_batches` and `vigil_datadog_export_breaker_state{state}` (1 for
 * the current state, 0 otherwise; observable gauges).
 */
export function registerSelfMetrics(
  meter: Meter,
  snapshot: () => { queuedBatches: number; breakerState: BreakerState },
): SelfMetrics {
  const sent = meter.createCounter('vigil_datadog_export_sent_points', { description: 'Points accepted by Datadog', unit: '1' });
  const retries = meter.createCounter('vigil_datadog_export_retries', { description: 'Retried requests to Datadog', unit: '1' });
  const dropped = meter.createCounter('vigil_datadog_export_dropped_points', { description: 'Points dropped, by reason', unit: '1' });
  const queued = meter.createObservableGauge('vigil_datadog_export_queued_batches', { description: 'Batches waiting to be sent', unit: '1' });
  const breaker = meter.createObservableGauge('vigil_datadog_export_breaker_state', { description: 'Circuit breaker state (1 = current)', unit: '1' });
  queued.addCallback((result) => result.observe(snapshot().queuedBatches));
  breaker.addCallback((result) => {
    const current = snapshot().breakerState;
    for (const state of BREAKER_STATES) result.observe(state === current ? 1 : 0, { state });
  });
  return {
    sent: (points) => sent.add(points),
    retried: () => retries.add(1),
    dropped: (reason, points) => dropped.add(points, { reason }),
  };
}
