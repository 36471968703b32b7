import { CryptoError } from './errors.ts';

/**
 * Text encodings for bytes (SPEC §2). Pure JavaScript so the SDK can use them before `ready()`
 * and in any runtime. Decoders are strict: a string that is not the canonical encoding of some
 * bytes is rejected, so one value never has two spellings on the wire or in storage.
 */

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function reverse(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const URL_LOOKUP = reverse(URL_ALPHABET);
const STD_LOOKUP = reverse(STD_ALPHABET);

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

function decode(text: string, lookup: Int16Array, padded: boolean, what: string): Uint8Array {
  if (typeof text !== 'string') throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} must be a string`);
  let body = text;
  if (padded) {
    if (text.length % 4 !== 0) throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} is not padded base64`);
    body = text.endsWith('==') ? text.slice(0, -2) : text.endsWith('=') ? text.slice(0, -1) : text;
  }
  if (body.length % 4 === 1)
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} has an impossible length`);
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? lookup[c]! : -1;
    if (v < 0) throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} contains a character outside base64`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  // Canonical form: the unused low bits of the last character must be zero.
  if ((acc & ((1 << bits) - 1)) !== 0) {
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} is not canonical base64`);
  }
  return out;
}

function checkLength(bytes: Uint8Array, expected: number | undefined, what: string): Uint8Array {
  if (expected !== undefined && bytes.length !== expected) {
    throw new CryptoError(
      'ERR_CRYPTO_BAD_LENGTH',
      `${what} must decode to ${expected} bytes, got ${bytes.length}`,
    );
  }
  return bytes;
}

/** Unpadded base64url: the encoding of every binary value in Spreekuur JSON. */
export function toBase64Url(bytes: Uint8Array): string {
  return encode(bytes, URL_ALPHABET, false);
}

/** Strict unpadded base64url decode; `expectedLength` adds an exact length check. */
export function fromBase64Url(text: string, expectedLength?: number, what = 'base64url'): Uint8Array {
  return checkLength(decode(text, URL_LOOKUP, false, what), expectedLength, what);
}

/** Standard base64 with padding (for transports that want it). */
export function toBase64(bytes: Uint8Array): string {
  return encode(bytes, STD_ALPHABET, true);
}

export function fromBase64(text: string, expectedLength?: number, what = 'base64'): Uint8Array {
  return checkLength(decode(text, STD_LOOKUP, true, what), expectedLength, what);
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function fromHex(text: string, expectedLength?: number, what = 'hex'): Uint8Array {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) {
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} must be lower-case hex of even length`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return checkLength(out, expectedLength, what);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

const MAX_ID_BYTES = 256;

/**
 * UTF-8 of an id the server assigned (person, device, channel) for a signed context: non-empty
 * and at most 256 bytes, so a hostile server cannot make a signature input unbounded.
 */
export function idBytes(value: string, what: string): Uint8Array {
  if (typeof value !== 'string' || value.length === 0)
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', `${what} must be a non-empty string`);
  const bytes = utf8Encode(value);
  if (bytes.length > MAX_ID_BYTES) throw new CryptoError('ERR_CRYPTO_TOO_LARGE', `${what} is too long`);
  return bytes;
}

/** Strict UTF-8 decode: invalid sequences are ERR_CRYPTO_BAD_FORMAT, not U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', 'invalid UTF-8', { cause });
  }
}
