import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorCatalog } from '@spreekuur/protocol/errors';
import type {
  AppointmentType,
  AppointmentView,
  RosterShiftView,
  SchedulingNotification,
  SlotListing,
} from '@spreekuur/protocol/scheduling';
import type { Appointment } from '../src/domain/index.ts';
import { insertAppointment, lockCalendar, lockResidentBookings } from '../src/store/appointment-store.ts';
import {
  call,
  expectStatus,
  holdTransaction,
  offerAppointments,
  OFFICE_DAYS,
  seedCast,
  startScheduling,
  type Cast,
  type Person,
  type SchedulingTestApp,
  untilWaitingFor,
} from './fixtures.ts';

/** Monday 8 December 2025, 08:00 in Amsterdam (CET). */
const MONDAY_0800 = new Date('2025-12-08T07:00:00Z');

let test: SchedulingTestApp;
beforeAll(async () => {
  test = await startScheduling({ clock: { now: MONDAY_0800 } });
});
afterAll(() => test.close({ dispose: true }));
beforeEach(() => {
  test.clock.now = MONDAY_0800;
});

type ErrorBody = { error: { code: string; issues?: unknown[] } };
type ShiftConflictBody = {
  error: { code: string; message: string; details?: Record<string, string | number | null> };
};

interface Setup {
  cast: Cast;
  worker: Person;
  phone: AppointmentType;
  video: AppointmentType;
}

/** A worker available weekdays 09:00–17:00, offering a phone call (30 min + 15 after) and a video call (60 min). */
async function setup(residents = 2): Promise<Setup> {
  const cast = await seedCast(test, { workers: 1, residents });
  const [phone, video] = await offerAppointments(
    test,
    cast,
    {
      kind: 'phone',
      name: 'Telefonisch gesprek',
      durationMinutes: 30,
      bufferAfterMinutes: 15,
      minimumNoticeMinutes: 120,
      bookingWindowDays: 14,
      maxPerDay: 3,
    },
    { kind: 'video', name: 'Videogesprek', durationMinutes: 60 },
  );
  return { cast, worker: cast.workers[0]!, phone: phone!, video: video! };
}

const book = (person: Person, body: object) =>
  call<AppointmentView & ErrorBody>(test, person, 'POST', '/v1/scheduling/appointments', body);

