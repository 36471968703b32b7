import { ByteReader, concatBytes, equalBytes, expectLength, lengthPrefixed } from './bytes.ts';
import { utf8Decode, utf8Encode } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { checkIdentityPublicKey, type DeviceIdentity } from './identity.ts';
import { systemRng, type Rng } from './random.ts';
import { sodium } from './sodium.ts';

/**
 * Message franking (SPEC §14): a commitment to each message's plaintext that a recipient can
 * later open to report the message, so a report cannot be made up about a message that was
 * never sent, and a sender cannot deny a reported message.
 *
 * The opening is split in two: the server gets the binding key and the keyed digest (enough to
 * check the commitment, nothing about the plaintext); the channel's moderators get the franking
 * key and the plaintext, sealed to their devices, and check the digest.
 */

export const FRANKING_KEY_BYTES = 32;
export const FRANKING_COMMITMENT_BYTES = 32;
/** Largest reporter's note inside a reveal, in bytes of UTF-8. */
export const REPORT_NOTE_BYTES_MAX = 2000;

const LABEL_PREFIX = 'Spreekuur-v1/';
const REVEAL_VERSION = 1;

/** MAC(k, x) = HMAC-SHA-512(k, x) truncated to 32 bytes (libsodium crypto_auth); k is exactly 32 bytes. */
function mac(key: Uint8Array, label: string, parts: readonly Uint8Array[]): Uint8Array {
  const input = concatBytes(lengthPrefixed(utf8Encode(LABEL_PREFIX + label)), ...parts.map(lengthPrefixed));
  return sodium().crypto_auth(input, expectLength(key, 32, 'franking key'));
}

/** The two halves of a franking key: one binds (the server sees it), one hides (it never does). */
function splitKey(frankingKey: Uint8Array): { bindingKey: Uint8Array; hidingKey: Uint8Array } {
  expectLength(frankingKey, FRANKING_KEY_BYTES, 'franking key');
  return {
    bindingKey: mac(frankingKey, 'franking/binding-key', []),
    hidingKey: mac(frankingKey, 'franking/hiding-key', []),
  };
}

/** What the reporter gives the server: enough to check the commitment, nothing about the plaintext. */
export interface ServerOpening {
  bindingKey: Uint8Array;
  digest: Uint8Array;
}

/** A fresh franking key for one message (put it in the plaintext, SPEC §14.1). */
export function newFrankingKey(rng: Rng = systemRng): Uint8Array {
  return rng.randomBytes(FRANKING_KEY_BYTES);
}

/** The opening the server checks (SPEC §14.2). */
export function serverOpening(frankingKey: Uint8Array, plaintext: Uint8Array): ServerOpening {
  const { bindingKey, hidingKey } = splitKey(frankingKey);
  return { bindingKey, digest: mac(hidingKey, 'franking/digest', [plaintext]) };
}

/** The commitment that travels with the envelope: `commitment = MAC(kBind, "franking/commitment", digest)`. */
export function commitmentFromOpening(opening: ServerOpening): Uint8Array {
  expectLength(opening.digest, 32, 'franking digest');
  return mac(opening.bindingKey, 'franking/commitment', [opening.digest]);
}

/** The sender's commitment to a plaintext under its franking key (SPEC §14.2). */
export function frankingCommitment(frankingKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return commitmentFromOpening(serverOpening(frankingKey, plaintext));
}

/**
 * Does `plaintext` under `frankingKey` open `commitment`? Recipients check this on receipt
 * (a message whose commitment does not open cannot be reported, so it is not shown), and
 * moderators check a report's reveal. Constant-time comparison; wrong lengths are false.
 */
export function verifyFranking(
  commitment: Uint8Array,
  frankingKey: Uint8Array,
  plaintext: Uint8Array,
): boolean {
  if (commitment.length !== FRANKING_COMMITMENT_BYTES || frankingKey.length !== FRANKING_KEY_BYTES)
    return false;
  return equalBytes(frankingCommitment(frankingKey, plaintext), commitment);
}

/** The server's check of a report (SPEC §14.3); wrong lengths are false. */
export function verifyServerOpening(commitment: Uint8Array, opening: ServerOpening): boolean {
  if (
    commitment.length !== FRANKING_COMMITMENT_BYTES ||
    opening.bindingKey.length !== 32 ||
    opening.digest.length !== 32
  )
    return false;
  return equalBytes(commitmentFromOpening(opening), commitment);
}

// ---- The reveal: sealed to each moderator device -------------------------------------------

/** What a moderator's device opens: the reported plaintext, its franking key and the reporter's note. */
export interface Reveal {
  frankingKey: Uint8Array;
  plaintext: Uint8Array;
  note: string;
}

function encodeReveal(reveal: Reveal): Uint8Array {
  const note = utf8Encode(reveal.note);
  if (note.length > REPORT_NOTE_BYTES_MAX)
    throw new CryptoError(
      'ERR_CRYPTO_INVALID_ARGUMENT',
      `note is longer than ${REPORT_NOTE_BYTES_MAX} bytes`,
    );
  return concatBytes(
    Uint8Array.of(REVEAL_VERSION),
    lengthPrefixed(expectLength(reveal.frankingKey, FRANKING_KEY_BYTES, 'franking key')),
    lengthPrefixed(reveal.plaintext),
    lengthPrefixed(note),
  );
}

function decodeReveal(bytes: Uint8Array): Reveal {
  const reader = new ByteReader(bytes, 'reveal');
  if (reader.u8() !== REVEAL_VERSION)
    throw new CryptoError('ERR_CRYPTO_BAD_VERSION', 'unknown reveal version');
  const frankingKey = expectLength(reader.bytes(reader.u32()), FRANKING_KEY_BYTES, 'franking key');
  const plaintext = reader.bytes(reader.u32());
  const note = utf8Decode(reader.bytes(reader.u32()));
  reader.end();
  return { frankingKey, plaintext, note };
}

/**
 * Seals a reveal to one device (libsodium sealed box to the X25519 form of its Ed25519 identity
 * key, SPEC §14.4): only that device opens it; the server stores it as opaque bytes.
 */
export function sealReveal(recipientIdentityKey: Uint8Array, reveal: Reveal): Uint8Array {
  const s = sodium();
  const x25519 = s.crypto_sign_ed25519_pk_to_curve25519(checkIdentityPublicKey(recipientIdentityKey));
  return s.crypto_box_seal(encodeReveal(reveal), x25519);
}

/** Opens a reveal sealed to this device. Altered or foreign bytes: ERR_CRYPTO_BAD_MAC. */
export function openReveal(identity: DeviceIdentity, sealed: Uint8Array): Reveal {
  const s = sodium();
  const publicKey = s.crypto_sign_ed25519_pk_to_curve25519(identity.publicKey);
  const secretKey = s.crypto_sign_ed25519_sk_to_curve25519(identity.secretKey);
  let opened: Uint8Array;
  try {
    opened = s.crypto_box_seal_open(sealed, publicKey, secretKey);
  } catch {
    throw new CryptoError('ERR_CRYPTO_BAD_MAC', 'the reveal was not sealed to this device or was altered');
  } finally {
    secretKey.fill(0);
  }
  return decodeReveal(opened);
}
