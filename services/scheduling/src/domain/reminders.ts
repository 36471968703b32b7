import type { Appointment } from './appointments.ts';
import { addMinutes } from './local-time.ts';

/** 24 hours and 1 hour before the start. */
const DEFAULT_REMINDER_OFFSETS_MINUTES: readonly number[] = [24 * 60, 60];

/** A reminder to store as a job (in Postgres, so it survives a restart). */
export interface ReminderJob {
  /** Unique per appointment version and offset: insert with ON CONFLICT DO NOTHING, so planning twice is harmless. */
  readonly key: string;
  readonly appointmentId: string;
  /** The appointment's SEQUENCE when planned; a reschedule or cancel makes the job stale. */
  readonly sequence: number;
  readonly offsetMinutes: number;
  readonly dueAt: Date;
}

export function reminderJobKey(appointmentId: string, sequence: number, offsetMinutes: number): string {
  return `reminder:${appointmentId}:${sequence}:${offsetMinutes}`;
}

/**
 * Reminders for a booked appointment, earliest first. Those already due at planning time are
 * skipped (booked 3 hours ahead: no "24 hours before" reminder). Plan again after a reschedule.
 */
export function planReminders(
  appointment: Appointment,
  now: Date,
  offsetsMinutes: readonly number[] = DEFAULT_REMINDER_OFFSETS_MINUTES,
): ReminderJob[] {
  if (appointment.status === 'cancelled') return [];
  return [...new Set(offsetsMinutes)]
    .map((offsetMinutes) => ({
      key: reminderJobKey(appointment.id, appointment.sequence, offsetMinutes),
      appointmentId: appointment.id,
      sequence: appointment.sequence,
      offsetMinutes,
      dueAt: addMinutes(appointment.start, -offsetMinutes),
    }))
    .filter((job) => job.dueAt > now)
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

export type ReminderDecision =
  | { readonly send: true }
  | { readonly send: false; readonly reason: 'cancelled' | 'rescheduled' | 'already_started' };

/**
 * When a job fires, check it against the appointment as it is now. A job that fires late (the
 * server was down at `dueAt`) is still sent as long as the appointment has not started.
 */
export function reminderDecision(job: ReminderJob, appointment: Appointment, now: Date): ReminderDecision {
  if (appointment.status === 'cancelled') return { send: false, reason: 'cancelled' };
  if (appointment.sequence !== job.sequence) return { send: false, reason: 'rescheduled' };
  if (now >= appointment.start) return { send: false, reason: 'already_started' };
  return { send: true };
}
