/**
 * Redaction shared by the domain modules: what may become a label value, an error type, or text
 * served or kept in memory. Pattern screens, not proofs: a value that merely looks harmless (a
 * first name) passes a screen, which is why labels that must be safe come from declared sets.
 */

/** The label value that replaces a value the screen refused. */
export const REDACTED_VALUE = '__redacted__';

const EMAIL = /[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/gi;
// scheme://user[:password]@host: the credentials part.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;
const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const BEARER = /\b(bearer|basic)\s+[^\s,;]+/gi;
const SECRET_ASSIGNMENT = /\b(token|api[_-]?key|password|passwd|pwd|secret|authorization)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;]+)/gi;
// A long run of hex or base64 alphabet that mixes letters and digits: keys, tokens, session ids.
const LONG_TOKEN = /\b(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{20,}={0,2}/g;

/**
 * Removes secrets and contact data from free text: e-mail addresses, credentials in URLs, JWTs,
 * `password=...`-style assignments and long tokens. Numbers and words stay (for health reasons
 * such as "p95 1.2s above 1s"); see the errors module's `normalizeMessage` for grouping.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_CREDENTIALS, '$1<credentials>@')
    .replace(JWT, '<token>')
    .replace(BEARER, '$1 <secret>')
    .replace(SECRET_ASSIGNMENT, '$1$2<secret>')
    .replace(EMAIL, '<email>')
    .replace(LONG_TOKEN, '<token>');
}

const SAFE_LABEL = /^[A-Za-z][A-Za-z0-9_.:/-]{0,63}$/;
// A part that mixes letters and digits over 8+ characters (sess-1234abcd, a hex id), or 9+ digits.
const ID_PART = /^(?=.*\d)(?=.*[a-z])[a-z0-9]{8,}$|^\d{9,}$/i;

/**
 * Whether a free label value passes the screen: an identifier-like value of at most 64
 * characters, with no e-mail, whitespace or id-like part (`sess-1234abcd`, 9+ digits).
 * `gpt-4o-2024-08-06`, `quarantine` and `rate_limit` pass; `alice@example.com`,
 * `session sess-1234abcd` and `user 42` do not.
 */
export function isSafeLabelValue(value: string): boolean {
  if (typeof value !== 'string' || !SAFE_LABEL.test(value)) return false;
  return !value.split(/[-_.:/]/).some((part) => ID_PART.test(part));
}

/** `value` if it passes {@link isSafeLabelValue}, else {@link REDACTED_VALUE}. */
export function safeLabelValue(value: string): string {
  return isSafeLabelValue(value) ? value : REDACTED_VALUE;
}

/** The error type a label carries for an error whose name is neither built in nor declared. */
export const OTHER_ERROR_TYPE = 'OtherError';

/**
 * Error names that are label values without being declared: JavaScript's and the web platform's
 * built-in error classes, and `NonError` (what a thrown non-Error is called).
 */
export const BUILTIN_ERROR_TYPES = [
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
  'AbortError',
  'TimeoutError',
  'NonError',
] as const;

const BUILTIN = new Set<string>(BUILTIN_ERROR_TYPES);
const NONE = { has: () => false };

/** A class-like error name (`LookupError`): what a declared error type must look like. */
export const ERROR_CLASS_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;

/**
 * An error's name as a label value: a built-in class name ({@link BUILTIN_ERROR_TYPES}), a name
 * the application declared (`declared`, e.g. `LookupError`), or `OtherError`. A name is never
 * passed through because it looks like a class: `AliceSmith` and `LookupError for
 * alice.smith@example.com` are both `OtherError` unless declared.
 */
export function classifyErrorName(name: unknown, declared: { has(value: unknown): boolean } = NONE): string {
  return typeof name === 'string' && (BUILTIN.has(name) || declared.has(name)) ? name : OTHER_ERROR_TYPE;
}
