import {
  ByteReader,
  ByteWriter,
  concatBytes,
  equalBytes,
  expectBytes,
  expectLength,
  isUint32,
  wipe,
} from './bytes.ts';
import { fromBase64Url } from './encoding.ts';
import { CryptoError } from './errors.ts';
import { encodeContext, hash, Label } from './kdf.ts';
import { draw, resolveRng } from './draw.ts';
import type { Rng } from './random.ts';
import { sodium, type Sodium } from './sodium.ts';
import { b64, type JsonObject } from './state-json.ts';
import { checkFrame, MessageType, WIRE_VERSION } from './wire.ts';

/**
 * Attachments (SPEC §7): a random 32-byte key per file, crypto_secretstream_xchacha20poly1305 in
 * fixed-size chunks, and a BLAKE2b-256 hash of the whole ciphertext. The key, hash, size and
 * chunk size form a small descriptor that travels inside an end-to-end encrypted message; the
 * ciphertext goes to blob storage. Both directions stream: at most one chunk is buffered.
 *
 *   ciphertext = header (24) || commitment (32, v2) || chunk_0 || ... || chunk_{n-1}
 *   commitment = H("attachment/key-commitment", key, header): the ciphertext commits to its key
 *   chunk_i    = secretstream_push(plaintext_i, AD, i < n-1 ? TAG_MESSAGE : TAG_FINAL)   (17 bytes overhead)
 *   n          = max(1, ceil(size / chunkSize)); every plaintext chunk but the last is chunkSize bytes
 *
 * v2 is written; v1 (no commitment) is still read, for files sent before it.
 */

export const ATTACHMENT_KEY_BYTES = 32;
export const ATTACHMENT_HASH_BYTES = 32;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
export const MIN_CHUNK_SIZE = 64;
export const MAX_CHUNK_SIZE = 4 * 1024 * 1024;
/** Largest plaintext file: the size field is an unsigned 32-bit integer (SPEC §7.3). */
export const MAX_ATTACHMENT_BYTES = 0xffff_ffff;
export const STREAM_HEADER_BYTES = 24;
export const CHUNK_OVERHEAD_BYTES = 17;
export const KEY_COMMITMENT_BYTES = 32;
/** Descriptor versions: 2 has the key commitment (written), 1 has none (still read). */
export type AttachmentVersion = 1 | 2;
export const ATTACHMENT_VERSION: AttachmentVersion = 2;
const DESCRIPTOR_BYTES = 1 + 1 + ATTACHMENT_KEY_BYTES + ATTACHMENT_HASH_BYTES + 4 + 4;

/** What the receiver needs to fetch-verify-decrypt a file. Secret: send it only end-to-end encrypted. */
export interface AttachmentDescriptor {
  /** 2: the ciphertext starts with a key commitment (SPEC §7.2); 1: older files, without. */
  readonly version: AttachmentVersion;
  /** secretstream key, 32 bytes. */
  readonly key: Uint8Array;
  /** Unkeyed BLAKE2b-256 of the complete ciphertext, 32 bytes. */
  readonly ciphertextHash: Uint8Array;
  /** Plaintext size in bytes. */
  readonly size: number;
  /** Plaintext bytes per chunk (all but the last chunk). */
  readonly chunkSize: number;
}

type StreamState = ReturnType<Sodium['crypto_generichash_init']>;

function checkChunkSize(chunkSize: number): number {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new CryptoError(
      'ERR_CRYPTO_INVALID_ARGUMENT',
      `chunk size must be an integer ${MIN_CHUNK_SIZE}..${MAX_CHUNK_SIZE}`,
    );
  }
  return chunkSize;
}

function chunkCount(size: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(size / chunkSize));
}

/** Bytes before the first chunk: the stream header, and in v2 the key commitment. */
const prefixBytes = (version: AttachmentVersion) =>
  STREAM_HEADER_BYTES + (version === 2 ? KEY_COMMITMENT_BYTES : 0);

