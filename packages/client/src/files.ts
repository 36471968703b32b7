import {
  AttachmentDecryptor,
  AttachmentEncryptor,
  attachmentCiphertextSize,
  attachmentDescriptorFromJSON,
  attachmentDescriptorToJSON,
} from '@spreekuur/crypto/attachments';
import { fileEndpoints } from '@spreekuur/protocol/chat';
import { fillPath } from '@spreekuur/protocol/endpoint';
import { attachmentDescriptor, type MessageContent } from '@spreekuur/protocol/content';
import { CryptoError } from '@spreekuur/crypto/errors';
import { isRetryable, SpreekuurError } from './errors.ts';
import type { HttpClient } from './http.ts';
import type { UploadProgress } from './types.ts';

/** Ciphertext goes up in chunks of this size (the last one shorter). */
const UPLOAD_CHUNK_BYTES = 256 * 1024;
const CHUNK_ATTEMPTS = 6;

/** A file to send: bytes in memory, a browser Blob/File, or any stream of known size. */
export type FileSource = Uint8Array | Blob | { size: number; stream: AsyncIterable<Uint8Array> };

async function* readSource(source: FileSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let offset = 0; offset < source.length; offset += 64 * 1024)
      yield source.subarray(offset, offset + 64 * 1024);
  } else if (typeof Blob !== 'undefined' && source instanceof Blob) {
    // A reader loop rather than async iteration, which some browsers lack on ReadableStream.
    const reader = source.stream().getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) yield part.value;
  } else {
    yield* (source as { stream: AsyncIterable<Uint8Array> }).stream;
  }
}

const sizeOf = (source: FileSource) => (source instanceof Uint8Array ? source.length : source.size);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Encrypts while uploading: plaintext is read piece by piece, encrypted with a fresh file
 * key, and the ciphertext sent in fixed-size chunks. A chunk that fails on the network is
 * sent again (the server replaces a repeated chunk), so a flaky connection slows an upload
 * down but does not break it. The key travels only inside the end-to-end encrypted message.
 */
export async function uploadEncrypted(
  http: HttpClient,
  request: {
    channelId: string;
    source: FileSource;
    name: string;
    mimeType: string;
    expiresInSeconds?: number | undefined;
  },
  onProgress?: (progress: UploadProgress) => void,
): Promise<Extract<MessageContent, { type: 'file' }>> {
  const plainSize = sizeOf(request.source);
  const totalBytes = attachmentCiphertextSize(plainSize);
  const file = await http.call(fileEndpoints.create, {
    body: {
      channelId: request.channelId,
      size: totalBytes,
      chunkSize: UPLOAD_CHUNK_BYTES,
      ...(request.expiresInSeconds ? { expiresInSeconds: request.expiresInSeconds } : {}),
    },
  });

  const encryptor = new AttachmentEncryptor();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let index = 0;
  let sentBytes = 0;
  const sendChunk = async (chunk: Uint8Array) => {
    for (let attempt = 1; ; attempt++) {
      try {
        // Our chunks are backed by plain ArrayBuffers (never shared memory), which fetch accepts.
        const { method, path, contentType } = fileEndpoints.putChunk;
        await http.raw(method, fillPath(path, { id: file.id, index }), {
          body: chunk as Uint8Array<ArrayBuffer>,
          contentType,
        });
        break;
      } catch (error) {
        if (!isRetryable(error) || attempt >= CHUNK_ATTEMPTS) throw error;
        await pause(200 * 2 ** attempt);
      }
    }
    index++;
    sentBytes += chunk.length;
    onProgress?.({ fileId: file.id, sentBytes, totalBytes });
  };
  const take = async (pieces: Uint8Array[], final: boolean) => {
    for (const piece of pieces) {
      pending.push(piece);
      pendingBytes += piece.length;
    }
    while (pendingBytes >= UPLOAD_CHUNK_BYTES || (final && pendingBytes > 0)) {
      const all = concat(pending, pendingBytes);
      const size = Math.min(UPLOAD_CHUNK_BYTES, all.length);
      await sendChunk(all.subarray(0, size));
      pending = size < all.length ? [all.subarray(size)] : [];
      pendingBytes = all.length - size;
    }
  };
  for await (const piece of readSource(request.source)) await take(encryptor.push(piece), false);
  await take(encryptor.finish(), true);
  await http.call(fileEndpoints.complete, { params: { id: file.id } });

  return {
    type: 'file',
    fileId: file.id,
    name: request.name,
    mimeType: request.mimeType,
    size: plainSize,
    descriptor: attachmentDescriptor.parse(attachmentDescriptorToJSON(encryptor.descriptor)),
  };
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The largest file this SDK downloads into memory: four times the server's default upload
 * limit (MAX_FILE_BYTES, 25 MiB). The size in a descriptor is the sender's claim; a larger
 * one is refused before anything is fetched (crypto SPEC §7.5).
 */
export const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;

/**
 * Downloads and decrypts. The result is returned only after the whole file checked out
 * (key commitment, size, final chunk, hash): a truncated or altered file throws instead.
 * Memory grows with the bytes that actually arrive, never with the size the descriptor
 * claims, and a descriptor over `maxBytes` is refused (ERR_CLIENT_FILE_TOO_LARGE).
 */
export async function downloadDecrypted(
  http: HttpClient,
  file: Extract<MessageContent, { type: 'file' }>,
  onProgress?: (progress: { receivedBytes: number; totalBytes: number }) => void,
  { maxBytes = MAX_DOWNLOAD_BYTES }: { maxBytes?: number } = {},
): Promise<Uint8Array> {
  const descriptor = attachmentDescriptorFromJSON(file.descriptor);
  if (descriptor.size > maxBytes)
    throw new SpreekuurError(
      'ERR_CLIENT_FILE_TOO_LARGE',
      `the file says it has ${descriptor.size} bytes; this device takes at most ${maxBytes}`,
    );
  const expected = attachmentCiphertextSize(descriptor.size, descriptor.chunkSize, descriptor.version);
  const { method, path } = fileEndpoints.content;
  const response = await http.raw(method, fillPath(path, { id: file.fileId }));
  const declared = response.headers.get('content-length');
  // A length that cannot be this file's (uncompressed) ciphertext: do not read it at all.
  if (declared !== null && !response.headers.get('content-encoding') && Number(declared) !== expected) {
    await response.body?.cancel();
    throw new CryptoError(
      Number(declared) < expected ? 'ERR_CRYPTO_TRUNCATED' : 'ERR_CRYPTO_BAD_LENGTH',
      'the file on the server does not have the length its descriptor implies',
    );
  }
  const decryptor = new AttachmentDecryptor(descriptor);
  const pieces: Uint8Array[] = [];
  let plainBytes = 0;
  let receivedBytes = 0;
  const reader = response.body!.getReader();
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      receivedBytes += part.value.length;
      // The decryptor refuses anything beyond the descriptor's length, so this stays bounded.
      for (const piece of decryptor.push(part.value)) {
        pieces.push(piece);
        plainBytes += piece.length;
      }
      onProgress?.({ receivedBytes, totalBytes: expected });
    }
    decryptor.finish();
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  return concat(pieces, plainBytes);
}
