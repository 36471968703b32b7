import type { Queryable } from '@spreekuur/db';

/** One line of the audit trail: who did what to which object, never any content. */
export interface AuditEntry {
  orgId: string | null;
  actorPersonId?: string | null;
  actorDeviceId?: string | null;
  action: string;
  subjectType?: string;
  subjectId?: string;
  details?: Record<string, string | number | boolean | null>;
}

/** The fields of an entry that name a signed-in caller as the actor, in their organisation. */
export function actorOf(caller: { orgId: string; personId: string; deviceId: string }) {
  return { orgId: caller.orgId, actorPersonId: caller.personId, actorDeviceId: caller.deviceId };
}

export async function recordAudit(tx: Queryable, entry: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (org_id, actor_person_id, actor_device_id, action, subject_type, subject_id, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      entry.orgId,
      entry.actorPersonId ?? null,
      entry.actorDeviceId ?? null,
      entry.action,
      entry.subjectType ?? null,
      entry.subjectId ?? null,
      JSON.stringify(entry.details ?? {}),
    ],
  );
}
