import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AppointmentType,
  AppointmentView,
  ResidentQueueEntry,
  SchedulingNotification,
  SlotListing,
  TeamStatus,
} from '@spreekuur/protocol/scheduling';
import { expectOk } from '@spreekuur/testing/http';
import { localDate } from '@spreekuur/testing/scheduling';
import { connect, record, waitFor, waitUntil } from '@spreekuur/testing/socket';
import { ALWAYS_OPEN, call, seedCast, startScheduling, type SchedulingTestApp } from './fixtures.ts';

/**
 * Outside office hours on the scheduling service: the resident sees the next opening in their
 * own zone, leaves a question for it, books an appointment instead and cancels it. An off-duty
 * worker is not pushed the booking (it waits in their notifications).
 */
let test: SchedulingTestApp;
beforeAll(async () => {
  test = await startScheduling();
});
afterAll(() => test.close({ dispose: true }));

describe('outside office hours', () => {
  it('leave a question for the next opening, book an appointment, cancel it', async () => {
    const cast = await seedCast(test);
    const [worker, resident] = [cast.workers[0]!, cast.residents[0]!];
    const teamUrl = `/v1/scheduling/teams/${cast.teamId}`;
    // Closed now: the only hours are 09:00–12:00 on a date three days ahead.
    const openDate = localDate(3, 'Europe/Amsterdam');
    await expectOk(test, worker, 'PUT', `${teamUrl}/office-hours`, {
      weekly: { timeZone: 'Europe/Amsterdam', days: {} },
      overrides: [
        { kind: 'hours', date: openDate, mode: 'replace', ranges: [{ start: '09:00', end: '12:00' }] },
      ],
    });
    await expectOk(
      test,
      worker,
      'POST',
      `${teamUrl}/appointment-types`,
      {
        kind: 'in_person',
        name: 'Op kantoor',
        durationMinutes: 45,
        location: { name: 'Wijkcentrum', address: 'Dorpsstraat 1, Zeist' },
      },
      201,
    );
    const phone = await expectOk<AppointmentType>(
      test,
      worker,
      'POST',
      `${teamUrl}/appointment-types`,
      {
        kind: 'phone',
        name: 'Terugbelafspraak',
        durationMinutes: 30,
        minimumNoticeMinutes: 60,
      },
      201,
    );
    await expectOk(
      test,
      worker,
      'PUT',
      `/v1/scheduling/workers/${worker.personId}/availability`,
      ALWAYS_OPEN,
    );

    const workerSocket = connect(test, worker.token);
    const residentSocket = connect(test, resident.token);
    await Promise.all([waitFor(workerSocket, 'connect'), waitFor(residentSocket, 'connect')]);
    const workerPushes = record<SchedulingNotification>(workerSocket, 'scheduling:notification');
    try {
      // The next opening, in the resident's own zone; a question or an appointment as ways ahead.
      const status = await expectOk<TeamStatus>(
        test,
        resident,
        'GET',
        `${teamUrl}/status?timeZone=Europe/Lisbon`,
      );
      expect(status).toMatchObject({
        queueMode: 'closed',
        join: 'question',
        appointmentKinds: ['in_person', 'phone'],
      });
      expect(status.officeHours.state).toBe('closed');
      const opensAt = status.officeHours.state === 'closed' ? status.officeHours.opensAt : null;
      expect(opensAt?.timeZone).toBe('Europe/Lisbon');
      // 09:00 in Amsterdam is 08:00 in Lisbon, whatever the season.
      expect(opensAt?.local).toMatch(new RegExp(`^${openDate}T08:00:00[+-]\\d\\d:\\d\\d$`));

      const refused = await call<{ error: { code: string } }>(test, resident, 'POST', `${teamUrl}/queue`, {});
      expect([refused.status, refused.body.error.code]).toEqual([409, 'ERR_SCHED_CLOSED']);
      const question = await expectOk<ResidentQueueEntry>(
        test,
        resident,
        'POST',
        `${teamUrl}/queue`,
        {
          whenClosed: 'leave_question',
          timeZone: 'Europe/Lisbon',
        },
        201,
      );
      expect(question).toMatchObject({
        asQuestion: true,
        view: { status: 'waiting', position: 1, mode: 'closed' },
      });
      expect(question.view?.status === 'waiting' && question.view.opensAt?.utc).toBe(opensAt?.utc);
      // Nobody is rostered: every worker of the team can read the question when hours open.
      const channel = await expectOk<{ members: Array<{ personId: string }> }>(
        test,
        resident,
        'GET',
        `/v1/channels/${question.channelId}`,
      );
      expect(channel.members.map((m) => m.personId).sort()).toEqual(
        [worker.personId, resident.personId].sort(),
      );

      // Book a phone call for tomorrow instead (a free slot from the listing, in the resident's zone).
      const day = localDate(2, 'Europe/Lisbon');
      const slots = await expectOk<SlotListing>(
        test,
        resident,
        'GET',
        `/v1/scheduling/slots?appointmentTypeId=${phone.id}&workerId=${worker.personId}&from=${day}&to=${day}&timeZone=Europe/Lisbon`,
      );
      expect(slots.slots.length).toBeGreaterThan(10);
      const slot = slots.slots[5]!;
      expect(slot.local.date).toBe(day);
      const notified = waitUntil<SchedulingNotification>(
        residentSocket,
        'scheduling:notification',
        (note) => note.kind === 'appointment_cancelled',
      );
      const booked = await expectOk<AppointmentView>(
        test,
        resident,
        'POST',
        '/v1/scheduling/appointments',
        {
          appointmentTypeId: phone.id,
          workerId: worker.personId,
          start: slot.start,
        },
        201,
      );
      expect(booked).toMatchObject({ status: 'booked', kind: 'phone', start: slot.start, sequence: 0 });
      const taken = await call<{ error: { code: string } }>(
        test,
        resident,
        'POST',
        '/v1/scheduling/appointments',
        {
          appointmentTypeId: phone.id,
          workerId: worker.personId,
          start: slot.start,
        },
      );
      expect([taken.status, taken.body.error.code]).toEqual([409, 'ERR_SCHED_SLOT_TAKEN']);
      const listing = await expectOk<SlotListing>(
        test,
        resident,
        'GET',
        `/v1/scheduling/slots?appointmentTypeId=${phone.id}&workerId=${worker.personId}&from=${day}&to=${day}&timeZone=Europe/Lisbon`,
      );
      expect(listing.slots.map((s) => s.start)).not.toContain(slot.start);

      // The worker cancels it; the resident is told live.
      const cancelled = await expectOk<AppointmentView>(
        test,
        worker,
        'POST',
        `/v1/scheduling/appointments/${booked.id}/cancel`,
      );
      expect(cancelled).toMatchObject({ status: 'cancelled', sequence: 1 });
      expect(await notified).toMatchObject({ appointmentId: booked.id, byPersonId: worker.personId });
      const mine = await expectOk<{ appointments: AppointmentView[] }>(
        test,
        resident,
        'GET',
        '/v1/scheduling/appointments',
      );
      expect(mine.appointments).toMatchObject([{ id: booked.id, status: 'cancelled' }]);

      // The worker is off duty (the team is closed): the booking was stored for them, never pushed.
      const stored = await expectOk<{ notifications: SchedulingNotification[] }>(
        test,
        worker,
        'GET',
        '/v1/scheduling/notifications',
      );
      expect(stored.notifications.map((note) => note.kind)).toEqual(['appointment_booked']);
      const reach = await expectOk<{ reachable: boolean }>(
        test,
        resident,
        'GET',
        `/v1/scheduling/workers/${worker.personId}/reachability`,
      );
      expect(reach.reachable).toBe(false);
      expect(workerPushes).toEqual([]);
    } finally {
      workerSocket.close();
      residentSocket.close();
    }
  });
});
