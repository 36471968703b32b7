import libsodium from 'libsodium-wrappers';
import { CryptoError } from './errors.ts';

/** The libsodium API object; exported as a type so internal modules can name it. */
export type Sodium = typeof libsodium;

let initialised = false;
let pending: Promise<void> | undefined;

/**
 * Initialise libsodium (it compiles WebAssembly). Await once before any other call; calling it
 * again is cheap and returns the same promise.
 */
export function ready(): Promise<void> {
  pending ??= libsodium.ready.then(() => {
    initialised = true;
  });
  return pending;
}

/** True once {@link ready} has resolved. */
export function isReady(): boolean {
  return initialised;
}

/**
 * The initialised libsodium instance. Every primitive goes through here so that forgetting
 * `ready()` fails loudly with a stable code instead of with an obscure WebAssembly error.
 */
export function sodium(): Sodium {
  if (!initialised) {
    throw new CryptoError('ERR_CRYPTO_NOT_READY', 'await ready() from @spreekuur/crypto/ready first');
  }
  return libsodium;
}
