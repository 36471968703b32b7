import { z } from 'zod';
import { base64Url, base64UrlOfLength, id } from './common.ts';

/**
 * What is inside the ciphertext: the client-to-client format. The server never sees these
 * values; clients parse every decrypted payload with these schemas and drop what fails.
 */

/** The file key and ciphertext hash (packages/crypto attachments); only ever sent encrypted. */
export const attachmentDescriptor = z.strictObject({
  /** 2: the ciphertext commits to the key (crypto SPEC §7.2); 1: older files, still read. */
  v: z.union([z.literal(1), z.literal(2)]),
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

/**
 * Who wrote a message and where it belongs, inside the ciphertext (plaintext v2, SPEC §13.3):
 * the server cannot show a message as another person's, move it to another channel or
 * present it as an edit. Receivers compare these with the envelope and drop what differs.
 */
const messageContext = {
  sender: z.strictObject({ personId: id, deviceId: id }),
  channelId: id,
  /** The sender's clock (ms since 1970): informative, never trusted for ordering. */
  sentAt: z.number().int().min(0),
  /** The message this one edits, or null: must equal the envelope's `replacesSeq`. */
  replacesSeq: z.number().int().min(1).nullable(),
  /**
   * Reserved for message franking (issue 11): a fresh 32-byte key per message, base64url.
   * Carried through unchanged; its meaning is defined by the moderation feature.
   */
  frankingKey: base64UrlOfLength(32).optional(),
};

const pairwiseContent = z.discriminatedUnion('type', [textContent, fileContent, senderKeyContent]);

/** The plaintext of a pairwise message: v2 names sender and context; v1 (older messages) does not. */
export const pairwisePlaintext = z.discriminatedUnion('v', [
  z.strictObject({ v: z.literal(1), content: pairwiseContent }),
  z.strictObject({ v: z.literal(2), ...messageContext, content: pairwiseContent }),
]);
export type PairwisePlaintext = z.infer<typeof pairwisePlaintext>;

/** The plaintext of a group (sender-key) message, v1 or v2 as for pairwise. */
export const groupPlaintext = z.discriminatedUnion('v', [
  z.strictObject({ v: z.literal(1), content: messageContent }),
  z.strictObject({ v: z.literal(2), ...messageContext, content: messageContent }),
]);
