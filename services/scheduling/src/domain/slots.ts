import type { AppointmentType, OpeningHours, Slot, SlotListing } from '@spreekuur/protocol/scheduling';
import { fail, ok, type Result, type SchedulingError } from './errors.ts';
import {
  addDays,
  addMinutes,
  localDateOf,
  localTimeOf,
  maxDate,
  overlaps,
  startOfLocalDay,
  toUtcIso,
  toZonedInstant,
  type Interval,
  type LocalDate,
} from './local-time.ts';
import { dayIntervals } from './office-hours.ts';

/** A booking already in the worker's calendar (not cancelled), with the buffers it was booked with. */
export interface ExistingBooking extends Interval {
  readonly id: string;
  readonly appointmentTypeId: string;
  readonly bufferBeforeMinutes: number;
  readonly bufferAfterMinutes: number;
}

/** Everything that decides which slots of one appointment type with one worker are free. */
export interface SlotRules {
  readonly appointmentType: AppointmentType;
  /** The worker's availability for appointments; its zone is the worker's zone. */
  readonly availability: OpeningHours;
  /** The worker's bookings of every type around the window asked for. */
  readonly bookings: readonly ExistingBooking[];
  /** Other time the worker cannot be booked (e.g. office-hour duty). */
  readonly busy?: readonly Interval[];
}

/** A bookable appointment: `[start, end)` without buffers. */
export type CandidateSlot = Interval;

export type SlotErrorCode =
  | 'ERR_SCHED_TOO_SOON'
  | 'ERR_SCHED_OUTSIDE_WINDOW'
  | 'ERR_SCHED_NOT_A_SLOT'
  | 'ERR_SCHED_DAY_FULL'
  | 'ERR_SCHED_SLOT_TAKEN';

/** Distance between slot starts: configured, or duration + both buffers so back-to-back bookings fit exactly. */
export function slotStepMinutes(type: AppointmentType): number {
  return type.slotStepMinutes ?? type.durationMinutes + type.bufferBeforeMinutes + type.bufferAfterMinutes;
}

/** The appointment plus its buffers: the time no other booking's blocked time may overlap. */
function blockedInterval(
  appointment: Interval,
  buffers: { readonly bufferBeforeMinutes: number; readonly bufferAfterMinutes: number },
): Interval {
  return {
    start: addMinutes(appointment.start, -buffers.bufferBeforeMinutes),
    end: addMinutes(appointment.end, buffers.bufferAfterMinutes),
  };
}

/**
 * Every slot of a worker-local date, ignoring bookings and `now`: in each available interval,
 * starts at the interval's start and every step after it, as long as the appointment fits.
 * Only availability and type settings decide these instants, so two residents racing for one
 * slot ask for the same start and a unique (worker, start) constraint picks one winner.
 */
export function slotGrid(rules: SlotRules, date: LocalDate): CandidateSlot[] {
  const { durationMinutes } = rules.appointmentType;
  const step = slotStepMinutes(rules.appointmentType);
  const slots: CandidateSlot[] = [];
  for (const interval of dayIntervals(rules.availability, date)) {
    for (
      let start = interval.start;
      addMinutes(start, durationMinutes) <= interval.end;
      start = addMinutes(start, step)
    ) {
      slots.push({ start, end: addMinutes(start, durationMinutes) });
    }
  }
  return slots;
}

/** The last bookable date in the worker's calendar: today + bookingWindowDays. */
function lastBookableDate(rules: SlotRules, now: Date): LocalDate {
  return addDays(
    localDateOf(now, rules.availability.weekly.timeZone),
    rules.appointmentType.bookingWindowDays,
  );
}

function earliestBookableStart(rules: SlotRules, now: Date): Date {
  return addMinutes(now, rules.appointmentType.minimumNoticeMinutes);
}

interface Options {
  /** The appointment being rescheduled: it neither blocks itself nor counts towards its day. */
  readonly ignoreBookingId?: string;
}

function otherBookings(rules: SlotRules, options: Options): ExistingBooking[] {
  return rules.bookings.filter((booking) => booking.id !== options.ignoreBookingId);
}

function isDayFull(rules: SlotRules, date: LocalDate, options: Options): boolean {
  const limit = rules.appointmentType.maxPerDay;
  if (limit === null) return false;
  const zone = rules.availability.weekly.timeZone;
  const sameTypeThatDay = otherBookings(rules, options).filter(
    (booking) =>
      booking.appointmentTypeId === rules.appointmentType.id && localDateOf(booking.start, zone) === date,
  );
  return sameTypeThatDay.length >= limit;
}

function isFree(rules: SlotRules, slot: CandidateSlot, options: Options): boolean {
  const blocked = blockedInterval(slot, rules.appointmentType);
  return (
    otherBookings(rules, options).every((booking) => !overlaps(blocked, blockedInterval(booking, booking))) &&
    (rules.busy ?? []).every((busy) => !overlaps(blocked, busy))
  );
}

/** At most this many conflicting appointments are named in a refusal (the count is always given). */
export const MAX_CONFLICTS_NAMED = 20;

