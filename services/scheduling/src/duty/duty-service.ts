import type { Database } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type { DutyStatus, Reachability, RosterShiftView } from '@spreekuur/protocol/scheduling';
import { recordAudit, type Principal } from '@spreekuur/server';
import {
  findPerson,
  isTeamMember,
  requireColleagueProfessional,
  requireTeamProfessional,
  requireTeamStaff,
  type TeamRef,
} from '../access.ts';
import {
  checkShift,
  DAY_MS,
  dutyToggle,
  isOnDuty,
  nextOnDuty,
  queueStaff,
  toUtcIso,
} from '../domain/index.ts';
import { orThrow } from '../failures.ts';
import type { QueueService } from '../queue/queue-service.ts';
import type { TeamTicks } from '../queue/team-ticks.ts';
import { lockCalendar, workerBookings } from '../store/appointment-store.ts';
import {
  deleteShift,
  insertShift,
  insertToggle,
  listShifts,
  loadRoster,
  type ShiftRow,
} from '../store/roster-store.ts';
import { loadTeamSchedule } from '../store/team-store.ts';
import { reachabilityOf } from './reachability.ts';

export interface DutyServiceDeps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly queue: QueueService;
  readonly ticks: TeamTicks;
}

const toView = (shift: ShiftRow): RosterShiftView => ({
  id: shift.id,
  teamId: shift.teamId,
  workerId: shift.workerId,
  start: toUtcIso(shift.start),
  end: toUtcIso(shift.end),
});

/** The roster, switching on and off duty, and who can be reached when. */
export class DutyService {
  constructor(private readonly deps: DutyServiceDeps) {}

  async shifts(principal: Principal, teamId: string, from: string, to: string): Promise<RosterShiftView[]> {
    const team = await requireTeamStaff(this.deps.db, principal, teamId);
    return (await listShifts(this.deps.db, team.id, new Date(from), new Date(to))).map(toView);
  }

  async addShift(
    principal: Principal,
    teamId: string,
    body: { workerId: string; start: string; end: string },
  ): Promise<RosterShiftView> {
    const team = await requireTeamStaff(this.deps.db, principal, teamId);
    await requireTeamProfessional(this.deps.db, team, body.workerId);
    const start = new Date(body.start);
    const end = new Date(body.end);
    const shift = await this.deps.db.transaction(async (tx) => {
      // Duty blocks appointment slots. Bookings check the worker's shifts under the worker's
      // calendar lock; a shift checks the worker's bookings under the same lock, so whichever
      // comes second sees the other, also when both happen at once on different nodes.
      await lockCalendar(tx, team.orgId, body.workerId);
      const bookings = await workerBookings(
        tx,
        body.workerId,
        new Date(start.getTime() - DAY_MS),
        new Date(end.getTime() + DAY_MS),
      );
      orThrow(checkShift({ workerId: body.workerId, start, end }, bookings));
      const created = await insertShift(tx, {
        orgId: team.orgId,
        teamId: team.id,
        workerId: body.workerId,
        start,
        end,
        createdBy: principal.personId,
      });
      await recordAudit(tx, {
        orgId: team.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: 'duty.shift_added',
        subjectType: 'duty_shift',
        subjectId: created.id,
        details: { teamId: team.id, workerId: body.workerId },
      });
      return created;
    });
    await this.staffChanged(team, principal);
    return toView(shift);
  }

  async removeShift(principal: Principal, teamId: string, shiftId: string): Promise<void> {
    const team = await requireTeamStaff(this.deps.db, principal, teamId);
    await this.deps.db.transaction(async (tx) => {
      if (!(await deleteShift(tx, team.orgId, team.id, shiftId)))
        throw new AppError('ERR_NOT_FOUND', 'shift not found');
      await recordAudit(tx, {
        orgId: team.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: 'duty.shift_removed',
        subjectType: 'duty_shift',
        subjectId: shiftId,
        details: { teamId: team.id },
      });
    });
    await this.staffChanged(team, principal);
  }

  /** A worker of the team switches themselves on or off duty. */
  async toggle(principal: Principal, teamId: string, onDuty: boolean): Promise<DutyStatus> {
    const team = await requireTeamStaff(this.deps.db, principal, teamId);
    if (!(await isTeamMember(this.deps.db, team.id, principal.personId))) throw new AppError('ERR_FORBIDDEN');
    await this.deps.db.transaction(async (tx) => {
      // Its end is fixed now, from the hours published now: editing them later cannot move it.
      const schedule = await loadTeamSchedule(tx, team.orgId, team.id);
      const toggle = dutyToggle(schedule.hours, principal.personId, onDuty, this.deps.clock());
      await insertToggle(tx, { orgId: team.orgId, teamId: team.id, ...toggle });
      await recordAudit(tx, {
        orgId: team.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: onDuty ? 'duty.switched_on' : 'duty.switched_off',
        subjectType: 'team',
        subjectId: team.id,
      });
    });
    await this.staffChanged(team, principal);
    return this.status(principal, teamId);
  }

  async status(principal: Principal, teamId: string): Promise<DutyStatus> {
    const team = await requireTeamStaff(this.deps.db, principal, teamId);
    const now = this.deps.clock();
    const schedule = await loadTeamSchedule(this.deps.db, team.orgId, team.id);
    const roster = await loadRoster(this.deps.db, team.id, schedule.hours, now);
    const member = await isTeamMember(this.deps.db, team.id, principal.personId);
    const onDuty = isOnDuty(roster, principal.personId, now);
    const next = onDuty ? null : nextOnDuty(roster, principal.personId, now);
    return {
      teamId: team.id,
      staff: queueStaff(roster, schedule.settings, now),
      me: member ? { onDuty, nextOnDuty: next === null ? null : toUtcIso(next) } : null,
    };
  }

  /**
   * Whether a worker is reachable now, or from when: asked about a worker of one of the caller's
   * own teams (admins: of their organisation); 404 for anyone else.
   */
  async reachability(principal: Principal, workerId: string, timeZone: string): Promise<Reachability> {
    await requireColleagueProfessional(this.deps.db, principal, workerId);
    return reachabilityOf(this.deps.db, principal.orgId, workerId, this.deps.clock(), timeZone);
  }

  /** The same for other services (no caller): 404 unless a worker or admin of the organisation. */
  async workerReachability(orgId: string, workerId: string, timeZone: string): Promise<Reachability> {
    const worker = await findPerson(this.deps.db, orgId, workerId);
    if (worker.role === 'resident') throw new AppError('ERR_NOT_FOUND', 'worker not found');
    return reachabilityOf(this.deps.db, orgId, workerId, this.deps.clock(), timeZone);
  }

  /** Staff changed: waiting conversations get their new readers, auto-assignment runs, next tick planned. */
  private async staffChanged(team: TeamRef, principal: Principal): Promise<void> {
    await this.deps.queue.refresh(team, principal);
    await this.deps.ticks.plan(team.orgId, team.id);
  }
}
