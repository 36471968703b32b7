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
/** v2: the stream header, then the 32-byte key commitment (SPEC §7.2). */
const PREFIX = HEADER + 32;

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
  for (let offset = PREFIX; offset < ciphertext.length; offset += d.chunkSize + OVERHEAD) {
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
      expect(ciphertext.length).toBe(PREFIX + size + Math.max(1, Math.ceil(size / CHUNK)) * OVERHEAD);
      expect(descriptor.version).toBe(2);
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
    const header = ciphertext.subarray(0, PREFIX);
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
      decryptCode(ciphertext.subarray(0, PREFIX + 2 * (CHUNK + OVERHEAD)), {
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
    const bad = flipBit(ciphertext, 8 * (PREFIX + CHUNK + OVERHEAD + 5));
    const decryptor = new AttachmentDecryptor(descriptor);
    const seen: Uint8Array[] = [];
    await expectCodeAsync(async () => {
      for await (const p of decryptor.decrypt([bad])) seen.push(p);
    }, 'ERR_CRYPTO_BAD_MAC');
    expectCode(() => decryptor.push(ciphertext), 'ERR_CRYPTO_INVALID_ARGUMENT');
    const streaming = new AttachmentDecryptor(descriptor);
    expect(streaming.push(bad.subarray(0, PREFIX + CHUNK + OVERHEAD))).toEqual([data.subarray(0, CHUNK)]);
    expectCode(() => streaming.push(bad.subarray(PREFIX + CHUNK + OVERHEAD)), 'ERR_CRYPTO_BAD_MAC');
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
    const v1 = new Uint8Array(encoded);
    v1[0] = 1;
    expect(decodeAttachmentDescriptor(v1)).toEqual({ ...a.descriptor, version: 1 });
    const v3 = new Uint8Array(encoded);
    v3[0] = 3;
    expectCode(() => decodeAttachmentDescriptor(v3), 'ERR_CRYPTO_BAD_VERSION');
    expectCode(() => decodeAttachmentDescriptor(encoded.subarray(0, 73)), 'ERR_CRYPTO_BAD_LENGTH');
    const json = attachmentDescriptorToJSON(a.descriptor);
    expect(json.v).toBe(2);
    expect(attachmentDescriptorFromJSON({ ...json, v: 1 })).toEqual({ ...a.descriptor, version: 1 });
    expectCode(() => attachmentDescriptorFromJSON({ ...json, v: 3 }), 'ERR_CRYPTO_BAD_VERSION');
    expectCode(() => attachmentDescriptorFromJSON({ ...json, chunkSize: 1 }), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => attachmentDescriptorFromJSON({ ...json, size: -1 }), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => new AttachmentEncryptor({ chunkSize: 10 }), 'ERR_CRYPTO_INVALID_ARGUMENT');
    const enc = new AttachmentEncryptor();
    expectCode(() => enc.descriptor, 'ERR_CRYPTO_INVALID_ARGUMENT');
    enc.finish();
    expectCode(() => enc.push(new Uint8Array(1)), 'ERR_CRYPTO_INVALID_ARGUMENT');
  });

  it('the ciphertext commits to its key: the same bytes under another key are refused before any chunk opens (v2)', () => {
    const data = deterministicRng('commit').randomBytes(3 * CHUNK);
    const { ciphertext, descriptor } = encryptAttachmentBytes(data, { chunkSize: CHUNK });
    // A forged descriptor: same ciphertext and hash, another key.
    const forged = { ...descriptor, key: deterministicRng('other-key').randomBytes(32) };
    expect(decryptCode(ciphertext, forged)).toBe('ERR_CRYPTO_BAD_MAC');
    // It fails on the 56-byte prefix alone, before the stream is even set up.
    expectCode(
      () => new AttachmentDecryptor(forged).push(ciphertext.subarray(0, PREFIX)),
      'ERR_CRYPTO_BAD_MAC',
    );
    // The honest descriptor accepts the same prefix and opens chunk 0 only when it is complete.
    const honest = new AttachmentDecryptor(descriptor);
    expect(honest.push(ciphertext.subarray(0, PREFIX))).toEqual([]);
    expect(honest.push(ciphertext.subarray(PREFIX, PREFIX + CHUNK + OVERHEAD))).toEqual([
      data.subarray(0, CHUNK),
    ]);
    // Rewriting the commitment for the other key changes the ciphertext, so its hash no longer matches.
    const recommitted = new Uint8Array(ciphertext);
    recommitted.set(flipBit(ciphertext.subarray(HEADER, PREFIX), 3), HEADER);
    expect(decryptCode(recommitted, descriptor)).toBe('ERR_CRYPTO_BAD_MAC');
  });

  it('versions do not mix: a v2 file under a v1 descriptor, and a v1 file under v2, are refused', () => {
    const data = deterministicRng('mix').randomBytes(2 * CHUNK + 3);
    const { ciphertext, descriptor } = encryptAttachmentBytes(data, { chunkSize: CHUNK });
    expect(decryptCode(ciphertext, { ...descriptor, version: 1 })).toBe('ERR_CRYPTO_BAD_LENGTH');
    // The same bytes without the commitment, read as v2: the first chunk's bytes are no commitment.
    const withoutCommitment = concat([ciphertext.subarray(0, HEADER), ciphertext.subarray(PREFIX)]);
    expect(decryptCode(withoutCommitment, descriptor)).toBe('ERR_CRYPTO_BAD_MAC');
  });

  it('a huge declared size allocates one chunk, not the size; the short file is refused at the end', () => {
    const data = deterministicRng('huge').randomBytes(CHUNK);
    const { ciphertext, descriptor } = encryptAttachmentBytes(data, { chunkSize: CHUNK });
    const before = process.memoryUsage().arrayBuffers;
    const decryptor = new AttachmentDecryptor({ ...descriptor, size: 0xffff_ffff });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1024 * 1024);
    // Chunk 0 was sealed FINAL: as chunk 0 of a 4 GiB file it has the wrong tag.
    expectCode(() => decryptor.push(ciphertext), 'ERR_CRYPTO_TRUNCATED');
    const declared = new AttachmentDecryptor({ ...descriptor, size: 10 * CHUNK });
    expectCode(() => declared.push(ciphertext), 'ERR_CRYPTO_TRUNCATED');
  });
});
