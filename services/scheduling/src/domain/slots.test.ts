import {
  appointmentType,
  slotListing as slotListingSchema,
  type AppointmentType,
} from '@spreekuur/protocol/scheduling';
import { describe, expect, it } from 'vitest';
import { localTimeOf, toUtcIso } from './local-time.ts';
import {
  checkShift,
  checkSlot,
  freeSlots,
  MAX_CONFLICTS_NAMED,
  localDatesWindow,
  slotGrid,
  slotListing,
  slotStepMinutes,
  toSlot,
  type ExistingBooking,
  type SlotRules,
} from './slots.ts';
import { at, hoursOf, weekdayHours } from './testing.ts';

const PHONE_ID = '00000000-0000-4000-8000-000000000001';
const VIDEO_ID = '00000000-0000-4000-8000-000000000002';
const WORKER_ID = '00000000-0000-4000-8000-000000000101';
const AMS = 'Europe/Amsterdam';

/** Worker available Mon–Fri 09:00–12:00 and 13:00–17:00 Amsterdam. */
const availability = weekdayHours([
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '17:00' },
]);

function phone(overrides: Partial<Record<string, unknown>> = {}): AppointmentType {
  return appointmentType.parse({
    id: PHONE_ID,
    kind: 'phone',
    name: 'Telefonisch gesprek',
    durationMinutes: 30,
    minimumNoticeMinutes: 60,
    ...overrides,
  });
}

function rules(
  type: AppointmentType,
  bookings: ExistingBooking[] = [],
  busy: SlotRules['busy'] = [],
): SlotRules {
  return { appointmentType: type, availability, bookings, busy };
}

function booking(
  id: string,
  startIso: string,
  minutes: number,
  extra: Partial<ExistingBooking> = {},
): ExistingBooking {
  const start = at(startIso);
  return {
    id,
    appointmentTypeId: PHONE_ID,
    start,
    end: new Date(start.getTime() + minutes * 60_000),
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    ...extra,
  };
}

/** Local start times (Amsterdam) of the free slots on one local date. */
function localStarts(slotRules: SlotRules, date: string, now: Date): string[] {
  return freeSlots(slotRules, localDatesWindow(date, date, AMS), now).map((slot) =>
    localTimeOf(slot.start, AMS),
  );
}

/** Monday 8 December 2025, 08:00 local: well before the week's slots. */
const MONDAY_EARLY = at('2025-12-08T07:00:00Z');

describe('the slot grid', () => {
  it('starts at each range start and steps by the duration when there are no buffers', () => {
    const grid = slotGrid(rules(phone()), '2025-12-10');
    expect(grid.map((slot) => localTimeOf(slot.start, AMS))).toEqual([
      ...['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'],
      ...['13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30'],
    ]);
    expect(grid[0]).toEqual({ start: at('2025-12-10T08:00:00Z'), end: at('2025-12-10T08:30:00Z') });
  });

  it('steps by duration + buffers by default, so back-to-back bookings fit exactly', () => {
    const type = phone({ durationMinutes: 45, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 });
    expect(slotStepMinutes(type)).toBe(60);
    expect(slotGrid(rules(type), '2025-12-10').map((slot) => localTimeOf(slot.start, AMS))).toEqual([
      ...['09:00', '10:00', '11:00'],
      ...['13:00', '14:00', '15:00', '16:00'],
    ]);
  });

  it('uses a configured step', () => {
    const grid = slotGrid(rules(phone({ slotStepMinutes: 15 })), '2025-12-10');
    expect(grid.slice(0, 3).map((slot) => localTimeOf(slot.start, AMS))).toEqual(['09:00', '09:15', '09:30']);
    expect(grid.filter((slot) => localTimeOf(slot.start, AMS) < '12:00')).toHaveLength(11); // last 11:30
  });

  it('has no slots on a closed day', () => {
    expect(slotGrid(rules(phone()), '2025-12-13')).toEqual([]);
  });

  it('does not depend on bookings or on the time of asking (the unique constraint needs that)', () => {
    const grid = slotGrid(rules(phone()), '2025-12-10').map((slot) => slot.start.getTime());
    const busyRules = rules(phone(), [
      booking('b1', '2025-12-10T08:30:00Z', 30),
      booking('b2', '2025-12-10T13:00:00Z', 30),
    ]);
    for (const now of [MONDAY_EARLY, at('2025-12-10T09:10:00Z'), at('2025-12-10T12:59:00Z')]) {
      const free = freeSlots(busyRules, localDatesWindow('2025-12-10', '2025-12-10', AMS), now);
      expect(free.length).toBeGreaterThan(0);
      for (const slot of free) expect(grid).toContain(slot.start.getTime());
    }
  });
});

