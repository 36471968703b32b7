import type { Queryable } from '@spreekuur/db';
import type { AuditEntryView } from '@spreekuur/protocol/privacy';

/** Reading `audit_log` (written by every service through recordAudit in @spreekuur/server). */

export interface AuditFilter {
  orgId: string;
  action?: string | undefined;
  actorPersonId?: string | undefined;
  /** Entries about a person: as actor, as subject, or named in the details. */
  personId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  before?: string | undefined;
  limit: number;
}

interface AuditRow extends Record<string, unknown> {
  id: number;
  at: Date;
  action: string;
  actor_person_id: string | null;
  actor_device_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  details: Record<string, string | number | boolean | null>;
}

const toView = (row: AuditRow): AuditEntryView => ({
  id: String(row.id),
  at: row.at.toISOString(),
  action: row.action,
  actorPersonId: row.actor_person_id,
  actorDeviceId: row.actor_device_id,
  subjectType: row.subject_type,
  subjectId: row.subject_id,
  details: row.details,
});

/** What names a person in an entry: them acting, them as the subject, one of their devices, or a details field. */
const ABOUT_PERSON = `(a.actor_person_id = $P OR a.subject_id = $P::text
   OR a.subject_id IN (SELECT d.id::text FROM devices d WHERE d.person_id = $P)
   OR EXISTS (SELECT 1 FROM jsonb_each_text(a.details) AS kv WHERE kv.value = $P::text))`;

/** Newest first, keyset-paginated by id; `limit + 1` rows are read to know whether a next page exists. */
export async function listAudit(db: Queryable, filter: AuditFilter): Promise<AuditEntryView[]> {
  const where = ['a.org_id = $1'];
  const params: unknown[] = [filter.orgId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll('$P', `$${params.length}`));
  };
  if (filter.action) {
    if (filter.action.endsWith('.')) add('starts_with(a.action, $P)', filter.action);
    else add('a.action = $P', filter.action);
  }
  if (filter.actorPersonId) add('a.actor_person_id = $P', filter.actorPersonId);
  if (filter.personId) add(ABOUT_PERSON, filter.personId);
  if (filter.since) add('a.at >= $P', filter.since);
  if (filter.until) add('a.at < $P', filter.until);
  if (filter.before) add('a.id < $P', filter.before);
  params.push(filter.limit);
  const { rows } = await db.query<AuditRow>(
    `SELECT a.id, a.at, a.action, a.actor_person_id, a.actor_device_id, a.subject_type, a.subject_id, a.details
       FROM audit_log a WHERE ${where.join(' AND ')} ORDER BY a.id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toView);
}
