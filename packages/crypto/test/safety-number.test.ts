import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../src/identity.ts';
import { deterministicRng } from '../src/random.ts';
import { checkIdentityKey, computeSafetyNumber, verifySafetyNumberQr } from '../src/safety-number.ts';
import { ready } from '../src/sodium.ts';
import { expectCode, flipBit } from './helpers.ts';

beforeAll(ready);

describe('safety numbers (SPEC §8)', () => {
  const rng = () => deterministicRng('safety');

  it('is 60 digits in 12 blocks of 5, identical on both sides', () => {
    const r = rng();
    const anna = { id: 'device:anna-phone', identityKey: generateIdentity({ rng: r }).publicKey };
    const bert = { id: 'device:bert-laptop', identityKey: generateIdentity({ rng: r }).publicKey };
    const ours = computeSafetyNumber(anna, bert);
    const theirs = computeSafetyNumber(bert, anna);
    expect(ours.digits).toMatch(/^\d{60}$/);
    expect(ours.blocks).toHaveLength(12);
    expect(ours.blocks.join('')).toBe(ours.digits);
    expect(ours.blocks.every((b) => /^\d{5}$/.test(b))).toBe(true);
    expect(theirs.digits).toBe(ours.digits);
    expect(theirs.qrPayload).toEqual(ours.qrPayload);
    expect(ours.qrPayload.length).toBe(66);
    expect(verifySafetyNumberQr(theirs.qrPayload, ours)).toBe(true);
  });

  it('changes when either key or either id changes (property)', () => {
    const r = rng();
    const anna = { id: 'anna', identityKey: generateIdentity({ rng: r }).publicKey };
    const bert = { id: 'bert', identityKey: generateIdentity({ rng: r }).publicKey };
    const base = computeSafetyNumber(anna, bert);
    fc.assert(
      fc.property(fc.constantFrom('key', 'id'), fc.boolean(), fc.nat(255), (what, first, bit) => {
        const party = first ? anna : bert;
        const changed =
          what === 'key'
            ? { ...party, identityKey: generateIdentity({ rng: deterministicRng(`k${bit}`) }).publicKey }
            : { ...party, id: `${party.id}${bit}` };
        const other = computeSafetyNumber(first ? changed : anna, first ? bert : changed);
        expect(other.digits).not.toBe(base.digits);
        expect(verifySafetyNumberQr(other.qrPayload, base)).toBe(false);
      }),
      { numRuns: 8 },
    );
  });

  it('QR payload: version, type and length are checked, any flip fails', () => {
    const r = rng();
    const n = computeSafetyNumber(
      { id: 'a', identityKey: generateIdentity({ rng: r }).publicKey },
      { id: 'b', identityKey: generateIdentity({ rng: r }).publicKey },
    );
    expect(verifySafetyNumberQr(flipBit(n.qrPayload, 100), n)).toBe(false);
    const v2 = new Uint8Array(n.qrPayload);
    v2[0] = 2;
    expectCode(() => verifySafetyNumberQr(v2, n), 'ERR_CRYPTO_BAD_VERSION');
    expectCode(() => verifySafetyNumberQr(n.qrPayload.subarray(0, 65), n), 'ERR_CRYPTO_BAD_LENGTH');
    expectCode(
      () =>
        computeSafetyNumber(
          { id: '', identityKey: new Uint8Array(32) },
          { id: 'b', identityKey: new Uint8Array(32) },
        ),
      'ERR_CRYPTO_INVALID_ARGUMENT',
    );
    expectCode(
      () =>
        computeSafetyNumber(
          { id: 'a', identityKey: new Uint8Array(31) },
          { id: 'b', identityKey: new Uint8Array(32) },
        ),
      'ERR_CRYPTO_BAD_LENGTH',
    );
  });

  it('signals a changed identity key', () => {
    const r = rng();
    const first = generateIdentity({ rng: r }).publicKey;
    const second = generateIdentity({ rng: r }).publicKey;
    expect(checkIdentityKey(undefined, first)).toBe('new');
    expect(checkIdentityKey(null, first)).toBe('new');
    expect(checkIdentityKey(first, new Uint8Array(first))).toBe('unchanged');
    expect(checkIdentityKey(first, second)).toBe('changed');
    expectCode(() => checkIdentityKey(first, second.subarray(1)), 'ERR_CRYPTO_BAD_LENGTH');
  });
});
