import { ByteReader, concatBytes, equalBytes, expectBytes, wipe } from './bytes.ts';
import { toHex } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { hash, Label } from './kdf.ts';
import { checkIdentityPublicKey, IDENTITY_PUBLIC_KEY_BYTES, type DeviceIdentity } from './identity.ts';
import {
  decodePreKeyHeader,
  encodePreKeyHeader,
  pqxdhInitiate,
  pqxdhRespond,
  PREKEY_HEADER_BYTES,
  sessionAssociatedData,
} from './pqxdh.ts';
import type { PreKeyBundle, PreKeyLookup } from './prekeys.ts';
import {
  initInitiator,
  initResponder,
  MAX_PLAINTEXT_BYTES,
  MAX_PREVIOUS_RATCHET_KEYS,
  MAX_RATCHET_MESSAGE_BYTES,
  MAX_SKIPPED_KEYS,
  MIN_RATCHET_MESSAGE_BYTES,
  parseRatchetMessage,
  ratchetDecrypt,
  ratchetEncrypt,
  type RatchetState,
  type SkippedKey,
} from './ratchet.ts';
import { resolveRng } from './draw.ts';
import type { Rng } from './random.ts';
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
  readNullableBytes,
  readString,
  readUint32,
  uint32Value,
  type JsonObject,
} from './state-json.ts';
import { checkFrame, MessageType, WIRE_VERSION } from './wire.ts';
import { X25519_KEY_BYTES } from './x25519.ts';

export { MAX_PLAINTEXT_BYTES, MAX_SKIP, MAX_SKIPPED_KEYS } from './ratchet.ts';

/**
 * Pairwise (device-to-device) sessions (SPEC §4, §5): PQXDH to start, the Double Ratchet after.
 *
 *   const session = initiateSession(me, bundle);         // Alice
 *   const wire = session.encrypt(bytes);                 // prekey message until Bob answers
 *   const { session: bob, plaintext } = acceptSession(bobIdentity, lookup, wire);
 */

export const MIN_PREKEY_MESSAGE_BYTES = PREKEY_HEADER_BYTES + MIN_RATCHET_MESSAGE_BYTES;
export const MAX_PREKEY_MESSAGE_BYTES = PREKEY_HEADER_BYTES + MAX_RATCHET_MESSAGE_BYTES;

export type SessionRole = 'initiator' | 'responder';

export interface SessionOptions {
  /** Randomness for nonces and new ratchet keys; defaults to the system CSPRNG. */
  readonly rng?: Rng;
}

/** Public fields of a prekey message, for routing before any crypto (SPEC §4.5). */
export interface PreKeyMessageInfo {
  readonly initiatorIdentityKey: Uint8Array;
  /** The initiator's ephemeral key EK_A; also the session id on both sides. */
  readonly baseKey: Uint8Array;
  readonly signedPreKeyId: number;
  readonly kemPreKeyId: number;
  readonly oneTimePreKeyId: number | undefined;
}

/** `'prekey'` starts (or continues, before the first reply) a session; `'message'` needs an existing one. */
export function pairwiseMessageKind(message: Uint8Array): 'prekey' | 'message' {
  expectBytes(message, 'message');
  if (message.length < 2) throw new CryptoError('ERR_CRYPTO_BAD_LENGTH', 'message is too short');
  if (message[0] !== WIRE_VERSION)
    throw new CryptoError('ERR_CRYPTO_BAD_VERSION', `unsupported version ${message[0]}`);
  if (message[1] === MessageType.preKey) return 'prekey';
  if (message[1] === MessageType.ratchet) return 'message';
  throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `type ${message[1]} is not a pairwise message`);
}

function splitPreKeyMessage(message: Uint8Array) {
  checkFrame(
    message,
    MessageType.preKey,
    MIN_PREKEY_MESSAGE_BYTES,
    MAX_PREKEY_MESSAGE_BYTES,
    'prekey message',
  );
  const reader = new ByteReader(message, 'prekey message');
  const header = decodePreKeyHeader(reader);
  const headerBytes = message.subarray(0, PREKEY_HEADER_BYTES);
  return { header, headerBytes, inner: parseRatchetMessage(reader.rest()) };
}

