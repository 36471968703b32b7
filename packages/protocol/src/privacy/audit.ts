import { z } from 'zod';
import { id, isoDateTime } from '../common.ts';

/** One audit entry as people read it: who did what to which object, when; never content. */
export const auditEntry = z.object({
  id: z.string(),
  at: isoDateTime,
  action: z.string(),
  actorPersonId: id.nullable(),
  actorDeviceId: id.nullable(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type AuditEntryView = z.infer<typeof auditEntry>;

const action = z
  .string()
  .regex(/^[a-z_]+(\.[a-z_]+)*\.?$/, 'must be an action or a prefix such as "invite."')
  .max(100);

/** Filters and a keyset cursor (`before`: the id of the last entry of the previous page). */
export const auditQuery = z.strictObject({
  action: action.optional(),
  actorPersonId: id.optional(),
  /** Entries about this person: as actor, as subject, or named in the details. */
  personId: id.optional(),
  since: isoDateTime.optional(),
  until: isoDateTime.optional(),
  before: z
    .string()
    .regex(/^[0-9]{1,19}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const auditPage = z.object({
  entries: z.array(auditEntry),
  /** Pass as `before` for the next (older) page; null when there is none. */
  next: z.string().nullable(),
});

/** A person's own entries: the same cursor, no filters on others. */
export const ownAuditQuery = auditQuery.pick({ before: true, limit: true });