describe('free slots', () => {
  it('keeps buffers of the new and the existing booking apart', () => {
    // Existing: 10:00–10:30 with 15 minutes after (blocked 10:00–10:45).
    const existing = booking('b1', '2025-12-10T09:00:00Z', 30, { bufferAfterMinutes: 15 });
    // New: 30 minutes with 10 minutes before, every 15 minutes.
    const type = phone({ bufferBeforeMinutes: 10, slotStepMinutes: 15 });
    expect(
      localStarts(rules(type, [existing]), '2025-12-10', MONDAY_EARLY).filter((t) => t < '12:00'),
    ).toEqual([
      '09:00',
      '09:15',
      '09:30', // blocked 09:20–10:00 touches 10:00: fine
      // 09:45 … 10:30 would overlap 10:00–10:45
      '11:00', // blocked 10:50–11:30
      '11:15',
      '11:30',
    ]);
  });

  it('respects the minimum notice', () => {
    // Wednesday 09:40 local, 60 minutes notice: the first slot is 11:00 (10:40 is not on the grid).
    expect(localStarts(rules(phone()), '2025-12-10', at('2025-12-10T08:40:00Z'))[0]).toBe('11:00');
    // With a full day's notice nothing is left today.
    expect(
      localStarts(rules(phone({ minimumNoticeMinutes: 24 * 60 })), '2025-12-10', at('2025-12-10T08:40:00Z')),
    ).toEqual([]);
  });

  it('stops at the booking window (today + bookingWindowDays in the worker’s calendar)', () => {
    const type = phone({ bookingWindowDays: 2 });
    const wednesday = at('2025-12-10T07:00:00Z');
    const week = freeSlots(rules(type), localDatesWindow('2025-12-10', '2025-12-19', AMS), wednesday);
    const dates = [...new Set(week.map((slot) => slot.start.toISOString().slice(0, 10)))];
    expect(dates).toEqual(['2025-12-10', '2025-12-11', '2025-12-12']);
  });

  it('closes a day that reached its per-day limit of this type', () => {
    const type = phone({ maxPerDay: 2 });
    const two = [booking('b1', '2025-12-11T08:00:00Z', 30), booking('b2', '2025-12-11T13:00:00Z', 30)];
    expect(localStarts(rules(type, two), '2025-12-11', MONDAY_EARLY)).toEqual([]);
    // One of them is of another type: the day is open again (minus the booked times).
    const mixed = [two[0]!, { ...two[1]!, appointmentTypeId: VIDEO_ID }];
    const starts = localStarts(rules(type, mixed), '2025-12-11', MONDAY_EARLY);
    expect(starts).toHaveLength(12);
    expect(starts).not.toContain('09:00');
    expect(starts).not.toContain('14:00');
  });

  it('skips other busy time', () => {
    const busy = [{ start: at('2025-12-10T08:00:00Z'), end: at('2025-12-10T11:00:00Z') }]; // office-hour duty
    expect(localStarts(rules(phone(), [], busy), '2025-12-10', MONDAY_EARLY)[0]).toBe('13:00');
  });
});

