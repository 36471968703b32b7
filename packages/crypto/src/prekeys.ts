import { expectLength, isUint32, u32be } from './bytes.ts';
import { fromBase64Url } from './encoding.ts';
import { CryptoError } from './errors.ts';
import {
  checkIdentityPublicKey,
  IDENTITY_PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
  sign,
  verify,
  type DeviceIdentity,
} from './identity.ts';
import { encodeContext, Label } from './kdf.ts';
import { generateKemKeyPair, KEM_PUBLIC_KEY_BYTES, KEM_SECRET_KEY_BYTES } from './kem.ts';
import { resolveRng } from './draw.ts';
import type { Rng } from './random.ts';
import {
  asArray,
  asObject,
  b64,
  bytesToJson,
  expectHeader,
  jsonToBytes,
  parsing,
  readBytes,
  readUint32,
  type JsonObject,
} from './state-json.ts';
import { generateX25519KeyPair, X25519_KEY_BYTES } from './x25519.ts';

/**
 * Prekeys (SPEC §3.2). A device publishes a bundle of public prekeys to the key directory and
 * keeps the matching private halves. Ids are unsigned 32-bit integers chosen by the device; the
 * server uses them to refer to keys (and to hand out each one-time prekey at most once).
 */

// ---- Public parts (upload these) --------------------------------------------------------------

export interface SignedPreKeyPublic {
  readonly id: number;
  /** X25519 public key, 32 bytes. */
  readonly publicKey: Uint8Array;
  /** Ed25519 signature by the identity key over the context of SPEC §3.2. */
  readonly signature: Uint8Array;
}

export interface KemPreKeyPublic {
  readonly id: number;
  /** ML-KEM-768 encapsulation key, 1184 bytes. */
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

export interface OneTimePreKeyPublic {
  readonly id: number;
  /** X25519 public key, 32 bytes. */
  readonly publicKey: Uint8Array;
}

/** What a device uploads to the key directory. */
export interface PreKeyUpload {
  readonly identityKey: Uint8Array;
  readonly signedPreKey: SignedPreKeyPublic;
  readonly kemPreKey: KemPreKeyPublic;
  readonly oneTimePreKeys: readonly OneTimePreKeyPublic[];
}

/** What the key directory hands to an initiator: at most one one-time prekey, maybe none. */
export interface PreKeyBundle {
  readonly identityKey: Uint8Array;
  readonly signedPreKey: SignedPreKeyPublic;
  readonly kemPreKey: KemPreKeyPublic;
  readonly oneTimePreKey?: OneTimePreKeyPublic | undefined;
}

// ---- Private parts (keep these, encrypted at rest) --------------------------------------------

export interface SignedPreKeyPrivate extends SignedPreKeyPublic {
  readonly secretKey: Uint8Array;
}

export interface KemPreKeyPrivate extends KemPreKeyPublic {
  /** ML-KEM-768 decapsulation key, 2400 bytes. */
  readonly secretKey: Uint8Array;
}

export interface OneTimePreKeyPrivate extends OneTimePreKeyPublic {
  readonly secretKey: Uint8Array;
}

export interface PrivatePreKeys {
  readonly signedPreKeys: readonly SignedPreKeyPrivate[];
  readonly kemPreKeys: readonly KemPreKeyPrivate[];
  readonly oneTimePreKeys: readonly OneTimePreKeyPrivate[];
}

/** How a responder finds its private prekeys by id (SPEC §4.4). Back it with any store. */
export interface PreKeyLookup {
  signedPreKey(id: number): SignedPreKeyPrivate | undefined;
  kemPreKey(id: number): KemPreKeyPrivate | undefined;
  oneTimePreKey(id: number): OneTimePreKeyPrivate | undefined;
}

function checkId(id: number, what: string): number {
  if (!isUint32(id))
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', `${what} id must be an integer 0..2^32-1`);
  return id;
}

/** Signed context for an X25519 prekey: the label keeps it from ever verifying as anything else. */
export function signedPreKeyContext(id: number, publicKey: Uint8Array): Uint8Array {
  return encodeContext(Label.signedPreKeySignature, [u32be(id), publicKey]);
}

export function kemPreKeyContext(id: number, publicKey: Uint8Array): Uint8Array {
  return encodeContext(Label.kemPreKeySignature, [u32be(id), publicKey]);
}

export function generateSignedPreKey(
  identity: DeviceIdentity,
  id: number,
  options: { rng?: Rng } = {},
): SignedPreKeyPrivate {
  checkId(id, 'signed prekey');
  const { publicKey, secretKey } = generateX25519KeyPair(resolveRng(options.rng));
  return { id, publicKey, secretKey, signature: sign(identity, signedPreKeyContext(id, publicKey)) };
}

export function generateKemPreKey(
  identity: DeviceIdentity,
  id: number,
  options: { rng?: Rng } = {},
): KemPreKeyPrivate {
  checkId(id, 'ML-KEM prekey');
  const { publicKey, secretKey } = generateKemKeyPair(resolveRng(options.rng));
  return { id, publicKey, secretKey, signature: sign(identity, kemPreKeyContext(id, publicKey)) };
}

/** `count` one-time prekeys with ids firstId, firstId+1, ... */
export function generateOneTimePreKeys(
  firstId: number,
  count: number,
  options: { rng?: Rng } = {},
): OneTimePreKeyPrivate[] {
  checkId(firstId, 'one-time prekey');
  if (!Number.isInteger(count) || count < 0 || !isUint32(firstId + Math.max(count - 1, 0))) {
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'one-time prekey count out of range');
  }
  const rng = resolveRng(options.rng);
  const out: OneTimePreKeyPrivate[] = [];
  for (let i = 0; i < count; i++) out.push({ id: firstId + i, ...generateX25519KeyPair(rng) });
  return out;
}

