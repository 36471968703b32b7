import { describe, expect, it } from 'vitest';
import { canaryHits, newCanary } from './canary.ts';

// The search must be able to fail: a canary hidden in any of the encodings is found.
describe('canary search', () => {
  const canary = newCanary();
  it('finds the canary as text, bytea hex and base64 at any alignment', () => {
    expect(canaryHits(`x ${canary} y`, canary)).not.toEqual([]);
    expect(canaryHits(`\\x00${Buffer.from(canary).toString('hex')}ff`, canary)).not.toEqual([]);
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const encoded = Buffer.from(`${prefix}${canary}tail`).toString('base64');
      expect(canaryHits(encoded, canary), prefix).not.toEqual([]);
      const url = Buffer.from(`${prefix}${canary}tail`).toString('base64url');
      expect(canaryHits(url, canary), prefix).not.toEqual([]);
    }
    expect(canaryHits(Buffer.from(`bin\0${canary}\0`), canary)).not.toEqual([]);
  });
  it('finds nothing where it is not', () => {
    expect(canaryHits(`KANARIE-0000 ${newCanary()}`, canary)).toEqual([]);
  });
});
