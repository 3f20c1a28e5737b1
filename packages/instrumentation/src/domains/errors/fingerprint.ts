import { createHash } from 'node:crypto';

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const EMAIL = /[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/gi;
const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
// `password=...`, `api_key: ...`, `Bearer ...` (a bare "token" is a word: "Unexpected token <").
const SECRET = /\b(?:(token|api[_-]?key|password|passwd|pwd|secret)(\s*[=:]\s*)|(bearer|basic)(\s+))("[^"]*"|'[^']*'|[^\s,;]+)/gi;
// A URL: the scheme and host are kept (a different upstream is a different error), the
// credentials dropped, the port kept, the path replaced.
const URL_PATTERN = /\b([a-z][a-z0-9+.-]*:\/\/)(?:[^\s/@]+@)?([^\s/:?#]+)(:\d{1,5})?([/?#][^\s'"]*)?/gi;
// host:port (10.0.0.3:5432, db.internal:6379, :::3000): the host is an instance, the port a service.
const HOST_PORT = /(?<![\w/])((?:\d{1,3}\.){3}\d{1,3}|\[?[0-9a-f]*:[0-9a-f:]*\]?|[a-z][\w-]*(?:\.[\w-]+)+|localhost)?:(\d{2,5})\b/gi;
// Postgres `Key (column)=(value)`: the column is the error, the value is data.
const PG_KEY = /\bKey \(([^)]*)\)=\([^)]*\)/g;
// MySQL `'user'@'host'`.
const USER_AT_HOST = /'[^']*'@'[^']*'/g;
// A quoted text; after a colon it is a value (`for type uuid: "abc"`) even when it looks like a name.
const QUOTED = /(:\s*)?(['"`])([^'"`\n]*)\2/g;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// Codes whose number is the error: HTTP statuses, SQLSTATEs, exit codes, errnos, gRPC statuses.
const CODE = /\b(status(?: code)?|code|HTTP(?:\/\d(?:\.\d)?)?|SQLSTATE|errno|responded|returned|port)(\s*[=:]?\s*)(-?\d{1,5}|[0-9A-Z]{5})\b/gi;
// Two or more capitalized words after the first word: a person's name (Alice Smith).
const NAME = /(?<=\S\s+)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b/g;
// Any token that contains a digit: ids like req-8f3a9, sess-1234abcd, user_42, 10.0.0.3, 0xff.
const WITH_DIGIT = /[\w.:#-]*\d[\w.:#-]*/g;
// Paths: Unix or Windows, or file URLs, down to the last segment.
const PATH = /(?<![\w])(?:file:\/\/)?(?:[A-Za-z]:)?(?:[\\/][^\\/\s():'"]+)+[\\/]?/g;

/** Frames kept from the top of a stack: deeper frames vary more with the caller than with the bug. */
export const FINGERPRINT_FRAMES = 5;

/**
 * Normalizes a message so that the same error with different data reads the same, and kept
 * text holds no personal data: e-mails become `<email>`, secrets `<secret>`, uuids `<uuid>`,
 * names `<name>`, quoted values `<value>` (quoted identifiers, such as a column or a property,
 * stay), paths `<path>`, and tokens with digits `<id>`. What tells errors apart stays: URL
 * hosts, ports, HTTP statuses, SQLSTATEs, exit codes and errnos.
 */
export function normalizeMessage(message: string): string {
  // Kept parts are set aside behind private-use characters that no later rule matches.
  const kept: string[] = [];
  const keep = (text: string): string => `\uE000${String.fromCharCode(0xe100 + kept.push(text) - 1)}`;
  return message
    .replace(JWT, '<token>')
    .replace(SECRET, (_, key?: string, sep?: string, scheme?: string, space?: string) => `${key ?? scheme ?? ''}${sep ?? space ?? ''}<secret>`)
    .replace(URL_PATTERN, (_, scheme: string, host: string, port: string | undefined, path: string | undefined) =>
      keep(`${scheme}${host.replace(/\d+/g, '<n>')}${port ?? ''}${path ? '/<path>' : ''}`),
    )
    .replace(EMAIL, '<email>')
    .replace(UUID, '<uuid>')
    .replace(PG_KEY, (_, column: string) => keep(`Key (${column})=(<value>)`))
    .replace(USER_AT_HOST, "'<user>'@'<host>'")
    .replace(QUOTED, (whole, colon: string | undefined, quote: string, inner: string) =>
      colon === undefined && IDENTIFIER.test(inner) ? whole : `${colon ?? ''}${quote}<value>${quote}`,
    )
    .replace(HOST_PORT, (_, _host: string | undefined, port: string) => keep(`<host>:${port}`))
    .replace(CODE, (_, word: string, sep: string, code: string) => keep(`${word}${sep}${code}`))
    .replace(NAME, '<name>')
    .replace(PATH, '<path>')
    .replace(WITH_DIGIT, '<id>')
    .replace(/\uE000(.)/g, (_, slot: string) => kept[slot.charCodeAt(0) - 0xe100] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Normalizes the top frames of a V8 stack: keeps the function names and the file's base name,
 * drops directories, line:column and the message lines (normalized separately).
 */
export function normalizeStack(stack: string | undefined, frames: number = FINGERPRINT_FRAMES): string[] {
  if (!stack) return [];
  return stack
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .slice(0, frames)
    .map((line) =>
      line
        .replace(/:\d+(?::\d+)?(?=\)?$)/, '')
        .replace(/[^\s()]*[\\/]/g, '')
        .replace(UUID, '<uuid>')
        .replace(/\d+/g, '<n>'),
    );
}

/** The grouping key of an error: SHA-256 (first 16 hex digits) of its type, normalized message and frames. */
export function fingerprint(error: { name?: string; message: string; stack?: string }): string {
  const material = [error.name ?? 'Error', normalizeMessage(error.message), ...normalizeStack(error.stack)].join('\n');
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}
