import { beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../src/identity.ts';
import {
  bundleFromJSON,
  bundleToJSON,
  exportPrivatePreKeys,
  generateKemPreKey,
  generateOneTimePreKeys,
  generateSignedPreKey,
  importPrivatePreKeys,
  preKeyLookup,
  privatePreKeysFromJSON,
  privatePreKeysToJSON,
  uploadToJSON,
  verifyBundle,
  type PreKeyBundle,
} from '../src/prekeys.ts';
import { deterministicRng } from '../src/random.ts';
import { ready } from '../src/sodium.ts';
import { bundleOf, expectCode, flipBit, makeDevice } from './helpers.ts';

beforeAll(ready);

// SPEC §3.2: prekeys, their signatures and the bundle split.
describe('prekeys', () => {
  it('splits public upload from private halves, with the documented sizes', () => {
    const device = makeDevice({ oneTimePreKeys: 4 });
    const { upload, privateKeys } = device;
    expect(upload.identityKey).toEqual(device.identity.publicKey);
    expect(upload.signedPreKey.publicKey.length).toBe(32);
    expect(upload.signedPreKey.signature.length).toBe(64);
    expect(upload.kemPreKey.publicKey.length).toBe(1184);
    expect(upload.oneTimePreKeys.map((k) => k.id)).toEqual([100, 101, 102, 103]);
    // Nothing secret in the upload.
    expect(JSON.stringify(uploadToJSON(upload))).not.toContain('secret');
    expect(Object.keys(upload.signedPreKey).sort()).toEqual(['id', 'publicKey', 'signature']);
    expect(privateKeys.kemPreKeys[0]!.secretKey.length).toBe(2400);
    expect(device.lookup.oneTimePreKey(101)?.publicKey).toEqual(upload.oneTimePreKeys[1]!.publicKey);
    expect(device.lookup.oneTimePreKey(99)).toBeUndefined();
  });

  it('verifies a good bundle, with and without a one-time prekey', () => {
    const device = makeDevice();
    expect(() => verifyBundle(bundleOf(device))).not.toThrow();
    expect(() => verifyBundle(bundleOf(device, null))).not.toThrow();
  });

  it('rejects a bundle whose signed or ML-KEM prekey signature does not verify', () => {
    const device = makeDevice();
    const good = bundleOf(device);
    const badSpk: PreKeyBundle = {
      ...good,
      signedPreKey: { ...good.signedPreKey, publicKey: flipBit(good.signedPreKey.publicKey, 3) },
    };
    const badKem: PreKeyBundle = {
      ...good,
      kemPreKey: { ...good.kemPreKey, signature: flipBit(good.kemPreKey.signature, 9) },
    };
    // A signature is bound to its id: re-labelling a key is caught.
    const badId: PreKeyBundle = {
      ...good,
      signedPreKey: { ...good.signedPreKey, id: good.signedPreKey.id + 1 },
    };
    // An X25519 prekey signature never verifies as an ML-KEM prekey signature (distinct labels).
    const other = makeDevice();
    const swappedIdentity: PreKeyBundle = { ...good, identityKey: other.identity.publicKey };
    for (const bundle of [badSpk, badKem, badId, swappedIdentity]) {
      expectCode(() => verifyBundle(bundle), 'ERR_CRYPTO_BAD_SIGNATURE');
    }
    expectCode(
      () => verifyBundle({ ...good, kemPreKey: { ...good.kemPreKey, publicKey: new Uint8Array(1000) } }),
      'ERR_CRYPTO_BAD_LENGTH',
    );
    expectCode(
      () => verifyBundle({ ...good, signedPreKey: { ...good.signedPreKey, id: -1 } }),
      'ERR_CRYPTO_INVALID_ARGUMENT',
    );
  });

  it('rotates: a new signed prekey verifies under the same identity and is reproducible', () => {
    const identity = generateIdentity({ rng: deterministicRng('rot') });
    const a = generateSignedPreKey(identity, 2, { rng: deterministicRng('spk') });
    const b = generateSignedPreKey(identity, 2, { rng: deterministicRng('spk') });
    expect(a).toEqual(b);
    const kem = generateKemPreKey(identity, 2, { rng: deterministicRng('kem') });
    expect(() =>
      verifyBundle({ identityKey: identity.publicKey, signedPreKey: a, kemPreKey: kem }),
    ).not.toThrow();
    expectCode(() => generateOneTimePreKeys(0xffff_ffff, 2), 'ERR_CRYPTO_INVALID_ARGUMENT');
  });

  it('JSON forms round-trip and are strict', () => {
    const device = makeDevice();
    const bundle = bundleOf(device);
    const parsed = bundleFromJSON(JSON.parse(JSON.stringify(bundleToJSON(bundle))));
    expect(parsed).toEqual(bundle);
    expect(bundleFromJSON(bundleToJSON(bundleOf(device, null))).oneTimePreKey).toBeUndefined();
    const json = bundleToJSON(bundle);
    expectCode(
      () => bundleFromJSON({ ...json, identityKey: json.identityKey.slice(4) }),
      'ERR_CRYPTO_BAD_LENGTH',
    );
    expectCode(
      () => bundleFromJSON({ ...json, signedPreKey: { ...json.signedPreKey, id: 1.5 } }),
      'ERR_CRYPTO_BAD_FORMAT',
    );

    const restored = importPrivatePreKeys(exportPrivatePreKeys(device.privateKeys));
    expect(restored).toEqual(device.privateKeys);
    expect(preKeyLookup(restored).signedPreKey(1)?.secretKey).toEqual(
      device.privateKeys.signedPreKeys[0]!.secretKey,
    );
    const priv = privatePreKeysToJSON(device.privateKeys);
    expectCode(() => privatePreKeysFromJSON({ ...priv, v: 9 }), 'ERR_CRYPTO_BAD_VERSION');
    expectCode(() => privatePreKeysFromJSON({ ...priv, kemPreKeys: [{ id: 1 }] }), 'ERR_CRYPTO_BAD_STATE');
  });
});
