import { expect } from 'vitest';
import { isCryptoError, type CryptoErrorCode } from '../src/errors.ts';
import { generateIdentity, type DeviceIdentity } from '../src/identity.ts';
import {
  generatePreKeys,
  preKeyLookup,
  type PreKeyBundle,
  type PreKeyLookup,
  type PrivatePreKeys,
  type PreKeyUpload,
} from '../src/prekeys.ts';
import type { Rng } from '../src/random.ts';
import { acceptSession, initiateSession, type Session } from '../src/session.ts';

/** Shared fixtures for the node tests. */

export interface Device {
  readonly identity: DeviceIdentity;
  readonly upload: PreKeyUpload;
  readonly privateKeys: PrivatePreKeys;
  readonly lookup: PreKeyLookup;
}

export function makeDevice(options: { rng?: Rng; oneTimePreKeys?: number; firstId?: number } = {}): Device {
  const identity = generateIdentity({ rng: options.rng });
  const { upload, privateKeys } = generatePreKeys(identity, {
    signedPreKeyId: options.firstId ?? 1,
    kemPreKeyId: options.firstId ?? 1,
    firstOneTimePreKeyId: 100,
    oneTimePreKeyCount: options.oneTimePreKeys ?? 3,
    rng: options.rng,
  });
  return { identity, upload, privateKeys, lookup: preKeyLookup(privateKeys) };
}

/** The bundle a key directory would hand out, with the i-th one-time prekey or none. */
export function bundleOf(device: Device, oneTimeIndex: number | null = 0): PreKeyBundle {
  const { identityKey, signedPreKey, kemPreKey, oneTimePreKeys } = device.upload;
  return {
    identityKey,
    signedPreKey,
    kemPreKey,
    oneTimePreKey: oneTimeIndex === null ? undefined : oneTimePreKeys[oneTimeIndex],
  };
}

/** Alice starts, Bob accepts the first message: both sessions ready, Alice still awaiting a reply. */
export function establish(
  alice: Device,
  bob: Device,
  options: { rng?: Rng; withOneTime?: boolean } = {},
): { a: Session; b: Session } {
  const a = initiateSession(alice.identity, bundleOf(bob, options.withOneTime === false ? null : 0), {
    rng: options.rng,
  });
  const first = a.encrypt(text('hallo'));
  const accepted = acceptSession(bob.identity, bob.lookup, first, { rng: options.rng });
  expect(new TextDecoder().decode(accepted.plaintext)).toBe('hallo');
  return { a, b: accepted.session };
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Asserts that `fn` throws a CryptoError with `code` and returns it. */
export function expectCode(fn: () => unknown, code: CryptoErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${code}`).toBeDefined();
  expect(isCryptoError(thrown) ? thrown.code : thrown).toBe(code);
}

export async function expectCodeAsync(fn: () => Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  let thrown: unknown;
  try {
    await fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${code}`).toBeDefined();
  expect(isCryptoError(thrown) ? thrown.code : thrown).toBe(code);
}

/** A copy of `bytes` with bit `bit` flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = new Uint8Array(bytes);
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}