describe('checkSlot: re-checking a chosen start', () => {
  const type = phone({ maxPerDay: 2, bookingWindowDays: 7 });
  const existing = [booking('b1', '2025-12-11T08:00:00Z', 30), booking('b2', '2025-12-11T09:00:00Z', 30)];
  const now = at('2025-12-10T08:40:00Z'); // Wednesday 09:40

  it.each([
    ['a free slot', '2025-12-10T10:00:00Z', null],
    ['within the notice', '2025-12-10T09:00:00Z', 'ERR_SCHED_TOO_SOON'],
    ['in the past', '2025-12-09T10:00:00Z', 'ERR_SCHED_TOO_SOON'],
    ['past the window', '2025-12-18T08:00:00Z', 'ERR_SCHED_OUTSIDE_WINDOW'],
    ['off the grid', '2025-12-10T10:10:00Z', 'ERR_SCHED_NOT_A_SLOT'],
    ['in lunch', '2025-12-10T11:30:00Z', 'ERR_SCHED_NOT_A_SLOT'],
    ['on a Saturday', '2025-12-13T09:00:00Z', 'ERR_SCHED_NOT_A_SLOT'],
    ['on a full day', '2025-12-11T13:00:00Z', 'ERR_SCHED_DAY_FULL'],
    ['overlapping a booking', '2025-12-12T09:00:00Z', 'ERR_SCHED_SLOT_TAKEN'],
  ])('%s (%s) → %s', (_case, start, code) => {
    const withFriday = [
      ...existing,
      { ...booking('b3', '2025-12-12T09:00:00Z', 30), appointmentTypeId: VIDEO_ID },
    ];
    const result = checkSlot(rules(type, withFriday), at(start), now);
    if (code === null)
      expect(result).toEqual({ ok: true, value: { start: at(start), end: at('2025-12-10T10:30:00Z') } });
    else expect(result).toMatchObject({ ok: false, error: { code } });
  });

  it('tells the earliest start when too soon', () => {
    expect(checkSlot(rules(type), at('2025-12-10T09:00:00Z'), now)).toMatchObject({
      error: { details: { earliest: '2025-12-10T09:40:00Z' } },
    });
  });

  it('ignores the booking being rescheduled, for overlap and for the day limit', () => {
    expect(checkSlot(rules(type, existing), at('2025-12-11T08:30:00Z'), now).ok).toBe(false);
    expect(
      checkSlot(rules(type, existing), at('2025-12-11T08:30:00Z'), now, { ignoreBookingId: 'b1' }).ok,
    ).toBe(true);
  });
});

describe('checkShift: duty over booked appointments', () => {
  const shift = (startIso: string, endIso: string) => ({
    workerId: WORKER_ID,
    start: at(startIso),
    end: at(endIso),
  });
  // 10:00–10:30 with 10 minutes before and 15 after: blocks 08:50Z–09:45Z.
  const booked = booking('b1', '2025-12-10T09:00:00Z', 30, {
    bufferBeforeMinutes: 10,
    bufferAfterMinutes: 15,
  });

  it.each([
    ['over the appointment', '2025-12-10T08:00:00Z', '2025-12-10T11:00:00Z', false],
    ['inside it', '2025-12-10T09:10:00Z', '2025-12-10T09:20:00Z', false],
    ['over the buffer before only', '2025-12-10T08:00:00Z', '2025-12-10T08:55:00Z', false],
    ['over the buffer after only', '2025-12-10T09:40:00Z', '2025-12-10T11:00:00Z', false],
    ['touching the blocked time before', '2025-12-10T08:00:00Z', '2025-12-10T08:50:00Z', true],
    ['touching the blocked time after', '2025-12-10T09:45:00Z', '2025-12-10T11:00:00Z', true],
    ['on another day', '2025-12-11T08:00:00Z', '2025-12-11T11:00:00Z', true],
  ])('%s', (_case, start, end, free) => {
    expect(checkShift(shift(start, end), [booked]).ok).toBe(free);
  });

  it('is the same rule that keeps bookings out of duty, either way round', () => {
    const type = phone({ bufferBeforeMinutes: 10, bufferAfterMinutes: 15 });
    // 09:00–09:30 local (on the grid) blocks 07:50Z–08:45Z.
    const start = at('2025-12-10T08:00:00Z');
    const asBooking = booking('b9', '2025-12-10T08:00:00Z', 30, {
      bufferBeforeMinutes: 10,
      bufferAfterMinutes: 15,
    });
    for (const [duty, free] of [
      [shift('2025-12-10T08:40:00Z', '2025-12-10T10:00:00Z'), false],
      [shift('2025-12-10T08:45:00Z', '2025-12-10T10:00:00Z'), true],
      [shift('2025-12-10T06:00:00Z', '2025-12-10T07:50:00Z'), true],
    ] as const) {
      const slot = checkSlot(rules(type, [], [duty]), start, MONDAY_EARLY);
      expect(slot.ok ? null : slot.error.code).toBe(free ? null : 'ERR_SCHED_SLOT_TAKEN');
      expect(checkShift(duty, [asBooking]).ok).toBe(free);
    }
  });

  it('names the conflicting appointments in order, the first 20 of them', () => {
    const later = booking('b2', '2025-12-10T12:00:00Z', 60);
    expect(checkShift(shift('2025-12-10T07:00:00Z', '2025-12-10T16:00:00Z'), [later, booked])).toEqual({
      ok: false,
      error: {
        code: 'ERR_SCHED_SHIFT_OVERLAPS_APPOINTMENT',
        message: 'the shift overlaps booked appointments',
        details: {
          workerId: WORKER_ID,
          conflicts: 2,
          appointmentIds: 'b1,b2',
          appointmentTimes:
            '2025-12-10T09:00:00Z/2025-12-10T09:30:00Z,2025-12-10T12:00:00Z/2025-12-10T13:00:00Z',
        },
      },
    });
    const many = Array.from({ length: 30 }, (_, i) =>
      booking(
        `m${String(i).padStart(2, '0')}`,
        toUtcIso(new Date(at('2025-12-11T00:00:00Z').getTime() + i * 3_600_000)),
        30,
      ),
    );
    const result = checkShift(shift('2025-12-11T00:00:00Z', '2025-12-12T08:00:00Z'), many);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.details?.conflicts).toBe(30);
      expect(String(result.error.details?.appointmentIds).split(',')).toHaveLength(MAX_CONFLICTS_NAMED);
    }
  });
});

