import { createHmac } from 'node:crypto';

/** Minimum key length in bytes: HMAC-SHA256 keys shorter than the 32-byte output weaken it (RFC 2104 §3). */
export const MIN_KEY_BYTES = 32;

/**
 * Minimum estimated key entropy in bits: the key's length times the Shannon entropy of its byte
 * frequencies. A random 32-byte key scores about 150 (32 bytes can hold at most 5 bits each by
 * this estimate), its hex form about 250, its base64 form about 220; 32 identical bytes score 0 and
 * a two-letter pattern 32. It is a screen against keys typed by hand, not a proof of randomness.
 */
export const MIN_KEY_ENTROPY_BITS = 128;

/** The key's estimated entropy in bits ({@link MIN_KEY_ENTROPY_BITS}). */
export function keyEntropyBits(key: Uint8Array): number {
  const counts = new Map<number, number>();
  for (const byte of key) counts.set(byte, (counts.get(byte) ?? 0) + 1);
  let perByte = 0;
  for (const count of counts.values()) {
    const p = count / key.length;
    perByte -= p * Math.log2(p);
  }
  return perByte * key.length;
}

/** Checks a pseudonymization key and returns its bytes; the message never repeats the key. */
export function checkedKey(key: string | Buffer): Buffer {
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.isBuffer(key) ? key : undefined;
  if (keyBytes === undefined) throw new TypeError('pseudonymization key must be a string or a Buffer');
  if (keyBytes.length < MIN_KEY_BYTES) {
    throw new Error(`pseudonymization key must be at least ${MIN_KEY_BYTES} bytes (got ${keyBytes.length}); generate one with crypto.randomBytes(32)`);
  }
  const bits = keyEntropyBits(keyBytes);
  if (bits < MIN_KEY_ENTROPY_BITS) {
    throw new Error(`pseudonymization key has too little entropy (about ${Math.floor(bits)} bits, at least ${MIN_KEY_ENTROPY_BITS} needed); generate one with crypto.randomBytes(32)`);
  }
  return Buffer.from(keyBytes);
}

/**
 * Returns a keyed pseudonymizer: HMAC-SHA256(key, userId) as hex. Without the key the
 * pseudonym cannot be recomputed from a guessed id (unlike a plain hash of a small id space).
 * Keys shorter than 32 bytes or of low estimated entropy are refused.
 */
export function createPseudonymizer(key: string | Buffer): (userId: string) => string {
  const keyBytes = checkedKey(key);
  return (userId) => {
    if (typeof userId !== 'string' || userId.length === 0) throw new Error('user id must be a non-empty string');
    return createHmac('sha256', keyBytes).update(userId, 'utf8').digest('hex');
  };
}
