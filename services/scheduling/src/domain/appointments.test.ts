import { appointment as appointmentSchema, appointmentType } from '@spreekuur/protocol/scheduling';
import { describe, expect, it } from 'vitest';
import {
  asExistingBooking,
  bookAppointment,
  cancelAppointment,
  checkBookingLimit,
  rescheduleAppointment,
  toAppointmentView,
  type Appointment,
} from './appointments.ts';
import type { SlotRules } from './slots.ts';
import { at, unwrap, weekdayHours } from './testing.ts';

const TYPE_ID = '00000000-0000-4000-8000-000000000001';
const WORKER_ID = '00000000-0000-4000-8000-000000000101';
const RESIDENT_ID = '00000000-0000-4000-8000-000000000201';
const APPOINTMENT_ID = '00000000-0000-4000-8000-000000000301';

const faceToFace = appointmentType.parse({
  id: TYPE_ID,
  kind: 'in_person',
  name: 'Gesprek op kantoor',
  durationMinutes: 45,
  bufferAfterMinutes: 15,
  location: { name: 'Buurthuis De Linde', address: 'Lindelaan 1, Utrecht' },
});

const availability = weekdayHours([{ start: '09:00', end: '12:00' }]);
const now = at('2025-12-08T07:00:00Z'); // Monday 08:00

function rulesWith(bookings: readonly Appointment[]): SlotRules {
  return {
    appointmentType: faceToFace,
    availability,
    bookings: bookings.flatMap((booked) => asExistingBooking(booked) ?? []),
  };
}

function book(
  start: string,
  id = APPOINTMENT_ID,
  existing: readonly Appointment[] = [],
  residentOpenBookings = 0,
) {
  return bookAppointment(
    rulesWith(existing),
    { id, workerId: WORKER_ID, residentId: RESIDENT_ID, start: at(start), residentOpenBookings },
    now,
  );
}

describe('booking', () => {
  it('books a free slot with sequence 0 and a snapshot of kind, location and buffers', () => {
    const booked = unwrap(book('2025-12-10T08:00:00Z'));
    expect(booked).toEqual({
      id: APPOINTMENT_ID,
      appointmentTypeId: TYPE_ID,
      workerId: WORKER_ID,
      residentId: RESIDENT_ID,
      kind: 'in_person',
      location: { name: 'Buurthuis De Linde', address: 'Lindelaan 1, Utrecht' },
      start: at('2025-12-10T08:00:00Z'),
      end: at('2025-12-10T08:45:00Z'),
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 15,
      sequence: 0,
      createdAt: now,
      updatedAt: now,
      status: 'booked',
    });
    expect(appointmentSchema.parse(toAppointmentView(booked))).toEqual({
      id: APPOINTMENT_ID,
      appointmentTypeId: TYPE_ID,
      workerId: WORKER_ID,
      residentId: RESIDENT_ID,
      kind: 'in_person',
      location: { name: 'Buurthuis De Linde', address: 'Lindelaan 1, Utrecht' },
      start: '2025-12-10T08:00:00Z',
      end: '2025-12-10T08:45:00Z',
      status: 'booked',
      sequence: 0,
    });
  });

  it('refuses a slot that another booking took', () => {
    const first = unwrap(book('2025-12-10T08:00:00Z'));
    expect(book('2025-12-10T08:00:00Z', 'other', [first])).toMatchObject({
      ok: false,
      error: { code: 'ERR_SCHED_SLOT_TAKEN' },
    });
  });
});