describe('slots', () => {
  it('lists free slots on the resident’s own dates and zone, with buffers, notice and per-day limits', async () => {
    const { cast, worker, phone } = await setup(3);
    const resident = cast.residents[0]!;
    const slots = (query: string) =>
      expectStatus(call<SlotListing>(test, resident, 'GET', `/v1/scheduling/slots?${query}`), 200);
    const base = `appointmentTypeId=${phone.id}&workerId=${worker.personId}`;

    // Monday: notice of two hours from 08:00 → the first slot is 10:30 (09:00 and 09:45 are too soon).
    const monday = await slots(`${base}&from=2025-12-08&to=2025-12-08`);
    expect(monday.slots.map((slot) => slot.local.start)).toEqual([
      '10:30',
      '11:15',
      '12:00',
      '12:45',
      '13:30',
      '14:15',
      '15:00',
      '15:45',
      '16:30',
    ]);
    // The same Tuesday slots shown to a resident in Curaçao (UTC−4).
    const curacao = await slots(`${base}&from=2025-12-09&to=2025-12-09&timeZone=America/Curacao`);
    expect(curacao.slots[0]).toEqual({
      start: '2025-12-09T08:00:00Z',
      end: '2025-12-09T08:30:00Z',
      local: { date: '2025-12-09', start: '04:00', end: '04:30', startIso: '2025-12-09T04:00:00-04:00' },
    });
    expect(curacao.slots).toHaveLength(11);
    // The window: 14 days ahead is the last bookable date.
    const far = await slots(`${base}&from=2025-12-22&to=2025-12-23`);
    expect(far.slots.map((slot) => slot.local.date)).toEqual(Array(11).fill('2025-12-22'));

    // Three residents book on Tuesday: the day is full (per-day limit) and disappears from the listing.
    for (const [index, start] of [
      '2025-12-09T08:00:00Z',
      '2025-12-09T08:45:00Z',
      '2025-12-09T09:30:00Z',
    ].entries()) {
      await expectStatus(
        book(cast.residents[index]!, { appointmentTypeId: phone.id, workerId: worker.personId, start }),
        201,
      );
    }
    expect((await slots(`${base}&from=2025-12-09&to=2025-12-09`)).slots).toEqual([]);
    const full = await book(resident, {
      appointmentTypeId: phone.id,
      workerId: worker.personId,
      start: '2025-12-09T13:15:00Z',
    });
    expect(full.body.error.code).toBe('ERR_SCHED_DAY_FULL');
  });

  it('refuses starts that are too soon, past the window or not on the grid, with 422', async () => {
    const { cast, worker, phone } = await setup();
    const resident = cast.residents[0]!;
    for (const [start, code] of [
      ['2025-12-08T08:00:00Z', 'ERR_SCHED_TOO_SOON'],
      ['2025-12-23T08:00:00Z', 'ERR_SCHED_OUTSIDE_WINDOW'],
      ['2025-12-09T08:10:00Z', 'ERR_SCHED_NOT_A_SLOT'],
      ['2025-12-13T09:00:00Z', 'ERR_SCHED_NOT_A_SLOT'], // Saturday: not available
    ] as const) {
      const response = await book(resident, {
        appointmentTypeId: phone.id,
        workerId: worker.personId,
        start,
      });
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe(code);
    }
  });

  it('keeps rostered office-hour duty free of appointments', async () => {
    const { cast, worker, phone } = await setup();
    await expectStatus(
      call(test, worker, 'POST', `/v1/scheduling/teams/${cast.teamId}/roster`, {
        workerId: worker.personId,
        start: '2025-12-09T08:00:00Z',
        end: '2025-12-09T11:00:00Z',
      }),
      201,
    );
    const listing = await expectStatus(
      call<SlotListing>(
        test,
        cast.residents[0]!,
        'GET',
        `/v1/scheduling/slots?appointmentTypeId=${phone.id}&workerId=${worker.personId}&from=2025-12-09&to=2025-12-09`,
      ),
      200,
    );
    expect(listing.slots[0]!.local.start).toBe('12:00');
  });
});

