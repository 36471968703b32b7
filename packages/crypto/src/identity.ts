import { expectBytes, expectLength } from './bytes.ts';
import { draw, resolveRng } from './draw.ts';
import type { Rng } from './random.ts';
import { sodium } from './sodium.ts';
import {
  asObject,
  b64,
  bytesToJson,
  expectHeader,
  jsonToBytes,
  parsing,
  readBytes,
  type JsonObject,
} from './state-json.ts';

/**
 * Device identity (SPEC §3.1): one Ed25519 key pair per device. The same key signs the gateway
 * login challenge, signs this device's prekeys, and (converted to X25519) takes part in PQXDH.
 */

export const IDENTITY_PUBLIC_KEY_BYTES = 32;
export const IDENTITY_SECRET_KEY_BYTES = 64;
export const IDENTITY_SEED_BYTES = 32;
export const SIGNATURE_BYTES = 64;

export interface DeviceIdentity {
  /** Ed25519 public key, 32 bytes: what the server and contacts know this device by. */
  readonly publicKey: Uint8Array;
  /** Ed25519 secret key in libsodium form (seed || public key), 64 bytes. Never leaves the device. */
  readonly secretKey: Uint8Array;
}

/** A fresh identity from 32 random bytes of `rng` (default: system CSPRNG). */
export function generateIdentity(options: { rng?: Rng } = {}): DeviceIdentity {
  const seed = draw(resolveRng(options.rng), IDENTITY_SEED_BYTES);
  try {
    return identityFromSeed(seed);
  } finally {
    seed.fill(0);
  }
}

/** Deterministic identity from a 32-byte seed (RFC 8032 private key). */
export function identityFromSeed(seed: Uint8Array): DeviceIdentity {
  expectLength(seed, IDENTITY_SEED_BYTES, 'identity seed');
  const { publicKey, privateKey } = sodium().crypto_sign_seed_keypair(seed);
  return { publicKey, secretKey: privateKey };
}

/** Ed25519 detached signature (deterministic, RFC 8032). Use a labelled message format (SPEC §3.3). */
export function sign(identity: DeviceIdentity, message: Uint8Array): Uint8Array {
  expectLength(identity.secretKey, IDENTITY_SECRET_KEY_BYTES, 'identity secret key');
  expectBytes(message, 'message');
  return sodium().crypto_sign_detached(message, identity.secretKey);
}

/**
 * Verify an Ed25519 signature. Never throws on attacker-controlled input: a public key or
 * signature of the wrong length, an invalid point or a non-canonical signature is just `false`.
 */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== IDENTITY_PUBLIC_KEY_BYTES) return false;
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) return false;
  expectBytes(message, 'message');
  try {
    return sodium().crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

/**
 * Whether `signature` by `publicKey` signs the context that `build` makes. A context that cannot
 * be built (malformed ids, wrong sizes) is a signature that does not verify: never throws.
 */
export function verifyContext(
  publicKey: Uint8Array,
  build: () => Uint8Array,
  signature: Uint8Array,
): boolean {
  let context: Uint8Array;
  try {
    context = build();
  } catch {
    return false;
  }
  return verify(publicKey, context, signature);
}

const KIND = 'spreekuur/identity';
const VERSION = 1;

/** JSON-safe private form `{ v: 1, kind, seed }` (SPEC §9.2). Store it encrypted at rest. */
export function identityToJSON(identity: DeviceIdentity): JsonObject {
  expectLength(identity.secretKey, IDENTITY_SECRET_KEY_BYTES, 'identity secret key');
  return { v: VERSION, kind: KIND, seed: b64(identity.secretKey.slice(0, IDENTITY_SEED_BYTES)) };
}

export function identityFromJSON(json: unknown): DeviceIdentity {
  return parsing('identity', () => {
    const obj = asObject(json, 'identity');
    expectHeader(obj, KIND, VERSION);
    return identityFromSeed(readBytes(obj, 'seed', IDENTITY_SEED_BYTES));
  });
}

/** UTF-8 JSON bytes of {@link identityToJSON}. */
export function exportIdentity(identity: DeviceIdentity): Uint8Array {
  return jsonToBytes(identityToJSON(identity));
}

export function importIdentity(bytes: Uint8Array): DeviceIdentity {
  return identityFromJSON(bytesToJson(bytes, 'identity'));
}

/** Throws ERR_CRYPTO_BAD_LENGTH unless `key` could be an Ed25519 identity public key. */
export function checkIdentityPublicKey(key: Uint8Array, what = 'identity public key'): Uint8Array {
  expectLength(key, IDENTITY_PUBLIC_KEY_BYTES, what);
  return key;
}
