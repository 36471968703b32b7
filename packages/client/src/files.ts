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
import { isRetryable } from './errors.ts';
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
 * Downloads and decrypts. The result is returned only after the whole file checked out
 * (size, final chunk, hash): a truncated or altered file throws instead.
 */
export async function downloadDecrypted(
  http: HttpClient,
  file: Extract<MessageContent, { type: 'file' }>,
  onProgress?: (progress: { receivedBytes: number; totalBytes: number }) => void,
): Promise<Uint8Array> {
  const { method, path } = fileEndpoints.content;
  const response = await http.raw(method, fillPath(path, { id: file.fileId }));
  const totalBytes = Number(response.headers.get('content-length') ?? 0);
  const descriptor = attachmentDescriptorFromJSON(file.descriptor);
  const decryptor = new AttachmentDecryptor(descriptor);
  // Sized by the authenticated descriptor; the decryptor refuses anything beyond it.
  const plain = new Uint8Array(descriptor.size);
  let offset = 0;
  let receivedBytes = 0;
  const keep = (pieces: Uint8Array[]) => {
    for (const piece of pieces) {
      plain.set(piece, offset);
      offset += piece.length;
    }
  };
  const reader = response.body!.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    receivedBytes += part.value.length;
    keep(decryptor.push(part.value));
    onProgress?.({ receivedBytes, totalBytes });
  }
  decryptor.finish();
  return plain;
}
