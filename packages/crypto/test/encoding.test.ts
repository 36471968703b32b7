import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fromBase64,
  fromBase64Url,
  fromHex,
  toBase64,
  toBase64Url,
  toHex,
  utf8Decode,
  utf8Encode,
} from '../src/encoding.ts';
import { paddedLength, pad, unpad } from '../src/padding.ts';
import { ready } from '../src/sodium.ts';
import { expectCode } from './helpers.ts';

beforeAll(ready);

// SPEC §2.3: canonical encodings, strictly decoded.
describe('encoding', () => {
  it('round-trips base64url, base64 and hex for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
        expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
        expect(fromHex(toHex(bytes))).toEqual(bytes);
        expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
        expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      { numRuns: 200 },
    );
  });

  it('rejects non-canonical and malformed input', () => {
    expectCode(() => fromBase64Url('QR'), 'ERR_CRYPTO_BAD_FORMAT'); // unused low bits set
    expectCode(() => fromBase64Url('QQ=='), 'ERR_CRYPTO_BAD_FORMAT'); // padding in base64url
    expectCode(() => fromBase64Url('Q'), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => fromBase64('QQ'), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => fromBase64('QQ=A'), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => fromHex('ABCD'), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => fromHex('abc'), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => fromBase64Url('AAAA', 4), 'ERR_CRYPTO_BAD_LENGTH');
    expectCode(() => utf8Decode(Uint8Array.of(0xff, 0xfe)), 'ERR_CRYPTO_BAD_FORMAT');
    expect(utf8Decode(utf8Encode('Goedemorgen, €'))).toBe('Goedemorgen, €');
  });
});

// SPEC §5.4: nip44-style padding buckets.
describe('padding', () => {
  it('uses nip44 buckets', () => {
    expect([0, 1, 32, 33, 64, 65, 100, 256, 257, 1000, 65536].map(paddedLength)).toEqual([
      32, 32, 32, 64, 64, 96, 128, 256, 320, 1024, 65536,
    ]);
  });

  it('round-trips and rejects non-zero padding or a wrong length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const padded = pad(bytes);
        expect(padded.length).toBe(4 + paddedLength(bytes.length));
        expect(unpad(padded)).toEqual(bytes);
      }),
      { numRuns: 100 },
    );
    const padded = pad(Uint8Array.of(1, 2, 3));
    const dirty = new Uint8Array(padded);
    dirty[10] = 1;
    expectCode(() => unpad(dirty), 'ERR_CRYPTO_BAD_FORMAT');
    const longer = new Uint8Array(padded);
    longer[3] = 200;
    expectCode(() => unpad(longer), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => unpad(Uint8Array.of(0, 0)), 'ERR_CRYPTO_BAD_LENGTH');
  });
});
