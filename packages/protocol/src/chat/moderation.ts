import { z } from 'zod';
import { base64UrlBytes, id, idParams, isoDateTime } from '../common.ts';
import { endpoint } from '../endpoint.ts';
import { opaqueBytes } from './bytes.ts';
import { membershipProof, sequenceNumber } from './channels.ts';

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
  z.object({ type: z.literal('approval_required'), required: z.boolean() }),
  z.object({ type: z.literal('link_created'), linkId: id }),
  z.object({ type: z.literal('link_revoked'), linkId: id }),
  z.object({ type: z.literal('join_requested'), personId: id }),
  z.object({ type: z.literal('join_approved'), personId: id }),
  z.object({ type: z.literal('join_refused'), personId: id }),
]);
export type ModerationChange = z.infer<typeof moderationChange>;

/** Where a group stands: what the server enforces on send, and what the app shows. */
export const moderationState = z.object({
  channelId: id,
  slowModeSeconds: z.number().int(),
  /** Only owners and moderators post (the channel's `announcementsOnly`). */
  locked: z.boolean(),
  /** Someone who opens a group link waits for a moderator's approval before joining. */
  approvalRequired: z.boolean(),
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
export const approvalBody = z.strictObject({ required: z.boolean() });
const channelPersonParams = z.strictObject({ id, personId: id });
const channelLinkParams = z.strictObject({ id, linkId: id });
const channelSeqParams = z.strictObject({ id, seq: z.coerce.number().int().min(1) });

// ---- Group links and approval to join ---------------------------------------------------

/** Links a group may have open (not revoked) at once. */
export const GROUP_LINKS_MAX = 20;

/**
 * The secret of a group link: 32 random bytes, base64url. Shown once when the link is made;
 * the server keeps only its SHA-256. It travels in a request body (never a path or query), so
 * it stays out of access logs; the web app puts it after `#` in the link.
 */
export const groupLinkToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a group link token');

export const groupLink = z.object({
  id,
  channelId: id,
  createdAt: isoDateTime,
  createdByPersonId: id.nullable(),
  revokedAt: isoDateTime.nullable(),
  /** How many people joined (or asked to) through it. */
  uses: z.number().int(),
});
export type GroupLink = z.infer<typeof groupLink>;

export const joinRequest = z.object({
  personId: id,
  displayName: z.string(),
  requestedAt: isoDateTime,
});
export type JoinRequest = z.infer<typeof joinRequest>;

export const groupLinkBody = z.strictObject({ token: groupLinkToken });
export const joinDecisionBody = z.strictObject({
  decision: z.enum(['approve', 'refuse']),
  /** Approving: the moderator's device signs the addition (crypto SPEC §13.5), stored with the entry. */
  proof: membershipProof.optional(),
});

/** What opening a link shows before joining, and what joining did. */
export const groupLinkPreview = z.object({
  channelId: id,
  name: z.string().nullable(),
  approvalRequired: z.boolean(),
  /** `member`: already in; `pending`: waiting for approval; `none`: not yet. */
  status: z.enum(['member', 'pending', 'none']),
});
export const joinOutcome = z.object({
  channelId: id,
  /** `joined`: a member now (or already); `pending`: a moderator decides. */
  status: z.enum(['joined', 'pending']),
});
export type JoinOutcome = z.infer<typeof joinOutcome>;

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
  approval: endpoint({
    method: 'PUT',
    path: '/v1/channels/:id/moderation/approval',
    access: 'device',
    tags: ['moderation'],
    summary: 'Require a moderator to approve who joins through a group link',
    params: idParams,
    body: approvalBody,
    response: moderationState,
  }),
  createLink: endpoint({
    method: 'POST',
    path: '/v1/channels/:id/moderation/links',
    access: 'device',
    tags: ['moderation'],
    summary: 'Make a group link; its token is in this answer only',
    params: idParams,
    status: 201,
    response: z.object({ link: groupLink, token: groupLinkToken }),
  }),
  links: endpoint({
    method: 'GET',
    path: '/v1/channels/:id/moderation/links',
    access: 'device',
    tags: ['moderation'],
    summary: "The group's links (owners and moderators), without their tokens",
    params: idParams,
    response: z.object({ links: z.array(groupLink) }),
  }),
  revokeLink: endpoint({
    method: 'DELETE',
    path: '/v1/channels/:id/moderation/links/:linkId',
    access: 'device',
    tags: ['moderation'],
    summary: 'Revoke a group link: opening it fails from now on',
    params: channelLinkParams,
    response: groupLink,
  }),
  joinRequests: endpoint({
    method: 'GET',
    path: '/v1/channels/:id/moderation/join-requests',
    access: 'device',
    tags: ['moderation'],
    summary: 'People waiting for approval to join (owners and moderators)',
    params: idParams,
    response: z.object({ requests: z.array(joinRequest) }),
  }),
  decideJoin: endpoint({
    method: 'POST',
    path: '/v1/channels/:id/moderation/join-requests/:personId',
    access: 'device',
    tags: ['moderation'],
    summary: 'Approve (adds them) or refuse a request to join',
    params: channelPersonParams,
    body: joinDecisionBody,
    response: z.object({ requests: z.array(joinRequest) }),
  }),
  previewLink: endpoint({
    method: 'POST',
    path: '/v1/group-links/preview',
    access: 'device',
    tags: ['moderation'],
    summary: 'The group a link leads to, before joining',
    body: groupLinkBody,
    response: groupLinkPreview,
  }),
  joinByLink: endpoint({
    method: 'POST',
    path: '/v1/group-links/join',
    access: 'device',
    tags: ['moderation'],
    summary: 'Join a group through its link, or ask to when it requires approval',
    body: groupLinkBody,
    response: joinOutcome,
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
