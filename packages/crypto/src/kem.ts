import { expectLength } from './bytes.ts';
import { CryptoError } from './errors.ts';
import { draw } from './draw.ts';
import type { Rng } from './random.ts';
import { sodium } from './sodium.ts';

/** ML-KEM-768 (FIPS 203) through libsodium (SPEC §3.1, §4.2). Internal. */

export const KEM_PUBLIC_KEY_BYTES = 1184;
export const KEM_SECRET_KEY_BYTES = 2400;
export const KEM_CIPHERTEXT_BYTES = 1088;
const KEM_KEYGEN_SEED_BYTES = 64;
const KEM_ENC_SEED_BYTES = 32;

export interface KemKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** Key generation from a 64-byte seed (d || z) drawn from the injectable Rng. */
export function generateKemKeyPair(rng: Rng): KemKeyPair {
  const seed = draw(rng, KEM_KEYGEN_SEED_BYTES);
  const { publicKey, privateKey } = sodium().crypto_kem_mlkem768_seed_keypair(seed);
  seed.fill(0);
  return { publicKey, secretKey: privateKey };
}

/** Encapsulation with the 32-byte message m drawn from the Rng, so vectors are reproducible. */
export function kemEncapsulate(
  publicKey: Uint8Array,
  rng: Rng,
): { ciphertext: Uint8Array; sharedSecret: Uint8Array } {
  expectLength(publicKey, KEM_PUBLIC_KEY_BYTES, 'ML-KEM-768 public key');
  const seed = draw(rng, KEM_ENC_SEED_BYTES);
  try {
    return sodium().crypto_kem_mlkem768_enc_deterministic(publicKey, seed);
  } catch (cause) {
    throw new CryptoError('ERR_CRYPTO_WEAK_KEY', 'ML-KEM-768 public key rejected', { cause });
  } finally {
    seed.fill(0);
  }
}

/** Decapsulation; ML-KEM rejects implicitly, so a forged ciphertext yields a random secret and the MAC fails later. */
export function kemDecapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
  expectLength(ciphertext, KEM_CIPHERTEXT_BYTES, 'ML-KEM-768 ciphertext');
  expectLength(secretKey, KEM_SECRET_KEY_BYTES, 'ML-KEM-768 secret key');
  try {
    return sodium().crypto_kem_mlkem768_dec(ciphertext, secretKey);
  } catch (cause) {
    throw new CryptoError('ERR_CRYPTO_BAD_MAC', 'ML-KEM-768 decapsulation failed', { cause });
  }
}
