import type {
  AppointmentKind,
  AppointmentLocation,
  AppointmentType,
  AppointmentView,
} from '@spreekuur/protocol/scheduling';
import { fail, ok, type Result, type SchedulingError } from './errors.ts';
import { toUtcIso } from './local-time.ts';
import { checkSlot, type ExistingBooking, type SlotErrorCode, type SlotRules } from './slots.ts';

/** Only a face-to-face appointment has a location, and it always has one. */
type AppointmentPlace =
  | { readonly kind: 'in_person'; readonly location: AppointmentLocation }
  | { readonly kind: Exclude<AppointmentKind, 'in_person'>; readonly location: null };

interface AppointmentBase {
  readonly id: string;
  readonly appointmentTypeId: string;
  readonly workerId: string;
  readonly residentId: string;
  readonly start: Date;
  readonly end: Date;
  /** Copied from the type when booked: editing a type later does not move existing bookings. */
  readonly bufferBeforeMinutes: number;
  readonly bufferAfterMinutes: number;
  /** iCalendar SEQUENCE: 0 when booked, +1 on every reschedule and on cancel. */
  readonly sequence: number;
  readonly createdAt: Date;
  /** Last change; the iCalendar DTSTAMP. */
  readonly updatedAt: Date;
}

/** Who cancelled: the resident themselves, or a worker or admin (for the calendar and the audit). */
export type CancelledBy = 'resident' | 'worker';

export type Appointment = AppointmentBase &
  AppointmentPlace &
  (
    | { readonly status: 'booked' }
    | {
        readonly status: 'cancelled';
        readonly cancelledAt: Date;
        readonly cancelledBy: CancelledBy;
      }
  );

export type BookingErrorCode = SlotErrorCode | 'ERR_SCHED_BOOKING_LIMIT';
export type ChangeErrorCode =
  SlotErrorCode | 'ERR_SCHED_APPOINTMENT_CANCELLED' | 'ERR_SCHED_APPOINTMENT_STARTED';

function placeOf(type: AppointmentType): AppointmentPlace {
  return type.kind === 'in_person'
    ? { kind: type.kind, location: type.location }
    : { kind: type.kind, location: null };
}

/**
 * Whether the resident may have one more booking of the type: fewer than its
 * `maxOpenBookingsPerResident` open ones (booked, starting after now), whoever booked them.
 * Checked first: choosing another time would not help.
 */
export function checkBookingLimit(
  type: AppointmentType,
  residentOpenBookings: number,
): Result<null, SchedulingError<'ERR_SCHED_BOOKING_LIMIT'>> {
  const limit = type.maxOpenBookingsPerResident;
  if (residentOpenBookings < limit) return ok(null);
  return fail(
    'ERR_SCHED_BOOKING_LIMIT',
    `the resident has ${residentOpenBookings} open bookings of this type`,
    {
      limit,
    },
  );
}

/**
 * Books `start` if the resident is below the type's limit of open bookings and it is a free slot
 * now. The caller counts the resident's open bookings and inserts the result under locks that
 * serialise both (see the appointment service) and a unique (worker, start) constraint; a
 * conflict there is `ERR_SCHED_SLOT_TAKEN` too.
 */
export function bookAppointment(
  rules: SlotRules,
  booking: {
    readonly id: string;
    readonly workerId: string;
    readonly residentId: string;
    readonly start: Date;
    /** The resident's open bookings of this type now (booked, starting after `now`). */
    readonly residentOpenBookings: number;
  },
  now: Date,
): Result<Appointment, SchedulingError<BookingErrorCode>> {
  const allowed = checkBookingLimit(rules.appointmentType, booking.residentOpenBookings);
  if (!allowed.ok) return allowed;
  const slot = checkSlot(rules, booking.start, now);
  if (!slot.ok) return slot;
  const type = rules.appointmentType;
  return ok({
    id: booking.id,
    appointmentTypeId: type.id,
    workerId: booking.workerId,
    residentId: booking.residentId,
    ...placeOf(type),
    start: slot.value.start,
    end: slot.value.end,
    bufferBeforeMinutes: type.bufferBeforeMinutes,
    bufferAfterMinutes: type.bufferAfterMinutes,
    sequence: 0,
    createdAt: now,
    updatedAt: now,
    status: 'booked',
  });
}

function checkChangeable(
  appointment: Appointment,
  now: Date,
): Result<null, SchedulingError<'ERR_SCHED_APPOINTMENT_CANCELLED' | 'ERR_SCHED_APPOINTMENT_STARTED'>> {
  if (appointment.status === 'cancelled') {
    return fail('ERR_SCHED_APPOINTMENT_CANCELLED', `appointment ${appointment.id} is cancelled`);
  }
  if (now >= appointment.start) {
    return fail('ERR_SCHED_APPOINTMENT_STARTED', `appointment ${appointment.id} has started`);
  }
  return ok(null);
}

/**
 * Moves a booked, not yet started appointment to another free slot of its type. Same UID,
 * SEQUENCE + 1. Not limited by `maxOpenBookingsPerResident`: the resident keeps as many as before.
 */
export function rescheduleAppointment(
  appointment: Appointment,
  rules: SlotRules,
  newStart: Date,
  now: Date,
): Result<Appointment, SchedulingError<ChangeErrorCode>> {
  if (rules.appointmentType.id !== appointment.appointmentTypeId) {
    throw new RangeError('rescheduleAppointment needs the rules of the appointment’s own type');
  }
  const changeable = checkChangeable(appointment, now);
  if (!changeable.ok) return changeable;
  const slot = checkSlot(rules, newStart, now, { ignoreBookingId: appointment.id });
  if (!slot.ok) return slot;
  const type = rules.appointmentType;
  return ok({
    ...appointment,
    ...placeOf(type),
    start: slot.value.start,
    end: slot.value.end,
    bufferBeforeMinutes: type.bufferBeforeMinutes,
    bufferAfterMinutes: type.bufferAfterMinutes,
    sequence: appointment.sequence + 1,
    updatedAt: now,
  });
}

/** Cancels a booked, not yet started appointment. It stays (with STATUS:CANCELLED) so calendars remove it. */
export function cancelAppointment(
  appointment: Appointment,
  cancelledBy: CancelledBy,
  now: Date,
): Result<Appointment, SchedulingError<'ERR_SCHED_APPOINTMENT_CANCELLED' | 'ERR_SCHED_APPOINTMENT_STARTED'>> {
  const changeable = checkChangeable(appointment, now);
  if (!changeable.ok) return changeable;
  return ok({
    ...appointment,
    status: 'cancelled',
    cancelledAt: now,
    cancelledBy,
    sequence: appointment.sequence + 1,
    updatedAt: now,
  });
}

/** The appointment as a calendar entry for slot computations; null once cancelled (it frees its slot). */
export function asExistingBooking(appointment: Appointment): ExistingBooking | null {
  if (appointment.status === 'cancelled') return null;
  return {
    id: appointment.id,
    appointmentTypeId: appointment.appointmentTypeId,
    start: appointment.start,
    end: appointment.end,
    bufferBeforeMinutes: appointment.bufferBeforeMinutes,
    bufferAfterMinutes: appointment.bufferAfterMinutes,
  };
}

export function toAppointmentView(appointment: Appointment): AppointmentView {
  return {
    id: appointment.id,
    appointmentTypeId: appointment.appointmentTypeId,
    workerId: appointment.workerId,
    residentId: appointment.residentId,
    kind: appointment.kind,
    location: appointment.location,
    start: toUtcIso(appointment.start),
    end: toUtcIso(appointment.end),
    status: appointment.status,
    sequence: appointment.sequence,
  };
}
