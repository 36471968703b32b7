import { ByteReader, ByteWriter, concatBytes, equalBytes, wipe } from './bytes.ts';
import { toHex } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { kdfChain, kdfRoot } from './kdf.ts';
import { pad, paddedLength, unpad } from './padding.ts';
import { draw } from './draw.ts';
import type { Rng } from './random.ts';
import { sodium } from './sodium.ts';
import { MessageType, WIRE_VERSION, checkFrame } from './wire.ts';
import { generateX25519KeyPair, x25519, X25519_KEY_BYTES, type X25519KeyPair } from './x25519.ts';

/**
 * The Double Ratchet (SPEC §5), as in Signal's specification with XChaCha20-Poly1305 and the
 * BLAKE2b KDFs of `kdf.ts`. Internal: the state machine behind `Session`.
 */

/** Largest jump forward inside one receiving chain (SPEC §5.5). */
export const MAX_SKIP = 1000;
/** Most skipped message keys kept per session; the oldest is evicted first (SPEC §5.5). */
export const MAX_SKIPPED_KEYS = 2000;
/** Remote ratchet keys remembered so that a replay from an old chain reports REPLAY (SPEC §5.6). */
export const MAX_PREVIOUS_RATCHET_KEYS = 64;
/** Largest plaintext of one pairwise or group message (SPEC §5.3). Files go through attachments. */
export const MAX_PLAINTEXT_BYTES = 256 * 1024;

export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
/** version, type, DH public key, PN, N. */
const RATCHET_HEADER_BYTES = 1 + 1 + X25519_KEY_BYTES + 4 + 4;
const MIN_SEALED_BYTES = 4 + paddedLength(0) + TAG_BYTES;
const MAX_SEALED_BYTES = 4 + paddedLength(MAX_PLAINTEXT_BYTES) + TAG_BYTES;
export const MIN_RATCHET_MESSAGE_BYTES = RATCHET_HEADER_BYTES + NONCE_BYTES + MIN_SEALED_BYTES;
export const MAX_RATCHET_MESSAGE_BYTES = RATCHET_HEADER_BYTES + NONCE_BYTES + MAX_SEALED_BYTES;
const MAX_COUNTER = 0xffff_ffff;

export interface SkippedKey {
  readonly ratchetKey: Uint8Array;
  readonly n: number;
  readonly messageKey: Uint8Array;
}

export interface RatchetState {
  rootKey: Uint8Array;
  /** Our current ratchet key pair (DHs). */
  sendingKey: X25519KeyPair;
  /** Their current ratchet public key (DHr); null until the first message arrives (responder). */
  receivingKey: Uint8Array | null;
  sendingChainKey: Uint8Array | null;
  receivingChainKey: Uint8Array | null;
  /** Ns, Nr, PN of the Double Ratchet specification. */
  sendCount: number;
  receiveCount: number;
  previousSendCount: number;
  /** Skipped message keys by `hex(ratchetKey)/n`, in insertion order (oldest first). */
  skipped: Map<string, SkippedKey>;
  /** Earlier values of `receivingKey` (hex), newest last. */
  previousReceivingKeys: string[];
}

interface RatchetHeader {
  readonly ratchetKey: Uint8Array;
  readonly previousCount: number;
  readonly n: number;
}

const skippedId = (ratchetKey: Uint8Array, n: number): string => `${toHex(ratchetKey)}/${n}`;

/** Initiator: knows SK and the responder's signed prekey, which serves as its first ratchet key. */
export function initInitiator(sharedKey: Uint8Array, remoteRatchetKey: Uint8Array, rng: Rng): RatchetState {
  const sendingKey = generateX25519KeyPair(rng);
  const dh = x25519(sendingKey.secretKey, remoteRatchetKey);
  const { rootKey, chainKey } = kdfRoot(sharedKey, dh);
  wipe(dh);
  return {
    rootKey,
    sendingKey,
    receivingKey: remoteRatchetKey,
    sendingChainKey: chainKey,
    receivingChainKey: null,
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    skipped: new Map(),
    previousReceivingKeys: [],
  };
}

/** Responder: its signed prekey pair is the first ratchet key; the first message ratchets it. */
export function initResponder(sharedKey: Uint8Array, signedPreKey: X25519KeyPair): RatchetState {
  return {
    rootKey: sharedKey,
    sendingKey: {
      publicKey: new Uint8Array(signedPreKey.publicKey),
      secretKey: new Uint8Array(signedPreKey.secretKey),
    },
    receivingKey: null,
    sendingChainKey: null,
    receivingChainKey: null,
    sendCount: 0,
    receiveCount: 0,
    previousSendCount: 0,
    skipped: new Map(),
    previousReceivingKeys: [],
  };
}

function encodeHeader(h: RatchetHeader): Uint8Array {
  return new ByteWriter()
    .u8(WIRE_VERSION)
    .u8(MessageType.ratchet)
    .bytes(h.ratchetKey)
    .u32(h.previousCount)
    .u32(h.n)
    .finish();
}

