/** Alert severities, lowest first. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;

/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];
