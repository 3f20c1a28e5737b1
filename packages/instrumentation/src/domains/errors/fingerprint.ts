import { createHash } from 'node:crypto';

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const HEX = /\b(?:0x[0-9a-f]+|[0-9a-f]{8,})\b/gi;
// Any token that contains a digit: ids like req-8f3a9, user_42, 10.0.0.3, 404.
const WITH_DIGIT = /[\w.:-]*\d[\w.:-]*/g;
// Paths: Unix or Windows, or file URLs, down to the last segment.
const PATH = /(?<![\w])(?:file:\/\/)?(?:[A-Za-z]:)?(?:[\\/][^\\/\s():]+)+[\\/]?/g;

/** Frames kept from the top of a stack: deeper frames vary more with the caller than with the bug. */
export const FINGERPRINT_FRAMES = 5;

/**
 * Normalizes a message: uuids become `<uuid>`, paths `<path>`, and hex values and tokens with
 * digits `<id>` (one placeholder for both, since a hex id may happen to be all digits).
 */
export function normalizeMessage(message: string): string {
  return message
    .replace(UUID, '<uuid>')
    .replace(PATH, '<path>')
    .replace(HEX, '<id>')
    .replace(WITH_DIGIT, '<id>')
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
