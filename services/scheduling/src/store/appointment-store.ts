import type { Queryable } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import {
  appointmentLocation,
  appointmentType,
  openingHours,
  type AppointmentKind,
  type AppointmentStatus,
  type AppointmentType,
  type AppointmentTypeInput,
  type OpeningHours,
} from '@spreekuur/protocol/scheduling';
import type { Role } from '@spreekuur/protocol/identity';
import type { Appointment, CancelledBy, ExistingBooking } from '../domain/index.ts';

// ---- Appointment types ----------------------------------------------------------------------

export interface TypeRow {
  readonly id: string;
  readonly orgId: string;
  readonly teamId: string;
  readonly type: AppointmentType;
  readonly archived: boolean;
}

type TypeDbRow = {
  id: string;
  org_id: string;
  team_id: string;
  definition: object;
  archived_at: Date | null;
};

const toTypeRow = (row: TypeDbRow): TypeRow => ({
  id: row.id,
  orgId: row.org_id,
  teamId: row.team_id,
  type: appointmentType.parse({ ...row.definition, id: row.id }),
  archived: row.archived_at !== null,
});

export async function findType(db: Queryable, orgId: string, typeId: string): Promise<TypeRow> {
  const { rows } = await db.query<TypeDbRow>(
    'SELECT id, org_id, team_id, definition, archived_at FROM appointment_types WHERE id = $1 AND org_id = $2',
    [typeId, orgId],
  );
  if (!rows[0]) throw new AppError('ERR_NOT_FOUND', 'appointment type not found');
  return toTypeRow(rows[0]);
}

export async function listTypes(db: Queryable, teamId: string): Promise<AppointmentType[]> {
  const { rows } = await db.query<TypeDbRow>(
    `SELECT id, org_id, team_id, definition, archived_at FROM appointment_types
      WHERE team_id = $1 AND archived_at IS NULL ORDER BY definition->>'name', id`,
    [teamId],
  );
  return rows.map((row) => toTypeRow(row).type);
}

