import { randomUUID } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';
import type { Team } from '@spreekuur/protocol/identity';
import { iso } from './rows.ts';

/** Teams (`teams`) and who is in them (`team_members`). */

type TeamRow = { id: string; name: string; created_at: Date; verified_devices_required: boolean };
const toTeam = (row: TeamRow): Team => ({
  id: row.id,
  name: row.name,
  createdAt: iso(row.created_at),
  verifiedDevicesRequired: row.verified_devices_required,
});
const TEAM_COLUMNS = 'id, name, created_at, verified_devices_required';

export async function teamIdsOf(db: Queryable, orgId: string, personId: string): Promise<string[]> {
  const { rows } = await db.query<{ team_id: string }>(
    'SELECT team_id FROM team_members WHERE org_id = $1 AND person_id = $2 ORDER BY team_id',
    [orgId, personId],
  );
  return rows.map((row) => row.team_id);
}

/** Every team of the organisation (`all`), or the teams the person is in. */
export async function listTeams(
  db: Queryable,
  orgId: string,
  viewer: { personId: string; all: boolean },
): Promise<Team[]> {
  const { rows } = await db.query<TeamRow>(
    `SELECT t.id, t.name, t.created_at, t.verified_devices_required FROM teams t
      WHERE t.org_id = $1
        AND ($2::boolean OR EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.person_id = $3))
      ORDER BY t.name`,
    [orgId, viewer.all, viewer.personId],
  );
  return rows.map(toTeam);
}

export async function insertTeam(tx: Queryable, orgId: string, name: string): Promise<Team> {
  const { rows } = await tx.query<TeamRow>(
    `INSERT INTO teams (id, org_id, name) VALUES ($1, $2, $3) RETURNING ${TEAM_COLUMNS}`,
    [randomUUID(), orgId, name],
  );
  return toTeam(rows[0]!);
}

/**
 * The team of the organisation, locked for an update of its settings (undefined when there is
 * none), with whether `personId` is a member of it.
 */
export async function lockTeamFor(
  tx: Queryable,
  orgId: string,
  teamId: string,
  personId: string,
): Promise<{ team: Team; member: boolean } | undefined> {
  const { rows } = await tx.query<TeamRow & { member: boolean }>(
    `SELECT ${TEAM_COLUMNS},
            EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.person_id = $3) AS member
       FROM teams t WHERE t.id = $1 AND t.org_id = $2 FOR UPDATE`,
    [teamId, orgId, personId],
  );
  const row = rows[0];
  return row ? { team: toTeam(row), member: row.member } : undefined;
}

export async function updateTeamVerification(
  tx: Queryable,
  orgId: string,
  teamId: string,
  required: boolean,
): Promise<Team> {
  const { rows } = await tx.query<TeamRow>(
    `UPDATE teams SET verified_devices_required = $3 WHERE id = $1 AND org_id = $2 RETURNING ${TEAM_COLUMNS}`,
    [teamId, orgId, required],
  );
  return toTeam(rows[0]!);
}

export async function teamExists(db: Queryable, orgId: string, teamId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM teams WHERE id = $1 AND org_id = $2', [teamId, orgId]);
  return rowCount > 0;
}

/** Whether both the team and the person belong to the organisation. */
export async function teamAndPersonExist(
  db: Queryable,
  orgId: string,
  teamId: string,
  personId: string,
): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM teams t, people p WHERE t.id = $1 AND t.org_id = $3 AND p.id = $2 AND p.org_id = $3`,
    [teamId, personId, orgId],
  );
  return rows.length > 0;
}

/** Puts a person in a team (nothing happens when they are in it already). */
export async function addTeamMember(
  tx: Queryable,
  orgId: string,
  teamId: string,
  personId: string,
): Promise<void> {
  await tx.query(
    'INSERT INTO team_members (org_id, team_id, person_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [orgId, teamId, personId],
  );
}

export async function removeTeamMember(
  tx: Queryable,
  orgId: string,
  teamId: string,
  personId: string,
): Promise<void> {
  await tx.query('DELETE FROM team_members WHERE org_id = $1 AND team_id = $2 AND person_id = $3', [
    orgId,
    teamId,
    personId,
  ]);
}
