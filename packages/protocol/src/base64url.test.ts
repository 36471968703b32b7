import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opaqueBytes } from './chat/index.ts';
import {
  base64Url,
  base64UrlByteLength,
  base64UrlBytes,
  base64UrlOfLength,
  fromBase64Url,
  toBase64Url,
} from './common.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Strings over the base64url alphabet, every length (most of them not decodable). */
const alphabetStrings = fc
  .array(fc.constantFrom(...ALPHABET), { maxLength: 120 })
  .map((chars) => chars.join(''));
/** Anything at all, including padding, `+`, `/` and non-ASCII. */
const anyStrings = fc.string({ unit: 'binary', maxLength: 80 });
const candidates = fc.oneof(alphabetStrings, anyStrings, fc.uint8Array({ maxLength: 90 }).map(toBase64Url));

describe('base64url on the wire (issue 15: 1-mod-4 lengths made handlers throw)', () => {
  it('every string base64Url accepts decodes without throwing, to its stated size, and back', () => {
    fc.assert(
      fc.property(candidates, (text) => {
        if (!base64Url.safeParse(text).success) return;
        const bytes = fromBase64Url(text);
        expect(bytes.length).toBe(base64UrlByteLength(text.length));
        expect(toBase64Url(bytes)).toBe(text);
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts every encoding of bytes, and the exact-length and bounded schemas agree on the size', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 300 }), (bytes, bound) => {
        const text = toBase64Url(bytes);
        expect(base64Url.safeParse(text).success).toBe(true);
        expect(base64UrlOfLength(bytes.length).safeParse(text).success).toBe(true);
        expect(base64UrlOfLength(bytes.length + 1).safeParse(text).success).toBe(false);
        expect(base64UrlBytes({ max: bound }).safeParse(text).success).toBe(bytes.length <= bound);
        expect(base64UrlBytes({ min: bound, max: 300 }).safeParse(text).success).toBe(bytes.length >= bound);
        expect(opaqueBytes(bound).safeParse(text).success).toBe(bytes.length >= 1 && bytes.length <= bound);
      }),
      { numRuns: 1_000 },
    );
  });

  it('whatever a bounded schema accepts decodes to a size within its bounds', () => {
    fc.assert(
      fc.property(candidates, fc.nat({ max: 100 }), (text, max) => {
        if (!opaqueBytes(max).safeParse(text).success) return;
        const size = fromBase64Url(text).length;
        expect(size).toBeGreaterThanOrEqual(1);
        expect(size).toBeLessThanOrEqual(max);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses lengths that are 1 mod 4, non-canonical last characters and foreign characters', () => {
    for (const text of ['A', 'AAAAA', `${'A'.repeat(84)}A`, 'AB', 'AAB', 'AA==', 'AA+/', 'AA.A', ' AA']) {
      expect([text, base64Url.safeParse(text).success]).toEqual([text, false]);
    }
    for (const text of ['', 'AA', 'AAA', 'AAAA', 'AQ', 'AAE', '-_-_']) {
      expect([text, base64Url.safeParse(text).success]).toEqual([text, true]);
    }
  });
});