export interface GeneratePreKeysOptions {
  readonly signedPreKeyId: number;
  readonly kemPreKeyId: number;
  readonly firstOneTimePreKeyId: number;
  readonly oneTimePreKeyCount: number;
  readonly rng?: Rng;
}

/** Everything a new device needs: the upload (public) and the private halves to keep. */
export function generatePreKeys(
  identity: DeviceIdentity,
  options: GeneratePreKeysOptions,
): { upload: PreKeyUpload; privateKeys: PrivatePreKeys } {
  const rng = resolveRng(options.rng);
  const signedPreKey = generateSignedPreKey(identity, options.signedPreKeyId, { rng });
  const kemPreKey = generateKemPreKey(identity, options.kemPreKeyId, { rng });
  const oneTimePreKeys = generateOneTimePreKeys(options.firstOneTimePreKeyId, options.oneTimePreKeyCount, {
    rng,
  });
  return {
    upload: {
      identityKey: identity.publicKey,
      signedPreKey: publicSignedPreKey(signedPreKey),
      kemPreKey: publicKemPreKey(kemPreKey),
      oneTimePreKeys: oneTimePreKeys.map(publicOneTimePreKey),
    },
    privateKeys: { signedPreKeys: [signedPreKey], kemPreKeys: [kemPreKey], oneTimePreKeys },
  };
}

export function publicSignedPreKey(key: SignedPreKeyPublic): SignedPreKeyPublic {
  return { id: key.id, publicKey: key.publicKey, signature: key.signature };
}

export function publicKemPreKey(key: KemPreKeyPublic): KemPreKeyPublic {
  return { id: key.id, publicKey: key.publicKey, signature: key.signature };
}

export function publicOneTimePreKey(key: OneTimePreKeyPublic): OneTimePreKeyPublic {
  return { id: key.id, publicKey: key.publicKey };
}

/**
 * Check a fetched bundle before use (SPEC §4.1): lengths and ids first, then both prekey
 * signatures against the identity key. Throws ERR_CRYPTO_BAD_LENGTH / ERR_CRYPTO_INVALID_ARGUMENT /
 * ERR_CRYPTO_BAD_SIGNATURE. `initiateSession` calls this itself.
 */
