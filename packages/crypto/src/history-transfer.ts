import { ByteReader, ByteWriter, concatBytes, equalBytes, expectBytes, wipe } from './bytes.ts';
import { draw, resolveRng } from './draw.ts';
import { idBytes } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { checkIdentityPublicKey, sign, verify, type DeviceIdentity } from './identity.ts';
import { encodeContext, hash, Label } from './kdf.ts';
import type { Rng } from './random.ts';
import { sodium } from './sodium.ts';
import { edPublicToX25519, generateX25519KeyPair, x25519 } from './x25519.ts';

/**
 * History transfer (SPEC §15.2): an existing device of a person seals the decrypted history it
 * holds to a newly linked device of the same person. Only the new device can open it (an
 * ephemeral X25519 key against its identity key), the sending device signs it, and both are
 * bound to a context (person, both devices with their keys, the time it was made, the format
 * version), so the server can neither read, forge, change, nor hand it to another device.
 *
 *   header = 0x01 ‖ 0x07 ‖ u64be(createdAt ms) ‖ E.pk (32) ‖ nonce (24)
 *   wire   = header ‖ SIG(A, Context("history-transfer/signature", header, ctx, ct)) ‖ ct
 */

const VERSION = 0x01;
const TYPE = 0x07;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
const SIGNATURE_BYTES = 64;
const HEADER_BYTES = 2 + 8 + 32 + NONCE_BYTES;
/** The largest sealed transfer (4 MiB): what the server keeps at most (protocol's limit is the same). */
export const MAX_HISTORY_TRANSFER_BYTES = 4 * 1024 * 1024;
/** createdAt must fit the 53 bits a JavaScript number holds exactly. */
const MAX_TIME = Number.MAX_SAFE_INTEGER;

/** Who sends to whom, for whom: what a transfer is bound to. */
export interface HistoryTransferContext {
  readonly personId: string;
  readonly fromDeviceId: string;
  /** Ed25519 identity key of the sending device (32 bytes). */
  readonly fromIdentityKey: Uint8Array;
  readonly toDeviceId: string;
  /** Ed25519 identity key of the receiving device (32 bytes). */
  readonly toIdentityKey: Uint8Array;
}

function timeBytes(createdAt: number): Uint8Array {
  if (!Number.isInteger(createdAt) || createdAt < 0 || createdAt > MAX_TIME)
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'createdAt must be milliseconds since 1970');
  const hi = Math.floor(createdAt / 0x1_0000_0000);
  return new ByteWriter()
    .u32(hi)
    .u32(createdAt - hi * 0x1_0000_0000)
    .finish();
}

/** Context("history-transfer/ad", person, from id, from key, to id, to key, u64be(createdAt)). */
function contextBytes(context: HistoryTransferContext, createdAt: number): Uint8Array {
  return encodeContext(Label.historyTransferAd, [
    idBytes(context.personId, 'person id'),
    idBytes(context.fromDeviceId, 'sending device id'),
    checkIdentityPublicKey(context.fromIdentityKey, 'sending identity key'),
    idBytes(context.toDeviceId, 'receiving device id'),
    checkIdentityPublicKey(context.toIdentityKey, 'receiving identity key'),
    timeBytes(createdAt),
  ]);
}

function transferKey(dh: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array, ctx: Uint8Array) {
  return hash(Label.historyTransferKey, [dh, ephemeral, recipient, ctx]);
}

/**
 * Seals `plaintext` from `sender` (the device `context.fromDeviceId`) to `context.toDeviceId`.
 * `createdAt` (ms) and `rng` are injectable for the known-answer test; defaults: now, the CSPRNG.
 */
