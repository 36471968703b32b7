import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8Encode } from '../src/encoding.ts';
import {
  frankingCommitment,
  newFrankingKey,
  openReveal,
  sealReveal,
  serverOpening,
  verifyFranking,
  verifyServerOpening,
} from '../src/franking.ts';
import { generateIdentity } from '../src/identity.ts';
import { deterministicRng } from '../src/random.ts';
import { ready } from '../src/ready.ts';
import { expectCode } from './helpers.ts';

interface ValidVector {
  name: string;
  frankingKey: string;
  plaintext: string;
  bindingKey: string;
  digest: string;
  commitment: string;
}
type InvalidVector = { note: string; commitment: string } & (
  | { check: 'plaintext'; frankingKey: string; plaintext: string }
  | { check: 'server'; bindingKey: string; digest: string }
);
const vectors = JSON.parse(readFileSync(new URL('./franking-vectors.json', import.meta.url), 'utf8')) as {
  valid: ValidVector[];
  invalid: InvalidVector[];
};

beforeAll(() => ready());

describe('message franking (SPEC §14)', () => {
  for (const vector of vectors.valid) {
    it(`valid: ${vector.name} — commitment and server opening match the frozen bytes`, () => {
      const key = fromHex(vector.frankingKey);
      const plaintext = fromHex(vector.plaintext);
      expect(toHex(frankingCommitment(key, plaintext))).toBe(vector.commitment);
      const opening = serverOpening(key, plaintext);
      expect(toHex(opening.bindingKey)).toBe(vector.bindingKey);
      expect(toHex(opening.digest)).toBe(vector.digest);
      expect(verifyFranking(fromHex(vector.commitment), key, plaintext)).toBe(true);
      expect(verifyServerOpening(fromHex(vector.commitment), opening)).toBe(true);
    });
  }

  for (const vector of vectors.invalid) {
    it(`invalid (${vector.check}): ${vector.note}`, () => {
      const commitment = fromHex(vector.commitment);
      const ok =
        vector.check === 'plaintext'
          ? verifyFranking(commitment, fromHex(vector.frankingKey), fromHex(vector.plaintext))
          : verifyServerOpening(commitment, {
              bindingKey: fromHex(vector.bindingKey),
              digest: fromHex(vector.digest),
            });
      expect(ok).toBe(false);
    });
  }

  it('the digest the server sees is keyed: the same plaintext under two keys gives unrelated digests', () => {
    const plaintext = utf8Encode('ja');
    const a = serverOpening(newFrankingKey(), plaintext);
    const b = serverOpening(newFrankingKey(), plaintext);
    expect(toHex(a.digest)).not.toBe(toHex(b.digest));
  });

  it('property: a commitment opens only with its own key and plaintext', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }),
        (key, plaintext, other) => {
          const commitment = frankingCommitment(key, plaintext);
          expect(verifyFranking(commitment, key, plaintext)).toBe(true);
          if (toHex(other) !== toHex(plaintext)) expect(verifyFranking(commitment, key, other)).toBe(false);
          expect(verifyServerOpening(commitment, serverOpening(key, plaintext))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a fresh franking key every time, of 32 bytes', () => {
    const rng = deterministicRng('franking/keys');
    const first = newFrankingKey(rng);
    expect(first).toHaveLength(32);
    expect(toHex(newFrankingKey(rng))).not.toBe(toHex(first));
  });

  describe('reveal sealed to a moderator device (SPEC §14.4)', () => {
    const reveal = () => ({
      frankingKey: newFrankingKey(),
      plaintext: utf8Encode('{"v":2,"text":"iets gemeens"}'),
      note: 'Dit is de derde keer.',
    });

    it('opens on the device it was sealed to, with every field intact', () => {
      const moderator = generateIdentity();
      const original = reveal();
      const opened = openReveal(moderator, sealReveal(moderator.publicKey, original));
      expect(toHex(opened.frankingKey)).toBe(toHex(original.frankingKey));
      expect(toHex(opened.plaintext)).toBe(toHex(original.plaintext));
      expect(opened.note).toBe(original.note);
    });

    it('another device, or one altered byte, cannot open it', () => {
      const moderator = generateIdentity();
      const sealed = sealReveal(moderator.publicKey, reveal());
      expectCode(() => openReveal(generateIdentity(), sealed), 'ERR_CRYPTO_BAD_MAC');
      const altered = sealed.slice();
      altered[altered.length - 1]! ^= 1;
      expectCode(() => openReveal(moderator, altered), 'ERR_CRYPTO_BAD_MAC');
    });

    it('refuses a note longer than 2000 bytes and a franking key of the wrong length', () => {
      const moderator = generateIdentity();
      expectCode(
        () => sealReveal(moderator.publicKey, { ...reveal(), note: 'x'.repeat(2001) }),
        'ERR_CRYPTO_INVALID_ARGUMENT',
      );
      expectCode(
        () => sealReveal(moderator.publicKey, { ...reveal(), frankingKey: new Uint8Array(31) }),
        'ERR_CRYPTO_BAD_LENGTH',
      );
    });
  });
});
