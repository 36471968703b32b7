import { isUniqueViolation, type Database } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type { Team } from '@spreekuur/protocol/identity';
import { actorOf, recordAudit, requireRole, rooms, type Principal, type Realtime } from '@spreekuur/server';
import {
  addTeamMember,
  insertTeam,
  listTeams,
  lockTeamFor,
  removeTeamMember,
  teamAndPersonExist,
  updateTeamVerification,
} from './store/team-store.ts';

/** Teams of an organisation and who is in them; admins manage them. */
export class TeamService {
  constructor(
    private readonly deps: {
      db: Database;
      realtime: Realtime;
      /** Told after someone left a team (chat ends presence watches that no longer hold). */
      teamLeft?: (orgId: string, teamId: string, personId: string) => Promise<void>;
    },
  ) {}

  /** Admins see all teams of their organisation; everyone else the teams they are in. */
  list(principal: Principal): Promise<Team[]> {
    return listTeams(this.deps.db, principal.orgId, {
      personId: principal.personId,
      all: principal.role === 'admin',
    });
  }

  async create(principal: Principal, name: string): Promise<Team> {
    requireRole(principal, 'admin');
    try {
      return await this.deps.db.transaction(async (tx) => {
        const team = await insertTeam(tx, principal.orgId, name);
        await recordAudit(tx, {
          ...actorOf(principal),
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

  /**
   * Sensitive team on or off: the team's workers and the organisation's admins. The server only
   * keeps and reports it; the workers' clients enforce it (crypto SPEC §13.7). A change is an
   * audit entry (`team.settings_changed`); setting what is set already changes nothing.
   */
  async setVerification(principal: Principal, teamId: string, required: boolean): Promise<Team> {
    requireRole(principal, 'admin', 'worker');
    return this.deps.db.transaction(async (tx) => {
      const found = await lockTeamFor(tx, principal.orgId, teamId, principal.personId);
      // A worker outside the team does not see it (GET /v1/teams), so it is not found for them.
      if (!found || (principal.role !== 'admin' && !found.member))
        throw new AppError('ERR_NOT_FOUND', 'team not found');
      if (found.team.verifiedDevicesRequired === required) return found.team;
      const team = await updateTeamVerification(tx, principal.orgId, teamId, required);
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'team.settings_changed',
        subjectType: 'team',
        subjectId: teamId,
        details: { verifiedDevicesRequired: required },
      });
      return team;
    });
  }

  addMember(principal: Principal, teamId: string, personId: string): Promise<void> {
    return this.changeMembership(principal, teamId, personId, 'added');
  }

  async removeMember(principal: Principal, teamId: string, personId: string): Promise<void> {
    await this.changeMembership(principal, teamId, personId, 'removed');
    // Watching a team's queue was allowed at the time of watching: take every socket of the
    // person (on every node) out of the team's room now that they no longer belong to it.
    this.deps.realtime.io.in(rooms.person(personId)).socketsLeave(rooms.team(teamId));
    await this.deps.teamLeft?.(principal.orgId, teamId, personId);
  }

  /** Puts a person in a team or takes them out, with its audit entry, in one transaction. */
  private async changeMembership(
    principal: Principal,
    teamId: string,
    personId: string,
    change: 'added' | 'removed',
  ): Promise<void> {
    requireRole(principal, 'admin');
    await this.deps.db.transaction(async (tx) => {
      if (!(await teamAndPersonExist(tx, principal.orgId, teamId, personId)))
        throw new AppError('ERR_NOT_FOUND', 'team or person not found');
      const apply = change === 'added' ? addTeamMember : removeTeamMember;
      await apply(tx, principal.orgId, teamId, personId);
      await recordAudit(tx, {
        ...actorOf(principal),
        action: `team.member_${change}`,
        subjectType: 'team',
        subjectId: teamId,
        details: { personId },
      });
    });
  }
}
