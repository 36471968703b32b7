import { z } from 'zod';

/** Server-assigned identifiers are UUIDs. */
export const id = z.uuid({ error: 'must be an id (UUID)' });

/** Unpadded base64url, the encoding of every binary value on the wire. */
export const base64Url = z.string().regex(/^[A-Za-z0-9_-]*$/, { error: 'must be base64url without padding' });

/** base64url that decodes to exactly `bytes` bytes. */
export const base64UrlOfLength = (bytes: number) =>
  base64Url.length(Math.ceil((bytes * 4) / 3), { error: `must be ${bytes} bytes in base64url` });

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
