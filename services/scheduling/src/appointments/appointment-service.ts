import { randomUUID } from 'node:crypto';
import { isUniqueViolation, type Database, type Queryable } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type {
  AppointmentType,
  AppointmentTypeInput,
  AppointmentView,
  OpeningHours,
  SchedulingNotificationKind,
  SlotListing,
  SlotQuery,
} from '@spreekuur/protocol/scheduling';
import { recordAudit, requireRole, type Principal } from '@spreekuur/server';
import {
  findPerson,
  isTeamMember,
  requireTeamMember,
  requireTeamProfessional,
  requireTeamResident,
  requireTeamStaff,
  teamIdsOf,
} from '../access.ts';
import {
  bookAppointment,
  cancelAppointment,
  DAY_MS,
  localDatesWindow,
  planReminders,
  reminderJobKey,
  rescheduleAppointment,
  slotListing,
  toAppointmentView,
  toUtcIso,
  type Appointment,
  type SlotRules,
} from '../domain/index.ts';
import { orThrow } from '../failures.ts';
import { Outbox, type Notifier } from '../notifications/notifier.ts';
import {
  archiveType,
  bookableWorkerIds,
  countOpenBookings,
  findAppointment,
  findCalendar,
  findType,
  insertAppointment,
  insertType,
  listAppointmentsFor,
  listTypes,
  lockCalendar,
  lockResidentBookings,
  saveAvailability,
  toAppointment,
  updateAppointment,
  updateType,
  workerBookings,
  type AppointmentRow,
  type TypeRow,
} from '../store/appointment-store.ts';
import { planJob, retireJobs } from '../store/job-store.ts';
import { workerShifts } from '../store/roster-store.ts';

export interface AppointmentServiceDeps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly notifier: Notifier;
  /** Minutes before the start at which residents get an in-app reminder. */
  readonly reminderOffsetsMinutes?: readonly number[];
}

/** Bookings this far around an instant can affect it (buffers, per-day limits on the worker's date). */
const AROUND_MS = 2 * DAY_MS;

/**
 * Appointment types, availability, slots and bookings. Bookings of one worker (and the rostering
 * of their duty shifts, see DutyService) are serialised by the worker's calendar row lock: the
 * slot check (grid, notice, window, per-day limit, overlap with buffers of every other type and
 * with duty) and the insert happen under it, with the clock read once the lock is held. The
 * partial unique index on (worker, start) is the second guard; either way the loser gets
 * ERR_SCHED_SLOT_TAKEN. A resident's bookings of one type, with any worker, are serialised by a
 * lock on (type, resident), taken first: under it their open bookings are counted against the
 * type's limit (ERR_SCHED_BOOKING_LIMIT). Reschedules move a booking and are not counted.
 */
export class AppointmentService {
  constructor(private readonly deps: AppointmentServiceDeps) {}

  // ---- Appointment types -------------------------------------------------------------------

  async listTypes(principal: Principal, teamId: string) {
    const team = await requireTeamMember(this.deps.db, principal, teamId);
    return {
      teamId: team.id,
      appointmentTypes: await listTypes(this.deps.db, team.id),
      workerIds: await bookableWorkerIds(this.deps.db, team.id),
    };
  }

  async createType(
    principal: Principal,
    teamId: string,
    input: AppointmentTypeInput,
  ): Promise<AppointmentType> {
    const team = await requireTeamStaff(this.deps.db, principal, teamId);
    const id = randomUUID();
    await this.deps.db.transaction(async (tx) => {
      await insertType(tx, { id, orgId: team.orgId, teamId: team.id, input, now: this.deps.clock() });
      await this.audit(tx, principal, 'appointment_type.created', 'appointment_type', id, {
        teamId: team.id,
      });
    });
    return (await findType(this.deps.db, principal.orgId, id)).type;
  }

  async updateType(
    principal: Principal,
    typeId: string,
    input: AppointmentTypeInput,
  ): Promise<AppointmentType> {
    const existing = await this.managedType(principal, typeId);
    await this.deps.db.transaction(async (tx) => {
      await updateType(tx, existing.id, input, this.deps.clock());
      await this.audit(tx, principal, 'appointment_type.updated', 'appointment_type', existing.id, {});
    });
    return (await findType(this.deps.db, principal.orgId, typeId)).type;
  }

