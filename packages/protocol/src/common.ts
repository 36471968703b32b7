import { z } from 'zod';

/** Server-assigned identifiers are UUIDs. */
export const id = z.uuid({ error: 'must be an id (UUID)' });

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * How many bytes `length` characters of unpadded base64url decode to; null for a length no
 * byte string encodes to (1 mod 4: a lone character carries only 6 bits).
 */
export function base64UrlByteLength(length: number): number | null {
  return length % 4 === 1 ? null : Math.floor((length * 3) / 4);
}

/** How many characters `bytes` bytes take in unpadded base64url. */
export function base64UrlEncodedLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/**
 * Whether `text` is what encoding some bytes gives: a decodable length, and the unused low
 * bits of the last character zero (so each byte string has exactly one spelling, as
 * packages/crypto's decoder demands). The alphabet is checked separately.
 */
function decodable(text: string): boolean {
  const unusedBits = [0, -1, 4, 2][text.length % 4]!;
  if (unusedBits < 0) return false;
  if (unusedBits === 0) return true;
  const last = BASE64URL_ALPHABET.indexOf(text.charAt(text.length - 1));
  return (last & ((1 << unusedBits) - 1)) === 0;
}

/**
 * Unpadded base64url, the encoding of every binary value on the wire. Checked here, once,
 * so that whatever a schema accepts decodes without throwing: a value that cannot be
 * decoded is a bad request naming the field, never an internal error in a handler.
 * Byte-size bounds: {@link base64UrlBytes}.
 */
export const base64Url = z
  .string()
  .regex(/^[A-Za-z0-9_-]*$/, { error: 'must be base64url without padding', abort: true })
  .refine(decodable, { error: 'is not valid base64url (cut off, or not how bytes encode)' });

/** base64url that decodes to exactly `bytes` bytes. */
export const base64UrlOfLength = (bytes: number) =>
  base64Url.length(base64UrlEncodedLength(bytes), { error: `must be ${bytes} bytes in base64url` });

/**
 * base64url that decodes to `min`…`max` bytes. The character count alone decides the size
 * (for lengths that {@link base64Url} accepts, more characters always mean more bytes), so
 * an oversized value is refused without decoding it.
 */
export const base64UrlBytes = ({ min = 0, max }: { min?: number; max: number }) =>
  base64Url
    .min(base64UrlEncodedLength(min), { error: `must be at least ${min} bytes` })
    .max(base64UrlEncodedLength(max), { error: `must be at most ${max} bytes` });

export const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

export const displayName = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(200, { error: 'must be at most 200 characters' });

export const locale = z.enum(['nl', 'en']);
export type Locale = z.infer<typeof locale>;

const encoder = new TextEncoder();

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Concatenates byte strings (for signed payloads with explicit separators). */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Path parameters of a resource addressed by its id: `/v1/…/:id`. */
export const idParams = z.strictObject({ id });
