import { z } from 'zod';
import { base64Url, id, isoDateTime } from '../common.ts';
import { opaqueBytes } from './bytes.ts';
import { channelRole, membershipProof, sequenceNumber } from './channels.ts';
import { frankingBytes, moderationChange } from './moderation.ts';

// Messages and the channel log.

export const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, {
  error: 'must be 8-64 letters, digits, _ or - (a unique id per message)',
});

const payloadForDevice = z.strictObject({ deviceId: id, ciphertext: opaqueBytes(1024 * 1024) });

const envelopeCommon = {
  channelId: id,
  clientId,
  /** An edit: the new version of the sender's own earlier message. */
  replacesSeq: sequenceNumber.min(1).optional(),
  /** Files this message refers to; they are deleted with it. */
  fileIds: z.array(id).max(10).optional(),
  /** Moderation: the message franking commitment to its plaintext (SPEC §14); the server tags and keeps it. */
  frankingCommitment: frankingBytes.optional(),
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
    /** Moderation: the sender's franking commitment, which the recipient checks after decrypting (SPEC §14.2). */
    frankingCommitment: frankingBytes.optional(),
  }),
  z.object({
    ...eventBase,
    kind: z.literal('member_added'),
    personId: id,
    role: channelRole,
    byPersonId: id.nullable(),
    /** The adding device's signature (crypto SPEC §13.5), when its client sent one. */
    proof: membershipProof.optional(),
  }),
  z.object({ ...eventBase, kind: z.literal('member_removed'), personId: id, byPersonId: id.nullable() }),
  z.object({ ...eventBase, kind: z.literal('message_deleted'), targetSeq: sequenceNumber, byPersonId: id }),
  z.object({
    ...eventBase,
    kind: z.literal('settings_changed'),
    disappearingSeconds: z.number().int().nullable(),
    byPersonId: id,
  }),
  /** Moderation: a moderator's action (docs/moderation.md). */
  z.object({ ...eventBase, kind: z.literal('moderation'), change: moderationChange, byPersonId: id }),
]);
export type ChannelEvent = z.infer<typeof channelEvent>;

export const historyQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const historyPage = z.object({ events: z.array(channelEvent), lastSeq: sequenceNumber });

export const deleteMessageBody = z.strictObject({ channelId: id, seq: sequenceNumber.min(1) });
/** `/v1/channels/:id/messages/:seq`: a message by its channel and sequence number. */
export const messageParams = z.strictObject({ id, seq: z.coerce.number().int().min(1) });
