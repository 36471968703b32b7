import { concatBytes, equalBytes } from './bytes.ts';
import { utf8Encode } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { checkIdentityPublicKey } from './identity.ts';
import { hash, Label } from './kdf.ts';
import { sodium } from './sodium.ts';
import { checkFrame, MessageType, WIRE_VERSION } from './wire.ts';

/**
 * Safety numbers (SPEC §8), in the spirit of Signal's numeric fingerprint: each party's
 * (stable id, identity key) is hashed 5200 times into a 30-digit half; the two halves are
 * sorted and joined into 60 digits, so both sides compute the same number. The QR payload holds
 * the two 32-byte fingerprints in the same order.
 */

export const FINGERPRINT_ITERATIONS = 5200;
export const SAFETY_NUMBER_DIGITS = 60;
export const FINGERPRINT_BYTES = 32;
export const SAFETY_QR_BYTES = 2 + 2 * FINGERPRINT_BYTES;
export const MAX_STABLE_ID_BYTES = 1024;

export interface SafetyNumberParty {
  /** Stable user or device identifier (the same string on both sides), e.g. a device id. */
  readonly id: string;
  /** Ed25519 identity public key, 32 bytes. */
  readonly identityKey: Uint8Array;
}

export interface SafetyNumber {
  /** 60 decimal digits. */
  readonly digits: string;
  /** The digits in 12 blocks of 5, for display. */
  readonly blocks: readonly string[];
  /** 66 bytes: version, type, then both fingerprints in the same order as the digits. */
  readonly qrPayload: Uint8Array;
}

/** fp = first 32 bytes of h_5200, h_0 = H("safety-number/fingerprint", key, id), h_i = BLAKE2b-512(h_{i-1} || key). */
function fingerprint(party: SafetyNumberParty): Uint8Array {
  checkIdentityPublicKey(party.identityKey);
  if (typeof party.id !== 'string' || party.id.length === 0) {
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'stable id must be a non-empty string');
  }
  const id = utf8Encode(party.id);
  if (id.length > MAX_STABLE_ID_BYTES) {
    throw new CryptoError('ERR_CRYPTO_TOO_LARGE', `stable id is longer than ${MAX_STABLE_ID_BYTES} bytes`);
  }
  const s = sodium();
  // Iterating makes finding a second key with the same 30 digits 5200 times more expensive.
  let h = hash(Label.safetyNumber, [party.identityKey, id], 64);
  const input = new Uint8Array(64 + party.identityKey.length);
  input.set(party.identityKey, 64);
  for (let i = 0; i < FINGERPRINT_ITERATIONS; i++) {
    input.set(h, 0);
    h = s.crypto_generichash(64, input, null);
  }
  return h.slice(0, FINGERPRINT_BYTES);
}

/** 30 digits: six 5-byte big-endian groups, each mod 100000, zero-padded (as Signal). */
function digitsOf(fp: Uint8Array): string {
  let out = '';
  for (let g = 0; g < 6; g++) {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 256 + fp[g * 5 + i]!;
    out += String(value % 100000).padStart(5, '0');
  }
  return out;
}

/** The safety number of two parties; `computeSafetyNumber(a, b)` equals `computeSafetyNumber(b, a)`. */
export function computeSafetyNumber(a: SafetyNumberParty, b: SafetyNumberParty): SafetyNumber {
  const fa = fingerprint(a);
  const fb = fingerprint(b);
  const da = digitsOf(fa);
  const db = digitsOf(fb);
  const [first, second] = da <= db ? [fa, fb] : [fb, fa];
  const digits = da <= db ? da + db : db + da;
  const blocks: string[] = [];
  for (let i = 0; i < SAFETY_NUMBER_DIGITS; i += 5) blocks.push(digits.slice(i, i + 5));
  return {
    digits,
    blocks,
    qrPayload: concatBytes(Uint8Array.of(WIRE_VERSION, MessageType.safetyNumberQr), first, second),
  };
}

/**
 * Compare a scanned QR payload with our own computation. Version, type and length are checked
 * first (ERR_CRYPTO_BAD_VERSION tells the UI the other app is newer); the comparison is constant-time.
 */
export function verifySafetyNumberQr(scanned: Uint8Array, expected: SafetyNumber): boolean {
  checkFrame(
    scanned,
    MessageType.safetyNumberQr,
    SAFETY_QR_BYTES,
    SAFETY_QR_BYTES,
    'safety-number QR payload',
  );
  return equalBytes(scanned, expected.qrPayload);
}

export type IdentityKeyStatus = 'new' | 'unchanged' | 'changed';

/**
 * The "key changed" signal (SPEC §8.3): compare the identity key stored for a contact device
 * with the one just seen (bundle, prekey message, directory). `'changed'` means: warn the user,
 * and the safety number must be compared again.
 */
export function checkIdentityKey(known: Uint8Array | null | undefined, seen: Uint8Array): IdentityKeyStatus {
  checkIdentityPublicKey(seen, 'seen identity key');
  if (known === null || known === undefined) return 'new';
  checkIdentityPublicKey(known, 'known identity key');
  return equalBytes(known, seen) ? 'unchanged' : 'changed';
}
