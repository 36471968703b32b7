import { ByteReader, ByteWriter, concatBytes, equalBytes, expectBytes, wipe } from './bytes.ts';
import { toHex, utf8Decode, utf8Encode } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { identityFromSeed, sign, verify, type DeviceIdentity } from './identity.ts';
import { encodeContext, kdfChain, Label } from './kdf.ts';
import { pad, paddedLength, unpad } from './padding.ts';
import { draw, resolveRng } from './draw.ts';
import type { Rng } from './random.ts';
import { MAX_PLAINTEXT_BYTES, MAX_SKIP, MAX_SKIPPED_KEYS, NONCE_BYTES, TAG_BYTES } from './ratchet.ts';
import { sodium } from './sodium.ts';
import {
  asArray,
  asObject,
  b64,
  bad,
  bytesToJson,
  bytesValue,
  expectHeader,
  jsonToBytes,
  parsing,
  readBytes,
  readString,
  readUint32,
  uint32Value,
  type JsonObject,
} from './state-json.ts';
import { checkFrame, MessageType, WIRE_VERSION } from './wire.ts';

/**
 * Group messaging with sender keys (SPEC §6), as in Signal/WhatsApp. Each sending device has,
 * per group, a chain key (ratcheted forward per message) and an Ed25519 signing key. It sends
 * the current chain key and the signing public key to every member device in a distribution
 * message over the pairwise sessions; group messages are encrypted once and signed.
 *
 * When a member leaves or is removed, every remaining device rotates (creates a fresh sender key)
 * and distributes it only to the remaining members, so the removed member cannot read anything
 * sent after (SPEC §6.5).
 */

export const SENDER_KEY_ID_BYTES = 16;
export const MAX_GROUP_ID_BYTES = 256;
export const MAX_SENDER_ID_BYTES = 256;
/** Sender keys kept per sender, so messages sent just before a rotation still open (SPEC §6.6). */
export const MAX_SENDER_KEYS_PER_SENDER = 5;
export { MAX_SKIP, MAX_SKIPPED_KEYS };

const CHAIN_KEY_BYTES = 32;
const SIGNING_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const MAX_COUNTER = 0xffff_ffff;
/** version, type, key id, iteration. */
const GROUP_HEADER_BYTES = 1 + 1 + SENDER_KEY_ID_BYTES + 4;
const MIN_GROUP_MESSAGE_BYTES =
  GROUP_HEADER_BYTES + NONCE_BYTES + 4 + paddedLength(0) + TAG_BYTES + SIGNATURE_BYTES;
const MAX_GROUP_MESSAGE_BYTES =
  GROUP_HEADER_BYTES + NONCE_BYTES + 4 + paddedLength(MAX_PLAINTEXT_BYTES) + TAG_BYTES + SIGNATURE_BYTES;
/** version, type, key id, iteration, chain key, signing key, group id length. */
const DISTRIBUTION_FIXED_BYTES = 1 + 1 + SENDER_KEY_ID_BYTES + 4 + CHAIN_KEY_BYTES + SIGNING_KEY_BYTES + 2;

function encodeGroupId(groupId: string): Uint8Array {
  if (typeof groupId !== 'string')
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'group id must be a string');
  const bytes = utf8Encode(groupId);
  if (bytes.length === 0) throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'group id must not be empty');
  if (bytes.length > MAX_GROUP_ID_BYTES) {
    throw new CryptoError('ERR_CRYPTO_TOO_LARGE', `group id is longer than ${MAX_GROUP_ID_BYTES} bytes`);
  }
  return bytes;
}

function checkSenderId(senderId: string): string {
  if (typeof senderId !== 'string' || senderId.length === 0) {
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'sender id must be a non-empty string');
  }
  if (utf8Encode(senderId).length > MAX_SENDER_ID_BYTES) {
    throw new CryptoError('ERR_CRYPTO_TOO_LARGE', `sender id is longer than ${MAX_SENDER_ID_BYTES} bytes`);
  }
  return senderId;
}

