import { z } from 'zod';
import { base64Url, id, isoDateTime } from '../common.ts';

/** A position in a channel's log: gapless, in commit order, starting at 1. */
export const sequenceNumber = z.number().int().min(0);
export const channelKind = z.enum(['direct', 'group', 'office_hour']);
export const channelRole = z.enum(['owner', 'moderator', 'member']);
export type ChannelRole = z.infer<typeof channelRole>;

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

/**
 * An owner's or moderator's device signs each member it adds (crypto SPEC §13.5); the server
 * stores the proof with the `member_added` entry and relays it unchanged. Optional: older
 * clients send none, and their additions are shown as unverified.
 */
export const membershipProof = z.strictObject({
  /** The signing device (of the person who makes the change). */
  deviceId: id,
  /** The last log entry the signer had seen (0 for a new group's founding members). */
  afterSeq: z.number().int().min(0).max(0xffff_ffff),
  signature: base64Url,
});
export type MembershipProof = z.infer<typeof membershipProof>;

export const openDirectBody = z.strictObject({ personId: id });
export const createGroupBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  memberIds: z.array(id).max(500).default([]),
  /** Chosen by the creating device so it can sign the founding members; the server's otherwise. */
  channelId: id.optional(),
  /** One proof per founding member, the creator (as owner) included. */
  memberProofs: z
    .array(z.strictObject({ personId: id, proof: membershipProof }))
    .max(501)
    .optional(),
});
export const addMemberBody = z.strictObject({
  personId: id,
  role: channelRole.exclude(['owner']).default('member'),
  proof: membershipProof.optional(),
});
export const channelSettingsBody = z.strictObject({
  disappearingSeconds: z.number().int().min(60).max(31_536_000).nullable(),
});
export const channelMemberParams = z.strictObject({ id, personId: id });

export const channelDevice = z.object({ deviceId: id, personId: id, identityKey: base64Url });
export type ChannelDevice = z.infer<typeof channelDevice>;
