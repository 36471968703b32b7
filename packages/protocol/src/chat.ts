import { z } from 'zod';
import { base64Url, base64UrlBytes, id, isoDateTime } from './common.ts';

/**
 * Chat on the wire. Every byte string here is ciphertext or a public key: the server routes
 * and stores it without being able to read it (packages/crypto/SPEC.md).
 */

/** Opaque bytes: at least one, at most `maxBytes`, and always decodable (see base64Url). */
export const opaqueBytes = (maxBytes: number) => base64UrlBytes({ min: 1, max: maxBytes });

export const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, {
  error: 'must be 8-64 letters, digits, _ or - (a unique id per message)',
});

export const sequenceNumber = z.number().int().min(0);
export const channelKind = z.enum(['direct', 'group', 'office_hour']);
export const channelRole = z.enum(['owner', 'moderator', 'member']);
export type ChannelRole = z.infer<typeof channelRole>;

// ---- Key directory ----------------------------------------------------------------------

const KEY_BYTES_MAX = 2_048; // ML-KEM-768 public keys are 1,184 bytes; room for a version prefix.
const SIGNATURE_BYTES_MAX = 128;

export const signedPrekey = z.strictObject({
  id: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  publicKey: opaqueBytes(KEY_BYTES_MAX),
  signature: opaqueBytes(SIGNATURE_BYTES_MAX),
});

export const uploadSignedPrekeysBody = z.strictObject({
  signedPrekey,
  kemPrekey: signedPrekey,
});

export const ONE_TIME_PREKEYS_MAX = 500;
export const ONE_TIME_PREKEYS_LOW = 20;

export const uploadOneTimePrekeysBody = z.strictObject({
  prekeys: z
    .array(
      z.strictObject({
        id: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1),
        publicKey: opaqueBytes(KEY_BYTES_MAX),
      }),
    )
    .min(1)
    .max(200),
});

export const keyStatus = z.object({
  oneTimePrekeys: z.number().int(),
  signedPrekeyId: z.number().int().nullable(),
  kemPrekeyId: z.number().int().nullable(),
  /** Below this many one-time prekeys the device should upload more. */
  lowWatermark: z.number().int(),
});

export const fetchBundlesBody = z.strictObject({ deviceIds: z.array(id).min(1).max(200) });

export const prekeyBundle = z.object({
  deviceId: id,
  personId: id,
  identityKey: base64Url,
  signedPrekey: z.object({ id: z.number(), publicKey: base64Url, signature: base64Url }),
  kemPrekey: z.object({ id: z.number(), publicKey: base64Url, signature: base64Url }),
  /** Absent when the device has run out; the session then starts without one (SPEC). */
  oneTimePrekey: z.object({ id: z.number(), publicKey: base64Url }).nullable(),
});
export type PrekeyBundle = z.infer<typeof prekeyBundle>;

// ---- Channels ---------------------------------------------------------------------------

export const channelMember = z.object({
  personId: id,
  displayName: z.string(),
  role: channelRole,
});

export const channel = z.object({
  id,
  kind: channelKind,
  name: z.string().nullable(),
  members: z.array(channelMember),
  lastSeq: sequenceNumber,
  /** This device's cursors in the channel. */
  deliveredSeq: sequenceNumber,
  readSeq: sequenceNumber,
  /** The first sequence number this person may see. */
  joinedSeq: sequenceNumber,
  disappearingSeconds: z.number().int().nullable(),
  announcementsOnly: z.boolean(),
  createdAt: isoDateTime,
});
export type Channel = z.infer<typeof channel>;

export const openDirectBody = z.strictObject({ personId: id });
export const createGroupBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  memberIds: z.array(id).max(500).default([]),
});
export const addMemberBody = z.strictObject({
  personId: id,
  role: channelRole.exclude(['owner']).default('member'),
});
export const channelSettingsBody = z.strictObject({
  disappearingSeconds: z.number().int().min(60).max(31_536_000).nullable(),
});
export const channelParams = z.strictObject({ id });
export const channelMemberParams = z.strictObject({ id, personId: id });

export const channelDevice = z.object({ deviceId: id, personId: id, identityKey: base64Url });
export type ChannelDevice = z.infer<typeof channelDevice>;

// ---- Messages and the channel log ---------------------------------------------------------

const payloadForDevice = z.strictObject({ deviceId: id, ciphertext: opaqueBytes(1024 * 1024) });

const envelopeCommon = {
  channelId: id,
  clientId,
  /** An edit: the new version of the sender's own earlier message. */
  replacesSeq: sequenceNumber.min(1).optional(),
  /** Files this message refers to; they are deleted with it. */
  fileIds: z.array(id).max(10).optional(),
};

/**
 * A message envelope. `pairwise`: one ciphertext per recipient device (Double Ratchet).
 * `group`: one sender-key ciphertext for all, and the devices the sender distributed its
 * sender key to. Either way the device list must equal the channel's current member devices
 * (except the sending one), or the server answers ERR_CHAT_DEVICES_CHANGED with the difference.
 */