/** Parses (without decrypting) a prekey message: who started it and with which prekeys. */
export function parsePreKeyMessage(message: Uint8Array): PreKeyMessageInfo {
  const { header } = splitPreKeyMessage(message);
  return {
    initiatorIdentityKey: header.initiatorIdentityKey,
    baseKey: header.baseKey,
    signedPreKeyId: header.signedPreKeyId,
    kemPreKeyId: header.kemPreKeyId,
    oneTimePreKeyId: header.oneTimePreKeyId,
  };
}

interface SessionState {
  readonly role: SessionRole;
  readonly localIdentityKey: Uint8Array;
  readonly remoteIdentityKey: Uint8Array;
  readonly baseKey: Uint8Array;
  readonly associatedData: Uint8Array;
  /** Initiator: encoded prekey header, prepended to every message until the responder has answered. */
  pendingPreKey: Uint8Array | null;
  /** Responder: digest of the prekey header that created the session; repeats must match it exactly. */
  readonly preKeyHeaderHash: Uint8Array | null;
  readonly ratchet: RatchetState;
}

function preKeyHeaderHash(headerBytes: Uint8Array): Uint8Array {
  return hash(Label.preKeyHeader, [headerBytes]);
}

// Module-private factory: only this module can build a Session from raw state.
let createSession: (state: SessionState, rng: Rng) => Session;

/** A pairwise session. Mutable: encrypt/decrypt advance it; persist with {@link Session.serialize}. */
export class Session {
  readonly #state: SessionState;
  readonly #rng: Rng;

  static {
    createSession = (state, rng) => new Session(state, rng);
  }

  private constructor(state: SessionState, rng: Rng) {
    this.#state = state;
    this.#rng = rng;
  }

  get role(): SessionRole {
    return this.#state.role;
  }

