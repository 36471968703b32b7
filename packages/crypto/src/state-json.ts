import { isUint32 } from './bytes.ts';
import { fromBase64Url, toBase64Url, utf8Decode, utf8Encode } from './encoding.ts';
import { CryptoError, isCryptoError } from './errors.ts';

/**
 * Helpers for persisted state (SPEC §9.2). State is JSON with only strings, numbers, booleans,
 * null and arrays/objects of those; binary values are unpadded base64url. Reading is strict:
 * every field is checked for type and length and any problem is ERR_CRYPTO_BAD_STATE, so a
 * corrupted store never turns into a half-initialised session.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function bad(what: string, cause?: unknown): CryptoError {
  return new CryptoError('ERR_CRYPTO_BAD_STATE', what, cause === undefined ? undefined : { cause });
}

export const b64 = toBase64Url;

export function asObject(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad(`${what} must be an object`);
  return value as JsonObject;
}

export function asArray(value: unknown, what: string): JsonValue[] {
  if (!Array.isArray(value)) throw bad(`${what} must be an array`);
  return value as JsonValue[];
}

export function readBytes(obj: JsonObject, key: string, length?: number): Uint8Array {
  return bytesValue(obj[key], key, length);
}

export function bytesValue(value: unknown, what: string, length?: number): Uint8Array {
  if (typeof value !== 'string') throw bad(`${what} must be a base64url string`);
  try {
    return fromBase64Url(value, length, what);
  } catch (cause) {
    throw bad(`${what} is not valid${length === undefined ? '' : ` ${length}-byte`} base64url`, cause);
  }
}

export function readNullableBytes(obj: JsonObject, key: string, length?: number): Uint8Array | null {
  return obj[key] === null ? null : readBytes(obj, key, length);
}

export function readUint32(obj: JsonObject, key: string): number {
  return uint32Value(obj[key], key);
}

export function uint32Value(value: unknown, what: string): number {
  if (typeof value !== 'number' || !isUint32(value)) throw bad(`${what} must be an integer 0..2^32-1`);
  return value;
}

export function readString(obj: JsonObject, key: string): string {
  const value = obj[key];
  if (typeof value !== 'string') throw bad(`${key} must be a string`);
  return value;
}

/** Checks the `v` and `kind` fields that start every persisted object. */
export function expectHeader(obj: JsonObject, kind: string, version: number): void {
  if (obj.kind !== kind) throw bad(`expected kind "${kind}"`);
  if (obj.v !== version) {
    throw new CryptoError(
      'ERR_CRYPTO_BAD_VERSION',
      `${kind} state version ${JSON.stringify(obj.v) ?? 'missing'} is not supported`,
    );
  }
}

export function jsonToBytes(value: JsonValue): Uint8Array {
  return utf8Encode(JSON.stringify(value));
}

export function bytesToJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(utf8Decode(bytes)) as unknown;
  } catch (cause) {
    throw bad(`${what} is not UTF-8 JSON`, cause);
  }
}

/** Run a state parser, turning stray non-crypto exceptions into ERR_CRYPTO_BAD_STATE. */
export function parsing<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isCryptoError(error)) throw error;
    throw bad(`${what} is malformed`, error);
  }
}