  /** Archives the type: no new bookings; existing appointments keep their snapshot of it. */
  async archiveType(principal: Principal, typeId: string): Promise<void> {
    const existing = await this.managedType(principal, typeId);
    await this.deps.db.transaction(async (tx) => {
      await archiveType(tx, existing.id, this.deps.clock());
      await this.audit(tx, principal, 'appointment_type.archived', 'appointment_type', existing.id, {});
    });
  }

  private async managedType(principal: Principal, typeId: string): Promise<TypeRow> {
    const type = await findType(this.deps.db, principal.orgId, typeId);
    await requireTeamStaff(this.deps.db, principal, type.teamId);
    if (type.archived) throw new AppError('ERR_NOT_FOUND', 'appointment type not found');
    return type;
  }

  // ---- Availability --------------------------------------------------------------------------

  /** The worker themselves, admins, and colleagues sharing a team may read a worker's availability. */
  async availability(principal: Principal, workerId: string) {
    const { db } = this.deps;
    const worker = await findPerson(db, principal.orgId, workerId);
    if (worker.role === 'resident') throw new AppError('ERR_NOT_FOUND', 'worker not found');
    if (principal.role === 'resident') throw new AppError('ERR_FORBIDDEN');
    if (principal.role === 'worker' && principal.personId !== workerId) {
      const mine = await teamIdsOf(db, principal.orgId, principal.personId);
      const theirs = await teamIdsOf(db, principal.orgId, workerId);
      if (!mine.some((teamId) => theirs.includes(teamId))) throw new AppError('ERR_FORBIDDEN');
    }
    const calendar = await findCalendar(db, principal.orgId, workerId);
    return {
      workerId,
      availability: calendar?.availability ?? null,
      updatedAt: calendar?.updatedAt ? toUtcIso(calendar.updatedAt) : null,
    };
  }

  /** A worker publishes their own availability; admins may do it for them. */
  async setAvailability(principal: Principal, workerId: string, availability: OpeningHours) {
    const worker = await findPerson(this.deps.db, principal.orgId, workerId);
    if (worker.role === 'resident') throw new AppError('ERR_NOT_FOUND', 'worker not found');
    if (principal.role !== 'admin' && principal.personId !== workerId) throw new AppError('ERR_FORBIDDEN');
    await this.deps.db.transaction(async (tx) => {
      await saveAvailability(tx, principal.orgId, workerId, availability, this.deps.clock());
      await this.audit(tx, principal, 'availability.updated', 'person', workerId, {});
    });
    return this.availability(principal, workerId);
  }

  // ---- Slots and bookings ----------------------------------------------------------------------

  /** Free slots on the caller's own dates, in their zone. */
  async slots(principal: Principal, query: SlotQuery): Promise<SlotListing> {
    const { db, clock } = this.deps;
    const type = await this.bookableType(principal, query.appointmentTypeId);
    await requireTeamProfessional(db, { id: type.teamId, orgId: type.orgId, name: '' }, query.workerId);
    const now = clock();
    const window = localDatesWindow(query.from, query.to, query.timeZone);
    const calendar = await findCalendar(db, principal.orgId, query.workerId);
    if (!calendar?.availability) {
      return { appointmentTypeId: type.id, workerId: query.workerId, timeZone: query.timeZone, slots: [] };
    }
    const rules = await this.rules(db, type, calendar.availability, query.workerId, window.start, window.end);
    return slotListing(rules, query, now);
  }

  async book(
    principal: Principal,
    body: { appointmentTypeId: string; workerId: string; start: string; residentId?: string | undefined },
  ): Promise<AppointmentView> {
    const { db, clock } = this.deps;
    const type = await this.bookableType(principal, body.appointmentTypeId);
    const team = { id: type.teamId, orgId: type.orgId, name: '' };
    await requireTeamProfessional(db, team, body.workerId);
    const residentId = await this.residentFor(principal, team, body.residentId);
    const start = new Date(body.start);
    const outbox = new Outbox();
    const id = randomUUID();
    await this.guardRace(() =>
      db.transaction(async (tx) => {
        // The resident's lock first: a second booking of theirs waits without holding a calendar.
        await lockResidentBookings(tx, type.id, residentId);
        const calendar = await lockCalendar(tx, principal.orgId, body.workerId);
        // The clock is read once the locks are held: waiting for them may have taken time.
        const now = clock();
        if (!calendar.availability)
          throw new AppError('ERR_SCHED_NOT_A_SLOT', 'the worker has no availability');
        const rules = await this.rulesAround(tx, type, calendar.availability, body.workerId, start);
        const residentOpenBookings = await countOpenBookings(tx, type.id, residentId, now);
        const appointment = orThrow(
          bookAppointment(
            rules,
            { id, workerId: body.workerId, residentId, start, residentOpenBookings },
            now,
          ),
        );
        await insertAppointment(tx, appointment, { orgId: principal.orgId, teamId: type.teamId });
        await this.planReminders(tx, principal.orgId, appointment, now);
        await this.audit(tx, principal, 'appointment.booked', 'appointment', id, { workerId: body.workerId });
        await this.notifyParties(tx, outbox, principal, appointment, 'appointment_booked', now);
      }),
    );
    await this.deps.notifier.push(outbox);
    return this.view(principal, id);
  }

