import { z } from 'zod';
import { id, isoDateTime } from '../common.ts';

// Encrypted files: ciphertext uploaded in chunks, downloaded as one stream.

export const FILE_CHUNK_BYTES_MAX = 1024 * 1024;

export const createFileBody = z.strictObject({
  channelId: id,
  /** Total ciphertext bytes. */
  size: z.number().int().min(1),
  chunkSize: z
    .number()
    .int()
    .min(16 * 1024)
    .max(FILE_CHUNK_BYTES_MAX)
    .default(256 * 1024),
  /** Optional expiry: the ciphertext is deleted after this many seconds. */
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(366 * 24 * 3600)
    .optional(),
});

export const fileStatus = z.object({
  id,
  channelId: id,
  size: z.number().int(),
  chunkSize: z.number().int(),
  chunkCount: z.number().int(),
  receivedChunks: z.array(z.number().int()),
  complete: z.boolean(),
  expiresAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
});
export type FileStatus = z.infer<typeof fileStatus>;
export const fileChunkParams = z.strictObject({ id, index: z.coerce.number().int().min(0).max(100_000) });
/** One chunk of ciphertext, sent as `application/octet-stream` (the server parses it into bytes). */
export const fileChunkBody = z.instanceof(Uint8Array, { error: 'must be application/octet-stream' });
