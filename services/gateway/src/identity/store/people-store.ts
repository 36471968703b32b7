import { randomUUID } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';
import type { Locale } from '@spreekuur/protocol/common';
import type { Person, Role } from '@spreekuur/protocol/identity';

/** People (`people`) and who may see whom. */

type PersonRow = { id: string; role: Role; display_name: string; team_ids: string[] | null };

/** The person looking: their organisation, role and id. */
export interface Viewer {
  orgId: string;
  role: Role;
  personId: string;
}

/**
 * Who may see whom. Admins: everyone in their organisation. Workers: people who share a
 * team with them, and the organisation's admins (whom they may write to). Residents: the workers and admins of their teams, never other
 * residents (a resident's name is personal data of a vulnerable person).
 * Team ids shown are those the viewer may see.
 */
const VISIBLE_PEOPLE = `
  SELECT p.id, p.role, p.display_name,
         array_remove(array_agg(DISTINCT tm.team_id ORDER BY tm.team_id), NULL) AS team_ids
    FROM people p
    LEFT JOIN team_members tm
           ON tm.person_id = p.id
          AND ($2 = 'admin' OR tm.team_id IN (SELECT team_id FROM team_members WHERE person_id = $3))
   WHERE p.org_id = $1
     AND (
       $2 = 'admin'
       OR p.id = $3
       OR ($2 = 'worker' AND p.role = 'admin')
       OR (EXISTS (SELECT 1 FROM team_members a JOIN team_members b ON a.team_id = b.team_id
                    WHERE a.person_id = $3 AND b.person_id = p.id)
           AND ($2 = 'worker' OR p.role <> 'resident'))
     )`;

const toPerson = (row: PersonRow): Person => ({
  id: row.id,
  role: row.role,
  displayName: row.display_name,
  teamIds: row.team_ids ?? [],
});

export async function listVisiblePeople(
  db: Queryable,
  viewer: Viewer,
  filter: { teamId?: string | undefined; role?: Role | undefined },
): Promise<Person[]> {
  const { rows } = await db.query<PersonRow>(
    `${VISIBLE_PEOPLE}
       AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM team_members f WHERE f.person_id = p.id AND f.team_id = $4))
       AND ($5::text IS NULL OR p.role = $5)
       -- An erased person stays only as a pseudonym for the audit trail (docs/privacy.md): not listed.
       AND p.erased_at IS NULL
     GROUP BY p.id ORDER BY p.display_name LIMIT 1000`,
    [viewer.orgId, viewer.role, viewer.personId, filter.teamId ?? null, filter.role ?? null],
  );
  return rows.map(toPerson);
}

export async function findVisiblePerson(
  db: Queryable,
  viewer: Viewer,
  personId: string,
): Promise<Person | null> {
  const { rows } = await db.query<PersonRow>(`${VISIBLE_PEOPLE} AND p.id = $4 GROUP BY p.id`, [
    viewer.orgId,
    viewer.role,
    viewer.personId,
    personId,
  ]);
  return rows[0] ? toPerson(rows[0]) : null;
}

export interface OwnProfileRow extends Record<string, unknown> {
  id: string;
  role: Role;
  display_name: string;
  locale: Locale;
  org_name: string;
  org_slug: string;
  org_created_at: Date;
}

/** A person's own profile with their organisation. */
export async function findOwnProfile(
  db: Queryable,
  orgId: string,
  personId: string,
): Promise<OwnProfileRow | undefined> {
  const { rows } = await db.query<OwnProfileRow>(
    `SELECT p.id, p.role, p.display_name, p.locale, o.name AS org_name, o.slug AS org_slug, o.created_at AS org_created_at
       FROM people p JOIN organisations o ON o.id = p.org_id
      WHERE p.id = $1 AND p.org_id = $2`,
    [personId, orgId],
  );
  return rows[0];
}

export async function insertPerson(
  tx: Queryable,
  person: { orgId: string; role: Role; displayName: string; locale: Locale },
): Promise<string> {
  const personId = randomUUID();
  await tx.query(`INSERT INTO people (id, org_id, role, display_name, locale) VALUES ($1, $2, $3, $4, $5)`, [
    personId,
    person.orgId,
    person.role,
    person.displayName,
    person.locale,
  ]);
  return personId;
}

export async function roleOf(tx: Queryable, orgId: string, personId: string): Promise<Role | null> {
  const { rows } = await tx.query<{ role: Role }>('SELECT role FROM people WHERE id = $1 AND org_id = $2', [
    personId,
    orgId,
  ]);
  return rows[0]?.role ?? null;
}

/** The role of a person who is still there (not erased), or null: an erased person gets no new device. */
export async function roleOfActive(tx: Queryable, orgId: string, personId: string): Promise<Role | null> {
  const { rows } = await tx.query<{ role: Role }>(
    'SELECT role FROM people WHERE id = $1 AND org_id = $2 AND erased_at IS NULL',
    [personId, orgId],
  );
  return rows[0]?.role ?? null;
}