/** Exact ciphertext length for a plaintext of `size` bytes (useful for upload limits and progress). */
export function attachmentCiphertextSize(
  size: number,
  chunkSize = DEFAULT_CHUNK_SIZE,
  version: AttachmentVersion = ATTACHMENT_VERSION,
): number {
  checkChunkSize(chunkSize);
  if (!Number.isInteger(size) || size < 0 || size > MAX_ATTACHMENT_BYTES) {
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'size out of range');
  }
  return prefixBytes(version) + size + chunkCount(size, chunkSize) * CHUNK_OVERHEAD_BYTES;
}

/** SPEC §7.2: an unkeyed hash of the key, so no second key can open the same ciphertext. */
const keyCommitment = (key: Uint8Array, header: Uint8Array): Uint8Array =>
  hash(Label.attachmentKeyCommitment, [key, header], KEY_COMMITMENT_BYTES);

const chunkAd = (): Uint8Array => encodeContext(Label.attachmentAd, []);

function checkDescriptor(d: AttachmentDescriptor): void {
  if (d.version !== 1 && d.version !== 2) {
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'attachment descriptor version must be 1 or 2');
  }
  expectLength(d.key, ATTACHMENT_KEY_BYTES, 'attachment key');
  expectLength(d.ciphertextHash, ATTACHMENT_HASH_BYTES, 'attachment hash');
  checkChunkSize(d.chunkSize);
  if (!Number.isInteger(d.size) || d.size < 0 || d.size > MAX_ATTACHMENT_BYTES) {
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'attachment size out of range');
  }
}

type ChunkSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

// ---- Encryption -------------------------------------------------------------------------------

/**
 * Push-style encryptor: `push` plaintext of any size, get zero or more ciphertext pieces back;
 * `finish` returns the last piece and makes {@link descriptor} available. Concatenating every
 * returned piece in order gives the ciphertext.
 */
export class AttachmentEncryptor {
  readonly #chunkSize: number;
  readonly #key: Uint8Array;
  readonly #ad = chunkAd();
  readonly #stream: StreamState;
  readonly #header: Uint8Array;
  readonly #hash: StreamState;
  readonly #buffer: Uint8Array;
  #fill = 0;
  #size = 0;
  #headerSent = false;
  #descriptor: AttachmentDescriptor | undefined;