describe('duty shifts and appointments never share time', () => {
  const roster = (cast: Cast, person: Person, start: string, end: string) =>
    call<RosterShiftView & ShiftConflictBody>(
      test,
      person,
      'POST',
      `/v1/scheduling/teams/${cast.teamId}/roster`,
      {
        workerId: cast.workers[0]!.personId,
        start,
        end,
      },
    );
  const shiftsOf = async (cast: Cast) =>
    (
      await expectStatus(
        call<{ shifts: RosterShiftView[] }>(
          test,
          cast.workers[0]!,
          'GET',
          `/v1/scheduling/teams/${cast.teamId}/roster?from=2025-12-08T00:00:00Z&to=2025-12-12T00:00:00Z`,
        ),
        200,
      )
    ).shifts.map((shift) => [shift.start, shift.end]);

  it('refuses a shift over a booked appointment or its buffer with 409, naming the appointments', async () => {
    const { cast, worker, phone } = await setup();
    // Tuesday 09:45–10:15 in Amsterdam; with its 15-minute buffer it blocks 08:45Z–09:30Z.
    const booked = await expectStatus(
      book(cast.residents[0]!, {
        appointmentTypeId: phone.id,
        workerId: worker.personId,
        start: '2025-12-09T08:45:00Z',
      }),
      201,
    );
    const refused = await roster(cast, cast.admin, '2025-12-09T08:00:00Z', '2025-12-09T11:00:00Z');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: 'ERR_SCHED_SHIFT_OVERLAPS_APPOINTMENT',
      message: errorCatalog.ERR_SCHED_SHIFT_OVERLAPS_APPOINTMENT.nl,
      details: {
        workerId: worker.personId,
        conflicts: 1,
        appointmentIds: booked.id,
        appointmentTimes: '2025-12-09T08:45:00Z/2025-12-09T09:15:00Z',
      },
    });
    // Only the buffer overlaps: refused too, as a booking into that shift would be.
    expect((await roster(cast, worker, '2025-12-09T09:20:00Z', '2025-12-09T11:00:00Z')).body.error.code).toBe(
      'ERR_SCHED_SHIFT_OVERLAPS_APPOINTMENT',
    );
    // English on request.
    const english = await test.app.inject({
      method: 'POST',
      url: `/v1/scheduling/teams/${cast.teamId}/roster`,
      headers: { authorization: `Bearer ${worker.token}`, 'accept-language': 'en' },
      payload: { workerId: worker.personId, start: '2025-12-09T08:00:00Z', end: '2025-12-09T11:00:00Z' },
    });
    expect(english.json()).toMatchObject({
      error: { message: errorCatalog.ERR_SCHED_SHIFT_OVERLAPS_APPOINTMENT.en },
    });
    expect(await shiftsOf(cast)).toEqual([]);

    // Touching the blocked time is fine on either side.
    await expectStatus(roster(cast, worker, '2025-12-09T08:00:00Z', '2025-12-09T08:45:00Z'), 201);
    await expectStatus(roster(cast, worker, '2025-12-09T09:30:00Z', '2025-12-09T10:30:00Z'), 201);
    // Every conflicting appointment is named, in order.
    const later = await expectStatus(
      book(cast.residents[1]!, {
        appointmentTypeId: phone.id,
        workerId: worker.personId,
        start: '2025-12-09T11:00:00Z',
      }),
      201,
    );
    const both = await roster(cast, worker, '2025-12-09T08:45:00Z', '2025-12-09T12:00:00Z');
    expect(both.body.error.details).toMatchObject({
      conflicts: 2,
      appointmentIds: `${booked.id},${later.id}`,
      appointmentTimes: '2025-12-09T08:45:00Z/2025-12-09T09:15:00Z,2025-12-09T11:00:00Z/2025-12-09T11:30:00Z',
    });
    // A cancelled appointment no longer blocks the shift.
    await expectStatus(call(test, worker, 'POST', `/v1/scheduling/appointments/${booked.id}/cancel`), 200);
    await expectStatus(call(test, worker, 'POST', `/v1/scheduling/appointments/${later.id}/cancel`), 200);
    await expectStatus(roster(cast, worker, '2025-12-09T08:45:00Z', '2025-12-09T09:30:00Z'), 201);
    expect(await shiftsOf(cast)).toEqual([
      ['2025-12-09T08:00:00Z', '2025-12-09T08:45:00Z'],
      ['2025-12-09T08:45:00Z', '2025-12-09T09:30:00Z'],
      ['2025-12-09T09:30:00Z', '2025-12-09T10:30:00Z'],
    ]);
  });

  it('a shift added while a booking of the worker is being made waits for it, then is refused', async () => {
    const { cast, worker, phone } = await setup();
    // Another node is booking Tuesday 09:45 (Amsterdam): it holds the worker's calendar and has inserted the row.
    const appointment: Appointment = {
      id: randomUUID(),
      appointmentTypeId: phone.id,
      workerId: worker.personId,
      residentId: cast.residents[0]!.personId,
      start: new Date('2025-12-09T08:45:00Z'),
      end: new Date('2025-12-09T09:15:00Z'),
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 15,
      sequence: 0,
      createdAt: MONDAY_0800,
      updatedAt: MONDAY_0800,
      kind: 'phone',
      location: null,
      status: 'booked',
    };
    const booking = await holdTransaction(test.db, async (tx) => {
      await lockCalendar(tx, cast.orgId, worker.personId);
      await insertAppointment(tx, appointment, { orgId: cast.orgId, teamId: cast.teamId });
    });
    const adding = roster(cast, cast.admin, '2025-12-09T08:00:00Z', '2025-12-09T11:00:00Z');
    await untilWaitingFor(test.db, booking, adding);
    await booking.release();
    const response = await adding;
    expect([response.status, response.body.error?.code]).toEqual([
      409,
      'ERR_SCHED_SHIFT_OVERLAPS_APPOINTMENT',
    ]);
    expect(response.body.error.details).toMatchObject({ appointmentIds: appointment.id });
    expect(await shiftsOf(cast)).toEqual([]);
  });
});

