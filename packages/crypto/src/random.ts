import { concatBytes, u32be } from './bytes.ts';
import { utf8Encode } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { sodium } from './sodium.ts';

/**
 * Source of randomness. Every function that needs randomness takes `{ rng }` so tests and the
 * known-answer vectors can replay a run exactly (SPEC §1.3). Production code passes nothing and
 * gets {@link systemRng}.
 */
export interface Rng {
  randomBytes(length: number): Uint8Array;
}

/** WebCrypto allows at most 65,536 bytes per getRandomValues call. */
const GET_RANDOM_VALUES_MAX = 65_536;

/**
 * The platform CSPRNG, crypto.getRandomValues (browsers, Node 19+), which is also what libsodium.js
 * uses underneath. Called directly because libsodium.js fetches it 4 bytes at a time, which made
 * randombytes_buf(24) cost ~90 µs in Node; one call per request costs ~1 µs.
 */
export const systemRng: Rng = {
  randomBytes(length: number): Uint8Array {
    if (!Number.isInteger(length) || length < 0) {
      throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'random length must be a non-negative integer');
    }
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += GET_RANDOM_VALUES_MAX) {
      globalThis.crypto.getRandomValues(
        out.subarray(offset, Math.min(length, offset + GET_RANDOM_VALUES_MAX)),
      );
    }
    return out;
  },
};

/**
 * A reproducible Rng for tests and vector generation ONLY: the same seed always yields the same
 * stream. Call i returns ChaCha20(seed_i) with seed_i = BLAKE2b-256(key = BLAKE2b-256(seed), "Spreekuur-v1/rng/test" || i).
 * Never use this for real keys: anyone who knows the seed knows every key.
 */
export function deterministicRng(seed: string | Uint8Array): Rng {
  const s = sodium();
  const seedBytes = typeof seed === 'string' ? utf8Encode(seed) : seed;
  const key = s.crypto_generichash(32, seedBytes, null);
  const label = utf8Encode('Spreekuur-v1/rng/test');
  let counter = 0;
  return {
    randomBytes(length: number): Uint8Array {
      const subSeed = s.crypto_generichash(32, concatBytes(label, u32be(counter++)), key);
      return s.randombytes_buf_deterministic(length, subSeed);
    },
  };
}