  constructor(options: { chunkSize?: number; rng?: Rng } = {}) {
    this.#chunkSize = checkChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    this.#key = draw(resolveRng(options.rng), ATTACHMENT_KEY_BYTES);
    const s = sodium();
    // The 24-byte stream header comes from libsodium's own CSPRNG (the only randomness here that is
    // not injectable; the key, which is, is what makes every stream unique). See SPEC §7.1.
    const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(this.#key);
    this.#stream = state;
    this.#header = header;
    this.#hash = s.crypto_generichash_init(null, ATTACHMENT_HASH_BYTES);
    this.#buffer = new Uint8Array(this.#chunkSize);
  }

  /** Plaintext bytes pushed so far. */
  get size(): number {
    return this.#size;
  }

  push(data: Uint8Array): Uint8Array[] {
    expectBytes(data, 'attachment data');
    this.#checkOpen();
    if (this.#size + data.length > MAX_ATTACHMENT_BYTES) {
      throw new CryptoError('ERR_CRYPTO_TOO_LARGE', 'attachment is larger than 4 GiB - 1');
    }
    const out = this.#start();
    let offset = 0;
    while (offset < data.length) {
      // Encrypt a full buffer only once more data exists, so the last chunk is always TAG_FINAL.
      if (this.#fill === this.#chunkSize) {
        out.push(this.#seal(this.#buffer, sodium().crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
        this.#fill = 0;
      }
      const n = Math.min(this.#chunkSize - this.#fill, data.length - offset);
      this.#buffer.set(data.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
    }
    this.#size += data.length;
    return out;
  }

  finish(): Uint8Array[] {
    this.#checkOpen();
    const s = sodium();
    const out = this.#start();
    out.push(
      this.#seal(this.#buffer.subarray(0, this.#fill), s.crypto_secretstream_xchacha20poly1305_TAG_FINAL),
    );
    wipe(this.#buffer);
    this.#descriptor = {
      version: ATTACHMENT_VERSION,
      key: this.#key,
      ciphertextHash: s.crypto_generichash_final(this.#hash, ATTACHMENT_HASH_BYTES),
      size: this.#size,
      chunkSize: this.#chunkSize,
    };
    return out;
  }

  /** Available after {@link finish} (or after {@link encrypt} has been iterated to the end). */
  get descriptor(): AttachmentDescriptor {
    if (this.#descriptor === undefined) {
      throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'descriptor is available only after finish()');
    }
    return this.#descriptor;
  }

  /** Encrypt a whole (async) iterable of plaintext pieces; read {@link descriptor} afterwards. */
  async *encrypt(source: ChunkSource): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const data of source) yield* this.push(data);
    yield* this.finish();
  }

  #start(): Uint8Array[] {
    if (this.#headerSent) return [];
    this.#headerSent = true;
    const prefix = concatBytes(this.#header, keyCommitment(this.#key, this.#header));
    sodium().crypto_generichash_update(this.#hash, prefix);
    return [prefix];
  }

  #seal(plaintext: Uint8Array, tag: number): Uint8Array {
    const s = sodium();
    const chunk = s.crypto_secretstream_xchacha20poly1305_push(this.#stream, plaintext, this.#ad, tag);
    s.crypto_generichash_update(this.#hash, chunk);
    return chunk;
  }

  #checkOpen(): void {
    if (this.#descriptor !== undefined) {
      throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', 'attachment encryptor already finished');
    }
  }
}

// ---- Decryption -------------------------------------------------------------------------------

/**
 * Push-style decryptor. Accepts ciphertext in pieces of any size (as they come off the network),
 * returns authenticated plaintext chunks, and {@link finish} checks that the stream ended where
 * the descriptor says, with TAG_FINAL, and that the BLAKE2b hash matches.
 *
 * Each returned chunk is authenticated, but the file is complete and the right one only after
 * `finish()` succeeds: keep output provisional until then (SPEC §7.4).
 */
export class AttachmentDecryptor {
  readonly #descriptor: AttachmentDescriptor;
  readonly #ad = chunkAd();
  readonly #expectedTotal: number;
  readonly #chunks: number;
  readonly #hash: StreamState;
  /** The stream header, then (v2) the key commitment. */
  readonly #prefix: Uint8Array;
  readonly #chunk: Uint8Array;
  #stream: StreamState | undefined;
  #received = 0;
  #prefixFill = 0;
  #chunkFill = 0;
  #index = 0;
  #state: 'open' | 'done' | 'failed' = 'open';

  constructor(descriptor: AttachmentDescriptor) {
    checkDescriptor(descriptor);
    this.#descriptor = descriptor;
    this.#expectedTotal = attachmentCiphertextSize(descriptor.size, descriptor.chunkSize, descriptor.version);
    this.#chunks = chunkCount(descriptor.size, descriptor.chunkSize);
    this.#prefix = new Uint8Array(prefixBytes(descriptor.version));
    // One chunk, never `size`: the size is the sender's claim (SPEC §7.5).
    this.#chunk = new Uint8Array(descriptor.chunkSize + CHUNK_OVERHEAD_BYTES);
    this.#hash = sodium().crypto_generichash_init(null, ATTACHMENT_HASH_BYTES);
  }

  push(data: Uint8Array): Uint8Array[] {
    expectBytes(data, 'attachment ciphertext');
    this.#checkOpen();
    return this.#guard(() => {
      if (this.#received + data.length > this.#expectedTotal) {
        throw new CryptoError('ERR_CRYPTO_BAD_LENGTH', 'more ciphertext than the descriptor allows');
      }
      this.#received += data.length;
      sodium().crypto_generichash_update(this.#hash, data);
      const out: Uint8Array[] = [];
      let offset = 0;
      while (offset < data.length) {
        if (this.#stream === undefined) {
          const n = Math.min(this.#prefix.length - this.#prefixFill, data.length - offset);
          this.#prefix.set(data.subarray(offset, offset + n), this.#prefixFill);
          this.#prefixFill += n;
          offset += n;
          if (this.#prefixFill === this.#prefix.length) this.#stream = this.#initPull();
          continue;
        }
        const want = this.#chunkLength(this.#index);
        const n = Math.min(want - this.#chunkFill, data.length - offset);
        this.#chunk.set(data.subarray(offset, offset + n), this.#chunkFill);
        this.#chunkFill += n;
        offset += n;
        if (this.#chunkFill === want) {
          out.push(this.#open(this.#chunk.subarray(0, want)));
          this.#chunkFill = 0;
          this.#index += 1;
        }
      }
      return out;
    });
  }

  /** Throws ERR_CRYPTO_TRUNCATED if bytes are missing, ERR_CRYPTO_HASH_MISMATCH if the hash differs. */
  finish(): void {
    this.#checkOpen();
    this.#guard(() => {
      if (this.#received !== this.#expectedTotal || this.#index !== this.#chunks) {
        throw new CryptoError('ERR_CRYPTO_TRUNCATED', 'attachment ciphertext ended early');
      }
      this.#state = 'done';
      const actual = sodium().crypto_generichash_final(this.#hash, ATTACHMENT_HASH_BYTES);
      if (!equalBytes(actual, this.#descriptor.ciphertextHash)) {
        throw new CryptoError('ERR_CRYPTO_HASH_MISMATCH', 'attachment ciphertext hash does not match');
      }
    });
  }

  /** Decrypt a whole (async) iterable of ciphertext pieces; throws (mid-stream) on any problem. */
  async *decrypt(source: ChunkSource): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const data of source) yield* this.push(data);
    this.finish();
  }

  /** After the prefix: (v2) the key commitment must be this key's, before any chunk is opened. */
  #initPull(): StreamState {
    const header = this.#prefix.subarray(0, STREAM_HEADER_BYTES);
    if (
      this.#descriptor.version === 2 &&
      !equalBytes(this.#prefix.subarray(STREAM_HEADER_BYTES), keyCommitment(this.#descriptor.key, header))
    ) {
      throw new CryptoError('ERR_CRYPTO_BAD_MAC', 'attachment key commitment does not match the key');
    }
    return sodium().crypto_secretstream_xchacha20poly1305_init_pull(header, this.#descriptor.key);
  }

  #chunkLength(index: number): number {
    const { size, chunkSize } = this.#descriptor;
    const plain = index < this.#chunks - 1 ? chunkSize : size - (this.#chunks - 1) * chunkSize;
    return plain + CHUNK_OVERHEAD_BYTES;
  }

  #open(chunk: Uint8Array): Uint8Array {
    const s = sodium();
    const result = s.crypto_secretstream_xchacha20poly1305_pull(this.#stream!, chunk, this.#ad);
    if (result === false) {
      throw new CryptoError('ERR_CRYPTO_BAD_MAC', `attachment chunk ${this.#index} failed authentication`);
    }
    const last = this.#index === this.#chunks - 1;
    const expected = last
      ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
      : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    if (result.tag !== expected) {
      wipe(result.message);
      throw new CryptoError('ERR_CRYPTO_TRUNCATED', `attachment chunk ${this.#index} has the wrong tag`);
    }
    return result.message;
  }

  #guard<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (this.#state === 'open') {
        // Release the wasm-side hash state; later calls report that the decryptor failed.
        sodium().crypto_generichash_final(this.#hash, ATTACHMENT_HASH_BYTES);
      }
      this.#state = 'failed';
      throw error;
    }
  }

  #checkOpen(): void {
    if (this.#state !== 'open') {
      throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', `attachment decryptor is ${this.#state}`);
    }
  }
}

// ---- Whole-buffer helpers ---------------------------------------------------------------------

/** Encrypt a file already in memory (small files, tests). Streams internally all the same. */
export function encryptAttachmentBytes(
  plaintext: Uint8Array,
  options: { chunkSize?: number; rng?: Rng } = {},
): { ciphertext: Uint8Array; descriptor: AttachmentDescriptor } {
  const encryptor = new AttachmentEncryptor(options);
  const pieces = [...encryptor.push(plaintext), ...encryptor.finish()];
  const ciphertext = new Uint8Array(
    attachmentCiphertextSize(plaintext.length, encryptor.descriptor.chunkSize, encryptor.descriptor.version),
  );
  let offset = 0;
  for (const piece of pieces) {
    ciphertext.set(piece, offset);
    offset += piece.length;
  }
  return { ciphertext, descriptor: encryptor.descriptor };
}

export function decryptAttachmentBytes(ciphertext: Uint8Array, descriptor: AttachmentDescriptor): Uint8Array {
  const decryptor = new AttachmentDecryptor(descriptor);
  const pieces = decryptor.push(ciphertext);
  decryptor.finish();
  const out = new Uint8Array(descriptor.size);
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}

// ---- Descriptor encodings ---------------------------------------------------------------------

/** 74-byte binary form (SPEC §7.3); the version byte is the descriptor's version. */
export function encodeAttachmentDescriptor(d: AttachmentDescriptor): Uint8Array {
  checkDescriptor(d);
  return new ByteWriter()
    .u8(d.version)
    .u8(MessageType.attachmentDescriptor)
    .bytes(d.key)
    .bytes(d.ciphertextHash)
    .u32(d.size)
    .u32(d.chunkSize)
    .finish();
}

export function decodeAttachmentDescriptor(bytes: Uint8Array): AttachmentDescriptor {
  // Version 2 is framed as version 1 is; only the version byte differs.
  const version: AttachmentVersion = bytes instanceof Uint8Array && bytes[0] === 2 ? 2 : 1;
  checkFrame(
    version === 2 ? concatBytes(Uint8Array.of(WIRE_VERSION), bytes.subarray(1)) : bytes,
    MessageType.attachmentDescriptor,
    DESCRIPTOR_BYTES,
    DESCRIPTOR_BYTES,
    'attachment descriptor',
  );
  const reader = new ByteReader(bytes, 'attachment descriptor');
  reader.u8();
  reader.u8();
  const d = {
    version,
    key: reader.bytes(ATTACHMENT_KEY_BYTES),
    ciphertextHash: reader.bytes(ATTACHMENT_HASH_BYTES),
    size: reader.u32(),
    chunkSize: reader.u32(),
  };
  reader.end();
  try {
    checkDescriptor(d);
  } catch (cause) {
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'attachment descriptor chunk size out of range', {
      cause,
    });
  }
  return d;
}

