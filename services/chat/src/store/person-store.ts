import type { Queryable } from '@spreekuur/db';
import type { Role } from '@spreekuur/protocol/identity';
import type { PersonFacts } from '../domain/contact-policy.ts';

/** What chat reads of people (the gateway's identity owns them), and the presence wish they keep. */

/** Role and teams of people of one organisation, for the contact rules; others are left out. */
export async function personFacts(
  db: Queryable,
  orgId: string,
  personIds: readonly string[],
): Promise<Map<string, PersonFacts>> {
  const { rows } = await db.query<{ id: string; role: Role; team_ids: string[] | null }>(
    `SELECT p.id, p.role, array_remove(array_agg(tm.team_id), NULL) AS team_ids
       FROM people p LEFT JOIN team_members tm ON tm.person_id = p.id
      WHERE p.org_id = $1 AND p.id = ANY($2::uuid[])
      GROUP BY p.id`,
    [orgId, personIds],
  );
  return new Map(rows.map((row) => [row.id, { id: row.id, role: row.role, teamIds: row.team_ids ?? [] }]));
}

/** The people of a team (of that organisation). */
export async function teamMemberIds(db: Queryable, orgId: string, teamId: string): Promise<string[]> {
  const { rows } = await db.query<{ person_id: string }>(
    'SELECT person_id FROM team_members WHERE org_id = $1 AND team_id = $2',
    [orgId, teamId],
  );
  return rows.map((row) => row.person_id);
}

export async function presenceHidden(db: Queryable, personId: string): Promise<boolean> {
  const { rows } = await db.query<{ presence_hidden: boolean }>(
    'SELECT presence_hidden FROM people WHERE id = $1',
    [personId],
  );
  return rows[0]?.presence_hidden ?? false;
}

export async function setPresenceHidden(db: Queryable, personId: string, hidden: boolean): Promise<void> {
  await db.query('UPDATE people SET presence_hidden = $2 WHERE id = $1', [personId, hidden]);
}
