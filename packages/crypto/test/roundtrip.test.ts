import { readFileSync } from 'node:fs';
import { beforeAll, describe, it } from 'vitest';
import { ready } from '../src/sodium.ts';
import { roundTripCases, type FrozenSubset } from './roundtrip-suite.ts';

// The same suite runs in Chromium: `pnpm --filter @spreekuur/crypto test:browser`.
const vectors = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8')) as {
  valid: FrozenSubset;
};

beforeAll(ready);

describe('round-trip suite (Node)', () => {
  for (const c of roundTripCases(vectors.valid)) it(c.name, () => c.run());
});
