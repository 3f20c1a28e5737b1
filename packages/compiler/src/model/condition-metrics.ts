import { assertNever } from '../errors.js';
import type { Condition, Metric } from './types.js';

/**
 * The catalog metrics an alert condition reads (none for raw PromQL, which names its own).
 * One answer for every consumer: the test builders and the demo's healthy plans.
 */
export function conditionMetrics(condition: Condition): Metric[] {
  switch (condition.kind) {
    case 'threshold':
    case 'rate_of_change':
    case 'anomaly':
    case 'forecast':
      return [condition.value.metric];
    case 'staleness':
    case 'absence':
      return [condition.metric];
    case 'ratio':
      return [condition.numerator.metric, condition.denominator.metric];
    case 'promql':
      return [];
    default:
      return assertNever(condition);
  }
}