describe('the double-booking race', () => {
  it('gives one slot to exactly one of many residents booking it at once', async () => {
    const { cast, worker, phone } = await setup(8);
    const start = '2025-12-10T08:00:00Z';
    const responses = await Promise.all(
      cast.residents.map((resident) =>
        book(resident, { appointmentTypeId: phone.id, workerId: worker.personId, start }),
      ),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    const losers = responses.filter((response) => response.status !== 201);
    expect(losers.map((response) => [response.status, response.body.error.code])).toEqual(
      Array(7).fill([409, 'ERR_SCHED_SLOT_TAKEN']),
    );
    const { rows } = await test.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM appointments WHERE worker_id = $1 AND status = 'booked'`,
      [worker.personId],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('serialises overlapping slots of different types (different starts), buffers included', async () => {
    const { cast, worker, phone, video } = await setup(8);
    // Phone 10:30–11:00 local blocks until 11:15 with its buffer; video 10:00–11:00 overlaps it.
    const attempts = cast.residents.map((resident, index) =>
      index % 2 === 0
        ? book(resident, {
            appointmentTypeId: phone.id,
            workerId: worker.personId,
            start: '2025-12-10T09:30:00Z',
          })
        : book(resident, {
            appointmentTypeId: video.id,
            workerId: worker.personId,
            start: '2025-12-10T09:00:00Z',
          }),
    );
    const responses = await Promise.all(attempts);
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    const { rows } = await test.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM appointments WHERE worker_id = $1 AND status = 'booked'`,
      [worker.personId],
    );
    expect(rows[0]!.n).toBe(1);
  });
});

