import { z } from 'zod';
import { base64UrlBytes, id, idParams, isoDateTime } from '../common.ts';
import { endpoint } from '../endpoint.ts';
import { opaqueBytes } from './bytes.ts';
import { sequenceNumber } from './channels.ts';

// Moderated group channels and reports under end-to-end encryption (docs/moderation.md).

/** A franking value (commitment, binding key, digest): exactly 32 bytes (packages/crypto/SPEC.md §14). */
export const frankingBytes = base64UrlBytes({ min: 32, max: 32 });

/** Longest mute: 30 days. */
export const MUTE_SECONDS_MAX = 30 * 24 * 3600;
/** Slow mode: at most one message per this many seconds per member; 0 switches it off. */
export const SLOW_MODE_SECONDS_MAX = 3600;
/** Pins a channel holds at most. */
export const PINS_MAX = 20;

/**
 * One moderation action as it stands in the channel log (`kind: 'moderation'` entries), so
 * every device sees it and it survives reconnects. Never carries message content.
 */
export const moderationChange = z.discriminatedUnion('type', [
  z.object({ type: z.literal('muted'), personId: id, until: isoDateTime }),
  z.object({ type: z.literal('unmuted'), personId: id }),
  z.object({ type: z.literal('banned'), personId: id }),
  z.object({ type: z.literal('unbanned'), personId: id }),
  z.object({ type: z.literal('slow_mode'), seconds: z.number().int().min(0).max(SLOW_MODE_SECONDS_MAX) }),
  z.object({ type: z.literal('locked'), locked: z.boolean() }),
  z.object({ type: z.literal('pinned'), targetSeq: sequenceNumber }),
  z.object({ type: z.literal('unpinned'), targetSeq: sequenceNumber }),
  z.object({ type: z.literal('role_changed'), personId: id, role: z.enum(['moderator', 'member']) }),
]);
export type ModerationChange = z.infer<typeof moderationChange>;

/** Where a group stands: what the server enforces on send, and what the app shows. */
export const moderationState = z.object({
  channelId: id,
  slowModeSeconds: z.number().int(),
  /** Only owners and moderators post (the channel's `announcementsOnly`). */
  locked: z.boolean(),
  mutes: z.array(z.object({ personId: id, until: isoDateTime })),
  bans: z.array(z.object({ personId: id, bannedAt: isoDateTime, byPersonId: id.nullable() })),
  pins: z.array(z.object({ seq: sequenceNumber, byPersonId: id.nullable(), pinnedAt: isoDateTime })),
});
export type ModerationState = z.infer<typeof moderationState>;

export const muteBody = z.strictObject({
  personId: id,
  seconds: z.number().int().min(60).max(MUTE_SECONDS_MAX),
});
export const personBody = z.strictObject({ personId: id });
export const slowModeBody = z.strictObject({ seconds: z.number().int().min(0).max(SLOW_MODE_SECONDS_MAX) });
export const lockBody = z.strictObject({ locked: z.boolean() });
export const pinBody = z.strictObject({ seq: sequenceNumber.min(1) });
export const roleBody = z.strictObject({ role: z.enum(['moderator', 'member']) });
const channelPersonParams = z.strictObject({ id, personId: id });
const channelSeqParams = z.strictObject({ id, seq: z.coerce.number().int().min(1) });

// ---- Reports ---------------------------------------------------------------------------

export const reportReason = z.enum(['spam', 'harassment', 'threat', 'inappropriate', 'other']);
export const reportStatus = z.enum(['open', 'dismissed', 'action_taken']);
export const reportResolution = z.enum(['dismissed', 'action_taken']);

/**
 * A report of a message. `opening` lets the server check the message's franking commitment
 * without seeing the plaintext; `sealed` carries the plaintext, its franking key and the
 * reporter's note, sealed to each device of the channel's moderators (SPEC §14): the server
 * stores it and cannot open it.
 */
export const createReportBody = z.strictObject({
  channelId: id,
  seq: sequenceNumber.min(1),
  reason: reportReason,
  opening: z.strictObject({ bindingKey: frankingBytes, digest: frankingBytes }),
  sealed: z
    .array(z.strictObject({ deviceId: id, ciphertext: opaqueBytes(64 * 1024) }))
    .min(1)
    .max(200),
});
export type CreateReport = z.infer<typeof createReportBody>;

/** What anyone allowed to see a report sees; `sealed` only for the moderator device it was sealed to. */
export const report = z.object({
  id,
  channelId: id,
  seq: sequenceNumber,
  reason: reportReason,
  status: reportStatus,
  reporterPersonId: id,
  /** The reported message's sender and when the server stored it (what the server tag binds). */
  senderPersonId: id,
  senderDeviceId: id,
  sentAt: isoDateTime,
  /** The franking commitment the server stored with the message; the moderator's app checks the plaintext against it. */
  commitment: frankingBytes,
  /** The server checked the opening against the commitment and its tag before accepting the report. */
  serverVerified: z.boolean(),
  createdAt: isoDateTime,
  resolvedAt: isoDateTime.nullable(),
  resolvedByPersonId: id.nullable(),
  /** This device's sealed copy of the reveal (moderators of the channel only). */
  sealed: z.string().nullable(),
});
export type Report = z.infer<typeof report>;