function groupAssociatedData(groupId: Uint8Array, header: Uint8Array): Uint8Array {
  return encodeContext(Label.groupAd, [groupId, header]);
}

function signatureContext(groupId: Uint8Array, signedPart: Uint8Array): Uint8Array {
  return encodeContext(Label.groupSignature, [groupId, signedPart]);
}

// ---- Distribution messages ----------------------------------------------------------------------

export interface SenderKeyDistribution {
  readonly groupId: string;
  readonly keyId: Uint8Array;
  readonly iteration: number;
  readonly chainKey: Uint8Array;
  readonly signingPublicKey: Uint8Array;
}

function encodeDistribution(d: SenderKeyDistribution): Uint8Array {
  const groupId = encodeGroupId(d.groupId);
  return new ByteWriter()
    .u8(WIRE_VERSION)
    .u8(MessageType.senderKeyDistribution)
    .bytes(d.keyId)
    .u32(d.iteration)
    .bytes(d.chainKey)
    .bytes(d.signingPublicKey)
    .u16(groupId.length)
    .bytes(groupId)
    .finish();
}

/** Parse a distribution message (SPEC §6.3); version, type and lengths first. */
export function parseSenderKeyDistribution(bytes: Uint8Array): SenderKeyDistribution {
  checkFrame(
    bytes,
    MessageType.senderKeyDistribution,
    DISTRIBUTION_FIXED_BYTES + 1,
    DISTRIBUTION_FIXED_BYTES + MAX_GROUP_ID_BYTES,
    'sender-key distribution',
  );
  const reader = new ByteReader(bytes, 'sender-key distribution');
  reader.u8();
  reader.u8();
  const keyId = reader.bytes(SENDER_KEY_ID_BYTES);
  const iteration = reader.u32();
  const chainKey = reader.bytes(CHAIN_KEY_BYTES);
  const signingPublicKey = reader.bytes(SIGNING_KEY_BYTES);
  const groupIdLength = reader.u16();
  if (groupIdLength === 0 || groupIdLength !== reader.remaining) {
    throw new CryptoError('ERR_CRYPTO_BAD_LENGTH', 'sender-key distribution group id length is wrong');
  }
  const groupId = utf8Decode(reader.bytes(groupIdLength));
  reader.end();
  return { groupId, keyId, iteration, chainKey, signingPublicKey };
}

// ---- Group messages -----------------------------------------------------------------------------

export interface GroupMessageInfo {
  readonly keyId: Uint8Array;
  readonly iteration: number;
}

/** Version, type, length, key id and iteration of a group message, without any crypto. */
export function parseGroupMessage(bytes: Uint8Array): GroupMessageInfo {
  checkFrame(bytes, MessageType.group, MIN_GROUP_MESSAGE_BYTES, MAX_GROUP_MESSAGE_BYTES, 'group message');
  const reader = new ByteReader(bytes, 'group message');
  reader.u8();
  reader.u8();
  const keyId = reader.bytes(SENDER_KEY_ID_BYTES);
  const iteration = reader.u32();
  // A sender stops at 2^32 - 2 (encrypt refuses the last value), so this is never legitimate.
  if (iteration >= MAX_COUNTER)
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'group message iteration out of range');
  return { keyId, iteration };
}

// ---- Outbound: our own sender key for one group -------------------------------------------------

interface OutboundState {
  readonly groupId: string;
  readonly groupIdBytes: Uint8Array;
  readonly keyId: Uint8Array;
  readonly signing: DeviceIdentity;
  chainKey: Uint8Array;
  iteration: number;
}

let createOutbound: (state: OutboundState, rng: Rng) => OutboundSenderKey;

/** This device's sender key for one group. Mutable: `encrypt` ratchets it forward. */
export class OutboundSenderKey {
  readonly #state: OutboundState;
  readonly #rng: Rng;