export interface ParsedRatchetMessage {
  readonly header: RatchetHeader;
  readonly headerBytes: Uint8Array;
  readonly nonce: Uint8Array;
  readonly sealed: Uint8Array;
}

/** Version, type and length are checked here, before any key is derived (SPEC §5.3). */
export function parseRatchetMessage(bytes: Uint8Array): ParsedRatchetMessage {
  checkFrame(
    bytes,
    MessageType.ratchet,
    MIN_RATCHET_MESSAGE_BYTES,
    MAX_RATCHET_MESSAGE_BYTES,
    'ratchet message',
  );
  const reader = new ByteReader(bytes, 'ratchet message');
  const headerBytes = bytes.slice(0, RATCHET_HEADER_BYTES);
  reader.u8();
  reader.u8();
  const header = { ratchetKey: reader.bytes(X25519_KEY_BYTES), previousCount: reader.u32(), n: reader.u32() };
  // A sender stops at 2^32 - 2 (encrypt refuses the last value), so this is never legitimate.
  if (header.n >= MAX_COUNTER) throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'message number out of range');
  return { header, headerBytes, nonce: reader.bytes(NONCE_BYTES), sealed: reader.rest() };
}

function seal(
  messageKey: Uint8Array,
  associatedData: Uint8Array,
  headerBytes: Uint8Array,
  plaintext: Uint8Array,
  rng: Rng,
): Uint8Array {
  const nonce = draw(rng, NONCE_BYTES);
  const padded = pad(plaintext);
  const sealed = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(
    padded,
    concatBytes(associatedData, headerBytes),
    null,
    nonce,
    messageKey,
  );
  wipe(padded);
  return concatBytes(headerBytes, nonce, sealed);
}

function open(messageKey: Uint8Array, associatedData: Uint8Array, parsed: ParsedRatchetMessage): Uint8Array {
  let padded: Uint8Array;
  try {
    padded = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      parsed.sealed,
      concatBytes(associatedData, parsed.headerBytes),
      parsed.nonce,
      messageKey,
    );
  } catch (cause) {
    throw new CryptoError('ERR_CRYPTO_BAD_MAC', 'message failed authentication', { cause });
  }
  try {
    return unpad(padded);
  } finally {
    wipe(padded);
  }
}

/** RatchetEncrypt (SPEC §5.4). Mutates `state`. */
export function ratchetEncrypt(
  state: RatchetState,
  associatedData: Uint8Array,
  plaintext: Uint8Array,
  rng: Rng,
): Uint8Array {
  if (state.sendingChainKey === null) {
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'this session cannot send before it has received');
  }
  if (state.sendCount >= MAX_COUNTER) {
    throw new CryptoError('ERR_CRYPTO_EXHAUSTED', 'sending chain exhausted; start a new session');
  }
  const { messageKey, chainKey } = kdfChain(state.sendingChainKey, 'pairwise');
  const headerBytes = encodeHeader({
    ratchetKey: state.sendingKey.publicKey,
    previousCount: state.previousSendCount,
    n: state.sendCount,
  });
  try {
    const message = seal(messageKey, associatedData, headerBytes, plaintext, rng);
    wipe(state.sendingChainKey);
    state.sendingChainKey = chainKey;
    state.sendCount += 1;
    return message;
  } finally {
    wipe(messageKey);
  }
}

/** Message keys for n in [from, to) of a chain, plus the chain key after them. */
function skipKeys(
  chainKey: Uint8Array,
  ratchetKey: Uint8Array,
  from: number,
  to: number,
): { keys: SkippedKey[]; chainKey: Uint8Array } {
  const keys: SkippedKey[] = [];
  let ck = chainKey;
  for (let n = from; n < to; n++) {
    const step = kdfChain(ck, 'pairwise');
    if (ck !== chainKey) wipe(ck);
    keys.push({ ratchetKey, n, messageKey: step.messageKey });
    ck = step.chainKey;
  }
  return { keys, chainKey: ck };
}

function storeSkipped(state: RatchetState, keys: readonly SkippedKey[]): void {
  for (const key of keys) state.skipped.set(skippedId(key.ratchetKey, key.n), key);
  // Evict oldest first: bounded memory and bounded persisted state (SPEC §5.5).
  for (const [id, key] of state.skipped) {
    if (state.skipped.size <= MAX_SKIPPED_KEYS) break;
    wipe(key.messageKey);
    state.skipped.delete(id);
  }
}

/**
 * RatchetDecrypt (SPEC §5.6). Transactional: every new value is computed on the side and
 * committed only after the AEAD tag verifies, so a forged or corrupted message never changes
 * the state (and cannot push skipped keys out or advance a chain).
 */