export async function insertType(
  tx: Queryable,
  spec: { id: string; orgId: string; teamId: string; input: AppointmentTypeInput; now: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO appointment_types (id, org_id, team_id, definition, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
    [spec.id, spec.orgId, spec.teamId, JSON.stringify(spec.input), spec.now],
  );
}

export async function updateType(
  tx: Queryable,
  typeId: string,
  input: AppointmentTypeInput,
  now: Date,
): Promise<void> {
  await tx.query('UPDATE appointment_types SET definition = $2, updated_at = $3 WHERE id = $1', [
    typeId,
    JSON.stringify(input),
    now,
  ]);
}

export async function archiveType(tx: Queryable, typeId: string, now: Date): Promise<void> {
  await tx.query(
    'UPDATE appointment_types SET archived_at = $2, updated_at = $2 WHERE id = $1 AND archived_at IS NULL',
    [typeId, now],
  );
}

/** Kinds of appointment a team offers now. */
export async function offeredKinds(db: Queryable, teamId: string): Promise<AppointmentKind[]> {
  const order: AppointmentKind[] = ['in_person', 'phone', 'video', 'chat'];
  const kinds = new Set((await listTypes(db, teamId)).map((type) => type.kind));
  return order.filter((kind) => kinds.has(kind));
}

// ---- Worker calendars -------------------------------------------------------------------------

export interface CalendarRow {
  readonly workerId: string;
  readonly orgId: string;
  readonly availability: OpeningHours | null;
  readonly updatedAt: Date | null;
}

type CalendarDbRow = { worker_id: string; org_id: string; availability: unknown; updated_at: Date | null };

const toCalendar = (row: CalendarDbRow): CalendarRow => ({
  workerId: row.worker_id,
  orgId: row.org_id,
  availability: row.availability === null ? null : openingHours.parse(row.availability),
  updatedAt: row.updated_at,
});

export async function findCalendar(
  db: Queryable,
  orgId: string,
  workerId: string,
): Promise<CalendarRow | null> {
  const { rows } = await db.query<CalendarDbRow>(
    'SELECT worker_id, org_id, availability, updated_at FROM worker_calendars WHERE worker_id = $1 AND org_id = $2',
    [workerId, orgId],
  );
  return rows[0] ? toCalendar(rows[0]) : null;
}

/**
 * The worker's calendar row, locked until the transaction ends. Bookings, reschedules and cancels
 * of one worker take this lock, and so does rostering a duty shift for them, so the overlap check
 * and the write are one step: two residents racing for one slot (or for overlapping slots of
 * different types), or a booking and a shift over the same time, cannot both get it.
 */
export async function lockCalendar(tx: Queryable, orgId: string, workerId: string): Promise<CalendarRow> {
  await tx.query(
    'INSERT INTO worker_calendars (worker_id, org_id) VALUES ($1, $2) ON CONFLICT (worker_id) DO NOTHING',
    [workerId, orgId],
  );
  const { rows } = await tx.query<CalendarDbRow>(
    'SELECT worker_id, org_id, availability, updated_at FROM worker_calendars WHERE worker_id = $1 AND org_id = $2 FOR UPDATE',
    [workerId, orgId],
  );
  if (!rows[0]) throw new AppError('ERR_NOT_FOUND', 'worker not found');
  return toCalendar(rows[0]);
}

export async function saveAvailability(
  tx: Queryable,
  orgId: string,
  workerId: string,
  availability: OpeningHours,
  now: Date,
): Promise<void> {
  await lockCalendar(tx, orgId, workerId);
  await tx.query('UPDATE worker_calendars SET availability = $2, updated_at = $3 WHERE worker_id = $1', [
    workerId,
    JSON.stringify(availability),
    now,
  ]);
}

/** Professionals of the team who publish availability (who can be booked). */
export async function bookableWorkerIds(db: Queryable, teamId: string): Promise<string[]> {
  const { rows } = await db.query<{ worker_id: string }>(
    `SELECT c.worker_id FROM worker_calendars c
       JOIN team_members m ON m.person_id = c.worker_id AND m.team_id = $1
       JOIN people p ON p.id = c.worker_id AND p.role <> 'resident'
      WHERE c.availability IS NOT NULL ORDER BY c.worker_id`,
    [teamId],
  );
  return rows.map((row) => row.worker_id);
}

// ---- Appointments -----------------------------------------------------------------------------

export interface AppointmentRow extends Record<string, unknown> {
  id: string;
  org_id: string;
  team_id: string;
  appointment_type_id: string;
  worker_id: string;
  resident_id: string;
  kind: AppointmentKind;
  location: unknown;
  start_at: Date;
  end_at: Date;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  status: AppointmentStatus;
  sequence: number;
  created_at: Date;
  updated_at: Date;
  cancelled_at: Date | null;
  cancelled_by: CancelledBy | null;
}

export function toAppointment(row: AppointmentRow): Appointment {
  const place =
    row.kind === 'in_person'
      ? { kind: 'in_person' as const, location: appointmentLocation.parse(row.location) }
      : { kind: row.kind, location: null };
  const base = {
    id: row.id,
    appointmentTypeId: row.appointment_type_id,
    workerId: row.worker_id,
    residentId: row.resident_id,
    start: row.start_at,
    end: row.end_at,
    bufferBeforeMinutes: row.buffer_before_minutes,
    bufferAfterMinutes: row.buffer_after_minutes,
    sequence: row.sequence,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...place,
  };
  return row.status === 'cancelled'
    ? {
        ...base,
        status: 'cancelled',
        cancelledAt: row.cancelled_at!,
        cancelledBy: row.cancelled_by ?? 'worker',
      }
    : { ...base, status: 'booked' };
}

export async function findAppointment(db: Queryable, orgId: string, id: string): Promise<AppointmentRow> {
  const { rows } = await db.query<AppointmentRow>(
    'SELECT * FROM appointments WHERE id = $1 AND org_id = $2',
    [id, orgId],
  );
  if (!rows[0]) throw new AppError('ERR_NOT_FOUND', 'appointment not found');
  return rows[0];
}

/**
 * Serialises one resident's bookings of one appointment type until the transaction ends, across
 * workers: the worker's calendar lock alone lets the same resident book two workers at once, and
 * both would count the open bookings before either had inserted its own. A transaction-scoped
 * advisory lock on (type, resident), so nothing else (other residents, other types, edits of the
 * type) waits for it; a hash collision only makes two bookings wait for each other.
 */
export async function lockResidentBookings(tx: Queryable, typeId: string, residentId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))::text AS locked', [
    `spreekuur:bookings:${typeId}:${residentId}`,
  ]);
}

