import { ByteWriter, concatBytes, type ByteReader, equalBytes, expectLength, wipe } from './bytes.ts';
import { CryptoError } from './errors.ts';
import { checkIdentityPublicKey, type DeviceIdentity } from './identity.ts';
import { encodeContext, hash, Label } from './kdf.ts';
import { KEM_CIPHERTEXT_BYTES, kemDecapsulate, kemEncapsulate } from './kem.ts';
import { verifyBundle, type PreKeyBundle, type PreKeyLookup, type SignedPreKeyPrivate } from './prekeys.ts';
import type { Rng } from './random.ts';
import { MessageType, WIRE_VERSION } from './wire.ts';
import {
  edPublicToX25519,
  edSecretToX25519,
  generateX25519KeyPair,
  x25519,
  X25519_KEY_BYTES,
} from './x25519.ts';

/**
 * PQXDH-style hybrid key agreement (SPEC §4). Internal: `session.ts` is the public face.
 *
 *   DH1 = DH(IK_A, SPK_B)  DH2 = DH(EK_A, IK_B)  DH3 = DH(EK_A, SPK_B)  [DH4 = DH(EK_A, OPK_B)]
 *   (CT, SS) = ML-KEM-768.Encaps(PQPK_B)
 *   SK = H("pqxdh/sk", F || DH1 || DH2 || DH3 [|| DH4] || SS, IK_A, IK_B, SPK_B, PQPK_B, OPK_B|empty, EK_A, CT)
 */

/** 32 bytes of 0xFF before the DH outputs, as in X3DH/PQXDH (SPEC §4.3). */
const F = new Uint8Array(32).fill(0xff);

const PREKEY_FLAG_ONE_TIME = 0x01;
/** version, type, IK_A, EK_A, SPK id, PQPK id, flags, OPK id, KEM ciphertext. */
export const PREKEY_HEADER_BYTES = 1 + 1 + 32 + 32 + 4 + 4 + 1 + 4 + KEM_CIPHERTEXT_BYTES;

export interface PreKeyHeader {
  readonly initiatorIdentityKey: Uint8Array;
  readonly baseKey: Uint8Array;
  readonly signedPreKeyId: number;
  readonly kemPreKeyId: number;
  readonly oneTimePreKeyId: number | undefined;
  readonly kemCiphertext: Uint8Array;
}

export function encodePreKeyHeader(h: PreKeyHeader): Uint8Array {
  return new ByteWriter()
    .u8(WIRE_VERSION)
    .u8(MessageType.preKey)
    .bytes(h.initiatorIdentityKey)
    .bytes(h.baseKey)
    .u32(h.signedPreKeyId)
    .u32(h.kemPreKeyId)
    .u8(h.oneTimePreKeyId === undefined ? 0 : PREKEY_FLAG_ONE_TIME)
    .u32(h.oneTimePreKeyId ?? 0)
    .bytes(h.kemCiphertext)
    .finish();
}

/** Parses the fixed-size header; the caller has already checked version, type and total length. */
export function decodePreKeyHeader(reader: ByteReader): PreKeyHeader {
  reader.u8();
  reader.u8();
  const initiatorIdentityKey = reader.bytes(32);
  const baseKey = reader.bytes(X25519_KEY_BYTES);
  const signedPreKeyId = reader.u32();
  const kemPreKeyId = reader.u32();
  const flags = reader.u8();
  const oneTimeId = reader.u32();
  if ((flags & ~PREKEY_FLAG_ONE_TIME) !== 0 || (flags === 0 && oneTimeId !== 0)) {
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'prekey message flags are malformed');
  }
  const kemCiphertext = reader.bytes(KEM_CIPHERTEXT_BYTES);
  return {
    initiatorIdentityKey,
    baseKey,
    signedPreKeyId,
    kemPreKeyId,
    oneTimePreKeyId: flags === 0 ? undefined : oneTimeId,
    kemCiphertext,
  };
}

/** AD = LP("Spreekuur-v1/session/ad") || LP(IK_A) || LP(IK_B): initiator first (SPEC §4.3). */
export function sessionAssociatedData(
  initiatorIdentityKey: Uint8Array,
  responderIdentityKey: Uint8Array,
): Uint8Array {
  return encodeContext(Label.sessionAd, [initiatorIdentityKey, responderIdentityKey]);
}

interface Transcript {
  readonly initiatorIdentityKey: Uint8Array;
  readonly responderIdentityKey: Uint8Array;
  readonly signedPreKey: Uint8Array;
  readonly kemPreKey: Uint8Array;
  readonly oneTimePreKey: Uint8Array | undefined;
  readonly baseKey: Uint8Array;
  readonly kemCiphertext: Uint8Array;
}

function deriveSharedKey(dhs: readonly Uint8Array[], kemSecret: Uint8Array, t: Transcript): Uint8Array {
  const ikm = concatBytes(F, ...dhs, kemSecret);
  try {
    return hash(Label.pqxdh, [
      ikm,
      t.initiatorIdentityKey,
      t.responderIdentityKey,
      t.signedPreKey,
      t.kemPreKey,
      t.oneTimePreKey ?? new Uint8Array(0),
      t.baseKey,
      t.kemCiphertext,
    ]);
  } finally {
    wipe(ikm, ...dhs, kemSecret);
  }
}

