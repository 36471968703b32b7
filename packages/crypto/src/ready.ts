/**
 * Public entry for initialisation: `await ready()` once before any other call (SPEC §9.1,
 * ERR_CRYPTO_NOT_READY otherwise). The raw libsodium instance stays internal.
 */
export { isReady, ready } from './sodium.ts';