/** JSON form `{ v: 2, key, ciphertextHash, size, chunkSize }` with base64url fields (`v: 1` for v1). */
export function attachmentDescriptorToJSON(d: AttachmentDescriptor): JsonObject {
  checkDescriptor(d);
  return {
    v: d.version,
    key: b64(d.key),
    ciphertextHash: b64(d.ciphertextHash),
    size: d.size,
    chunkSize: d.chunkSize,
  };
}

/** Strict parse of the JSON form; errors are ERR_CRYPTO_BAD_VERSION / _BAD_FORMAT / _BAD_LENGTH. */
export function attachmentDescriptorFromJSON(json: unknown): AttachmentDescriptor {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'attachment descriptor must be an object');
  }
  const obj = json as Record<string, unknown>;
  const version = obj.v;
  if (version !== 1 && version !== 2) {
    throw new CryptoError(
      'ERR_CRYPTO_BAD_VERSION',
      `attachment descriptor version ${JSON.stringify(obj.v) ?? 'missing'} is not supported`,
    );
  }
  const bytes = (value: unknown, length: number, what: string): Uint8Array => {
    if (typeof value !== 'string') throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} must be a string`);
    return fromBase64Url(value, length, what);
  };
  const uint = (value: unknown, what: string): number => {
    if (typeof value !== 'number' || !isUint32(value)) {
      throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} must be an integer 0..2^32-1`);
    }
    return value;
  };
  const d: AttachmentDescriptor = {
    version,
    key: bytes(obj.key, ATTACHMENT_KEY_BYTES, 'key'),
    ciphertextHash: bytes(obj.ciphertextHash, ATTACHMENT_HASH_BYTES, 'ciphertextHash'),
    size: uint(obj.size, 'size'),
    chunkSize: uint(obj.chunkSize, 'chunkSize'),
  };
  try {
    checkDescriptor(d);
  } catch (cause) {
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'attachment descriptor chunk size out of range', {
      cause,
    });
  }
  return d;
}
