import { z } from 'zod';
import { id, isoDateTime } from '../common.ts';
import { auditEntry } from './audit.ts';

/**
 * Everything the server holds about one person (AVG art. 15 and 20), as JSON. Message content
 * is not in it: the server only ever held ciphertext it cannot read; the app adds the decrypted
 * history from the device.
 */
export const personExport = z.object({
  format: z.literal('spreekuur.person-export.v1'),
  exportedAt: isoDateTime,
  note: z.object({ nl: z.string(), en: z.string() }),
  profile: z.object({
    id,
    organisationId: id,
    role: z.string(),
    displayName: z.string(),
    locale: z.string(),
    presenceHidden: z.boolean(),
    createdAt: isoDateTime,
  }),
  devices: z.array(
    z.object({
      id,
      name: z.string(),
      identityKey: z.string(),
      createdAt: isoDateTime,
      lastSeenAt: isoDateTime.nullable(),
      revokedAt: isoDateTime.nullable(),
      oneTimePrekeysLeft: z.number().int(),
    }),
  ),
  teams: z.array(z.object({ teamId: id, name: z.string(), addedAt: isoDateTime })),
  channels: z.array(
    z.object({
      channelId: id,
      kind: z.string(),
      name: z.string().nullable(),
      role: z.string(),
      joinedSeq: z.number().int(),
      leftSeq: z.number().int().nullable(),
      /** Metadata of the messages this person sent there; the ciphertext is not included. */
      messagesSent: z.number().int(),
      firstSentAt: isoDateTime.nullable(),
      lastSentAt: isoDateTime.nullable(),
    }),
  ),
  files: z.array(
    z.object({
      fileId: id,
      channelId: id,
      size: z.number().int(),
      createdAt: isoDateTime,
      expiresAt: isoDateTime.nullable(),
    }),
  ),
  queueHistory: z.array(
    z.object({
      id,
      teamId: id,
      status: z.string(),
      asQuestion: z.boolean(),
      joinedAt: isoDateTime,
      endedAt: isoDateTime.nullable(),
      outcome: z.string().nullable(),
    }),
  ),
  appointments: z.array(
    z.object({
      id,
      teamId: id,
      role: z.enum(['resident', 'worker']),
      kind: z.string(),
      startAt: isoDateTime,
      endAt: isoDateTime,
      status: z.string(),
    }),
  ),
  notifications: z.array(
    z.object({ id, kind: z.string(), createdAt: isoDateTime, readAt: isoDateTime.nullable() }),
  ),
  keyBackup: z.object({ size: z.number().int(), updatedAt: isoDateTime }).nullable(),
  /** Sealed history waiting for one of their devices (SPEC §15.2): which, how large, until when. */
  historyTransfers: z.array(
    z.object({
      fromDeviceId: id,
      toDeviceId: id,
      size: z.number().int(),
      createdAt: isoDateTime,
      expiresAt: isoDateTime,
    }),
  ),
  audit: z.array(auditEntry),
});
export type PersonExport = z.infer<typeof personExport>;

/** Erasing a person is final: the caller confirms it in the body. */
export const erasureBody = z.strictObject({ confirm: z.literal(true) });

export const erasureResult = z.object({
  personId: id,
  erasedAt: isoDateTime,
  devicesRemoved: z.number().int(),
  messagesErased: z.number().int(),
  filesDeleted: z.number().int(),
  membershipsEnded: z.number().int(),
  appointmentsDeleted: z.number().int(),
  queueEntriesDeleted: z.number().int(),
});
export type ErasureResult = z.infer<typeof erasureResult>;