  async reschedule(principal: Principal, appointmentId: string, newStart: string): Promise<AppointmentView> {
    const { db, clock } = this.deps;
    const row = await this.accessible(principal, appointmentId);
    const type = await findType(db, principal.orgId, row.appointment_type_id);
    const start = new Date(newStart);
    const outbox = new Outbox();
    await this.guardRace(() =>
      db.transaction(async (tx) => {
        const calendar = await lockCalendar(tx, principal.orgId, row.worker_id);
        const now = clock();
        const current = toAppointment(await findAppointment(tx, principal.orgId, appointmentId));
        if (!calendar.availability)
          throw new AppError('ERR_SCHED_NOT_A_SLOT', 'the worker has no availability');
        const rules = await this.rulesAround(tx, type, calendar.availability, row.worker_id, start);
        const moved = orThrow(rescheduleAppointment(current, rules, start, now));
        await updateAppointment(tx, moved);
        await retireJobs(tx, `reminder:${appointmentId}:`, now);
        await this.planReminders(tx, principal.orgId, moved, now);
        await this.audit(tx, principal, 'appointment.rescheduled', 'appointment', appointmentId, {
          sequence: moved.sequence,
        });
        await this.notifyParties(tx, outbox, principal, moved, 'appointment_rescheduled', now);
      }),
    );
    await this.deps.notifier.push(outbox);
    return this.view(principal, appointmentId);
  }

  async cancel(principal: Principal, appointmentId: string): Promise<AppointmentView> {
    const { db, clock } = this.deps;
    const row = await this.accessible(principal, appointmentId);
    const outbox = new Outbox();
    await db.transaction(async (tx) => {
      await lockCalendar(tx, principal.orgId, row.worker_id);
      const now = clock();
      const current = toAppointment(await findAppointment(tx, principal.orgId, appointmentId));
      const by = principal.personId === current.residentId ? 'resident' : 'worker';
      const cancelled = orThrow(cancelAppointment(current, by, now));
      await updateAppointment(tx, cancelled);
      await retireJobs(tx, `reminder:${appointmentId}:`, now);
      await this.audit(tx, principal, 'appointment.cancelled', 'appointment', appointmentId, { by });
      await this.notifyParties(tx, outbox, principal, cancelled, 'appointment_cancelled', now);
    });
    await this.deps.notifier.push(outbox);
    return this.view(principal, appointmentId);
  }

  async view(principal: Principal, appointmentId: string): Promise<AppointmentView> {
    return toAppointmentView(toAppointment(await this.accessible(principal, appointmentId)));
  }

  async list(
    principal: Principal,
    query: { from?: string | undefined; to?: string | undefined },
  ): Promise<AppointmentView[]> {
    const now = this.deps.clock();
    const from = query.from ? new Date(query.from) : new Date(now.getTime() - 7 * DAY_MS);
    const to = query.to ? new Date(query.to) : new Date(now.getTime() + 400 * DAY_MS);
    const rows = await listAppointmentsFor(this.deps.db, principal, from, to);
    return rows.map((row) => toAppointmentView(toAppointment(row)));
  }

  /**
   * The appointment, if the caller may see it: its resident, its worker, workers of its team,
   * admins. Anyone else gets 404, as if it did not exist.
   */
  async accessible(principal: Principal, appointmentId: string): Promise<AppointmentRow> {
    const row = await findAppointment(this.deps.db, principal.orgId, appointmentId);
    const allowed =
      principal.role === 'admin' ||
      row.resident_id === principal.personId ||
      row.worker_id === principal.personId ||
      (principal.role === 'worker' && (await isTeamMember(this.deps.db, row.team_id, principal.personId)));
    if (!allowed) throw new AppError('ERR_NOT_FOUND', 'appointment not found');
    return row;
  }

