import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../src/encoding.ts';
import { CryptoError, isCryptoError } from '../src/errors.ts';
import {
  exportIdentity,
  generateIdentity,
  identityFromJSON,
  identityFromSeed,
  identityToJSON,
  importIdentity,
  sign,
  verify,
} from '../src/identity.ts';
import { deterministicRng } from '../src/random.ts';
import { ready } from '../src/sodium.ts';
import { expectCode, flipBit, text } from './helpers.ts';

beforeAll(ready);

// SPEC §3.1: Ed25519 device identity; SPEC §3.3: sign/verify for the gateway login.
describe('device identity', () => {
  it('matches the RFC 8032 test vector 1 (empty message)', () => {
    const seed = Uint8Array.from(
      Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'),
    );
    const identity = identityFromSeed(seed);
    expect(toHex(identity.publicKey)).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(toHex(sign(identity, new Uint8Array(0)))).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('signs and verifies; any bit flip in message, signature or key is rejected', () => {
    const identity = generateIdentity();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (message, pick) => {
        const signature = sign(identity, message);
        expect(verify(identity.publicKey, message, signature)).toBe(true);
        expect(verify(identity.publicKey, flipBit(message, pick % (message.length * 8)), signature)).toBe(
          false,
        );
        expect(verify(identity.publicKey, message, flipBit(signature, pick % 512))).toBe(false);
        expect(verify(flipBit(identity.publicKey, pick % 256), message, signature)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('verify returns false (never throws) on malformed attacker input', () => {
    const identity = generateIdentity();
    const signature = sign(identity, text('x'));
    expect(verify(identity.publicKey.subarray(1), text('x'), signature)).toBe(false);
    expect(verify(identity.publicKey, text('x'), signature.subarray(1))).toBe(false);
    expect(verify(new Uint8Array(32), text('x'), signature)).toBe(false);
  });

  it('is reproducible with an injected rng and survives export/import', () => {
    const a = generateIdentity({ rng: deterministicRng('id') });
    const b = generateIdentity({ rng: deterministicRng('id') });
    expect(a.publicKey).toEqual(b.publicKey);
    const restored = importIdentity(exportIdentity(a));
    expect(restored.publicKey).toEqual(a.publicKey);
    expect(restored.secretKey).toEqual(a.secretKey);
    expect(identityFromJSON(JSON.parse(JSON.stringify(identityToJSON(a))))).toEqual(a);
  });

  it('rejects bad state with stable codes', () => {
    const json = identityToJSON(generateIdentity());
    expectCode(() => identityFromJSON({ ...json, v: 2 }), 'ERR_CRYPTO_BAD_VERSION');
    expectCode(() => identityFromJSON({ ...json, seed: 'AAAA' }), 'ERR_CRYPTO_BAD_STATE');
    expectCode(() => identityFromJSON(null), 'ERR_CRYPTO_BAD_STATE');
    expectCode(() => importIdentity(text('{nope')), 'ERR_CRYPTO_BAD_STATE');
    expectCode(() => identityFromSeed(new Uint8Array(31)), 'ERR_CRYPTO_BAD_LENGTH');
  });

  it('errors carry a stable code and are CryptoError instances', () => {
    try {
      identityFromSeed(new Uint8Array(1));
    } catch (error) {
      expect(error).toBeInstanceOf(CryptoError);
      expect(isCryptoError(error, 'ERR_CRYPTO_BAD_LENGTH')).toBe(true);
      expect((error as CryptoError).message.startsWith('ERR_CRYPTO_BAD_LENGTH')).toBe(true);
    }
  });
});