/** Socket event `moderation:report`: a report was made in a channel you moderate, or one of yours was handled. */
export const reportNotice = z.object({ reportId: id, channelId: id, status: reportStatus });

export const reportQueueQuery = z.strictObject({ status: reportStatus.optional() });
export const resolveReportBody = z.strictObject({ resolution: reportResolution });

/** The organisation's overview for admins: that reports exist and how they were handled, no content. */
export const reportSummary = report.omit({ sealed: true, commitment: true });

export const moderationEndpoints = {
  state: endpoint({
    method: 'GET',
    path: '/v1/channels/:id/moderation',
    access: 'device',
    tags: ['moderation'],
    summary: 'Slow mode, lock, mutes, bans and pins of a group',
    params: idParams,
    response: moderationState,
  }),
  mute: endpoint({
    method: 'POST',
    path: '/v1/channels/:id/moderation/mutes',
    access: 'device',
    tags: ['moderation'],
    summary: 'Mute a member for a while: their sends are refused until then',
    params: idParams,
    body: muteBody,
    response: moderationState,
  }),
  unmute: endpoint({
    method: 'DELETE',
    path: '/v1/channels/:id/moderation/mutes/:personId',
    access: 'device',
    tags: ['moderation'],
    params: channelPersonParams,
    response: moderationState,
  }),
  ban: endpoint({
    method: 'POST',
    path: '/v1/channels/:id/moderation/bans',
    access: 'device',
    tags: ['moderation'],
    summary: 'Remove a member and keep them out until unbanned',
    params: idParams,
    body: personBody,
    response: moderationState,
  }),
  unban: endpoint({
    method: 'DELETE',
    path: '/v1/channels/:id/moderation/bans/:personId',
    access: 'device',
    tags: ['moderation'],
    params: channelPersonParams,
    response: moderationState,
  }),
  slowMode: endpoint({
    method: 'PUT',
    path: '/v1/channels/:id/moderation/slow-mode',
    access: 'device',
    tags: ['moderation'],
    params: idParams,
    body: slowModeBody,
    response: moderationState,
  }),
  lock: endpoint({
    method: 'PUT',
    path: '/v1/channels/:id/moderation/lock',
    access: 'device',
    tags: ['moderation'],
    summary: 'Locked: only owners and moderators post',
    params: idParams,
    body: lockBody,
    response: moderationState,
  }),
  pin: endpoint({
    method: 'POST',
    path: '/v1/channels/:id/moderation/pins',
    access: 'device',
    tags: ['moderation'],
    params: idParams,
    body: pinBody,
    response: moderationState,
  }),
  unpin: endpoint({
    method: 'DELETE',
    path: '/v1/channels/:id/moderation/pins/:seq',
    access: 'device',
    tags: ['moderation'],
    params: channelSeqParams,
    response: moderationState,
  }),
  setRole: endpoint({
    method: 'PUT',
    path: '/v1/channels/:id/moderation/roles/:personId',
    access: 'device',
    tags: ['moderation'],
    summary: 'Make a member moderator, or back (owner only)',
    params: channelPersonParams,
    body: roleBody,
    response: moderationState,
  }),
  createReport: endpoint({
    method: 'POST',
    path: '/v1/reports',
    access: 'device',
    tags: ['moderation'],
    summary: 'Report a message, with the franking opening and the reveal sealed to the moderators',
    body: createReportBody,
    status: 201,
    response: report,
  }),
  reportQueue: endpoint({
    method: 'GET',
    path: '/v1/channels/:id/reports',
    access: 'device',
    tags: ['moderation'],
    summary: "The channel's reports (its owners and moderators)",
    params: idParams,
    query: reportQueueQuery,
    response: z.object({ reports: z.array(report) }),
  }),
  resolveReport: endpoint({
    method: 'POST',
    path: '/v1/reports/:id/resolve',
    access: 'device',
    tags: ['moderation'],
    params: idParams,
    body: resolveReportBody,
    response: report,
  }),
  myReports: endpoint({
    method: 'GET',
    path: '/v1/reports/mine',
    access: 'device',
    tags: ['moderation'],
    summary: 'Reports you made, and whether they were handled',
    response: z.object({ reports: z.array(reportSummary) }),
  }),
  reportOverview: endpoint({
    method: 'GET',
    path: '/v1/reports/overview',
    access: 'device',
    tags: ['moderation'],
    summary: "Admins: the organisation's reports and how they were handled, without content",
    response: z.object({ reports: z.array(reportSummary) }),
  }),
} as const;
