import type { Queryable } from '@spreekuur/db';
import type { Locale } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import type { Role } from '@spreekuur/protocol/identity';
import type { Principal } from '@spreekuur/server';

/**
 * Who may do what (README "Who may do what"). Everything is scoped by organisation: a team or
 * person of another organisation does not exist for the caller (404). Within the organisation,
 * admins manage every team; workers manage the teams they belong to; residents see only what
 * is theirs.
 */

export interface TeamRef {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
}

/** The team, if it belongs to the caller's organisation; 404 otherwise. */
export async function findTeam(db: Queryable, orgId: string, teamId: string): Promise<TeamRef> {
  const { rows } = await db.query<{ id: string; org_id: string; name: string }>(
    'SELECT id, org_id, name FROM teams WHERE id = $1 AND org_id = $2',
    [teamId, orgId],
  );
  const team = rows[0];
  if (!team) throw new AppError('ERR_NOT_FOUND', 'team not found');
  return { id: team.id, orgId: team.org_id, name: team.name };
}

export async function isTeamMember(db: Queryable, teamId: string, personId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM team_members WHERE team_id = $1 AND person_id = $2', [
    teamId,
    personId,
  ]);
  return rows.length > 0;
}

/** Admins of the organisation, and workers in the team: manage hours, roster, types; see the queue. */
export async function requireTeamStaff(
  db: Queryable,
  principal: Principal,
  teamId: string,
): Promise<TeamRef> {
  const team = await findTeam(db, principal.orgId, teamId);
  if (principal.role === 'admin') return team;
  if (principal.role === 'worker' && (await isTeamMember(db, teamId, principal.personId))) return team;
  throw new AppError('ERR_FORBIDDEN');
}

/** Anyone in the team (residents included) and the organisation's admins. */
export async function requireTeamMember(
  db: Queryable,
  principal: Principal,
  teamId: string,
): Promise<TeamRef> {
  const team = await findTeam(db, principal.orgId, teamId);
  if (principal.role === 'admin' || (await isTeamMember(db, teamId, principal.personId))) return team;
  throw new AppError('ERR_FORBIDDEN');
}

export interface PersonRef {
  readonly id: string;
  readonly role: Role;
  readonly displayName: string;
  readonly locale: Locale;
}

/** A person of the organisation; 404 otherwise. */
export async function findPerson(db: Queryable, orgId: string, personId: string): Promise<PersonRef> {
  const { rows } = await db.query<{ id: string; role: Role; display_name: string; locale: Locale }>(
    'SELECT id, role, display_name, locale FROM people WHERE id = $1 AND org_id = $2',
    [personId, orgId],
  );
  const person = rows[0];
  if (!person) throw new AppError('ERR_NOT_FOUND', 'person not found');
  return { id: person.id, role: person.role, displayName: person.display_name, locale: person.locale };
}

/**
 * A worker (or admin) the caller may ask about, e.g. whether a message reaches them now: for admins
 * anyone of their organisation who is not a resident; for everyone else, workers and admins who
 * share one of the caller's teams. Anything else is the same 404, whether the id is a resident, a
 * worker of other teams or nobody at all, so the answer does not tell who exists or who is a worker.
 */
export async function requireColleagueProfessional(
  db: Queryable,
  principal: Principal,
  personId: string,
): Promise<void> {
  const { rows } = await db.query(
    `SELECT 1 FROM people p
      WHERE p.id = $1 AND p.org_id = $2 AND p.role <> 'resident'
        AND ($4 = 'admin' OR EXISTS (
              SELECT 1 FROM team_members theirs
                JOIN team_members mine ON mine.team_id = theirs.team_id AND mine.person_id = $3
               WHERE theirs.person_id = p.id AND theirs.org_id = $2))`,
    [personId, principal.orgId, principal.personId, principal.role],
  );
  if (rows.length === 0) throw new AppError('ERR_NOT_FOUND', 'worker not found');
}

/** A worker (or admin) who is a member of the team: someone who can be rostered, booked or transferred to. */
export async function requireTeamProfessional(
  db: Queryable,
  team: TeamRef,
  personId: string,
): Promise<PersonRef> {
  const person = await findPerson(db, team.orgId, personId);
  if (person.role === 'resident' || !(await isTeamMember(db, team.id, personId))) {
    throw new AppError('ERR_NOT_FOUND', 'no such worker in this team');
  }
  return person;
}

/** A resident who is a member of the team. */
export async function requireTeamResident(
  db: Queryable,
  team: TeamRef,
  personId: string,
): Promise<PersonRef> {
  const person = await findPerson(db, team.orgId, personId);
  if (person.role !== 'resident' || !(await isTeamMember(db, team.id, personId))) {
    throw new AppError('ERR_NOT_FOUND', 'no such resident in this team');
  }
  return person;
}

/** Workers and admins who are members of the team, sorted. */
export async function teamProfessionalIds(db: Queryable, teamId: string): Promise<string[]> {
  const { rows } = await db.query<{ person_id: string }>(
    `SELECT m.person_id FROM team_members m JOIN people p ON p.id = m.person_id
      WHERE m.team_id = $1 AND p.role <> 'resident' ORDER BY m.person_id`,
    [teamId],
  );
  return rows.map((row) => row.person_id);
}

/** Teams the person belongs to. */
export async function teamIdsOf(db: Queryable, orgId: string, personId: string): Promise<string[]> {
  const { rows } = await db.query<{ team_id: string }>(
    'SELECT team_id FROM team_members WHERE org_id = $1 AND person_id = $2 ORDER BY team_id',
    [orgId, personId],
  );
  return rows.map((row) => row.team_id);
}
