/**
 * Errors with stable codes (SPEC §9). Callers switch on `code`, never on `message`: messages are for
 * humans and may change; codes are part of the API. Messages never contain key material.
 */
export type CryptoErrorCode =
  /** `ready()` from `@spreekuur/crypto/ready` was not awaited before the first call. */
  | 'ERR_CRYPTO_NOT_READY'
  /** A caller passed something that can never be right (bad id, bad option); a programming error. */
  | 'ERR_CRYPTO_INVALID_ARGUMENT'
  /** An input has the wrong length: truncated, too long, or a key of the wrong size. */
  | 'ERR_CRYPTO_BAD_LENGTH'
  /** The version byte (or state/descriptor version) is not one this code understands. */
  | 'ERR_CRYPTO_BAD_VERSION'
  /** Right version and length, but a field is malformed (wrong type byte, bad padding, bad encoding). */
  | 'ERR_CRYPTO_BAD_FORMAT'
  /** AEAD authentication failed: the message was altered, is for another recipient, or keys disagree. */
  | 'ERR_CRYPTO_BAD_MAC'
  /** An Ed25519 signature did not verify (prekey signature, group message signature). */
  | 'ERR_CRYPTO_BAD_SIGNATURE'
  /** A public key is invalid or low-order, or a Diffie-Hellman result was all zero. */
  | 'ERR_CRYPTO_WEAK_KEY'
  /** The message was already decrypted (or its skipped key was evicted, which looks the same). */
  | 'ERR_CRYPTO_REPLAY'
  /** The message number is more than MAX_SKIP past the receiving chain. */
  | 'ERR_CRYPTO_TOO_FAR_AHEAD'
  /** A prekey message names a signed, ML-KEM or one-time prekey id this device does not hold. */
  | 'ERR_CRYPTO_UNKNOWN_PREKEY'
  /** A prekey message belongs to a different session than the one asked to decrypt it. */
  | 'ERR_CRYPTO_SESSION_MISMATCH'
  /** A group message uses a sender key this receiver has not imported (or has dropped). */
  | 'ERR_CRYPTO_UNKNOWN_SENDER_KEY'
  /** A sender-key distribution message is for another group. */
  | 'ERR_CRYPTO_WRONG_GROUP'
  /** A sender-key id is already known with a different sender or signing key. */
  | 'ERR_CRYPTO_KEY_CONFLICT'
  /** An attachment ciphertext ended before its final chunk. */
  | 'ERR_CRYPTO_TRUNCATED'
  /** An attachment ciphertext does not match the BLAKE2b hash in its descriptor. */
  | 'ERR_CRYPTO_HASH_MISMATCH'
  /** A plaintext, file or group id is larger than the format allows. */
  | 'ERR_CRYPTO_TOO_LARGE'
  /** A counter would overflow (2^32 - 1 messages in one chain): rotate the key or start a new session. */
  | 'ERR_CRYPTO_EXHAUSTED'
  /** Persisted state (session, sender key, prekeys, identity) is malformed. */
  | 'ERR_CRYPTO_BAD_STATE';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.code = code;
  }
}

/** True when `error` is a {@link CryptoError}, optionally with the given code. */
export function isCryptoError(error: unknown, code?: CryptoErrorCode): error is CryptoError {
  return error instanceof CryptoError && (code === undefined || error.code === code);
}