  static {
    createOutbound = (state, rng) => new OutboundSenderKey(state, rng);
  }

  private constructor(state: OutboundState, rng: Rng) {
    this.#state = state;
    this.#rng = rng;
  }

  get groupId(): string {
    return this.#state.groupId;
  }

  /** Random 16-byte id of this sender key; a rotation makes a new one. */
  get keyId(): Uint8Array {
    return new Uint8Array(this.#state.keyId);
  }

  /** Number of the next message; a distribution made now lets the receiver read from here on. */
  get iteration(): number {
    return this.#state.iteration;
  }

  get signingPublicKey(): Uint8Array {
    return new Uint8Array(this.#state.signing.publicKey);
  }

  /**
   * The distribution message for the current position (SPEC §6.3). Secret: send it only inside
   * pairwise sessions, to each member device. A receiver cannot read messages sent before it.
   */
  distributionMessage(): Uint8Array {
    const s = this.#state;
    return encodeDistribution({
      groupId: s.groupId,
      keyId: s.keyId,
      iteration: s.iteration,
      chainKey: s.chainKey,
      signingPublicKey: s.signing.publicKey,
    });
  }

  /** Encrypt and sign one group message (SPEC §6.4). */
  encrypt(plaintext: Uint8Array): Uint8Array {
    expectBytes(plaintext, 'plaintext');
    if (plaintext.length > MAX_PLAINTEXT_BYTES) {
      throw new CryptoError('ERR_CRYPTO_TOO_LARGE', `plaintext is larger than ${MAX_PLAINTEXT_BYTES} bytes`);
    }
    const s = this.#state;
    if (s.iteration >= MAX_COUNTER)
      throw new CryptoError('ERR_CRYPTO_EXHAUSTED', 'sender key exhausted; rotate it');
    const { messageKey, chainKey } = kdfChain(s.chainKey, 'group');
    const header = new ByteWriter()
      .u8(WIRE_VERSION)
      .u8(MessageType.group)
      .bytes(s.keyId)
      .u32(s.iteration)
      .finish();
    const nonce = draw(this.#rng, NONCE_BYTES);
    const padded = pad(plaintext);
    const sealed = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(
      padded,
      groupAssociatedData(s.groupIdBytes, header),
      null,
      nonce,
      messageKey,
    );
    wipe(padded, messageKey, s.chainKey);
    const body = concatBytes(header, nonce, sealed);
    const signature = sign(s.signing, signatureContext(s.groupIdBytes, body));
    s.chainKey = chainKey;
    s.iteration += 1;
    return concatBytes(body, signature);
  }

  toJSON(): JsonObject {
    const s = this.#state;
    return {
      v: STATE_VERSION,
      kind: OUTBOUND_KIND,
      groupId: s.groupId,
      keyId: b64(s.keyId),
      signingSeed: b64(s.signing.secretKey.slice(0, 32)),
      chainKey: b64(s.chainKey),
      iteration: s.iteration,
    };
  }

  serialize(): Uint8Array {
    return jsonToBytes(this.toJSON());
  }

  static fromJSON(json: unknown, options: { rng?: Rng } = {}): OutboundSenderKey {
    const state = parsing('outbound sender key', () => {
      const obj = asObject(json, 'outbound sender key');
      expectHeader(obj, OUTBOUND_KIND, STATE_VERSION);
      const groupId = readString(obj, 'groupId');
      return {
        groupId,
        groupIdBytes: encodeGroupId(groupId),
        keyId: readBytes(obj, 'keyId', SENDER_KEY_ID_BYTES),
        signing: identityFromSeed(readBytes(obj, 'signingSeed', 32)),
        chainKey: readBytes(obj, 'chainKey', CHAIN_KEY_BYTES),
        iteration: readUint32(obj, 'iteration'),
      };
    });
    return createOutbound(state, resolveRng(options.rng));
  }

  static deserialize(bytes: Uint8Array, options: { rng?: Rng } = {}): OutboundSenderKey {
    return OutboundSenderKey.fromJSON(bytesToJson(bytes, 'outbound sender key'), options);
  }
}

/** A fresh sender key for `groupId`: random key id, chain key and signing key. */
export function createSenderKey(groupId: string, options: { rng?: Rng } = {}): OutboundSenderKey {
  const rng = resolveRng(options.rng);
  const groupIdBytes = encodeGroupId(groupId);
  const keyId = draw(rng, SENDER_KEY_ID_BYTES);
  const chainKey = draw(rng, CHAIN_KEY_BYTES);
  const seed = draw(rng, 32);
  const signing = identityFromSeed(seed);
  wipe(seed);
  return createOutbound({ groupId, groupIdBytes, keyId, signing, chainKey, iteration: 0 }, rng);
}

/**
 * Replace a sender key after a member leaves or is removed (SPEC §6.5). Nothing of the old key
 * carries over; distribute the new one to the remaining members before the next send.
 */
export function rotateSenderKey(current: OutboundSenderKey, options: { rng?: Rng } = {}): OutboundSenderKey {
  return createSenderKey(current.groupId, options);
}

// ---- Inbound: other devices' sender keys for one group ------------------------------------------

interface InboundKey {
  readonly senderId: string;
  readonly keyId: Uint8Array;
  readonly signingPublicKey: Uint8Array;
  chainKey: Uint8Array;
  /** Next iteration expected from the chain. */
  iteration: number;
  /** Skipped message keys by iteration, oldest first. */
  readonly skipped: Map<number, Uint8Array>;
}

export interface GroupDecryptResult {
  /** The sender id given when its distribution message was imported (not taken from the wire). */
  readonly senderId: string;
  readonly plaintext: Uint8Array;
  readonly keyId: Uint8Array;
  readonly iteration: number;
}

/** All sender keys this device has received for one group. */
export class InboundSenderKeys {
  readonly groupId: string;
  readonly #groupIdBytes: Uint8Array;
  /**
   * (sender id, key id) -> key, insertion order per sender gives age. Keyed by the sender too,
   * so a member who forwards another member's distribution first (key-id squatting) only gets
   * an entry of its own, and cannot take over or block the real sender's messages.
   */
  readonly #keys = new Map<string, InboundKey>();

  constructor(groupId: string) {
    this.#groupIdBytes = encodeGroupId(groupId);
    this.groupId = groupId;
  }

  /**
   * Import a distribution message received over the pairwise session with `senderId` (use a
   * stable device id the SDK trusts; it is returned by `decrypt`). Importing the same key again
   * is a no-op.
   */
  importDistribution(senderId: string, message: Uint8Array): void {
    checkSenderId(senderId);
    const d = parseSenderKeyDistribution(message);
    if (d.groupId !== this.groupId) {
      throw new CryptoError('ERR_CRYPTO_WRONG_GROUP', 'distribution message is for another group');
    }
    const id = slot(senderId, d.keyId);
    const existing = this.#keys.get(id);
    if (existing !== undefined) {
      if (!equalBytes(existing.signingPublicKey, d.signingPublicKey)) {
        throw new CryptoError('ERR_CRYPTO_KEY_CONFLICT', 'sender key id already known with another key');
      }
      wipe(d.chainKey);
      return;
    }
    this.#keys.set(id, {
      senderId,
      keyId: d.keyId,
      signingPublicKey: d.signingPublicKey,
      chainKey: d.chainKey,
      iteration: d.iteration,
      skipped: new Map(),
    });
    const mine = [...this.#keys.entries()].filter(([, k]) => k.senderId === senderId);
    for (const [oldId, old] of mine.slice(0, Math.max(0, mine.length - MAX_SENDER_KEYS_PER_SENDER))) {
      this.#forget(oldId, old);
    }
  }

  /**
   * Verify and decrypt a group message (SPEC §6.6): version, type and length; known key id;
   * signature; replay and window; then the AEAD. Nothing changes unless it succeeds.
   * `senderId` is the device the transport names as the sender: the key is looked up under
   * (senderId, key id). Without it the key id must be unambiguous (`ERR_CRYPTO_KEY_CONFLICT`).
   */
  decrypt(message: Uint8Array, senderId?: string): GroupDecryptResult {
    const { keyId, iteration } = parseGroupMessage(message);
    const key = this.#find(keyId, senderId);
    const body = message.subarray(0, message.length - SIGNATURE_BYTES);
    const signature = message.subarray(message.length - SIGNATURE_BYTES);
    if (!verify(key.signingPublicKey, signatureContext(this.#groupIdBytes, body), signature)) {
      throw new CryptoError('ERR_CRYPTO_BAD_SIGNATURE', 'group message signature does not verify');
    }
    const header = body.subarray(0, GROUP_HEADER_BYTES);
    const nonce = body.subarray(GROUP_HEADER_BYTES, GROUP_HEADER_BYTES + NONCE_BYTES);
    const sealed = body.subarray(GROUP_HEADER_BYTES + NONCE_BYTES);
    const open = (messageKey: Uint8Array): Uint8Array => {
      let padded: Uint8Array;
      try {
        padded = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
          null,
          sealed,
          groupAssociatedData(this.#groupIdBytes, header),
          nonce,
          messageKey,
        );
      } catch (cause) {
        throw new CryptoError('ERR_CRYPTO_BAD_MAC', 'group message failed authentication', { cause });
      }
      try {
        return unpad(padded);
      } finally {
        wipe(padded);
      }
    };
    const result = (plaintext: Uint8Array): GroupDecryptResult => ({
      senderId: key.senderId,
      plaintext,
      keyId: new Uint8Array(key.keyId),
      iteration,
    });

    const stored = key.skipped.get(iteration);
    if (stored !== undefined) {
      const plaintext = open(stored);
      key.skipped.delete(iteration);
      wipe(stored);
      return result(plaintext);
    }
    if (iteration < key.iteration)
      throw new CryptoError('ERR_CRYPTO_REPLAY', 'group message already received');
    if (iteration - key.iteration > MAX_SKIP) {
      throw new CryptoError('ERR_CRYPTO_TOO_FAR_AHEAD', 'group message number too far ahead');
    }
    const skipped: [number, Uint8Array][] = [];
    let chainKey = key.chainKey;
    for (let i = key.iteration; i < iteration; i++) {
      const step = kdfChain(chainKey, 'group');
      if (chainKey !== key.chainKey) wipe(chainKey);
      skipped.push([i, step.messageKey]);
      chainKey = step.chainKey;
    }
    const step = kdfChain(chainKey, 'group');
    if (chainKey !== key.chainKey) wipe(chainKey);
    let plaintext: Uint8Array;
    try {
      plaintext = open(step.messageKey);
    } catch (error) {
      wipe(step.chainKey, ...skipped.map(([, mk]) => mk));
      throw error;
    } finally {
      wipe(step.messageKey);
    }
    wipe(key.chainKey);
    key.chainKey = step.chainKey;
    key.iteration = iteration + 1;
    for (const [i, mk] of skipped) key.skipped.set(i, mk);
    for (const [i, mk] of key.skipped) {
      if (key.skipped.size <= MAX_SKIPPED_KEYS) break;
      wipe(mk);
      key.skipped.delete(i);
    }
    return result(plaintext);
  }

  /** Drop every key of `senderId` (a removed member): its later messages no longer verify. */
  removeSender(senderId: string): void {
    for (const [id, key] of [...this.#keys]) if (key.senderId === senderId) this.#forget(id, key);
  }

  /** Sender ids with at least one imported key. */
  senders(): string[] {
    return [...new Set([...this.#keys.values()].map((k) => k.senderId))];
  }

  hasKey(keyId: Uint8Array, senderId?: string): boolean {
    const hex = toHex(keyId);
    return [...this.#keys.values()].some(
      (k) => toHex(k.keyId) === hex && (senderId === undefined || k.senderId === senderId),
    );
  }

  #find(keyId: Uint8Array, senderId: string | undefined): InboundKey {
    if (senderId !== undefined) {
      const key = this.#keys.get(slot(senderId, keyId));
      if (key === undefined) throw new CryptoError('ERR_CRYPTO_UNKNOWN_SENDER_KEY', 'unknown sender key id');
      return key;
    }
    const hex = toHex(keyId);
    const matches = [...this.#keys.values()].filter((k) => toHex(k.keyId) === hex);
    if (matches.length === 0) throw new CryptoError('ERR_CRYPTO_UNKNOWN_SENDER_KEY', 'unknown sender key id');
    if (matches.length > 1)
      throw new CryptoError('ERR_CRYPTO_KEY_CONFLICT', 'key id held by several senders; name the sender');
    return matches[0]!;
  }

  #forget(id: string, key: InboundKey): void {
    wipe(key.chainKey, ...key.skipped.values());
    this.#keys.delete(id);
  }

  toJSON(): JsonObject {
    return {
      v: STATE_VERSION,
      kind: INBOUND_KIND,
      groupId: this.groupId,
      keys: [...this.#keys.values()].map((k) => ({
        senderId: k.senderId,
        keyId: b64(k.keyId),
        signingPublicKey: b64(k.signingPublicKey),
        chainKey: b64(k.chainKey),
        iteration: k.iteration,
        skipped: [...k.skipped].map(([i, mk]) => [i, b64(mk)]),
      })),
    };
  }

  serialize(): Uint8Array {
    return jsonToBytes(this.toJSON());
  }

  static fromJSON(json: unknown): InboundSenderKeys {
    return parsing('inbound sender keys', () => {
      const obj = asObject(json, 'inbound sender keys');
      expectHeader(obj, INBOUND_KIND, STATE_VERSION);
      const inbound = new InboundSenderKeys(readString(obj, 'groupId'));
      for (const item of asArray(obj.keys, 'keys')) {
        const k = asObject(item, 'key');
        const skipped = new Map<number, Uint8Array>();
        const list = asArray(k.skipped, 'skipped');
        if (list.length > MAX_SKIPPED_KEYS) throw bad('too many skipped keys');
        for (const entry of list) {
          const tuple = asArray(entry, 'skipped entry');
          if (tuple.length !== 2) throw bad('skipped entry must be [iteration, messageKey]');
          skipped.set(
            uint32Value(tuple[0], 'skipped iteration'),
            bytesValue(tuple[1], 'skipped message key', 32),
          );
        }
        const key: InboundKey = {
          senderId: checkSenderId(readString(k, 'senderId')),
          keyId: readBytes(k, 'keyId', SENDER_KEY_ID_BYTES),
          signingPublicKey: readBytes(k, 'signingPublicKey', SIGNING_KEY_BYTES),
          chainKey: readBytes(k, 'chainKey', CHAIN_KEY_BYTES),
          iteration: readUint32(k, 'iteration'),
          skipped,
        };
        const id = slot(key.senderId, key.keyId);
        if (inbound.#keys.has(id)) throw bad('duplicate key id');
        inbound.#keys.set(id, key);
      }
      return inbound;
    });
  }

  static deserialize(bytes: Uint8Array): InboundSenderKeys {
    return InboundSenderKeys.fromJSON(bytesToJson(bytes, 'inbound sender keys'));
  }
}

/** Map key of an inbound sender key: sender ids never contain a newline (they are device ids). */
const slot = (senderId: string, keyId: Uint8Array) => `${senderId}\n${toHex(keyId)}`;

const OUTBOUND_KIND = 'spreekuur/sender-key/outbound';
const INBOUND_KIND = 'spreekuur/sender-key/inbound';
const STATE_VERSION = 1;
