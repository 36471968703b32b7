import { ByteReader, isAllZero, u32be } from './bytes.ts';
import { CryptoError } from './errors.ts';

/**
 * Plaintext padding inside the AEAD (SPEC §5.4), after paulmillr/nip44: the server sees a
 * bucket, not the exact length ("ja" and "nee" look the same).
 *
 *   padded = u32be(len) || plaintext || zero bytes, total 4 + paddedLength(len)
 */

export function paddedLength(length: number): number {
  if (length <= 32) return 32;
  const nextPower = 2 ** (Math.floor(Math.log2(length - 1)) + 1);
  const chunk = nextPower <= 256 ? 32 : nextPower / 8;
  return chunk * (Math.floor((length - 1) / chunk) + 1);
}

export function pad(plaintext: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + paddedLength(plaintext.length));
  out.set(u32be(plaintext.length), 0);
  out.set(plaintext, 4);
  return out;
}

/** Strict: the length must fit, the bucket must be the canonical one, and the padding must be zero. */
export function unpad(padded: Uint8Array): Uint8Array {
  const reader = new ByteReader(padded, 'padded plaintext');
  const length = reader.u32();
  if (length > padded.length - 4 || padded.length !== 4 + paddedLength(length)) {
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'padding does not match the declared length');
  }
  if (!isAllZero(padded.subarray(4 + length))) {
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'padding bytes are not zero');
  }
  return padded.slice(4, 4 + length);
}