export function verifyBundle(bundle: PreKeyBundle): void {
  checkIdentityPublicKey(bundle.identityKey);
  const { signedPreKey: spk, kemPreKey: kpk, oneTimePreKey: opk } = bundle;
  checkId(spk.id, 'signed prekey');
  expectLength(spk.publicKey, X25519_KEY_BYTES, 'signed prekey');
  expectLength(spk.signature, SIGNATURE_BYTES, 'signed prekey signature');
  checkId(kpk.id, 'ML-KEM prekey');
  expectLength(kpk.publicKey, KEM_PUBLIC_KEY_BYTES, 'ML-KEM prekey');
  expectLength(kpk.signature, SIGNATURE_BYTES, 'ML-KEM prekey signature');
  if (opk !== undefined) {
    checkId(opk.id, 'one-time prekey');
    expectLength(opk.publicKey, X25519_KEY_BYTES, 'one-time prekey');
  }
  if (!verify(bundle.identityKey, signedPreKeyContext(spk.id, spk.publicKey), spk.signature)) {
    throw new CryptoError('ERR_CRYPTO_BAD_SIGNATURE', 'signed prekey signature does not verify');
  }
  if (!verify(bundle.identityKey, kemPreKeyContext(kpk.id, kpk.publicKey), kpk.signature)) {
    throw new CryptoError('ERR_CRYPTO_BAD_SIGNATURE', 'ML-KEM prekey signature does not verify');
  }
}

/** A {@link PreKeyLookup} over in-memory lists. */
export function preKeyLookup(keys: PrivatePreKeys): PreKeyLookup {
  return {
    signedPreKey: (id) => keys.signedPreKeys.find((k) => k.id === id),
    kemPreKey: (id) => keys.kemPreKeys.find((k) => k.id === id),
    oneTimePreKey: (id) => keys.oneTimePreKeys.find((k) => k.id === id),
  };
}

// ---- JSON forms ---------------------------------------------------------------------------------

export interface SignedPreKeyJSON {
  id: number;
  publicKey: string;
  signature: string;
}
export interface OneTimePreKeyJSON {
  id: number;
  publicKey: string;
}
export interface PreKeyBundleJSON {
  identityKey: string;
  signedPreKey: SignedPreKeyJSON;
  kemPreKey: SignedPreKeyJSON;
  oneTimePreKey?: OneTimePreKeyJSON;
}
export interface PreKeyUploadJSON {
  identityKey: string;
  signedPreKey: SignedPreKeyJSON;
  kemPreKey: SignedPreKeyJSON;
  oneTimePreKeys: OneTimePreKeyJSON[];
}

const signedToJSON = (k: SignedPreKeyPublic): SignedPreKeyJSON => ({
  id: k.id,
  publicKey: b64(k.publicKey),
  signature: b64(k.signature),
});
const oneTimeToJSON = (k: OneTimePreKeyPublic): OneTimePreKeyJSON => ({
  id: k.id,
  publicKey: b64(k.publicKey),
});

/** Public bundle as JSON with unpadded base64url fields (the wire encoding of SPEC §2.3). */
export function bundleToJSON(bundle: PreKeyBundle): PreKeyBundleJSON {
  const json: PreKeyBundleJSON = {
    identityKey: b64(bundle.identityKey),
    signedPreKey: signedToJSON(bundle.signedPreKey),
    kemPreKey: signedToJSON(bundle.kemPreKey),
  };
  if (bundle.oneTimePreKey !== undefined) json.oneTimePreKey = oneTimeToJSON(bundle.oneTimePreKey);
  return json;
}

export function uploadToJSON(upload: PreKeyUpload): PreKeyUploadJSON {
  return {
    identityKey: b64(upload.identityKey),
    signedPreKey: signedToJSON(upload.signedPreKey),
    kemPreKey: signedToJSON(upload.kemPreKey),
    oneTimePreKeys: upload.oneTimePreKeys.map(oneTimeToJSON),
  };
}

function wireBytes(value: unknown, length: number, what: string): Uint8Array {
  if (typeof value !== 'string') throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} must be a string`);
  return fromBase64Url(value, length, what);
}

function wireId(value: unknown, what: string): number {
  if (typeof value !== 'number' || !isUint32(value)) {
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} id must be an integer 0..2^32-1`);
  }
  return value;
}

function wireObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null)
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} missing`);
  return value as Record<string, unknown>;
}

function signedFromJSON(value: unknown, keyLength: number, what: string): SignedPreKeyPublic {
  const o = wireObject(value, what);
  return {
    id: wireId(o.id, what),
    publicKey: wireBytes(o.publicKey, keyLength, what),
    signature: wireBytes(o.signature, SIGNATURE_BYTES, `${what} signature`),
  };
}

function oneTimeFromJSON(value: unknown): OneTimePreKeyPublic {
  const o = wireObject(value, 'one-time prekey');
  return {
    id: wireId(o.id, 'one-time prekey'),
    publicKey: wireBytes(o.publicKey, X25519_KEY_BYTES, 'one-time prekey'),
  };
}

/** Parse (lengths and ids only; call {@link verifyBundle} or `initiateSession` to check signatures). */
export function bundleFromJSON(json: unknown): PreKeyBundle {
  const o = wireObject(json, 'bundle');
  return {
    identityKey: wireBytes(o.identityKey, IDENTITY_PUBLIC_KEY_BYTES, 'identity key'),
    signedPreKey: signedFromJSON(o.signedPreKey, X25519_KEY_BYTES, 'signed prekey'),
    kemPreKey: signedFromJSON(o.kemPreKey, KEM_PUBLIC_KEY_BYTES, 'ML-KEM prekey'),
    oneTimePreKey:
      o.oneTimePreKey === undefined || o.oneTimePreKey === null
        ? undefined
        : oneTimeFromJSON(o.oneTimePreKey),
  };
}

// ---- Private persistence ------------------------------------------------------------------------

const KIND = 'spreekuur/prekeys';
const VERSION = 1;

/** JSON-safe private prekeys (SPEC §9.2). Secret: store encrypted at rest. */
export function privatePreKeysToJSON(keys: PrivatePreKeys): JsonObject {
  return {
    v: VERSION,
    kind: KIND,
    signedPreKeys: keys.signedPreKeys.map((k) => ({ ...signedToJSON(k), secretKey: b64(k.secretKey) })),
    kemPreKeys: keys.kemPreKeys.map((k) => ({ ...signedToJSON(k), secretKey: b64(k.secretKey) })),
    oneTimePreKeys: keys.oneTimePreKeys.map((k) => ({ ...oneTimeToJSON(k), secretKey: b64(k.secretKey) })),
  };
}

export function privatePreKeysFromJSON(json: unknown): PrivatePreKeys {
  return parsing('prekeys', () => {
    const obj = asObject(json, 'prekeys');
    expectHeader(obj, KIND, VERSION);
    const list = (key: string) => asArray(obj[key], key).map((item) => asObject(item, key));
    return {
      signedPreKeys: list('signedPreKeys').map((k) => ({
        id: readUint32(k, 'id'),
        publicKey: readBytes(k, 'publicKey', X25519_KEY_BYTES),
        signature: readBytes(k, 'signature', SIGNATURE_BYTES),
        secretKey: readBytes(k, 'secretKey', X25519_KEY_BYTES),
      })),
      kemPreKeys: list('kemPreKeys').map((k) => ({
        id: readUint32(k, 'id'),
        publicKey: readBytes(k, 'publicKey', KEM_PUBLIC_KEY_BYTES),
        signature: readBytes(k, 'signature', SIGNATURE_BYTES),
        secretKey: readBytes(k, 'secretKey', KEM_SECRET_KEY_BYTES),
      })),
      oneTimePreKeys: list('oneTimePreKeys').map((k) => ({
        id: readUint32(k, 'id'),
        publicKey: readBytes(k, 'publicKey', X25519_KEY_BYTES),
        secretKey: readBytes(k, 'secretKey', X25519_KEY_BYTES),
      })),
    };
  });
}

export function exportPrivatePreKeys(keys: PrivatePreKeys): Uint8Array {
  return jsonToBytes(privatePreKeysToJSON(keys));
}

export function importPrivatePreKeys(bytes: Uint8Array): PrivatePreKeys {
  return privatePreKeysFromJSON(bytesToJson(bytes, 'prekeys'));
}