export interface InitiatorAgreement {
  readonly sharedKey: Uint8Array;
  readonly header: PreKeyHeader;
  readonly associatedData: Uint8Array;
}

/** Alice's side (SPEC §4.4): verify the bundle, then DH x3-4 and one encapsulation. */
export function pqxdhInitiate(identity: DeviceIdentity, bundle: PreKeyBundle, rng: Rng): InitiatorAgreement {
  verifyBundle(bundle);
  const remoteIdentityDh = edPublicToX25519(bundle.identityKey);
  const ephemeral = generateX25519KeyPair(rng);
  const localIdentityDh = edSecretToX25519(identity.secretKey);
  try {
    const dhs = [
      x25519(localIdentityDh, bundle.signedPreKey.publicKey),
      x25519(ephemeral.secretKey, remoteIdentityDh),
      x25519(ephemeral.secretKey, bundle.signedPreKey.publicKey),
    ];
    if (bundle.oneTimePreKey !== undefined)
      dhs.push(x25519(ephemeral.secretKey, bundle.oneTimePreKey.publicKey));
    const { ciphertext, sharedSecret } = kemEncapsulate(bundle.kemPreKey.publicKey, rng);
    const header: PreKeyHeader = {
      initiatorIdentityKey: identity.publicKey,
      baseKey: ephemeral.publicKey,
      signedPreKeyId: bundle.signedPreKey.id,
      kemPreKeyId: bundle.kemPreKey.id,
      oneTimePreKeyId: bundle.oneTimePreKey?.id,
      kemCiphertext: ciphertext,
    };
    const sharedKey = deriveSharedKey(dhs, sharedSecret, {
      initiatorIdentityKey: identity.publicKey,
      responderIdentityKey: bundle.identityKey,
      signedPreKey: bundle.signedPreKey.publicKey,
      kemPreKey: bundle.kemPreKey.publicKey,
      oneTimePreKey: bundle.oneTimePreKey?.publicKey,
      baseKey: ephemeral.publicKey,
      kemCiphertext: ciphertext,
    });
    return {
      sharedKey,
      header,
      associatedData: sessionAssociatedData(identity.publicKey, bundle.identityKey),
    };
  } finally {
    // The ephemeral secret is used once; wiping it is what makes the first flight forward-secret.
    wipe(ephemeral.secretKey, localIdentityDh);
  }
}

export interface ResponderAgreement {
  readonly sharedKey: Uint8Array;
  readonly associatedData: Uint8Array;
  readonly signedPreKey: SignedPreKeyPrivate;
  readonly oneTimePreKeyId: number | undefined;
}

/** Bob's side (SPEC §4.5): look up the named prekeys, mirror the DHs, decapsulate. */
export function pqxdhRespond(
  identity: DeviceIdentity,
  lookup: PreKeyLookup,
  header: PreKeyHeader,
): ResponderAgreement {
  checkIdentityPublicKey(header.initiatorIdentityKey, 'initiator identity key');
  const signedPreKey = lookup.signedPreKey(header.signedPreKeyId);
  const kemPreKey = lookup.kemPreKey(header.kemPreKeyId);
  const oneTimePreKey =
    header.oneTimePreKeyId === undefined ? undefined : lookup.oneTimePreKey(header.oneTimePreKeyId);
  if (signedPreKey === undefined)
    throw new CryptoError('ERR_CRYPTO_UNKNOWN_PREKEY', 'unknown signed prekey id');
  if (kemPreKey === undefined) throw new CryptoError('ERR_CRYPTO_UNKNOWN_PREKEY', 'unknown ML-KEM prekey id');
  if (header.oneTimePreKeyId !== undefined && oneTimePreKey === undefined) {
    throw new CryptoError('ERR_CRYPTO_UNKNOWN_PREKEY', 'unknown or already used one-time prekey id');
  }
  if (equalBytes(header.initiatorIdentityKey, identity.publicKey)) {
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'a device cannot open a session with itself');
  }
  expectLength(header.baseKey, X25519_KEY_BYTES, 'base key');
  const remoteIdentityDh = edPublicToX25519(header.initiatorIdentityKey);
  const localIdentityDh = edSecretToX25519(identity.secretKey);
  try {
    const dhs = [
      x25519(signedPreKey.secretKey, remoteIdentityDh),
      x25519(localIdentityDh, header.baseKey),
      x25519(signedPreKey.secretKey, header.baseKey),
    ];
    if (oneTimePreKey !== undefined) dhs.push(x25519(oneTimePreKey.secretKey, header.baseKey));
    const sharedSecret = kemDecapsulate(header.kemCiphertext, kemPreKey.secretKey);
    const sharedKey = deriveSharedKey(dhs, sharedSecret, {
      initiatorIdentityKey: header.initiatorIdentityKey,
      responderIdentityKey: identity.publicKey,
      signedPreKey: signedPreKey.publicKey,
      kemPreKey: kemPreKey.publicKey,
      oneTimePreKey: oneTimePreKey?.publicKey,
      baseKey: header.baseKey,
      kemCiphertext: header.kemCiphertext,
    });
    return {
      sharedKey,
      associatedData: sessionAssociatedData(header.initiatorIdentityKey, identity.publicKey),
      signedPreKey,
      oneTimePreKeyId: header.oneTimePreKeyId,
    };
  } finally {
    wipe(localIdentityDh);
  }
}