/** The resident's open bookings of the type: booked, starting after `now` (a reschedule moves one). */
export async function countOpenBookings(
  db: Queryable,
  typeId: string,
  residentId: string,
  now: Date,
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM appointments
      WHERE resident_id = $1 AND appointment_type_id = $2 AND status = 'booked' AND start_at > $3`,
    [residentId, typeId, now],
  );
  return rows[0]?.n ?? 0;
}

/** The worker's booked appointments starting within `[from, to)`, as the slot rules see them. */
export async function workerBookings(
  db: Queryable,
  workerId: string,
  from: Date,
  to: Date,
): Promise<ExistingBooking[]> {
  const { rows } = await db.query<AppointmentRow>(
    `SELECT * FROM appointments WHERE worker_id = $1 AND status = 'booked' AND start_at >= $2 AND start_at < $3
      ORDER BY start_at`,
    [workerId, from, to],
  );
  return rows.map((row) => ({
    id: row.id,
    appointmentTypeId: row.appointment_type_id,
    start: row.start_at,
    end: row.end_at,
    bufferBeforeMinutes: row.buffer_before_minutes,
    bufferAfterMinutes: row.buffer_after_minutes,
  }));
}

export async function insertAppointment(
  tx: Queryable,
  appointment: Appointment,
  spec: { orgId: string; teamId: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO appointments (id, org_id, team_id, appointment_type_id, worker_id, resident_id, kind, location,
                               start_at, end_at, buffer_before_minutes, buffer_after_minutes, status, sequence,
                               created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      appointment.id,
      spec.orgId,
      spec.teamId,
      appointment.appointmentTypeId,
      appointment.workerId,
      appointment.residentId,
      appointment.kind,
      appointment.location === null ? null : JSON.stringify(appointment.location),
      appointment.start,
      appointment.end,
      appointment.bufferBeforeMinutes,
      appointment.bufferAfterMinutes,
      appointment.status,
      appointment.sequence,
      appointment.createdAt,
      appointment.updatedAt,
    ],
  );
}

/** Writes a rescheduled or cancelled appointment. */
export async function updateAppointment(tx: Queryable, appointment: Appointment): Promise<void> {
  await tx.query(
    `UPDATE appointments SET start_at = $2, end_at = $3, buffer_before_minutes = $4, buffer_after_minutes = $5,
            status = $6, sequence = $7, updated_at = $8, cancelled_at = $9, cancelled_by = $10, kind = $11, location = $12
      WHERE id = $1`,
    [
      appointment.id,
      appointment.start,
      appointment.end,
      appointment.bufferBeforeMinutes,
      appointment.bufferAfterMinutes,
      appointment.status,
      appointment.sequence,
      appointment.updatedAt,
      appointment.status === 'cancelled' ? appointment.cancelledAt : null,
      appointment.status === 'cancelled' ? appointment.cancelledBy : null,
      appointment.kind,
      appointment.location === null ? null : JSON.stringify(appointment.location),
    ],
  );
}

/** Appointments a person may see within `[from, to)`: their own as resident or worker; staff: their teams'. */
export async function listAppointmentsFor(
  db: Queryable,
  principal: { orgId: string; personId: string; role: Role },
  from: Date,
  to: Date,
): Promise<AppointmentRow[]> {
  const { rows } = await db.query<AppointmentRow>(
    `SELECT a.* FROM appointments a
      WHERE a.org_id = $1 AND a.start_at >= $4 AND a.start_at < $5
        AND ($3 = 'admin'
             OR a.resident_id = $2
             OR ($3 = 'worker' AND (a.worker_id = $2
                 OR a.team_id IN (SELECT team_id FROM team_members WHERE person_id = $2))))
      ORDER BY a.start_at, a.id LIMIT 1000`,
    [principal.orgId, principal.personId, principal.role, from, to],
  );
  return rows;
}

/** A worker's appointments for their calendar feed: recent and coming, cancelled ones included. */
export async function feedAppointments(
  db: Queryable,
  workerId: string,
  from: Date,
  to: Date,
): Promise<Array<AppointmentRow & { resident_name: string }>> {
  const { rows } = await db.query<AppointmentRow & { resident_name: string }>(
    `SELECT a.*, p.display_name AS resident_name FROM appointments a JOIN people p ON p.id = a.resident_id
      WHERE a.worker_id = $1 AND a.start_at >= $2 AND a.start_at < $3 ORDER BY a.start_at LIMIT 2000`,
    [workerId, from, to],
  );
  return rows;
}