describe('open bookings per resident', () => {
  it('defaults to two of a type, and refuses a third before looking at the slot', () => {
    expect(faceToFace.maxOpenBookingsPerResident).toBe(2);
    expect(book('2025-12-10T08:00:00Z', APPOINTMENT_ID, [], 1).ok).toBe(true);
    expect(book('2025-12-10T08:00:00Z', APPOINTMENT_ID, [], 2)).toEqual({
      ok: false,
      error: {
        code: 'ERR_SCHED_BOOKING_LIMIT',
        message: 'the resident has 2 open bookings of this type',
        details: { limit: 2 },
      },
    });
    // Even for a time that is not a slot: a different time would not help.
    expect(book('2025-12-10T08:10:00Z', APPOINTMENT_ID, [], 2)).toMatchObject({
      error: { code: 'ERR_SCHED_BOOKING_LIMIT' },
    });
  });

  it('follows the type’s own limit', () => {
    const generous = { ...faceToFace, maxOpenBookingsPerResident: 5 };
    expect(checkBookingLimit(generous, 4).ok).toBe(true);
    expect(checkBookingLimit(generous, 5).ok).toBe(false);
  });

  it('does not count a reschedule: a resident at the limit may still move a booking', () => {
    const booked = unwrap(book('2025-12-10T08:00:00Z'));
    expect(rescheduleAppointment(booked, rulesWith([booked]), at('2025-12-10T09:00:00Z'), now)).toMatchObject(
      { ok: true, value: { start: at('2025-12-10T09:00:00Z') } },
    );
  });
});

describe('rescheduling and cancelling', () => {
  const booked = unwrap(book('2025-12-10T08:00:00Z'));
  const later = at('2025-12-09T10:00:00Z');

  it('moves to another slot, keeps the id, and raises the sequence', () => {
    const moved = unwrap(
      rescheduleAppointment(booked, rulesWith([booked]), at('2025-12-10T09:00:00Z'), later),
    );
    expect(moved).toMatchObject({
      id: APPOINTMENT_ID,
      start: at('2025-12-10T09:00:00Z'),
      end: at('2025-12-10T09:45:00Z'),
      sequence: 1,
      createdAt: now,
      updatedAt: later,
      status: 'booked',
    });
  });

  it('may move within its own old time (it does not block itself)', () => {
    const type = { ...faceToFace, slotStepMinutes: 15 };
    const rules = { ...rulesWith([booked]), appointmentType: type };
    expect(rescheduleAppointment(booked, rules, at('2025-12-10T08:15:00Z'), later).ok).toBe(true);
  });

  it('cancels with the sequence raised, and frees the slot', () => {
    const cancelled = unwrap(cancelAppointment(booked, 'resident', later));
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      cancelledBy: 'resident',
      cancelledAt: later,
      sequence: 1,
      updatedAt: later,
    });
    expect(asExistingBooking(cancelled)).toBeNull();
    expect(book('2025-12-10T08:00:00Z', 'other', [cancelled]).ok).toBe(true);
  });

  it.each([
    ['reschedule a cancelled one', 'cancelled', 'before', 'ERR_SCHED_APPOINTMENT_CANCELLED'],
    ['cancel a cancelled one', 'cancelled', 'before', 'ERR_SCHED_APPOINTMENT_CANCELLED'],
    ['reschedule once started', 'booked', 'after', 'ERR_SCHED_APPOINTMENT_STARTED'],
    ['cancel once started', 'booked', 'after', 'ERR_SCHED_APPOINTMENT_STARTED'],
  ] as const)('refuses to %s', (action, status, when, code) => {
    const subject = status === 'cancelled' ? unwrap(cancelAppointment(booked, 'worker', later)) : booked;
    const moment = when === 'before' ? later : at('2025-12-10T08:10:00Z');
    const result = action.startsWith('reschedule')
      ? rescheduleAppointment(subject, rulesWith([]), at('2025-12-11T08:00:00Z'), moment)
      : cancelAppointment(subject, 'worker', moment);
    expect(result).toMatchObject({ ok: false, error: { code } });
  });

  it('passes on slot errors when rescheduling', () => {
    expect(
      rescheduleAppointment(booked, rulesWith([booked]), at('2025-12-10T08:10:00Z'), later),
    ).toMatchObject({
      ok: false,
      error: { code: 'ERR_SCHED_NOT_A_SLOT' },
    });
  });
});
