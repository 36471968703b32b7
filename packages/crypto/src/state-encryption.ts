import { draw } from './draw.ts';
import { CryptoError } from './errors.ts';
import { systemRng, type Rng } from './random.ts';
import { sodium } from './sodium.ts';

/**
 * Encryption of client state at rest (SPEC §9.2): a 32-byte key, from a passphrase or PIN with
 * Argon2id (libsodium `crypto_pwhash`, which only the larger "sumo" build has; loaded on the
 * first derivation, by this module alone), and XChaCha20-Poly1305 with a random nonce per value. The associated
 * data binds each value to its name, so a stored value cannot be moved to another name.
 */

export const STATE_KEY_BYTES = 32;
export const STATE_SALT_BYTES = 16;
const NONCE_BYTES = 24;

export interface PassphraseParams {
  /** Argon2id salt, 16 random bytes, stored beside the state. */
  readonly salt: Uint8Array;
  /** Argon2id passes and memory in bytes (libsodium's INTERACTIVE limits by default). */
  readonly opsLimit: number;
  readonly memLimit: number;
}

/** libsodium's interactive limits: 2 passes over 64 MiB (about 0.9 s in WebAssembly on a laptop core). */
export const DEFAULT_OPS_LIMIT = 2;
export const DEFAULT_MEM_LIMIT = 67_108_864;

export function newPassphraseParams(
  options: { rng?: Rng; opsLimit?: number; memLimit?: number } = {},
): PassphraseParams {
  return {
    salt: draw(options.rng ?? systemRng, STATE_SALT_BYTES),
    opsLimit: options.opsLimit ?? DEFAULT_OPS_LIMIT,
    memLimit: options.memLimit ?? DEFAULT_MEM_LIMIT,
  };
}

/** Argon2id(passphrase, salt) → 32-byte state key. Slow on purpose: run it once per unlock. */
export async function deriveStateKey(passphrase: string, params: PassphraseParams): Promise<Uint8Array> {
  if (typeof passphrase !== 'string' || passphrase.length === 0)
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'passphrase must be a non-empty string');
  if (params.salt.length !== STATE_SALT_BYTES)
    throw new CryptoError('ERR_CRYPTO_BAD_LENGTH', 'salt must be 16 bytes');
  // Loaded on first use only: apps that never unlock with a passphrase never fetch the larger build.
  const sumo = (await import('libsodium-wrappers-sumo')).default;
  await sumo.ready;
  if (params.opsLimit < sumo.crypto_pwhash_OPSLIMIT_MIN || params.memLimit < sumo.crypto_pwhash_MEMLIMIT_MIN)
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'Argon2id limits below the minimum');
  return sumo.crypto_pwhash(
    STATE_KEY_BYTES,
    passphrase,
    params.salt,
    params.opsLimit,
    params.memLimit,
    sumo.crypto_pwhash_ALG_ARGON2ID13,
  );
}

/** nonce (24) || XChaCha20-Poly1305(key, nonce, ad, plaintext). */
export function sealState(
  key: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
  rng: Rng = systemRng,
): Uint8Array {
  if (key.length !== STATE_KEY_BYTES)
    throw new CryptoError('ERR_CRYPTO_BAD_LENGTH', 'state key must be 32 bytes');
  const nonce = draw(rng, NONCE_BYTES);
  const sealed = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(
    plaintext,
    associatedData,
    null,
    nonce,
    key,
  );
  const out = new Uint8Array(NONCE_BYTES + sealed.length);
  out.set(nonce);
  out.set(sealed, NONCE_BYTES);
  return out;
}

/** Opens what {@link sealState} made; ERR_CRYPTO_BAD_MAC for a wrong key, name or altered bytes. */
export function openState(key: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Uint8Array {
  if (key.length !== STATE_KEY_BYTES)
    throw new CryptoError('ERR_CRYPTO_BAD_LENGTH', 'state key must be 32 bytes');
  if (sealed.length < NONCE_BYTES + 16)
    throw new CryptoError('ERR_CRYPTO_BAD_LENGTH', 'sealed state too short');
  try {
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(NONCE_BYTES),
      associatedData,
      sealed.subarray(0, NONCE_BYTES),
      key,
    );
  } catch (cause) {
    throw new CryptoError('ERR_CRYPTO_BAD_MAC', 'state does not open with this key', { cause });
  }
}
