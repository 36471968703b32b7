import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attachmentCiphertextSize,
  AttachmentDecryptor,
  attachmentDescriptorFromJSON,
  attachmentDescriptorToJSON,
  AttachmentEncryptor,
  decodeAttachmentDescriptor,
  decryptAttachmentBytes,
  DEFAULT_CHUNK_SIZE,
  encodeAttachmentDescriptor,
  encryptAttachmentBytes,
  type AttachmentDescriptor,
} from '../src/attachments.ts';
import { isCryptoError } from '../src/errors.ts';
import { deterministicRng } from '../src/random.ts';
import { ready } from '../src/sodium.ts';
import { expectCode, expectCodeAsync, flipBit } from './helpers.ts';

beforeAll(ready);

const CHUNK = 64;
const OVERHEAD = 17;
const HEADER = 24;

/** Split bytes into pieces at the given cut points (network-sized, not chunk-aligned). */
function pieces(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  return out;
}

function chunksOf(ciphertext: Uint8Array, d: AttachmentDescriptor): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let offset = HEADER; offset < ciphertext.length; offset += d.chunkSize + OVERHEAD) {
    out.push(ciphertext.subarray(offset, Math.min(offset + d.chunkSize + OVERHEAD, ciphertext.length)));
  }
  return out;
}

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

function decryptCode(ciphertext: Uint8Array, d: AttachmentDescriptor): string | undefined {
  try {
    decryptAttachmentBytes(ciphertext, d);
    return undefined;
  } catch (error) {
    if (!isCryptoError(error)) throw error;
    return error.code;
  }
}