export function ratchetDecrypt(
  state: RatchetState,
  associatedData: Uint8Array,
  parsed: ParsedRatchetMessage,
  rng: Rng,
): Uint8Array {
  const { ratchetKey, previousCount, n } = parsed.header;

  const id = skippedId(ratchetKey, n);
  const stored = state.skipped.get(id);
  if (stored !== undefined) {
    const plaintext = open(stored.messageKey, associatedData, parsed);
    state.skipped.delete(id);
    wipe(stored.messageKey);
    return plaintext;
  }

  if (state.receivingKey !== null && equalBytes(ratchetKey, state.receivingKey)) {
    // The initiator's first receiving key is the responder's signed prekey, which never sends.
    if (state.receivingChainKey === null) {
      throw new CryptoError('ERR_CRYPTO_BAD_MAC', 'no receiving chain for this ratchet key');
    }
    if (n < state.receiveCount) throw new CryptoError('ERR_CRYPTO_REPLAY', 'message already received');
    if (n - state.receiveCount > MAX_SKIP)
      throw new CryptoError('ERR_CRYPTO_TOO_FAR_AHEAD', 'message number too far ahead');
    const skipped = skipKeys(state.receivingChainKey, ratchetKey, state.receiveCount, n);
    const step = kdfChain(skipped.chainKey, 'pairwise');
    if (skipped.chainKey !== state.receivingChainKey) wipe(skipped.chainKey);
    let plaintext: Uint8Array;
    try {
      plaintext = open(step.messageKey, associatedData, parsed);
    } catch (error) {
      wipe(step.chainKey, ...skipped.keys.map((k) => k.messageKey));
      throw error;
    } finally {
      wipe(step.messageKey);
    }
    wipe(state.receivingChainKey);
    state.receivingChainKey = step.chainKey;
    state.receiveCount = n + 1;
    storeSkipped(state, skipped.keys);
    return plaintext;
  }

  // A new remote ratchet key: a DH ratchet step.
  if (state.previousReceivingKeys.includes(toHex(ratchetKey))) {
    throw new CryptoError('ERR_CRYPTO_REPLAY', 'message from an earlier chain already received');
  }
  if (state.receivingChainKey !== null && previousCount - state.receiveCount > MAX_SKIP) {
    throw new CryptoError('ERR_CRYPTO_TOO_FAR_AHEAD', 'previous chain length too far ahead');
  }
  if (n > MAX_SKIP) throw new CryptoError('ERR_CRYPTO_TOO_FAR_AHEAD', 'message number too far ahead');

  const oldChain =
    state.receivingChainKey !== null && state.receivingKey !== null
      ? skipKeys(state.receivingChainKey, state.receivingKey, state.receiveCount, previousCount)
      : { keys: [], chainKey: null };
  const dhReceive = x25519(state.sendingKey.secretKey, ratchetKey);
  const receiving = kdfRoot(state.rootKey, dhReceive);
  const newSendingKey = generateX25519KeyPair(rng);
  const dhSend = x25519(newSendingKey.secretKey, ratchetKey);
  const sending = kdfRoot(receiving.rootKey, dhSend);
  wipe(dhReceive, dhSend, receiving.rootKey);
  const newChain = skipKeys(receiving.chainKey, ratchetKey, 0, n);
  const step = kdfChain(newChain.chainKey, 'pairwise');
  // The old chain's final chain key may be the live state.receivingChainKey (nothing skipped).
  const oldChainKey = oldChain.chainKey === state.receivingChainKey ? null : oldChain.chainKey;
  const discard = (): void =>
    wipe(
      step.chainKey,
      newChain.chainKey,
      receiving.chainKey,
      sending.rootKey,
      sending.chainKey,
      newSendingKey.secretKey,
      oldChainKey,
      ...oldChain.keys.map((k) => k.messageKey),
      ...newChain.keys.map((k) => k.messageKey),
    );
  let plaintext: Uint8Array;
  try {
    plaintext = open(step.messageKey, associatedData, parsed);
  } catch (error) {
    discard();
    throw error;
  } finally {
    wipe(step.messageKey);
  }
  wipe(receiving.chainKey, newChain.chainKey, oldChainKey);

  if (state.receivingKey !== null) {
    state.previousReceivingKeys.push(toHex(state.receivingKey));
    if (state.previousReceivingKeys.length > MAX_PREVIOUS_RATCHET_KEYS) state.previousReceivingKeys.shift();
  }
  wipe(state.rootKey, state.receivingChainKey, state.sendingChainKey, state.sendingKey.secretKey);
  state.rootKey = sending.rootKey;
  state.receivingKey = ratchetKey;
  state.receivingChainKey = step.chainKey;
  state.receiveCount = n + 1;
  state.sendingKey = newSendingKey;
  state.sendingChainKey = sending.chainKey;
  state.previousSendCount = state.sendCount;
  state.sendCount = 0;
  storeSkipped(state, [...oldChain.keys, ...newChain.keys]);
  return plaintext;
}
