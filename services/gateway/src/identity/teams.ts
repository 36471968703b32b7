import { randomUUID } from 'node:crypto';
import { isUniqueViolation, type Database, type Queryable } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type { Team } from '@spreekuur/protocol/identity';
import { recordAudit, requireRole, type Principal } from '@spreekuur/server';
import { iso } from './rows.ts';

export async function teamIdsOf(db: Queryable, orgId: string, personId: string): Promise<string[]> {
  const { rows } = await db.query<{ team_id: string }>(
    'SELECT team_id FROM team_members WHERE org_id = $1 AND person_id = $2 ORDER BY team_id',
    [orgId, personId],
  );
  return rows.map((row) => row.team_id);
}

type TeamRow = { id: string; name: string; created_at: Date };
const toTeam = (row: TeamRow): Team => ({ id: row.id, name: row.name, createdAt: iso(row.created_at) });

/** Admins see all teams of their organisation; everyone else the teams they are in. */
export async function listTeams(db: Database, principal: Principal): Promise<Team[]> {
  const { rows } = await db.query<TeamRow>(
    `SELECT t.id, t.name, t.created_at FROM teams t
      WHERE t.org_id = $1
        AND ($2::boolean OR EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.person_id = $3))
      ORDER BY t.name`,
    [principal.orgId, principal.role === 'admin', principal.personId],
  );
  return rows.map(toTeam);
}

export async function createTeam(db: Database, principal: Principal, name: string): Promise<Team> {
  requireRole(principal, 'admin');
  try {
    return await db.transaction(async (tx) => {
      const { rows } = await tx.query<TeamRow>(
        'INSERT INTO teams (id, org_id, name) VALUES ($1, $2, $3) RETURNING id, name, created_at',
        [randomUUID(), principal.orgId, name],
      );
      const team = toTeam(rows[0]!);
      await recordAudit(tx, {
        orgId: principal.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: 'team.created',
        subjectType: 'team',
        subjectId: team.id,
      });
      return team;
    });
  } catch (error) {
    if (isUniqueViolation(error, 'teams_org_name_key')) throw new AppError('ERR_TEAM_NAME_TAKEN');
    throw error;
  }
}

async function assertTeamAndPerson(tx: Queryable, orgId: string, teamId: string, personId: string) {
  const { rows } = await tx.query(
    `SELECT 1 FROM teams t, people p WHERE t.id = $1 AND t.org_id = $3 AND p.id = $2 AND p.org_id = $3`,
    [teamId, personId, orgId],
  );
  if (rows.length === 0) throw new AppError('ERR_NOT_FOUND', 'team or person not found');
}

export async function addTeamMember(
  db: Database,
  principal: Principal,
  teamId: string,
  personId: string,
): Promise<void> {
  requireRole(principal, 'admin');
  await db.transaction(async (tx) => {
    await assertTeamAndPerson(tx, principal.orgId, teamId, personId);
    await tx.query(
      'INSERT INTO team_members (org_id, team_id, person_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [principal.orgId, teamId, personId],
    );
    await recordAudit(tx, {
      orgId: principal.orgId,
      actorPersonId: principal.personId,
      actorDeviceId: principal.deviceId,
      action: 'team.member_added',
      subjectType: 'team',
      subjectId: teamId,
      details: { personId },
    });
  });
}

export async function removeTeamMember(
  db: Database,
  principal: Principal,
  teamId: string,
  personId: string,
): Promise<void> {
  requireRole(principal, 'admin');
  await db.transaction(async (tx) => {
    await assertTeamAndPerson(tx, principal.orgId, teamId, personId);
    await tx.query('DELETE FROM team_members WHERE org_id = $1 AND team_id = $2 AND person_id = $3', [
      principal.orgId,
      teamId,
      personId,
    ]);
    await recordAudit(tx, {
      orgId: principal.orgId,
      actorPersonId: principal.personId,
      actorDeviceId: principal.deviceId,
      action: 'team.member_removed',
      subjectType: 'team',
      subjectId: teamId,
      details: { personId },
    });
  });
}