describe('attachments (SPEC §7)', () => {
  it('round-trips, with the documented sizes, including empty and exact-multiple files', () => {
    for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 1000]) {
      const data = deterministicRng(`file-${size}`).randomBytes(size);
      const { ciphertext, descriptor } = encryptAttachmentBytes(data, { chunkSize: CHUNK });
      expect(ciphertext.length).toBe(attachmentCiphertextSize(size, CHUNK));
      expect(ciphertext.length).toBe(HEADER + size + Math.max(1, Math.ceil(size / CHUNK)) * OVERHEAD);
      expect(descriptor.size).toBe(size);
      expect(decryptAttachmentBytes(ciphertext, descriptor)).toEqual(data);
    }
  });

  it('streams over async iterables with arbitrary piece sizes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 700 }),
        fc.integer({ min: CHUNK, max: 200 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (data, chunkSize, inCuts, outCuts) => {
          const encryptor = new AttachmentEncryptor({ chunkSize });
          async function* source() {
            for (const p of pieces(data, inCuts)) yield p;
          }
          const out: Uint8Array[] = [];
          for await (const c of encryptor.encrypt(source())) out.push(c);
          const ciphertext = concat(out);
          const decryptor = new AttachmentDecryptor(encryptor.descriptor);
          const plain: Uint8Array[] = [];
          for await (const p of decryptor.decrypt(pieces(ciphertext, outCuts))) plain.push(p);
          expect(concat(plain)).toEqual(data);
          // Decryption never buffers more than one chunk: every output is a whole chunk or the tail.
          for (const p of plain.slice(0, -1)) expect(p.length).toBe(chunkSize);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('detects truncation, reordering, a swapped chunk, a flipped bit, and a wrong hash', () => {
    const data = deterministicRng('tamper').randomBytes(5 * CHUNK + 10);
    const { ciphertext, descriptor } = encryptAttachmentBytes(data, { chunkSize: CHUNK });
    const chunks = chunksOf(ciphertext, descriptor);
    const header = ciphertext.subarray(0, HEADER);
    // Truncation: drop the final chunk, or a few bytes, or everything after the header.
    expect(decryptCode(ciphertext.subarray(0, ciphertext.length - chunks.at(-1)!.length), descriptor)).toBe(
      'ERR_CRYPTO_TRUNCATED',
    );
    expect(decryptCode(ciphertext.subarray(0, ciphertext.length - 3), descriptor)).toBe(
      'ERR_CRYPTO_TRUNCATED',
    );
    expect(decryptCode(header, descriptor)).toBe('ERR_CRYPTO_TRUNCATED');
    // Reordering two chunks.
    expect(decryptCode(concat([header, chunks[1]!, chunks[0]!, ...chunks.slice(2)]), descriptor)).toBe(
      'ERR_CRYPTO_BAD_MAC',
    );
    // A chunk swapped in from another file of the same shape.
    const other = encryptAttachmentBytes(data, { chunkSize: CHUNK });
    const otherChunks = chunksOf(other.ciphertext, other.descriptor);
    expect(decryptCode(concat([header, chunks[0]!, otherChunks[1]!, ...chunks.slice(2)]), descriptor)).toBe(
      'ERR_CRYPTO_BAD_MAC',
    );
    // Extra bytes after the end.
    expect(decryptCode(concat([ciphertext, Uint8Array.of(0)]), descriptor)).toBe('ERR_CRYPTO_BAD_LENGTH');
    // The descriptor's hash is checked at the end.
    expect(
      decryptCode(ciphertext, { ...descriptor, ciphertextHash: flipBit(descriptor.ciphertextHash, 0) }),
    ).toBe('ERR_CRYPTO_HASH_MISMATCH');
    // A descriptor claiming a shorter file: the final-tag check catches it.
    expect(
      decryptCode(ciphertext.subarray(0, HEADER + 2 * (CHUNK + OVERHEAD)), {
        ...descriptor,
        size: 2 * CHUNK,
      }),
    ).toBe('ERR_CRYPTO_TRUNCATED');
  });

  it('any single bit flip anywhere in the ciphertext is rejected (property)', () => {
    const data = deterministicRng('flip').randomBytes(3 * CHUNK + 5);
    const { ciphertext, descriptor } = encryptAttachmentBytes(data, { chunkSize: CHUNK });
    fc.assert(
      fc.property(fc.nat(ciphertext.length * 8 - 1), (bit) => {
        expect(decryptCode(flipBit(ciphertext, bit), descriptor)).toBeDefined();
      }),
      { numRuns: 200 },
    );
  });

  it('the streaming decryptor stops at the first bad chunk and stays failed', async () => {
    const data = deterministicRng('stream-fail').randomBytes(4 * CHUNK);
    const { ciphertext, descriptor } = encryptAttachmentBytes(data, { chunkSize: CHUNK });
    const bad = flipBit(ciphertext, 8 * (HEADER + CHUNK + OVERHEAD + 5));
    const decryptor = new AttachmentDecryptor(descriptor);
    const seen: Uint8Array[] = [];
    await expectCodeAsync(async () => {
      for await (const p of decryptor.decrypt([bad])) seen.push(p);
    }, 'ERR_CRYPTO_BAD_MAC');
    expectCode(() => decryptor.push(ciphertext), 'ERR_CRYPTO_INVALID_ARGUMENT');
    const streaming = new AttachmentDecryptor(descriptor);
    expect(streaming.push(bad.subarray(0, HEADER + CHUNK + OVERHEAD))).toEqual([data.subarray(0, CHUNK)]);
    expectCode(() => streaming.push(bad.subarray(HEADER + CHUNK + OVERHEAD)), 'ERR_CRYPTO_BAD_MAC');
  });

  it('uses the injected rng for the file key; descriptor forms are strict', () => {
    const a = encryptAttachmentBytes(new Uint8Array(10), { rng: deterministicRng('k') });
    const b = encryptAttachmentBytes(new Uint8Array(10), { rng: deterministicRng('k') });
    expect(a.descriptor.key).toEqual(b.descriptor.key);
    expect(a.descriptor.chunkSize).toBe(DEFAULT_CHUNK_SIZE);
    const encoded = encodeAttachmentDescriptor(a.descriptor);
    expect(encoded.length).toBe(74);
    expect(decodeAttachmentDescriptor(encoded)).toEqual(a.descriptor);
    expect(
      attachmentDescriptorFromJSON(JSON.parse(JSON.stringify(attachmentDescriptorToJSON(a.descriptor)))),
    ).toEqual(a.descriptor);
    const v2 = new Uint8Array(encoded);
    v2[0] = 2;
    expectCode(() => decodeAttachmentDescriptor(v2), 'ERR_CRYPTO_BAD_VERSION');
    expectCode(() => decodeAttachmentDescriptor(encoded.subarray(0, 73)), 'ERR_CRYPTO_BAD_LENGTH');
    const json = attachmentDescriptorToJSON(a.descriptor);
    expectCode(() => attachmentDescriptorFromJSON({ ...json, v: 2 }), 'ERR_CRYPTO_BAD_VERSION');
    expectCode(() => attachmentDescriptorFromJSON({ ...json, chunkSize: 1 }), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => attachmentDescriptorFromJSON({ ...json, size: -1 }), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => new AttachmentEncryptor({ chunkSize: 10 }), 'ERR_CRYPTO_INVALID_ARGUMENT');
    const enc = new AttachmentEncryptor();
    expectCode(() => enc.descriptor, 'ERR_CRYPTO_INVALID_ARGUMENT');
    enc.finish();
    expectCode(() => enc.push(new Uint8Array(1)), 'ERR_CRYPTO_INVALID_ARGUMENT');
  });
});
