import type { Queryable } from '@spreekuur/db';
import type { Role } from '@spreekuur/protocol/identity';
import type { Target } from '../domain/privacy-access.ts';

/** The person a privacy request is about, in the caller's organisation only. */
export async function loadTarget(
  db: Queryable,
  orgId: string,
  personId: string,
  lock = false,
): Promise<Target | null> {
  const { rows } = await db.query<{ org_id: string; id: string; role: Role; erased_at: Date | null }>(
    `SELECT org_id, id, role, erased_at FROM people WHERE id = $1 AND org_id = $2${lock ? ' FOR UPDATE' : ''}`,
    [personId, orgId],
  );
  const row = rows[0];
  return row ? { orgId: row.org_id, personId: row.id, role: row.role, erased: row.erased_at !== null } : null;
}

/** Admins of the organisation other than `personId` who are not erased. */
export async function otherAdmins(db: Queryable, orgId: string, personId: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM people
      WHERE org_id = $1 AND role = 'admin' AND id <> $2 AND erased_at IS NULL`,
    [orgId, personId],
  );
  return rows[0]?.count ?? 0;
}
