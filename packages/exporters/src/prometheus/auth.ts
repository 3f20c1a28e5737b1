import { createHash, timingSafeEqual } from 'node:crypto';
import { PrometheusConfigError } from './errors.js';

/**
 * Who may scrape `/metrics`: a bearer token (`Authorization: Bearer <token>`, Prometheus
 * `authorization.credentials`) or HTTP basic credentials (Prometheus `basic_auth`).
 */
export type MetricsAuth = { bearerToken: string } | { basic: { username: string; password: string } };

/** The verdict on one request's `Authorization` header. */
export type AuthVerdict = { ok: true } | { ok: false; challenge: string };

/** Checks `Authorization` headers against one {@link MetricsAuth}, in constant time. */
export type AuthCheck = (authorization: string | undefined) => AuthVerdict;

// Digests make both sides the same length, so timingSafeEqual leaks neither content nor length.
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function sameSecret(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
}

/** The credentials after `scheme ` in an Authorization header, or undefined for another scheme. */
function credentials(authorization: string | undefined, scheme: string): string | undefined {
  if (authorization === undefined) return undefined;
  const space = authorization.indexOf(' ');
  if (space < 0 || authorization.slice(0, space).toLowerCase() !== scheme) return undefined;
  return authorization.slice(space + 1).trim();
}

/**
 * The bytes of `encoded` when it is canonical base64 (RFC 4648 section 4: standard alphabet, padding,
 * zero pad bits), else undefined. Node's decoder skips what it does not understand, so
 * `cHJ-b206cGE6c3M`, `cHJvbTpwYTpzcw==!!` or `cHJvbT pwYTpzcw==` would decode to the right
 * credentials; re-encoding and comparing refuses every such variant.
 */
function strictBase64(encoded: string): Buffer | undefined {
  const bytes = Buffer.from(encoded, 'base64');
  return bytes.toString('base64') === encoded ? bytes : undefined;
}

/** Strict UTF-8 (RFC 7617 `charset="UTF-8"`): invalid sequences are refused, not replaced. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeBasic(encoded: string | undefined): string | undefined {
  const bytes = encoded === undefined ? undefined : strictBase64(encoded);
  if (bytes === undefined) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Builds the check for `auth`, or one that lets everything through when `auth` is undefined.
 * Throws {@link PrometheusConfigError} for an empty token, user name or password: an unset
 * environment variable must not silently open the endpoint.
 */
export function createAuthCheck(auth: MetricsAuth | undefined): AuthCheck {
  if (auth === undefined) return () => ({ ok: true });
  if ('bearerToken' in auth) {
    if (typeof auth.bearerToken !== 'string' || auth.bearerToken === '') {
      throw new PrometheusConfigError('auth.bearerToken must be a non-empty string');
    }
    const expected = digest(auth.bearerToken);
    const challenge = 'Bearer realm="metrics"';
    return (authorization) => {
      const token = credentials(authorization, 'bearer');
      // Compare even when the header is missing so both paths take the same time.
      const ok = sameSecret(token ?? '', expected) && token !== undefined;
      return ok ? { ok: true } : { ok: false, challenge };
    };
  }
  const { username, password } = auth.basic ?? {};
  if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
    throw new PrometheusConfigError('auth.basic needs a non-empty username and password');
  }
  if (username.includes(':')) throw new PrometheusConfigError('auth.basic.username must not contain ":" (RFC 7617)');
  const expectedUser = digest(username);
  const expectedPassword = digest(password);
  const challenge = 'Basic realm="metrics", charset="UTF-8"';
  return (authorization) => {
    const strict = decodeBasic(credentials(authorization, 'basic'));
    const decoded = strict ?? '';
    const colon = strict === undefined ? -1 : decoded.indexOf(':');
    const user = colon < 0 ? '' : decoded.slice(0, colon);
    const pass = colon < 0 ? '' : decoded.slice(colon + 1);
    // Both comparisons always run (no short-circuit) so timing says nothing about which failed.
    const userOk = sameSecret(user, expectedUser);
    const passOk = sameSecret(pass, expectedPassword);
    return userOk && passOk && colon >= 0 ? { ok: true } : { ok: false, challenge };
  };
}
