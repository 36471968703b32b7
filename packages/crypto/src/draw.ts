import { CryptoError } from './errors.ts';
import { systemRng, type Rng } from './random.ts';

/** Internal helpers for drawing randomness from an injected {@link Rng} (SPEC §1.3). */

export function resolveRng(rng: Rng | undefined): Rng {
  return rng ?? systemRng;
}

/** Draw exactly `length` bytes, refusing an Rng that returns the wrong amount. */
export function draw(rng: Rng, length: number): Uint8Array {
  const out = rng.randomBytes(length);
  if (!(out instanceof Uint8Array) || out.length !== length) {
    throw new CryptoError(
      'ERR_CRYPTO_INVALID_ARGUMENT',
      `rng.randomBytes(${length}) returned the wrong length`,
    );
  }
  return out;
}
