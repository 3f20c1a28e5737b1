import { createHmac } from 'node:crypto';

/** Minimum key length in bytes: HMAC-SHA256 keys shorter than the 32-byte output weaken it (RFC 2104 §3). */
export const MIN_KEY_BYTES = 32;

/**
 * Returns a keyed pseudonymizer: HMAC-SHA256(key, userId) as hex. Without the key the
 * pseudonym cannot be recomputed from a guessed id (unlike a plain hash of a small id space).
 */
export function createPseudonymizer(key: string | Buffer): (userId: string) => string {
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (keyBytes.length < MIN_KEY_BYTES) {
    throw new Error(`pseudonymization key must be at least ${MIN_KEY_BYTES} bytes (got ${keyBytes.length}); generate one with crypto.randomBytes(32)`);
  }
  return (userId) => {
    if (typeof userId !== 'string' || userId.length === 0) throw new Error('user id must be a non-empty string');
    return createHmac('sha256', keyBytes).update(userId, 'utf8').digest('hex');
  };
}
