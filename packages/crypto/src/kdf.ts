import { concatBytes, lengthPrefixed } from './bytes.ts';
import { utf8Encode } from './encoding.ts';
import { sodium } from './sodium.ts';

/**
 * Key derivation on BLAKE2b (SPEC §2). The standard libsodium.js build has no HMAC-SHA-256 or
 * HKDF, and BLAKE2b is a PRF when keyed and has no length-extension, so it serves directly:
 *
 *   H(label, p1..pn)        = BLAKE2b-len(                "Spreekuur-v1/" label, p1..pn encoded with LP)
 *   PRF(k, label, p1..pn)   = BLAKE2b-len(key = k (32 B), "Spreekuur-v1/" label, p1..pn encoded with LP)
 *
 * where every component is length-prefixed (LP), so two different (label, parts) tuples never
 * hash the same input. Each label is used for exactly one purpose (table in SPEC §2.2).
 */

const LABEL_PREFIX = 'Spreekuur-v1/';

export const Label = {
  /** PQXDH shared secret SK (SPEC §4.3). */
  pqxdh: 'pqxdh/sk',
  /** Associated data of a pairwise session (SPEC §4.3). */
  sessionAd: 'session/ad',
  /** Digest of the prekey header a responder session was created from (SPEC §4.6). */
  preKeyHeader: 'session/prekey-header',
  /** Double Ratchet root KDF, KDF_RK (SPEC §5.2). */
  ratchetRoot: 'ratchet/root',
  /** Double Ratchet chain KDF, KDF_CK: message key / next chain key (SPEC §5.2). */
  ratchetMessageKey: 'ratchet/message-key',
  ratchetChainKey: 'ratchet/chain-key',
  /** Sender-key chain KDF (SPEC §6.2); separate labels so group and pairwise keys never coincide. */
  senderMessageKey: 'sender-key/message-key',
  senderChainKey: 'sender-key/chain-key',
  /** Associated data and signature context of group messages (SPEC §6.4). */
  groupAd: 'group/ad',
  groupSignature: 'group/signature',
  /** What an identity key signs over a prekey (SPEC §3.2). */
  signedPreKeySignature: 'prekey/x25519/signature',
  kemPreKeySignature: 'prekey/mlkem768/signature',
  /** Associated data of every attachment chunk (SPEC §7). */
  attachmentAd: 'attachment/chunk',
  /** Key commitment at the start of a v2 attachment ciphertext (SPEC §7.2). */
  attachmentKeyCommitment: 'attachment/key-commitment',
  /** Safety-number fingerprint iteration (SPEC §8). */
  safetyNumber: 'safety-number/fingerprint',
  /** What a device signs to vouch for another device of the same person (SPEC §13.2). */
  deviceCertificate: 'device/certificate',
  /** What an owner's or moderator's device signs when it adds a member (SPEC §13.5). */
  membershipAdded: 'membership/added',
  /** History transfer between two devices of a person (SPEC §15.2): AEAD context, key, signature. */
  historyTransferAd: 'history-transfer/ad',
  historyTransferKey: 'history-transfer/key',
  historyTransferSignature: 'history-transfer/signature',
} as const;
export type Label = (typeof Label)[keyof typeof Label];

// Encoded labels are constant: build each once instead of on every chain step.
const encodedLabels = new Map<Label, Uint8Array>();

/** LP("Spreekuur-v1/" label) || LP(p1) || ... || LP(pn): the encoded KDF input / signature context. */
export function encodeContext(label: Label, parts: readonly Uint8Array[]): Uint8Array {
  let encoded = encodedLabels.get(label);
  if (encoded === undefined) {
    encoded = lengthPrefixed(utf8Encode(LABEL_PREFIX + label));
    encodedLabels.set(label, encoded);
  }
  return concatBytes(encoded, ...parts.map(lengthPrefixed));
}

/** Unkeyed labelled BLAKE2b. `length` is 16..64 bytes. */
export function hash(label: Label, parts: readonly Uint8Array[], length = 32): Uint8Array {
  return sodium().crypto_generichash(length, encodeContext(label, parts), null);
}

/** Keyed labelled BLAKE2b, a PRF under a 32-byte secret key. */
export function prf(key: Uint8Array, label: Label, parts: readonly Uint8Array[], length = 32): Uint8Array {
  return sodium().crypto_generichash(length, encodeContext(label, parts), key);
}

/** KDF_RK (SPEC §5.2): (RK, DH output) -> (RK', CK), one 64-byte PRF output split in two. */
export function kdfRoot(
  rootKey: Uint8Array,
  dhOutput: Uint8Array,
): { rootKey: Uint8Array; chainKey: Uint8Array } {
  const out = prf(rootKey, Label.ratchetRoot, [dhOutput], 64);
  const result = { rootKey: out.slice(0, 32), chainKey: out.slice(32, 64) };
  out.fill(0);
  return result;
}

/** KDF_CK (SPEC §5.2 and §6.2): CK -> (message key, next CK), with per-protocol labels. */
export function kdfChain(
  chainKey: Uint8Array,
  kind: 'pairwise' | 'group',
): { messageKey: Uint8Array; chainKey: Uint8Array } {
  const [mkLabel, ckLabel] =
    kind === 'pairwise'
      ? [Label.ratchetMessageKey, Label.ratchetChainKey]
      : [Label.senderMessageKey, Label.senderChainKey];
  return { messageKey: prf(chainKey, mkLabel, []), chainKey: prf(chainKey, ckLabel, []) };
}