export const sendMessageBody = z.discriminatedUnion('kind', [
  z.strictObject({
    ...envelopeCommon,
    kind: z.literal('pairwise'),
    payloads: z.array(payloadForDevice).max(1000),
  }),
  z.strictObject({
    ...envelopeCommon,
    kind: z.literal('group'),
    ciphertext: opaqueBytes(1024 * 1024),
    recipientDeviceIds: z.array(id).max(1000),
  }),
]);
export type SendMessage = z.infer<typeof sendMessageBody>;

export const sendAck = z.object({
  channelId: id,
  seq: sequenceNumber,
  createdAt: isoDateTime,
  /** True when this clientId was already stored: nothing new was stored or delivered. */
  duplicate: z.boolean(),
});
export type SendAck = z.infer<typeof sendAck>;

export const deviceMismatch = z.object({ missing: z.array(id), extra: z.array(id) });
export type DeviceMismatch = z.infer<typeof deviceMismatch>;

const eventBase = {
  channelId: id,
  seq: sequenceNumber,
  createdAt: isoDateTime,
};

/** One entry of a channel log as one device sees it. */
export const channelEvent = z.discriminatedUnion('kind', [
  z.object({
    ...eventBase,
    kind: z.literal('message'),
    senderPersonId: id,
    senderDeviceId: id,
    clientId,
    envelopeKind: z.enum(['pairwise', 'group']),
    /** This device's ciphertext; null if deleted, expired, or not addressed to this device. */
    ciphertext: base64Url.nullable(),
    replacesSeq: sequenceNumber.nullable(),
    fileIds: z.array(id),
    expiresAt: isoDateTime.nullable(),
    deleted: z.boolean(),
  }),
  z.object({
    ...eventBase,
    kind: z.literal('member_added'),
    personId: id,
    role: channelRole,
    byPersonId: id.nullable(),
  }),
  z.object({ ...eventBase, kind: z.literal('member_removed'), personId: id, byPersonId: id.nullable() }),
  z.object({ ...eventBase, kind: z.literal('message_deleted'), targetSeq: sequenceNumber, byPersonId: id }),
  z.object({
    ...eventBase,
    kind: z.literal('settings_changed'),
    disappearingSeconds: z.number().int().nullable(),
    byPersonId: id,
  }),
]);
export type ChannelEvent = z.infer<typeof channelEvent>;

export const historyQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const historyPage = z.object({ events: z.array(channelEvent), lastSeq: sequenceNumber });

export const deleteMessageBody = z.strictObject({ channelId: id, seq: sequenceNumber.min(1) });

// ---- Receipts, typing, presence -----------------------------------------------------------

export const receiptsBody = z.strictObject({
  receipts: z
    .array(
      z.strictObject({
        channelId: id,
        deliveredSeq: sequenceNumber.optional(),
        readSeq: sequenceNumber.optional(),
      }),
    )
    .min(1)
    .max(200),
});

export const receiptEvent = z.object({
  channelId: id,
  personId: id,
  deviceId: id,
  deliveredSeq: sequenceNumber,
  readSeq: sequenceNumber,
});
export type ReceiptEvent = z.infer<typeof receiptEvent>;

export const typingBody = z.strictObject({ channelId: id, typing: z.boolean() });
export const typingEvent = z.object({ channelId: id, personId: id, typing: z.boolean() });

export const presenceStatus = z.enum(['online', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof presenceStatus>;
export const setPresenceBody = z.strictObject({
  status: z.enum(['online', 'away']).optional(),
  /** Hide your status from others (they see "offline"); remembered. */
  hidden: z.boolean().optional(),
});
export const watchPresenceBody = z.strictObject({ personIds: z.array(id).min(1).max(200) });
export const presenceEvent = z.object({ personId: id, status: presenceStatus });

export const syncResult = z.object({
  channels: z.array(
    z.object({
      id,
      /** For a channel the caller has left: the end of what they may read (their removal). */
      lastSeq: sequenceNumber,
      deliveredSeq: sequenceNumber,
      joinedSeq: sequenceNumber,
      /** Present when the caller left or was removed and this device has not caught up to it. */
      leftSeq: sequenceNumber.optional(),
    }),
  ),
});

// ---- Files --------------------------------------------------------------------------------

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

// ---- Socket events ------------------------------------------------------------------------

/** Client → server socket.io events (each answered with an Ack). */
export const chatClientEvents = {
  'chat:send': sendMessageBody,
  'chat:delete': deleteMessageBody,
  'chat:receipts': receiptsBody,
  'chat:typing': typingBody,
  'chat:sync': z.strictObject({}).optional(),
  'presence:set': setPresenceBody,
  'presence:watch': watchPresenceBody,
} as const;

/** Server → client socket.io events. */
export const chatServerEvents = {
  'chat:event': channelEvent,
  'chat:receipt': receiptEvent,
  'chat:typing': typingEvent,
  'presence:changed': presenceEvent,
  'keys:low': z.object({ remaining: z.number().int() }),
} as const;
