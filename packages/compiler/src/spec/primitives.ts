import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';

/** Shared building blocks of every section's schema, so each rule and message is written once. */

/** A Prometheus duration: `30s`, `5m`, `1h`, `7d`. */
export const duration = z
  .string()
  .regex(DURATION_PATTERN, 'expected a Prometheus duration such as 30s, 5m, 1h or 7d')
  .refine((text) => text !== '', 'expected a non-empty duration');

/** A range-vector window or horizon: `rate(x[0s])` is accepted by Prometheus but never has data. */
export const positiveDuration = duration.refine((text) => (parseDuration(text) ?? 0) > 0, 'expected a duration above zero');

/** An instrument or attribute name as OpenTelemetry writes it (dots allowed). */
export const identifier = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_.]*$/, 'expected a name of letters, digits, `_` and `.`, not starting with a digit');

/** A metric label as declared in the catalog (an attribute key; dots become `_`). */
export const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_.]*$/, 'expected a label name of letters, digits, `_` and `.`');

/** Labels and annotations Vigil writes itself are Prometheus names: no dots to sanitize. */
export const prometheusLabelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a Prometheus label name of letters, digits and `_`, not starting with a digit');