export function sealHistoryTransfer(
  sender: DeviceIdentity,
  context: HistoryTransferContext,
  plaintext: Uint8Array,
  options: { createdAt?: number; rng?: Rng } = {},
): Uint8Array {
  expectBytes(plaintext, 'plaintext');
  if (!equalKeys(sender.publicKey, context.fromIdentityKey))
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'the sender is not the device the context names');
  const createdAt = options.createdAt ?? Date.now();
  const ctx = contextBytes(context, createdAt);
  if (HEADER_BYTES + SIGNATURE_BYTES + plaintext.length + TAG_BYTES > MAX_HISTORY_TRANSFER_BYTES)
    throw new CryptoError('ERR_CRYPTO_TOO_LARGE', 'the history is larger than a transfer may be');
  const rng = resolveRng(options.rng);
  const recipient = edPublicToX25519(context.toIdentityKey);
  const ephemeral = generateX25519KeyPair(rng);
  const nonce = draw(rng, NONCE_BYTES);
  const header = new ByteWriter()
    .u8(VERSION)
    .u8(TYPE)
    .bytes(timeBytes(createdAt))
    .bytes(ephemeral.publicKey)
    .bytes(nonce)
    .finish();
  const dh = x25519(ephemeral.secretKey, recipient);
  const key = transferKey(dh, ephemeral.publicKey, recipient, ctx);
  try {
    const ct = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(
      plaintext,
      concatBytes(header, ctx),
      null,
      nonce,
      key,
    );
    const signature = sign(sender, encodeContext(Label.historyTransferSignature, [header, ctx, ct]));
    return concatBytes(header, signature, ct);
  } finally {
    wipe(dh, key, ephemeral.secretKey);
  }
}

/**
 * Opens a transfer sealed to `recipient` (the device `context.toDeviceId`) by the device
 * `context.fromDeviceId` with the key the caller trusts for it. Checks length, version and type
 * before anything, then the signature, then the AEAD: any change, another recipient, another
 * sender or another context fails (ERR_CRYPTO_BAD_LENGTH / _BAD_VERSION / _BAD_FORMAT /
 * _BAD_SIGNATURE / _BAD_MAC).
 */
export function openHistoryTransfer(
  recipient: DeviceIdentity,
  context: HistoryTransferContext,
  wire: Uint8Array,
): { plaintext: Uint8Array; createdAt: number } {
  expectBytes(wire, 'history transfer');
  if (wire.length < HEADER_BYTES + SIGNATURE_BYTES + TAG_BYTES || wire.length > MAX_HISTORY_TRANSFER_BYTES)
    throw new CryptoError('ERR_CRYPTO_BAD_LENGTH', 'a history transfer of impossible length');
  if (wire[0] !== VERSION)
    throw new CryptoError('ERR_CRYPTO_BAD_VERSION', 'unknown history transfer version');
  if (wire[1] !== TYPE) throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'not a history transfer');
  if (!equalKeys(recipient.publicKey, context.toIdentityKey))
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'the recipient is not the device the context names');
  const reader = new ByteReader(wire, 'history transfer');
  reader.bytes(2);
  const hi = reader.u32();
  const createdAt = hi * 0x1_0000_0000 + reader.u32();
  if (createdAt > MAX_TIME) throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'impossible creation time');
  const ephemeral = reader.bytes(32);
  const nonce = reader.bytes(NONCE_BYTES);
  const signature = reader.bytes(SIGNATURE_BYTES);
  const ct = reader.rest();
  const header = wire.subarray(0, HEADER_BYTES);
  const ctx = contextBytes(context, createdAt);
  if (
    !verify(
      context.fromIdentityKey,
      encodeContext(Label.historyTransferSignature, [header, ctx, ct]),
      signature,
    )
  )
    throw new CryptoError(
      'ERR_CRYPTO_BAD_SIGNATURE',
      'the history transfer is not signed by the sending device',
    );
  const s = sodium();
  const recipientX = edPublicToX25519(recipient.publicKey);
  const secret = s.crypto_sign_ed25519_sk_to_curve25519(recipient.secretKey);
  let dh: Uint8Array | undefined;
  let key: Uint8Array | undefined;
  try {
    dh = x25519(secret, ephemeral);
    key = transferKey(dh, ephemeral, recipientX, ctx);
    const plaintext = s.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      ct,
      concatBytes(header, ctx),
      nonce,
      key,
    );
    return { plaintext, createdAt };
  } catch (cause) {
    if (cause instanceof CryptoError) throw cause;
    throw new CryptoError('ERR_CRYPTO_BAD_MAC', 'the history transfer was not sealed to this device', {
      cause,
    });
  } finally {
    wipe(dh, key, secret);
  }
}

function equalKeys(a: Uint8Array, b: Uint8Array): boolean {
  return a instanceof Uint8Array && b instanceof Uint8Array && equalBytes(a, b);
}
