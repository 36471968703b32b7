import type { Database } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type { Me, Person, Role } from '@spreekuur/protocol/identity';
import type { Principal } from '@spreekuur/server';
import { iso } from './rows.ts';
import { teamIdsOf } from './teams.ts';

type PersonRow = { id: string; role: Role; display_name: string; team_ids: string[] | null };

/**
 * Who may see whom. Admins: everyone in their organisation. Workers: people who share a
 * team with them. Residents: the workers and admins of their teams, never other
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

export async function listPeople(
  db: Database,
  principal: Principal,
  filter: { teamId?: string | undefined; role?: Role | undefined },
): Promise<Person[]> {
  const { rows } = await db.query<PersonRow>(
    `${VISIBLE_PEOPLE}
       AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM team_members f WHERE f.person_id = p.id AND f.team_id = $4))
       AND ($5::text IS NULL OR p.role = $5)
     GROUP BY p.id ORDER BY p.display_name LIMIT 1000`,
    [principal.orgId, principal.role, principal.personId, filter.teamId ?? null, filter.role ?? null],
  );
  return rows.map(toPerson);
}

export async function getPerson(db: Database, principal: Principal, personId: string): Promise<Person> {
  const { rows } = await db.query<PersonRow>(`${VISIBLE_PEOPLE} AND p.id = $4 GROUP BY p.id`, [
    principal.orgId,
    principal.role,
    principal.personId,
    personId,
  ]);
  if (!rows[0]) throw new AppError('ERR_NOT_FOUND', 'person not found');
  return toPerson(rows[0]);
}

export async function getMe(db: Database, principal: Principal): Promise<Me> {
  const { rows } = await db.query<{
    id: string;
    role: Role;
    display_name: string;
    locale: 'nl' | 'en';
    org_name: string;
    org_slug: string;
    org_created_at: Date;
  }>(
    `SELECT p.id, p.role, p.display_name, p.locale, o.name AS org_name, o.slug AS org_slug, o.created_at AS org_created_at
       FROM people p JOIN organisations o ON o.id = p.org_id
      WHERE p.id = $1 AND p.org_id = $2`,
    [principal.personId, principal.orgId],
  );
  const row = rows[0];
  if (!row) throw new AppError('ERR_UNAUTHENTICATED');
  return {
    person: {
      id: row.id,
      role: row.role,
      displayName: row.display_name,
      locale: row.locale,
      teamIds: await teamIdsOf(db, principal.orgId, principal.personId),
    },
    organisation: {
      id: principal.orgId,
      name: row.org_name,
      slug: row.org_slug,
      createdAt: iso(row.org_created_at),
    },
    deviceId: principal.deviceId,
  };
}