describe('daylight saving', () => {
  const sundayRules = (type: AppointmentType) => ({
    appointmentType: type,
    availability: hoursOf({
      weekly: {
        days: {
          sunday: [
            { start: '01:00', end: '04:00' },
            { start: '09:00', end: '11:00' },
          ],
        },
      },
    }),
    bookings: [],
  });
  const hourly = phone({ durationMinutes: 60, minimumNoticeMinutes: 0, bookingWindowDays: 365 });
  const early = at('2025-01-01T00:00:00Z');

  it('gives 01:00–04:00 only two real hours on the spring-forward day', () => {
    const slots = slotGrid(sundayRules(hourly), '2025-03-30');
    expect(slots.map((slot) => toSlot(slot, AMS).local.startIso)).toEqual([
      '2025-03-30T01:00:00+01:00',
      '2025-03-30T03:00:00+02:00',
      '2025-03-30T09:00:00+02:00',
      '2025-03-30T10:00:00+02:00',
    ]);
  });

  it('gives 01:00–04:00 four real hours on the fall-back day, 02:00 twice', () => {
    const slots = freeSlots(sundayRules(hourly), localDatesWindow('2025-10-26', '2025-10-26', AMS), early);
    expect(slots.map((slot) => toSlot(slot, AMS).local.startIso)).toEqual([
      '2025-10-26T01:00:00+02:00',
      '2025-10-26T02:00:00+02:00',
      '2025-10-26T02:00:00+01:00',
      '2025-10-26T03:00:00+01:00',
      '2025-10-26T09:00:00+01:00',
      '2025-10-26T10:00:00+01:00',
    ]);
    // Distinct instants, so a unique (worker, start) constraint still tells them apart.
    expect(new Set(slots.map((slot) => slot.start.getTime())).size).toBe(slots.length);
  });
});

describe('slot listings in the resident’s zone', () => {
  it('shows UTC instants and the resident’s wall clock', () => {
    expect(
      toSlot({ start: at('2025-12-10T08:00:00Z'), end: at('2025-12-10T08:30:00Z') }, 'America/Curacao'),
    ).toEqual({
      start: '2025-12-10T08:00:00Z',
      end: '2025-12-10T08:30:00Z',
      local: { date: '2025-12-10', start: '04:00', end: '04:30', startIso: '2025-12-10T04:00:00-04:00' },
    });
  });

  it('lists by the resident’s own dates: a day in Auckland spans two Amsterdam days', () => {
    const listing = slotListing(
      rules(phone({ minimumNoticeMinutes: 0 })),
      { workerId: WORKER_ID, from: '2025-12-10', to: '2025-12-10', timeZone: 'Pacific/Auckland' },
      MONDAY_EARLY,
    );
    expect(slotListingSchema.parse(listing)).toEqual(listing);
    // 10 December in Auckland (UTC+13) = 9 Dec 11:00Z – 10 Dec 11:00Z: Tuesday afternoon and Wednesday morning in Amsterdam.
    const starts = listing.slots.map((slot) => slot.start);
    expect(starts[0]).toBe('2025-12-09T12:00:00Z');
    expect(starts[starts.length - 1]).toBe('2025-12-10T10:30:00Z');
    expect(starts).toHaveLength(8 + 6);
    expect(listing.slots.every((slot) => slot.local.date === '2025-12-10')).toBe(true);
    expect(listing.slots[0]?.local.start).toBe('01:00');
  });

  it('produces the window of whole local dates', () => {
    const window = localDatesWindow('2025-03-30', '2025-03-30', AMS);
    expect([toUtcIso(window.start), toUtcIso(window.end)]).toEqual([
      '2025-03-29T23:00:00Z',
      '2025-03-30T22:00:00Z',
    ]);
  });
});