  /** The initiator's base key EK_A (32 bytes): identical on both sides, unique per session. */
  get sessionId(): Uint8Array {
    return new Uint8Array(this.#state.baseKey);
  }

  get localIdentityKey(): Uint8Array {
    return new Uint8Array(this.#state.localIdentityKey);
  }

  get remoteIdentityKey(): Uint8Array {
    return new Uint8Array(this.#state.remoteIdentityKey);
  }

  /** True for an initiator that has not yet decrypted anything from the responder. */
  get awaitingReply(): boolean {
    return this.#state.pendingPreKey !== null;
  }

  /** Encrypt one message (SPEC §5.4). Returns the opaque wire bytes. */
  encrypt(plaintext: Uint8Array): Uint8Array {
    expectBytes(plaintext, 'plaintext');
    if (plaintext.length > MAX_PLAINTEXT_BYTES) {
      throw new CryptoError('ERR_CRYPTO_TOO_LARGE', `plaintext is larger than ${MAX_PLAINTEXT_BYTES} bytes`);
    }
    const inner = ratchetEncrypt(this.#state.ratchet, this.#state.associatedData, plaintext, this.#rng);
    return this.#state.pendingPreKey === null ? inner : concatBytes(this.#state.pendingPreKey, inner);
  }

  /**
   * Decrypt one message (SPEC §5.6). Accepts ratchet messages and, on the responder, repeats of
   * the prekey message that started this session. Nothing changes unless it succeeds.
   */
  decrypt(message: Uint8Array): Uint8Array {
    const kind = pairwiseMessageKind(message);
    let inner;
    if (kind === 'prekey') {
      const split = splitPreKeyMessage(message);
      if (
        this.#state.role !== 'responder' ||
        !equalBytes(split.header.baseKey, this.#state.baseKey) ||
        !equalBytes(split.header.initiatorIdentityKey, this.#state.remoteIdentityKey)
      ) {
        throw new CryptoError('ERR_CRYPTO_SESSION_MISMATCH', 'prekey message belongs to another session');
      }
      // Every other header byte must be the original too, so no bit of a repeat goes unauthenticated.
      if (!equalBytes(preKeyHeaderHash(split.headerBytes), this.#state.preKeyHeaderHash!)) {
        throw new CryptoError(
          'ERR_CRYPTO_BAD_MAC',
          'prekey header differs from the one that started the session',
        );
      }
      inner = split.inner;
    } else {
      inner = parseRatchetMessage(message);
    }
    const plaintext = ratchetDecrypt(this.#state.ratchet, this.#state.associatedData, inner, this.#rng);
    // Anything from the responder proves it holds the session: stop sending the prekey header.
    this.#state.pendingPreKey = null;
    return plaintext;
  }

  /** JSON-safe state (SPEC §9.2). Contains secrets: store it encrypted at rest. */
  toJSON(): JsonObject {
    const s = this.#state;
    const r = s.ratchet;
    return {
      v: SESSION_STATE_VERSION,
      kind: SESSION_KIND,
      role: s.role,
      localIdentityKey: b64(s.localIdentityKey),
      remoteIdentityKey: b64(s.remoteIdentityKey),
      baseKey: b64(s.baseKey),
      pendingPreKey: s.pendingPreKey === null ? null : b64(s.pendingPreKey),
      preKeyHeaderHash: s.preKeyHeaderHash === null ? null : b64(s.preKeyHeaderHash),
      ratchet: {
        rootKey: b64(r.rootKey),
        sendingPublicKey: b64(r.sendingKey.publicKey),
        sendingSecretKey: b64(r.sendingKey.secretKey),
        receivingKey: r.receivingKey === null ? null : b64(r.receivingKey),
        sendingChainKey: r.sendingChainKey === null ? null : b64(r.sendingChainKey),
        receivingChainKey: r.receivingChainKey === null ? null : b64(r.receivingChainKey),
        sendCount: r.sendCount,
        receiveCount: r.receiveCount,
        previousSendCount: r.previousSendCount,
        skipped: [...r.skipped.values()].map((k) => [b64(k.ratchetKey), k.n, b64(k.messageKey)]),
        previousReceivingKeys: [...r.previousReceivingKeys],
      },
    };
  }

  /** UTF-8 JSON of {@link toJSON}. */
  serialize(): Uint8Array {
    return jsonToBytes(this.toJSON());
  }

  static fromJSON(json: unknown, options: SessionOptions = {}): Session {
    return createSession(
      parsing('session', () => sessionStateFromJSON(json)),
      resolveRng(options.rng),
    );
  }

  static deserialize(bytes: Uint8Array, options: SessionOptions = {}): Session {
    return Session.fromJSON(bytesToJson(bytes, 'session'), options);
  }
}

const SESSION_KIND = 'spreekuur/session';
const SESSION_STATE_VERSION = 1;

function sessionStateFromJSON(json: unknown): SessionState {
  const obj = asObject(json, 'session');
  expectHeader(obj, SESSION_KIND, SESSION_STATE_VERSION);
  const role = readString(obj, 'role');
  if (role !== 'initiator' && role !== 'responder') throw bad('role must be initiator or responder');
  const localIdentityKey = readBytes(obj, 'localIdentityKey', IDENTITY_PUBLIC_KEY_BYTES);
  const remoteIdentityKey = readBytes(obj, 'remoteIdentityKey', IDENTITY_PUBLIC_KEY_BYTES);
  const pendingPreKey = readNullableBytes(obj, 'pendingPreKey', PREKEY_HEADER_BYTES);
  if (pendingPreKey !== null && role !== 'initiator')
    throw bad('only an initiator has a pending prekey header');
  const headerHash = readNullableBytes(obj, 'preKeyHeaderHash', 32);
  if ((headerHash !== null) !== (role === 'responder'))
    throw bad('a responder (only) has a prekey header hash');
  const r = asObject(obj.ratchet, 'ratchet');
  const sendingPublicKey = readBytes(r, 'sendingPublicKey', X25519_KEY_BYTES);
  const sendingSecretKey = readBytes(r, 'sendingSecretKey', X25519_KEY_BYTES);
  // A cheap consistency check that catches a corrupted or spliced store before it is used.
  if (!equalBytes(sodium().crypto_scalarmult_base(sendingSecretKey), sendingPublicKey)) {
    throw bad('sending key pair does not match');
  }
  const skippedList = asArray(r.skipped, 'skipped');
  if (skippedList.length > MAX_SKIPPED_KEYS) throw bad('too many skipped keys');
  const skipped = new Map<string, SkippedKey>();
  for (const entry of skippedList) {
    const tuple = asArray(entry, 'skipped entry');
    if (tuple.length !== 3) throw bad('skipped entry must be [ratchetKey, n, messageKey]');
    const key: SkippedKey = {
      ratchetKey: bytesValue(tuple[0], 'skipped ratchet key', X25519_KEY_BYTES),
      n: uint32Value(tuple[1], 'skipped n'),
      messageKey: bytesValue(tuple[2], 'skipped message key', 32),
    };
    skipped.set(`${toHex(key.ratchetKey)}/${key.n}`, key);
  }
  const previousReceivingKeys = asArray(r.previousReceivingKeys, 'previousReceivingKeys').map((k) => {
    if (typeof k !== 'string' || !/^[0-9a-f]{64}$/.test(k))
      throw bad('previous receiving key must be 64 hex digits');
    return k;
  });
  if (previousReceivingKeys.length > MAX_PREVIOUS_RATCHET_KEYS) throw bad('too many previous receiving keys');
  const ratchet: RatchetState = {
    rootKey: readBytes(r, 'rootKey', 32),
    sendingKey: { publicKey: sendingPublicKey, secretKey: sendingSecretKey },
    receivingKey: readNullableBytes(r, 'receivingKey', X25519_KEY_BYTES),
    sendingChainKey: readNullableBytes(r, 'sendingChainKey', 32),
    receivingChainKey: readNullableBytes(r, 'receivingChainKey', 32),
    sendCount: readUint32(r, 'sendCount'),
    receiveCount: readUint32(r, 'receiveCount'),
    previousSendCount: readUint32(r, 'previousSendCount'),
    skipped,
    previousReceivingKeys,
  };
  if (ratchet.receivingChainKey !== null && ratchet.receivingKey === null) {
    throw bad('a receiving chain key needs a receiving key');
  }
  const baseKey = readBytes(obj, 'baseKey', X25519_KEY_BYTES);
  const associatedData =
    role === 'initiator'
      ? sessionAssociatedData(localIdentityKey, remoteIdentityKey)
      : sessionAssociatedData(remoteIdentityKey, localIdentityKey);
  return {
    role,
    localIdentityKey,
    remoteIdentityKey,
    baseKey,
    associatedData,
    pendingPreKey,
    preKeyHeaderHash: headerHash,
    ratchet,
  };
}

/**
 * Start a session with a device from its fetched prekey bundle (SPEC §4.4). Verifies both prekey
 * signatures first (ERR_CRYPTO_BAD_SIGNATURE). The first `encrypt` output is a prekey message.
 */
export function initiateSession(
  identity: DeviceIdentity,
  bundle: PreKeyBundle,
  options: SessionOptions = {},
): Session {
  const rng = resolveRng(options.rng);
  const agreement = pqxdhInitiate(identity, bundle, rng);
  const ratchet = initInitiator(agreement.sharedKey, bundle.signedPreKey.publicKey, rng);
  wipe(agreement.sharedKey);
  return createSession(
    {
      role: 'initiator',
      localIdentityKey: new Uint8Array(identity.publicKey),
      remoteIdentityKey: new Uint8Array(bundle.identityKey),
      baseKey: agreement.header.baseKey,
      associatedData: agreement.associatedData,
      pendingPreKey: encodePreKeyHeader(agreement.header),
      preKeyHeaderHash: null,
      ratchet,
    },
    rng,
  );
}

export interface AcceptedSession {
  readonly session: Session;
  readonly plaintext: Uint8Array;
  /** Delete this one-time prekey now (and tell the server it is used): it must never serve twice. */
  readonly usedOneTimePreKeyId: number | undefined;
  readonly signedPreKeyId: number;
  readonly kemPreKeyId: number;
}

/**
 * Create the responder's session from a prekey message (SPEC §4.5) and decrypt it. Nothing is
 * consumed unless the message authenticates; on success the caller deletes the one-time prekey.
 */
export function acceptSession(
  identity: DeviceIdentity,
  preKeys: PreKeyLookup,
  message: Uint8Array,
  options: SessionOptions = {},
): AcceptedSession {
  const rng = resolveRng(options.rng);
  checkIdentityPublicKey(identity.publicKey, 'own identity key');
  const { header, headerBytes, inner } = splitPreKeyMessage(message);
  const agreement = pqxdhRespond(identity, preKeys, header);
  const ratchet = initResponder(agreement.sharedKey, agreement.signedPreKey);
  const plaintext = ratchetDecrypt(ratchet, agreement.associatedData, inner, rng);
  const session = createSession(
    {
      role: 'responder',
      localIdentityKey: new Uint8Array(identity.publicKey),
      remoteIdentityKey: header.initiatorIdentityKey,
      baseKey: header.baseKey,
      associatedData: agreement.associatedData,
      pendingPreKey: null,
      preKeyHeaderHash: preKeyHeaderHash(headerBytes),
      ratchet,
    },
    rng,
  );
  return {
    session,
    plaintext,
    usedOneTimePreKeyId: agreement.oneTimePreKeyId,
    signedPreKeyId: header.signedPreKeyId,
    kemPreKeyId: header.kemPreKeyId,
  };
}