  // ---- Helpers -----------------------------------------------------------------------------

  /** A type that can be booked now, by a member of its team. */
  private async bookableType(principal: Principal, typeId: string): Promise<TypeRow> {
    const type = await findType(this.deps.db, principal.orgId, typeId);
    await requireTeamMember(this.deps.db, principal, type.teamId);
    if (type.archived) throw new AppError('ERR_NOT_FOUND', 'appointment type not found');
    return type;
  }

  /** Residents book for themselves; workers and admins for a resident of the type's team. */
  private async residentFor(
    principal: Principal,
    team: { id: string; orgId: string; name: string },
    residentId: string | undefined,
  ): Promise<string> {
    if (principal.role === 'resident') {
      if (residentId !== undefined && residentId !== principal.personId) throw new AppError('ERR_FORBIDDEN');
      return principal.personId;
    }
    requireRole(principal, 'worker', 'admin');
    if (residentId === undefined) {
      throw new AppError('ERR_BAD_REQUEST', 'residentId is required', {
        issues: [{ path: ['body', 'residentId'], message: 'name the resident the appointment is for' }],
      });
    }
    await requireTeamResident(this.deps.db, team, residentId);
    return residentId;
  }

  private async rules(
    db: Queryable,
    type: TypeRow,
    availability: OpeningHours,
    workerId: string,
    from: Date,
    to: Date,
  ): Promise<SlotRules> {
    const margin = DAY_MS;
    const bookingsFrom = new Date(from.getTime() - margin);
    const bookingsTo = new Date(to.getTime() + margin);
    return {
      appointmentType: type.type,
      availability,
      bookings: await workerBookings(db, workerId, bookingsFrom, bookingsTo),
      // Office-hour duty is time the worker cannot also spend in an appointment.
      busy: await workerShifts(db, workerId, bookingsFrom, bookingsTo),
    };
  }

  /** The rules that decide whether one start time is a free slot (booking and rescheduling). */
  private rulesAround(
    db: Queryable,
    type: TypeRow,
    availability: OpeningHours,
    workerId: string,
    start: Date,
  ) {
    return this.rules(
      db,
      type,
      availability,
      workerId,
      new Date(start.getTime() - AROUND_MS),
      new Date(start.getTime() + AROUND_MS),
    );
  }

  /** Maps the database's guard (unique start per worker) to the same error as the domain's check. */
  private async guardRace<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'appointments_worker_start_key'))
        throw new AppError('ERR_SCHED_SLOT_TAKEN');
      throw error;
    }
  }

  private async planReminders(
    tx: Queryable,
    orgId: string,
    appointment: Appointment,
    now: Date,
  ): Promise<void> {
    for (const job of planReminders(appointment, now, this.deps.reminderOffsetsMinutes)) {
      await planJob(tx, {
        orgId,
        key: reminderJobKey(appointment.id, appointment.sequence, job.offsetMinutes),
        kind: 'reminder',
        dueAt: job.dueAt,
        payload: { appointmentId: appointment.id, sequence: job.sequence, offsetMinutes: job.offsetMinutes },
      });
    }
  }

  /** Tells the other party (and the worker, when a colleague acted): ids and times only. */
  private async notifyParties(
    tx: Queryable,
    outbox: Outbox,
    principal: Principal,
    appointment: Appointment,
    kind: Extract<
      SchedulingNotificationKind,
      'appointment_booked' | 'appointment_rescheduled' | 'appointment_cancelled'
    >,
    now: Date,
  ): Promise<void> {
    const data = {
      appointmentId: appointment.id,
      start: toUtcIso(appointment.start),
      byPersonId: principal.personId,
    };
    const parties = [
      { personId: appointment.residentId, audience: 'resident' as const },
      { personId: appointment.workerId, audience: 'worker' as const },
    ].filter((party) => party.personId !== principal.personId);
    for (const party of parties) {
      await outbox.notify(
        tx,
        { orgId: principal.orgId, personId: party.personId, kind, data },
        party.audience,
        now,
      );
    }
  }

  private async audit(
    tx: Queryable,
    principal: Principal,
    action: string,
    subjectType: string,
    subjectId: string,
    details: Record<string, string | number | boolean | null>,
  ): Promise<void> {
    await recordAudit(tx, {
      orgId: principal.orgId,
      actorPersonId: principal.personId,
      actorDeviceId: principal.deviceId,
      action,
      subjectType,
      subjectId,
      details,
    });
  }
}
