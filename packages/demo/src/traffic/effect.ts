import type { Matcher } from '../model/series.js';

/** What a scenario does to the series of one metric that match `matchers`. */
export type EffectAction =
  /** A gauge holds `value`. */
  | { kind: 'set'; value: number }
  /** A one-hot state gauge switches to `value` of `label`. */
  | { kind: 'one_hot'; label: string; value: string }
  /** A gauge climbs (or falls) `perSecond` from its healthy level for `seconds`, then holds. */
  | { kind: 'ramp'; perSecond: number; seconds: number }
  /** A gauge's level, or a counter's or histogram's rate, times `factor`. */
  | { kind: 'scale'; factor: number }
  /** Each matching counter series counts `perSecond`. */
  | { kind: 'rate'; perSecond: number }
  /**
   * The matching counter series together count `share` of the healthy rate of `of` (another
   * metric's series, or the same metric's).
   */
  | { kind: 'share'; share: number; of: { metric: string; matchers: Matcher[] } }
  /** A histogram observes values around `value`. */
  | { kind: 'observe'; value: number }
  /** A timestamp gauge reads `seconds` in the past and stops being refreshed. */
  | { kind: 'age'; seconds: number }
  /** The metric disappears from the scrape. */
  | { kind: 'absent' };

/** One change a scenario makes. */
export interface Effect {
  metric: string;
  matchers: Matcher[];
  action: EffectAction;
}

/** A scenario in force: its effects and when it started (ms since the epoch). */
export interface ActiveEffects {
  effects: readonly Effect[];
  startedAtMs: number;
}
