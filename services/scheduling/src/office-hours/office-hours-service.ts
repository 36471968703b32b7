import type { Database } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type {
  OpeningHours,
  QueueSettings,
  SchedulingSettings,
  TeamOfficeHoursDocument,
  TeamStatus,
} from '@spreekuur/protocol/scheduling';
import { recordAudit, type Principal } from '@spreekuur/server';
import { requireTeamMember, requireTeamStaff } from '../access.ts';
import {
  DAY_MS,
  officeHoursStatus,
  openIntervals,
  queuePhase,
  toUtcIso,
  toZonedInstant,
} from '../domain/index.ts';
import type { QueueService } from '../queue/queue-service.ts';
import type { TeamTicks } from '../queue/team-ticks.ts';
import { offeredKinds } from '../store/appointment-store.ts';
import { loadSettings, saveSettings } from '../store/settings-store.ts';
import { loadTeamSchedule, saveHours, saveQueueSettings } from '../store/team-store.ts';

export interface OfficeHoursServiceDeps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly queue: QueueService;
  readonly ticks: TeamTicks;
}

const UPCOMING_DAYS = 14;
const MAX_UPCOMING = 14;

/** Publishing office hours and queue settings; what residents see of a team's hours. */
export class OfficeHoursService {
  constructor(private readonly deps: OfficeHoursServiceDeps) {}

  async get(principal: Principal, teamId: string): Promise<TeamOfficeHoursDocument> {
    const team = await requireTeamMember(this.deps.db, principal, teamId);
    return this.document(team.orgId, team.id);
  }

  async setHours(
    principal: Principal,
    teamId: string,
    hours: OpeningHours,
  ): Promise<TeamOfficeHoursDocument> {
    const team = await requireTeamStaff(this.deps.db, principal, teamId);
    await this.deps.db.transaction(async (tx) => {
      await saveHours(tx, team.orgId, team.id, hours, this.deps.clock());
      await recordAudit(tx, {
        orgId: team.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: 'office_hours.published',
        subjectType: 'team',
        subjectId: team.id,
      });
    });
    // The phase may have changed this instant: re-evaluate and push, then plan the next tick.
    await this.deps.queue.refresh(team, principal);
    await this.deps.ticks.plan(team.orgId, team.id);
    return this.document(team.orgId, team.id);
  }

  async setQueueSettings(
    principal: Principal,
    teamId: string,
    settings: QueueSettings,
  ): Promise<TeamOfficeHoursDocument> {
    const team = await requireTeamStaff(this.deps.db, principal, teamId);
    await this.deps.db.transaction(async (tx) => {
      await saveQueueSettings(tx, team.orgId, team.id, settings, this.deps.clock());
      await recordAudit(tx, {
        orgId: team.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: 'office_hours.queue_settings_changed',
        subjectType: 'team',
        subjectId: team.id,
        details: {
          autoAssign: settings.autoAssign,
          whenHoursEnd: settings.whenHoursEnd,
          maxConcurrentPerWorker: settings.maxConcurrentPerWorker,
        },
      });
    });
    // Switching auto-assignment on, or raising capacity, may let waiting residents through now.
    await this.deps.queue.refresh(team, principal);
    return this.document(team.orgId, team.id);
  }

  /** Open or closed, the next openings and every other way in, with times in the reader's zone. */
  async status(principal: Principal, teamId: string, timeZone: string): Promise<TeamStatus> {
    const team = await requireTeamMember(this.deps.db, principal, teamId);
    const schedule = await loadTeamSchedule(this.deps.db, team.orgId, team.id);
    const now = this.deps.clock();
    const phase = queuePhase(schedule.hours, schedule.settings, now);
    const upcoming = openIntervals(schedule.hours, now, new Date(now.getTime() + UPCOMING_DAYS * DAY_MS))
      .slice(0, MAX_UPCOMING)
      .map((interval) => ({
        start: toZonedInstant(interval.start, timeZone),
        end: toZonedInstant(interval.end, timeZone),
      }));
    return {
      teamId: team.id,
      officeHours: officeHoursStatus(schedule.hours, now, timeZone),
      queueMode: phase.mode,
      join: !schedule.published ? 'unavailable' : phase.mode === 'open' ? 'live' : 'question',
      upcoming,
      appointmentKinds: await offeredKinds(this.deps.db, team.id),
    };
  }

  async settings(principal: Principal): Promise<SchedulingSettings> {
    return loadSettings(this.deps.db, principal.orgId);
  }

  async setSettings(principal: Principal, settings: SchedulingSettings): Promise<SchedulingSettings> {
    if (principal.role !== 'admin') throw new AppError('ERR_FORBIDDEN');
    await this.deps.db.transaction(async (tx) => {
      await saveSettings(tx, principal.orgId, settings, this.deps.clock());
      await recordAudit(tx, {
        orgId: principal.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: 'scheduling.settings_changed',
        subjectType: 'organisation',
        subjectId: principal.orgId,
        details: { calendarResidentNames: settings.calendarResidentNames },
      });
    });
    return loadSettings(this.deps.db, principal.orgId);
  }

  private async document(orgId: string, teamId: string): Promise<TeamOfficeHoursDocument> {
    const schedule = await loadTeamSchedule(this.deps.db, orgId, teamId);
    return {
      teamId,
      published: schedule.published,
      hours: schedule.hours,
      settings: schedule.settings,
      updatedAt: schedule.updatedAt === null ? null : toUtcIso(schedule.updatedAt),
    };
  }
}
