import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';
import { goTemplateErrors, hasTemplateText } from './go-template.js';
import { promqlSyntaxErrors } from './promql-syntax.js';

/** The longest duration Prometheus parses (an int64 of nanoseconds, about 292 years). */
export const MAX_DURATION_SECONDS = Math.floor((2 ** 63 - 1) / 1e9);
/**
 * The longest range an alert condition may look back over (`window`, `horizon`, `older_than`,
 * `for`): the synthesized promtool tests step through it minute by minute, so beyond this they
 * would take unbounded time and memory. Documented in docs/definitions.md.
 */
export const MAX_WINDOW_SECONDS = 31 * 86_400;
/** The longest SLO window: a year of error budget. */
export const MAX_SLO_WINDOW_SECONDS = 366 * 86_400;

/** Shared building blocks of every section's schema, so each rule and message is written once. */

/** A Prometheus duration: `30s`, `5m`, `1h`, `7d`. */
export const duration = z
  .string()
  .regex(DURATION_PATTERN, 'expected a Prometheus duration such as 30s, 5m, 1h or 7d')
  .refine((text) => text !== '', 'expected a non-empty duration')
  .refine((text) => (parseDuration(text) ?? 0) <= MAX_DURATION_SECONDS, 'duration out of range: Prometheus durations stop at 292y');

/** A PromQL expression, parsed with Prometheus' grammar. */
export const promqlExpr = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    for (const error of promqlSyntaxErrors(text).slice(0, 1)) ctx.addIssue({ code: 'custom', message: error.message });
  });

/** A PromQL query with Sloth's `{{.window}}` range placeholder, parsed with a range filled in. */
export const windowedPromql = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    for (const error of promqlSyntaxErrors(text.replaceAll('{{.window}}', '5m')).slice(0, 1)) ctx.addIssue({ code: 'custom', message: error.message });
  });

/** Annotation text: a Go template, as Prometheus expands it. */
export const templateText = z.string().superRefine((text, ctx) => {
  for (const error of goTemplateErrors(text)) ctx.addIssue({ code: 'custom', message: `template error at offset ${error.offset}: ${error.message}` });
});

/**
 * A label value or other text Prometheus must not expand: a `{{` in a label would be expanded,
 * and the alert would miss its route while the route tests still pass.
 */
export const staticText = z.string().refine((value) => !hasTemplateText(value), 'label values are static: templates belong in annotations');

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

/** Query parameters that carry credentials (`?token=`, `?api_key=`, a signed URL's signature). */
const SECRET_PARAMETER = /^(?:.*[-_])?(?:token|api[-_]?key|apikey|key|secret|password|passwd|pwd|auth|signature|sig|credentials?)$/i;

/**
 * What secret a URL carries, if any: userinfo (a password, or a token as the user name) or a
 * token-like query parameter. Generated files are committed, so secrets come by file or
 * environment only, as the receivers already require.
 */
export function urlCredential(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.password !== '') return 'a password in the URL';
  if (url.username !== '') return 'credentials in the URL (user info)';
  for (const name of url.searchParams.keys()) if (SECRET_PARAMETER.test(name)) return `a credential in the URL's query parameter \`${name}\``;
  return undefined;
}

const SECRET_ADVICE = 'it would be written into committed, generated files: pass secrets by file or environment';

/** Adds an issue when a URL carries a secret. */
export function refineNoCredential(text: string, ctx: z.RefinementCtx): void {
  const found = urlCredential(text);
  if (found !== undefined) ctx.addIssue({ code: 'custom', message: `${found}: ${SECRET_ADVICE}` });
}

/** An http(s) URL without credentials: links in alerts and e-mails, endpoints Vigil writes into configuration. */
export const httpUrl = z
  .string()
  .url()
  .refine((text) => /^https?:\/\//i.test(text), 'expected an http:// or https:// URL')
  .superRefine(refineNoCredential);

/** A scrape or Alertmanager target, `host:port`: user info there would be written into prometheus.yml. */
export const hostTarget = z
  .string()
  .min(1)
  .refine((text) => !text.includes('@'), `expected host:port without credentials: ${SECRET_ADVICE}`);
