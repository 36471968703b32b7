import { expectLength, isAllZero } from './bytes.ts';
import { CryptoError } from './errors.ts';
import { draw } from './draw.ts';
import type { Rng } from './random.ts';
import { sodium } from './sodium.ts';

/** X25519 helpers (SPEC §3.1, §4.2). Internal: not exported from the package. */

export const X25519_KEY_BYTES = 32;

export interface X25519KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export function generateX25519KeyPair(rng: Rng): X25519KeyPair {
  const secretKey = draw(rng, X25519_KEY_BYTES);
  return { publicKey: sodium().crypto_scalarmult_base(secretKey), secretKey };
}

/**
 * DH(sk, pk). libsodium refuses low-order points (it throws "weak public key" when the result is
 * all zero); we treat that, and any other failure, as fatal, and check the output again
 * ourselves so the guarantee does not depend on one library version (SPEC §4.2).
 */
export function x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  expectLength(secretKey, X25519_KEY_BYTES, 'X25519 secret key');
  expectLength(publicKey, X25519_KEY_BYTES, 'X25519 public key');
  let shared: Uint8Array;
  try {
    shared = sodium().crypto_scalarmult(secretKey, publicKey);
  } catch (cause) {
    throw new CryptoError('ERR_CRYPTO_WEAK_KEY', 'X25519 refused the public key (low order)', { cause });
  }
  if (isAllZero(shared)) {
    shared.fill(0);
    throw new CryptoError('ERR_CRYPTO_WEAK_KEY', 'X25519 result is all zero');
  }
  return shared;
}

/** Birational map Ed25519 -> X25519 of an identity public key; invalid or small-order points fail. */
export function edPublicToX25519(edPublicKey: Uint8Array): Uint8Array {
  expectLength(edPublicKey, 32, 'Ed25519 public key');
  try {
    return sodium().crypto_sign_ed25519_pk_to_curve25519(edPublicKey);
  } catch (cause) {
    throw new CryptoError('ERR_CRYPTO_WEAK_KEY', 'identity key is not a valid Ed25519 point', { cause });
  }
}

export function edSecretToX25519(edSecretKey: Uint8Array): Uint8Array {
  expectLength(edSecretKey, 64, 'Ed25519 secret key');
  return sodium().crypto_sign_ed25519_sk_to_curve25519(edSecretKey);
}