describe('open bookings per resident', () => {
  type LimitBody = ErrorBody & { error: { message: string; details?: Record<string, unknown> } };
  const openOf = async (residentId: string, typeId: string) =>
    (
      await test.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM appointments
          WHERE resident_id = $1 AND appointment_type_id = $2 AND status = 'booked'`,
        [residentId, typeId],
      )
    ).rows[0]!.n;

  /** A team whose workers are all available weekdays 09:00–17:00, offering a chat of 30 minutes. */
  async function team(workers: number, maxOpenBookingsPerResident?: number) {
    const cast = await seedCast(test, { workers, residents: 1 });
    for (const worker of cast.workers) {
      await expectStatus(
        call(test, worker, 'PUT', `/v1/scheduling/workers/${worker.personId}/availability`, OFFICE_DAYS),
        200,
      );
    }
    const chat = await expectStatus(
      call<AppointmentType>(
        test,
        cast.admin,
        'POST',
        `/v1/scheduling/teams/${cast.teamId}/appointment-types`,
        {
          kind: 'chat',
          name: 'Chatafspraak',
          durationMinutes: 30,
          ...(maxOpenBookingsPerResident === undefined ? {} : { maxOpenBookingsPerResident }),
        },
      ),
      201,
    );
    return { cast, chat, resident: cast.residents[0]! };
  }

  it('refuses a third open booking of a type, says what to do, and counts neither moves nor the past', async () => {
    const { cast, worker, phone, video } = await setup();
    const resident = cast.residents[0]!;
    expect(phone.maxOpenBookingsPerResident).toBe(2);
    const first = await expectStatus(
      book(resident, {
        appointmentTypeId: phone.id,
        workerId: worker.personId,
        start: '2025-12-09T08:00:00Z',
      }),
      201,
    );
    const second = await expectStatus(
      book(resident, {
        appointmentTypeId: phone.id,
        workerId: worker.personId,
        start: '2025-12-10T08:00:00Z',
      }),
      201,
    );
    const third = { appointmentTypeId: phone.id, workerId: worker.personId, start: '2025-12-11T08:00:00Z' };
    const refused = await call<LimitBody>(test, resident, 'POST', '/v1/scheduling/appointments', third);
    expect([refused.status, refused.body.error]).toEqual([
      409,
      {
        code: 'ERR_SCHED_BOOKING_LIMIT',
        message: errorCatalog.ERR_SCHED_BOOKING_LIMIT.nl,
        details: { limit: 2 },
      },
    ]);
    const english = await test.app.inject({
      method: 'POST',
      url: '/v1/scheduling/appointments',
      headers: { authorization: `Bearer ${resident.token}`, 'accept-language': 'en' },
      payload: third,
    });
    expect(english.json()).toMatchObject({ error: { message: errorCatalog.ERR_SCHED_BOOKING_LIMIT.en } });
    // Booked by a worker on the resident's behalf counts the same.
    expect((await book(worker, { ...third, residentId: resident.personId })).body.error.code).toBe(
      'ERR_SCHED_BOOKING_LIMIT',
    );
    // Another type has its own limit.
    await expectStatus(
      book(resident, {
        appointmentTypeId: video.id,
        workerId: worker.personId,
        start: '2025-12-11T13:00:00Z',
      }),
      201,
    );
    // Moving a booking at the limit is fine: it stays one booking.
    await expectStatus(
      call(test, resident, 'POST', `/v1/scheduling/appointments/${first.id}/reschedule`, {
        start: '2025-12-09T08:45:00Z',
      }),
      200,
    );
    expect(await openOf(resident.personId, phone.id)).toBe(2);
    // Once one has started it no longer counts as open.
    test.clock.now = new Date('2025-12-09T08:50:00Z');
    await expectStatus(book(resident, third), 201);
    // Cancelling frees a place too.
    const fourth = { ...third, start: '2025-12-12T08:00:00Z' };
    expect((await book(resident, fourth)).body.error.code).toBe('ERR_SCHED_BOOKING_LIMIT');
    await expectStatus(call(test, resident, 'POST', `/v1/scheduling/appointments/${second.id}/cancel`), 200);
    await expectStatus(book(resident, fourth), 201);
  });

  it('is set by the team per type, within 1 to 20', async () => {
    const { cast, chat, resident } = await team(1, 3);
    expect(chat.maxOpenBookingsPerResident).toBe(3);
    const worker = cast.workers[0]!;
    for (const start of ['2025-12-09T08:00:00Z', '2025-12-09T08:30:00Z', '2025-12-09T09:00:00Z']) {
      await expectStatus(
        book(resident, { appointmentTypeId: chat.id, workerId: worker.personId, start }),
        201,
      );
    }
    for (const maxOpenBookingsPerResident of [0, 21]) {
      const response = await call<ErrorBody>(
        test,
        worker,
        'PUT',
        `/v1/scheduling/appointment-types/${chat.id}`,
        {
          kind: 'chat',
          name: 'Chatafspraak',
          durationMinutes: 30,
          maxOpenBookingsPerResident,
        },
      );
      expect([response.status, response.body.error.code]).toEqual([400, 'ERR_BAD_REQUEST']);
    }
  });

  it('a booking with another worker waits for the resident’s booking in progress, then is refused', async () => {
    const { cast, chat, resident } = await team(2, 1);
    const [first, second] = cast.workers as [Person, Person];
    // Another node is booking the resident with the first worker: it holds the resident's lock and has inserted the row.
    const appointment: Appointment = {
      id: randomUUID(),
      appointmentTypeId: chat.id,
      workerId: first.personId,
      residentId: resident.personId,
      start: new Date('2025-12-09T08:00:00Z'),
      end: new Date('2025-12-09T08:30:00Z'),
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      sequence: 0,
      createdAt: MONDAY_0800,
      updatedAt: MONDAY_0800,
      kind: 'chat',
      location: null,
      status: 'booked',
    };
    const other = await holdTransaction(test.db, async (tx) => {
      await lockResidentBookings(tx, chat.id, resident.personId);
      await lockCalendar(tx, cast.orgId, first.personId);
      await insertAppointment(tx, appointment, { orgId: cast.orgId, teamId: cast.teamId });
    });
    // The second worker's calendar is free: only the resident's lock can make this wait.
    const booking = book(resident, {
      appointmentTypeId: chat.id,
      workerId: second.personId,
      start: '2025-12-09T08:00:00Z',
    });
    await untilWaitingFor(test.db, other, booking);
    await other.release();
    const response = await booking;
    expect([response.status, response.body.error?.code]).toEqual([409, 'ERR_SCHED_BOOKING_LIMIT']);
    expect(await openOf(resident.personId, chat.id)).toBe(1);
  });

  it('one resident booking many workers at once gets exactly the limit', async () => {
    const { cast, chat, resident } = await team(3);
    const attempts = cast.workers.flatMap((worker) =>
      ['2025-12-09T08:00:00Z', '2025-12-09T09:00:00Z'].map((start) =>
        book(resident, { appointmentTypeId: chat.id, workerId: worker.personId, start }),
      ),
    );
    const responses = await Promise.all(attempts);
    expect(responses.filter((response) => response.status === 201)).toHaveLength(2);
    expect(
      responses.filter((response) => response.status !== 201).map((response) => response.body.error.code),
    ).toEqual(Array(4).fill('ERR_SCHED_BOOKING_LIMIT'));
    expect(await openOf(resident.personId, chat.id)).toBe(2);
  });
});

describe('booking, rescheduling and cancelling', () => {
  it('keeps one UID, raises the sequence, frees the old slot and tells the other party', async () => {
    const { cast, worker, phone } = await setup();
    const [resident, other] = cast.residents as [Person, Person];
    const booked = await expectStatus(
      book(resident, {
        appointmentTypeId: phone.id,
        workerId: worker.personId,
        start: '2025-12-10T08:00:00Z',
      }),
      201,
    );
    expect(booked).toMatchObject({
      kind: 'phone',
      location: null,
      residentId: resident.personId,
      status: 'booked',
      sequence: 0,
      start: '2025-12-10T08:00:00Z',
      end: '2025-12-10T08:30:00Z',
    });
    // Reminders are planned as jobs: 24 hours and 1 hour before.
    const jobs = async () =>
      (
        await test.db.query<{ key: string; due_at: Date; done_at: Date | null }>(
          `SELECT key, due_at, done_at FROM scheduling_jobs WHERE key LIKE $1 ORDER BY due_at`,
          [`reminder:${booked.id}:%`],
        )
      ).rows;
    expect((await jobs()).map((job) => [job.key, job.due_at.toISOString()])).toEqual([
      [`reminder:${booked.id}:0:1440`, '2025-12-09T08:00:00.000Z'],
      [`reminder:${booked.id}:0:60`, '2025-12-10T07:00:00.000Z'],
    ]);

    // Another resident cannot see or change it.
    expect((await call(test, other, 'GET', `/v1/scheduling/appointments/${booked.id}`)).status).toBe(404);
    expect((await call(test, other, 'POST', `/v1/scheduling/appointments/${booked.id}/cancel`)).status).toBe(
      404,
    );

    const moved = await expectStatus(
      call<AppointmentView>(test, resident, 'POST', `/v1/scheduling/appointments/${booked.id}/reschedule`, {
        start: '2025-12-11T13:15:00Z',
      }),
      200,
    );
    expect(moved).toMatchObject({ id: booked.id, sequence: 1, start: '2025-12-11T13:15:00Z' });
    // The old slot is free again for someone else; the old reminders are retired, new ones planned.
    await expectStatus(
      book(other, { appointmentTypeId: phone.id, workerId: worker.personId, start: '2025-12-10T08:00:00Z' }),
      201,
    );
    const planned = (await jobs()).filter((job) => job.done_at === null).map((job) => job.key);
    expect(planned).toEqual([`reminder:${booked.id}:1:1440`, `reminder:${booked.id}:1:60`]);

    // The worker cancels; the resident is told; a second cancel is refused.
    const cancelled = await expectStatus(
      call<AppointmentView>(test, worker, 'POST', `/v1/scheduling/appointments/${booked.id}/cancel`),
      200,
    );
    expect(cancelled).toMatchObject({ status: 'cancelled', sequence: 2 });
    expect((await jobs()).every((job) => job.done_at !== null)).toBe(true);
    const again = await call<ErrorBody>(
      test,
      resident,
      'POST',
      `/v1/scheduling/appointments/${booked.id}/cancel`,
    );
    expect(again.body.error.code).toBe('ERR_SCHED_APPOINTMENT_CANCELLED');

    const residentNotes = await expectStatus(
      call<{ notifications: SchedulingNotification[] }>(
        test,
        resident,
        'GET',
        '/v1/scheduling/notifications',
      ),
      200,
    );
    expect(residentNotes.notifications.map((note) => note.kind)).toEqual(['appointment_cancelled']);
    const workerNotes = await expectStatus(
      call<{ notifications: SchedulingNotification[] }>(
        test,
        worker,
        'GET',
        '/v1/scheduling/notifications?unread=true',
      ),
      200,
    );
    expect(workerNotes.notifications.map((note) => note.kind).sort()).toEqual([
      'appointment_booked',
      'appointment_booked',
      'appointment_rescheduled',
    ]);
    const marked = await expectStatus(
      call<{ marked: number }>(test, worker, 'POST', '/v1/scheduling/notifications/read', {
        ids: workerNotes.notifications.map((note) => note.id),
      }),
      200,
    );
    expect(marked.marked).toBe(3);

    // Once started, it can no longer be changed.
    const second = await expectStatus(
      book(resident, {
        appointmentTypeId: phone.id,
        workerId: worker.personId,
        start: '2025-12-10T09:30:00Z',
      }),
      201,
    );
    test.clock.now = new Date('2025-12-10T09:31:00Z');
    const late = await call<ErrorBody>(
      test,
      resident,
      'POST',
      `/v1/scheduling/appointments/${second.id}/cancel`,
    );
    expect(late.body.error.code).toBe('ERR_SCHED_APPOINTMENT_STARTED');
  });

  it('a cancel that waited for the worker’s calendar until the start is refused', async () => {
    const { cast, worker, phone } = await setup();
    const resident = cast.residents[0]!;
    const booked = await expectStatus(
      book(resident, {
        appointmentTypeId: phone.id,
        workerId: worker.personId,
        start: '2025-12-09T08:45:00Z',
      }),
      201,
    );
    test.clock.now = new Date('2025-12-09T08:44:00Z');
    // Another booking of this worker holds the calendar while the appointment starts.
    const other = await holdTransaction(test.db, async (tx) => {
      await lockCalendar(tx, cast.orgId, worker.personId);
    });
    const cancelling = call<ErrorBody>(
      test,
      resident,
      'POST',
      `/v1/scheduling/appointments/${booked.id}/cancel`,
    );
    await untilWaitingFor(test.db, other, cancelling);
    test.clock.now = new Date('2025-12-09T08:46:00Z');
    await other.release();
    const response = await cancelling;
    expect([response.status, response.body.error.code]).toEqual([409, 'ERR_SCHED_APPOINTMENT_STARTED']);
  });

  it('lets a worker book for a resident of the team, who must be named', async () => {
    const { cast, worker, video } = await setup();
    const resident = cast.residents[0]!;
    const unnamed = await book(worker, {
      appointmentTypeId: video.id,
      workerId: worker.personId,
      start: '2025-12-10T08:00:00Z',
    });
    expect(unnamed.status).toBe(400);
    const stranger = await seedCast(test, { workers: 0, residents: 1 });
    const wrongOrg = await book(worker, {
      appointmentTypeId: video.id,
      workerId: worker.personId,
      start: '2025-12-10T08:00:00Z',
      residentId: stranger.residents[0]!.personId,
    });
    expect(wrongOrg.status).toBe(404);
    const booked = await expectStatus(
      book(worker, {
        appointmentTypeId: video.id,
        workerId: worker.personId,
        start: '2025-12-10T08:00:00Z',
        residentId: resident.personId,
      }),
      201,
    );
    const list = await expectStatus(
      call<{ appointments: AppointmentView[] }>(test, resident, 'GET', '/v1/scheduling/appointments'),
      200,
    );
    expect(list.appointments.map((appointment) => appointment.id)).toEqual([booked.id]);
    // A resident cannot book in someone else's name.
    const forOther = await book(resident, {
      appointmentTypeId: video.id,
      workerId: worker.personId,
      start: '2025-12-10T10:00:00Z',
      residentId: cast.residents[1]!.personId,
    });
    expect(forOther.status).toBe(403);
  });

  it('offers face-to-face and phone whenever the team has them, and archives types without touching bookings', async () => {
    const { cast, worker, phone } = await setup();
    await expectStatus(
      call(test, worker, 'POST', `/v1/scheduling/teams/${cast.teamId}/appointment-types`, {
        kind: 'in_person',
        name: 'Gesprek op kantoor',
        durationMinutes: 45,
        location: { name: 'Buurthuis De Linde', address: 'Lindelaan 1, Utrecht' },
      }),
      201,
    );
    const noLocation = await call<ErrorBody>(
      test,
      worker,
      'POST',
      `/v1/scheduling/teams/${cast.teamId}/appointment-types`,
      {
        kind: 'in_person',
        name: 'Zonder adres',
        durationMinutes: 45,
      },
    );
    expect(noLocation.status).toBe(400);
    const listing = await expectStatus(
      call<{ appointmentTypes: AppointmentType[]; workerIds: string[] }>(
        test,
        cast.residents[0]!,
        'GET',
        `/v1/scheduling/teams/${cast.teamId}/appointment-types`,
      ),
      200,
    );
    expect(listing.appointmentTypes.map((type) => type.kind)).toEqual(['in_person', 'phone', 'video']);
    expect(listing.workerIds).toEqual([worker.personId]);
    const status = await expectStatus(
      call<{ appointmentKinds: string[]; join: string }>(
        test,
        cast.residents[0]!,
        'GET',
        `/v1/scheduling/teams/${cast.teamId}/status`,
      ),
      200,
    );
    expect(status.appointmentKinds).toEqual(['in_person', 'phone', 'video']);
    expect(status.join).toBe('unavailable');

    const booked = await expectStatus(
      book(cast.residents[0]!, {
        appointmentTypeId: phone.id,
        workerId: worker.personId,
        start: '2025-12-10T08:00:00Z',
      }),
      201,
    );
    expect(
      (await call(test, cast.residents[0]!, 'DELETE', `/v1/scheduling/appointment-types/${phone.id}`)).status,
    ).toBe(403);
    expect((await call(test, worker, 'DELETE', `/v1/scheduling/appointment-types/${phone.id}`)).status).toBe(
      204,
    );
    const gone = await book(cast.residents[0]!, {
      appointmentTypeId: phone.id,
      workerId: worker.personId,
      start: '2025-12-11T08:00:00Z',
    });
    expect(gone.status).toBe(404);
    expect(
      (
        await expectStatus(
          call<AppointmentView>(test, worker, 'GET', `/v1/scheduling/appointments/${booked.id}`),
          200,
        )
      ).status,
    ).toBe('booked');
  });
});