/**
 * The other side of "duty blocks slots": a rostered shift may not overlap the blocked time
 * (appointment plus buffers) of any booking of the worker, exactly the overlap that refuses a
 * booking inside a shift. Touching is fine. Refused with the conflicting appointments named (ids
 * and their times as ISO 8601 intervals, comma-separated, in order) so a console can show them.
 */
export function checkShift(
  shift: Interval & { readonly workerId: string },
  bookings: readonly ExistingBooking[],
): Result<Interval, SchedulingError<'ERR_SCHED_SHIFT_OVERLAPS_APPOINTMENT'>> {
  const conflicts = bookings
    .filter((booking) => overlaps(shift, blockedInterval(booking, booking)))
    .sort((a, b) => a.start.getTime() - b.start.getTime() || a.id.localeCompare(b.id));
  if (conflicts.length === 0) return ok({ start: shift.start, end: shift.end });
  const named = conflicts.slice(0, MAX_CONFLICTS_NAMED);
  return fail('ERR_SCHED_SHIFT_OVERLAPS_APPOINTMENT', 'the shift overlaps booked appointments', {
    workerId: shift.workerId,
    conflicts: conflicts.length,
    appointmentIds: named.map((booking) => booking.id).join(','),
    appointmentTimes: named.map((booking) => `${toUtcIso(booking.start)}/${toUtcIso(booking.end)}`).join(','),
  });
}

/** Free slots starting within `window`, in order. */
export function freeSlots(
  rules: SlotRules,
  window: Interval,
  now: Date,
  options: Options = {},
): CandidateSlot[] {
  const zone = rules.availability.weekly.timeZone;
  const earliest = earliestBookableStart(rules, now);
  const lastDate = lastBookableDate(rules, now);
  const slots: CandidateSlot[] = [];
  let date = localDateOf(maxDate(window.start, earliest), zone);
  const windowLastDate = localDateOf(new Date(window.end.getTime() - 1), zone);
  for (; date <= windowLastDate && date <= lastDate; date = addDays(date, 1)) {
    if (isDayFull(rules, date, options)) continue;
    for (const slot of slotGrid(rules, date)) {
      if (slot.start < window.start || slot.start >= window.end || slot.start < earliest) continue;
      if (isFree(rules, slot, options)) slots.push(slot);
    }
  }
  return slots;
}

/**
 * Re-checks a start the resident chose, at booking (or rescheduling) time. Passing this is not the
 * race guard: the database's unique / exclusion constraint on the worker's bookings is.
 */
export function checkSlot(
  rules: SlotRules,
  start: Date,
  now: Date,
  options: Options = {},
): Result<CandidateSlot, SchedulingError<SlotErrorCode>> {
  const zone = rules.availability.weekly.timeZone;
  const earliest = earliestBookableStart(rules, now);
  if (start < earliest) {
    return fail('ERR_SCHED_TOO_SOON', 'start is within the minimum notice', { earliest: toUtcIso(earliest) });
  }
  const date = localDateOf(start, zone);
  const lastDate = lastBookableDate(rules, now);
  if (date > lastDate)
    return fail('ERR_SCHED_OUTSIDE_WINDOW', 'start is past the booking window', { lastDate });
  const slot = slotGrid(rules, date).find((candidate) => candidate.start.getTime() === start.getTime());
  if (slot === undefined) return fail('ERR_SCHED_NOT_A_SLOT', 'no slot starts at this time');
  if (isDayFull(rules, date, options)) {
    return fail('ERR_SCHED_DAY_FULL', 'the per-day limit is reached', {
      maxPerDay: rules.appointmentType.maxPerDay,
    });
  }
  if (!isFree(rules, slot, options)) return fail('ERR_SCHED_SLOT_TAKEN', 'the slot overlaps another booking');
  return ok(slot);
}

/** The window covering calendar dates `from` through `to` in a zone (the resident's, for listings). */
export function localDatesWindow(from: LocalDate, to: LocalDate, timeZone: string): Interval {
  return { start: startOfLocalDay(from, timeZone), end: startOfLocalDay(addDays(to, 1), timeZone) };
}

/** Wire form: instants in UTC, wall clock in the display zone (the resident's). */
export function toSlot(slot: CandidateSlot, displayTimeZone: string): Slot {
  return {
    start: toUtcIso(slot.start),
    end: toUtcIso(slot.end),
    local: {
      date: localDateOf(slot.start, displayTimeZone),
      start: localTimeOf(slot.start, displayTimeZone),
      end: localTimeOf(slot.end, displayTimeZone),
      startIso: toZonedInstant(slot.start, displayTimeZone).local,
    },
  };
}

/** A resident's slot listing for their own dates `from` through `to`. */
export function slotListing(
  rules: SlotRules,
  query: {
    readonly workerId: string;
    readonly from: LocalDate;
    readonly to: LocalDate;
    readonly timeZone: string;
  },
  now: Date,
): SlotListing {
  const window = localDatesWindow(query.from, query.to, query.timeZone);
  return {
    appointmentTypeId: rules.appointmentType.id,
    workerId: query.workerId,
    timeZone: query.timeZone,
    slots: freeSlots(rules, window, now).map((slot) => toSlot(slot, query.timeZone)),
  };
}
