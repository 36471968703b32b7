import { z } from 'zod';
import { base64Url, id } from './common.ts';

/**
 * What is inside the ciphertext: the client-to-client format. The server never sees these
 * values; clients parse every decrypted payload with these schemas and drop what fails.
 */

/** The file key and ciphertext hash (packages/crypto attachments); only ever sent encrypted. */
export const attachmentDescriptor = z.strictObject({
  v: z.literal(1),
  key: base64Url,
  ciphertextHash: base64Url,
  size: z.number().int().min(0),
  chunkSize: z.number().int().min(1),
});

export const textContent = z.strictObject({
  type: z.literal('text'),
  text: z.string().min(1).max(20_000),
});

export const fileContent = z.strictObject({
  type: z.literal('file'),
  fileId: id,
  name: z.string().min(1).max(255),
  mimeType: z.string().min(1).max(255),
  /** Plaintext size in bytes. */
  size: z.number().int().min(0),
  descriptor: attachmentDescriptor,
  caption: z.string().max(2_000).optional(),
});

/** What people send to each other. */
export const messageContent = z.discriminatedUnion('type', [textContent, fileContent]);
export type MessageContent = z.infer<typeof messageContent>;

/** A device handing its group sender key to another device (pairwise only, never shown). */
export const senderKeyContent = z.strictObject({
  type: z.literal('sender_key'),
  distribution: base64Url,
});

/** The plaintext of a pairwise message. */
export const pairwisePlaintext = z.strictObject({
  v: z.literal(1),
  content: z.discriminatedUnion('type', [textContent, fileContent, senderKeyContent]),
});

/** The plaintext of a group (sender-key) message. */
export const groupPlaintext = z.strictObject({ v: z.literal(1), content: messageContent });
