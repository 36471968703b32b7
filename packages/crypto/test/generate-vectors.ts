/**
 * Regenerates test/vectors.json. Run ONLY for a deliberate, versioned wire-format change:
 *
 *   pnpm exec tsx packages/crypto/test/generate-vectors.ts
 *
 * and say why in the commit. The file is prettier-ignored.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ready } from '../src/sodium.ts';
import { attachmentVector, reproducibleVectors, VECTORS_VERSION } from './vector-scenarios.ts';

await ready();
const path = new URL('./vectors.json', import.meta.url);
/** The v1 attachment vector cannot be made again (the encryptor writes v2): keep it as frozen. */
const previous = JSON.parse(readFileSync(path, 'utf8')) as {
  valid: { attachment: unknown };
  invalid: Array<{ name: string; target: { kind: string } }>;
};
const v1Invalid = previous.invalid.filter(
  (c) => c.target.kind === 'attachment' && !c.name.startsWith('attachment-v2-'),
);
const { invalid, ...valid } = reproducibleVectors();
const attachment = attachmentVector();
const file = {
  about: [
    'Known-answer vectors for @spreekuur/crypto (SPEC §11). All randomness comes from deterministicRng(<named seed>);',
    'see test/vector-scenarios.ts for the seeds and scripts. Hex unless a field is base64url JSON from the API.',
    'valid: re-running the scenarios must reproduce these bytes exactly, and the receivers must accept the frozen bytes.',
    'invalid: each case names its target state (scenario and number of steps run first), the input, the expected error',
    'code, and in "note" how it was made from a valid case.',
    'attachment (v1, frozen) and attachmentV2: decrypt-only (libsodium draws the secretstream header from its own CSPRNG).',
  ],
  version: VECTORS_VERSION,
  valid: { ...valid, attachment: previous.valid.attachment, attachmentV2: attachment.valid },
  invalid: [...invalid, ...v1Invalid, ...attachment.invalid],
};
writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${file.invalid.length} invalid and ${Object.keys(file.valid).length} valid vector groups`);
