import { CryptoError } from './errors.ts';

/** Byte helpers shared by every module. Pure JavaScript: usable before `ready()`. */

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Equality whose running time depends only on the lengths (which are public everywhere we
 * compare), not on where the first difference is. Used for keys, MACs, hashes and fingerprints.
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Constant-time "is every byte zero" (used on Diffie-Hellman outputs). */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i]!;
  return acc === 0;
}

/** Best-effort erase. JavaScript cannot promise the engine kept no copy (SPEC §10). */
export function wipe(...buffers: readonly (Uint8Array | null | undefined)[]): void {
  for (const buffer of buffers) buffer?.fill(0);
}

export function isUint32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

export function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/** Length-prefixed encoding LP(x) = u32be(len(x)) || x (SPEC §2): makes concatenations unambiguous. */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  return concatBytes(u32be(bytes.length), bytes);
}

/** Append-only builder for the fixed binary formats of SPEC §5-§8. */
export class ByteWriter {
  private readonly parts: Uint8Array[] = [];

  u8(value: number): this {
    this.parts.push(Uint8Array.of(value & 0xff));
    return this;
  }

  u16(value: number): this {
    const out = new Uint8Array(2);
    new DataView(out.buffer).setUint16(0, value, false);
    this.parts.push(out);
    return this;
  }

  u32(value: number): this {
    this.parts.push(u32be(value));
    return this;
  }

  bytes(value: Uint8Array): this {
    this.parts.push(value);
    return this;
  }

  finish(): Uint8Array {
    return concatBytes(...this.parts);
  }
}

/**
 * Cursor over a received message. Every read is bounds-checked; running off the end is an
 * ERR_CRYPTO_BAD_LENGTH, never an exception from a typed array.
 */
export class ByteReader {
  private offset = 0;

  constructor(
    private readonly data: Uint8Array,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.data.length - this.offset;
  }

  get position(): number {
    return this.offset;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u16(): number {
    const b = this.take(2);
    return (b[0]! << 8) | b[1]!;
  }

  u32(): number {
    const b = this.take(4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, false);
  }

  /** A copy, so callers may keep or wipe it without touching the input. */
  bytes(length: number): Uint8Array {
    return new Uint8Array(this.take(length));
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  end(): void {
    if (this.remaining !== 0) {
      throw new CryptoError(
        'ERR_CRYPTO_BAD_LENGTH',
        `${this.what}: ${this.remaining} unexpected trailing bytes`,
      );
    }
  }

  private take(length: number): Uint8Array {
    if (length < 0 || this.offset + length > this.data.length) {
      throw new CryptoError('ERR_CRYPTO_BAD_LENGTH', `${this.what}: truncated`);
    }
    const out = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}

/** Throws ERR_CRYPTO_BAD_LENGTH unless `bytes` is a Uint8Array of exactly `length` bytes. */
export function expectLength(bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', `${what} must be a Uint8Array`);
  }
  if (bytes.length !== length) {
    throw new CryptoError('ERR_CRYPTO_BAD_LENGTH', `${what} must be ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

export function expectBytes(bytes: Uint8Array, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', `${what} must be a Uint8Array`);
  }
  return bytes;
}
