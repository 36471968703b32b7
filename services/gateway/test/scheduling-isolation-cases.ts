import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type {
  AppointmentType,
  AppointmentView,
  ResidentQueueEntry,
  RosterShiftView,
  SchedulingNotification,
  SlotListing,
} from '@spreekuur/protocol/scheduling';
import { ALWAYS_OPEN, localDate } from '@spreekuur/testing/scheduling';
import { api, expectOk, type Actor, type TestGateway } from './harness.ts';
import type { IsolationCase, IsolationContext } from './isolation-context.ts';

/**
 * Cross-organisation cases for the scheduling routes, merged into
 * organisation-isolation.test.ts (which fails for any route without a case).
 * Organisation B has hours, a roster, a waiting resident, an appointment type, availability,
 * a booked appointment, a calendar feed and notifications; nobody of A may see or change any of it.
 */
let bEntry: ResidentQueueEntry;
let bShift: RosterShiftView;
let bType: AppointmentType;
let bAppointment: AppointmentView;
let bFeedUrl: string;
let bNotification: SchedulingNotification;

export async function prepareSchedulingIsolation({ gateway, a, b }: IsolationContext): Promise<void> {
  for (const org of [a, b]) {
    const teamUrl = `/v1/scheduling/teams/${org.team.id}`;
    await expectOk(gateway, org.worker, 'PUT', `${teamUrl}/office-hours`, ALWAYS_OPEN);
    await expectOk(gateway, org.worker, 'PUT', `${teamUrl}/duty`, { onDuty: true });
    await expectOk(
      gateway,
      org.worker,
      'PUT',
      `/v1/scheduling/workers/${org.worker.personId}/availability`,
      ALWAYS_OPEN,
    );
  }
  const bTeam = `/v1/scheduling/teams/${b.team.id}`;
  bShift = await expectOk(
    gateway,
    b.worker,
    'POST',
    `${bTeam}/roster`,
    {
      workerId: b.worker.personId,
      start: new Date(Date.now() + 10 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      end: new Date(Date.now() + 10 * 86_400_000 + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    201,
  );
  bEntry = await expectOk(gateway, b.resident, 'POST', `${bTeam}/queue`, {}, 201);
  bType = await expectOk(
    gateway,
    b.worker,
    'POST',
    `${bTeam}/appointment-types`,
    {
      kind: 'phone',
      name: 'Bellen B',
      durationMinutes: 30,
    },
    201,
  );
  const day = localDate(2, 'UTC');
  const slots = await expectOk<SlotListing>(
    gateway,
    b.resident,
    'GET',
    `/v1/scheduling/slots?appointmentTypeId=${bType.id}&workerId=${b.worker.personId}&from=${day}&to=${day}&timeZone=UTC`,
  );
  bAppointment = await expectOk(
    gateway,
    b.resident,
    'POST',
    '/v1/scheduling/appointments',
    {
      appointmentTypeId: bType.id,
      workerId: b.worker.personId,
      start: slots.slots[0]!.start,
    },
    201,
  );
  bFeedUrl = (
    await expectOk<{ url: string }>(gateway, b.worker, 'POST', '/v1/scheduling/calendar-feed', undefined, 201)
  ).url;
  const notes = await expectOk<{ notifications: SchedulingNotification[] }>(
    gateway,
    b.worker,
    'GET',
    '/v1/scheduling/notifications',
  );
  bNotification = notes.notifications[0]!;
}

const actorsOf = (context: IsolationContext): Actor[] => [
  context.a.admin,
  context.a.worker,
  context.a.resident,
];

/** Every actor of A gets 404 for the request. */
async function notFoundForA(
  context: IsolationContext,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<void> {
  for (const actor of actorsOf(context)) {
    const response = await api(context.gateway, actor, method, url, body);
    expect(response.status, `${method} ${url} as ${actor.personId}`).toBe(404);
  }
}

/** B's feed, fetched with its secret token (no bearer). */
async function feedText(gateway: TestGateway, url: string): Promise<{ status: number; text: string }> {
  const { pathname, search } = new URL(url);
  const response = await gateway.app.inject({ method: 'GET', url: `${pathname}${search}` });
  return { status: response.statusCode, text: response.body };
}

async function bQueueIntact({ gateway, b }: IsolationContext) {
  const queue = await expectOk<{ view: { waiting: Array<{ entryId: string }> } }>(
    gateway,
    b.worker,
    'GET',
    `/v1/scheduling/teams/${b.team.id}/queue`,
  );
  expect(queue.view.waiting.map((entry) => entry.entryId)).toEqual([bEntry.entryId]);
}

async function bAppointmentIntact({ gateway, b }: IsolationContext) {
  const view = await expectOk<AppointmentView>(
    gateway,
    b.resident,
    'GET',
    `/v1/scheduling/appointments/${bAppointment.id}`,
  );
  expect(view).toMatchObject({ status: 'booked', sequence: 0, start: bAppointment.start });
}

const bTeamUrl = (context: IsolationContext) => `/v1/scheduling/teams/${context.b.team.id}`;

export const schedulingIsolationCases: Record<string, IsolationCase> = {
  'GET /v1/scheduling/settings': async ({ gateway, a, b }) => {
    await expectOk(gateway, b.admin, 'PUT', '/v1/scheduling/settings', { calendarResidentNames: true });
    const settings = await expectOk<{ calendarResidentNames: boolean }>(
      gateway,
      a.admin,
      'GET',
      '/v1/scheduling/settings',
    );
    expect(settings.calendarResidentNames).toBe(false);
    await expectOk(gateway, b.admin, 'PUT', '/v1/scheduling/settings', { calendarResidentNames: false });
  },
  'PUT /v1/scheduling/settings': async ({ gateway, a, b }) => {
    await expectOk(gateway, a.admin, 'PUT', '/v1/scheduling/settings', { calendarResidentNames: true });
    const settings = await expectOk<{ calendarResidentNames: boolean }>(
      gateway,
      b.admin,
      'GET',
      '/v1/scheduling/settings',
    );
    expect(settings.calendarResidentNames).toBe(false);
    await expectOk(gateway, a.admin, 'PUT', '/v1/scheduling/settings', { calendarResidentNames: false });
  },
  'GET /v1/scheduling/teams/:teamId/office-hours': (context) =>
    notFoundForA(context, 'GET', `${bTeamUrl(context)}/office-hours`),
  'PUT /v1/scheduling/teams/:teamId/office-hours': async (context) => {
    await notFoundForA(context, 'PUT', `${bTeamUrl(context)}/office-hours`, { weekly: { days: {} } });
    const hours = await expectOk<{ hours: { weekly: { timeZone: string } } }>(
      context.gateway,
      context.b.worker,
      'GET',
      `${bTeamUrl(context)}/office-hours`,
    );
    expect(hours.hours.weekly.timeZone).toBe('UTC');
  },
  'PUT /v1/scheduling/teams/:teamId/queue-settings': async (context) => {
    await notFoundForA(context, 'PUT', `${bTeamUrl(context)}/queue-settings`, { autoAssign: true });
    const hours = await expectOk<{ settings: { autoAssign: boolean } }>(
      context.gateway,
      context.b.worker,
      'GET',
      `${bTeamUrl(context)}/office-hours`,
    );
    expect(hours.settings.autoAssign).toBe(false);
  },
  'GET /v1/scheduling/teams/:teamId/status': (context) =>
    notFoundForA(context, 'GET', `${bTeamUrl(context)}/status`),
  'GET /v1/scheduling/teams/:teamId/roster': (context) =>
    notFoundForA(
      context,
      'GET',
      `${bTeamUrl(context)}/roster?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z`,
    ),
  'POST /v1/scheduling/teams/:teamId/roster': async (context) => {
    const shift = {
      workerId: context.b.worker.personId,
      start: '2030-01-01T09:00:00Z',
      end: '2030-01-01T10:00:00Z',
    };
    await notFoundForA(context, 'POST', `${bTeamUrl(context)}/roster`, shift);
    // Nor can A roster B's worker in A's own team.
    const own = await api(
      context.gateway,
      context.a.admin,
      'POST',
      `/v1/scheduling/teams/${context.a.team.id}/roster`,
      shift,
    );
    expect(own.status).toBe(404);
  },
  'DELETE /v1/scheduling/teams/:teamId/roster/:shiftId': async (context) => {
    await notFoundForA(context, 'DELETE', `${bTeamUrl(context)}/roster/${bShift.id}`);
    const viaOwnTeam = await api(
      context.gateway,
      context.a.admin,
      'DELETE',
      `/v1/scheduling/teams/${context.a.team.id}/roster/${bShift.id}`,
    );
    expect(viaOwnTeam.status).toBe(404);
    const roster = await expectOk<{ shifts: Array<{ id: string }> }>(
      context.gateway,
      context.b.worker,
      'GET',
      `${bTeamUrl(context)}/roster?from=${bShift.start}&to=${bShift.end}`,
    );
    expect(roster.shifts.map((shift) => shift.id)).toEqual([bShift.id]);
  },
  'GET /v1/scheduling/teams/:teamId/duty': (context) =>
    notFoundForA(context, 'GET', `${bTeamUrl(context)}/duty`),
  'PUT /v1/scheduling/teams/:teamId/duty': async (context) => {
    await notFoundForA(context, 'PUT', `${bTeamUrl(context)}/duty`, { onDuty: true });
    const duty = await expectOk<{ staff: string[] }>(
      context.gateway,
      context.b.worker,
      'GET',
      `${bTeamUrl(context)}/duty`,
    );
    expect(duty.staff).toEqual([context.b.worker.personId]);
  },
  'GET /v1/scheduling/workers/:workerId/reachability': async (context) => {
    await notFoundForA(context, 'GET', `/v1/scheduling/workers/${context.b.worker.personId}/reachability`);
    // Word for word the answer for an id that is nobody: B's worker cannot be told apart.
    for (const actor of actorsOf(context)) {
      const asked = (personId: string) =>
        api(context.gateway, actor, 'GET', `/v1/scheduling/workers/${personId}/reachability`);
      expect((await asked(context.b.worker.personId)).body).toEqual((await asked(randomUUID())).body);
    }
  },
  'POST /v1/scheduling/teams/:teamId/queue': async (context) => {
    await notFoundForA(context, 'POST', `${bTeamUrl(context)}/queue`, {});
    await bQueueIntact(context);
  },
  'GET /v1/scheduling/teams/:teamId/queue': (context) =>
    notFoundForA(context, 'GET', `${bTeamUrl(context)}/queue`),
  'POST /v1/scheduling/teams/:teamId/queue/pick': async (context) => {
    await notFoundForA(context, 'POST', `${bTeamUrl(context)}/queue/pick`, {});
    // Naming B's entry in a pick on A's own queue does not reach it either.
    const own = await api<{ error: { code: string } }>(
      context.gateway,
      context.a.worker,
      'POST',
      `/v1/scheduling/teams/${context.a.team.id}/queue/pick`,
      { expectedEntryId: bEntry.entryId },
    );
    expect(own.status).toBe(404);
    await bQueueIntact(context);
  },
  'GET /v1/scheduling/queue/mine': async ({ gateway, a }) => {
    const mine = await expectOk<{ entries: ResidentQueueEntry[] }>(
      gateway,
      a.resident,
      'GET',
      '/v1/scheduling/queue/mine',
    );
    expect(mine.entries.map((entry) => entry.entryId)).not.toContain(bEntry.entryId);
  },
  'DELETE /v1/scheduling/queue/:entryId': async (context) => {
    await notFoundForA(context, 'DELETE', `/v1/scheduling/queue/${bEntry.entryId}`);
    await bQueueIntact(context);
  },
  'POST /v1/scheduling/queue/:entryId/transfer': async (context) => {
    await notFoundForA(context, 'POST', `/v1/scheduling/queue/${bEntry.entryId}/transfer`, {
      toWorkerId: context.a.worker.personId,
    });
    await bQueueIntact(context);
  },
  'POST /v1/scheduling/queue/:entryId/hold': async (context) => {
    await notFoundForA(context, 'POST', `/v1/scheduling/queue/${bEntry.entryId}/hold`);
    await bQueueIntact(context);
  },
  'POST /v1/scheduling/queue/:entryId/resume': async (context) => {
    await notFoundForA(context, 'POST', `/v1/scheduling/queue/${bEntry.entryId}/resume`);
    await bQueueIntact(context);
  },
  'POST /v1/scheduling/queue/:entryId/close': async (context) => {
    await notFoundForA(context, 'POST', `/v1/scheduling/queue/${bEntry.entryId}/close`, {
      outcome: 'resolved',
    });
    await bQueueIntact(context);
  },
  'GET /v1/scheduling/teams/:teamId/appointment-types': (context) =>
    notFoundForA(context, 'GET', `${bTeamUrl(context)}/appointment-types`),
  'POST /v1/scheduling/teams/:teamId/appointment-types': (context) =>
    notFoundForA(context, 'POST', `${bTeamUrl(context)}/appointment-types`, {
      kind: 'chat',
      name: 'Ingeschoven',
      durationMinutes: 15,
    }),
  'PUT /v1/scheduling/appointment-types/:id': async (context) => {
    await notFoundForA(context, 'PUT', `/v1/scheduling/appointment-types/${bType.id}`, {
      kind: 'phone',
      name: 'Overgenomen',
      durationMinutes: 30,
    });
    const listing = await expectOk<{ appointmentTypes: AppointmentType[] }>(
      context.gateway,
      context.b.resident,
      'GET',
      `${bTeamUrl(context)}/appointment-types`,
    );
    expect(listing.appointmentTypes.map((type) => type.name)).toEqual(['Bellen B']);
  },
  'DELETE /v1/scheduling/appointment-types/:id': async (context) => {
    await notFoundForA(context, 'DELETE', `/v1/scheduling/appointment-types/${bType.id}`);
    const listing = await expectOk<{ appointmentTypes: AppointmentType[] }>(
      context.gateway,
      context.b.resident,
      'GET',
      `${bTeamUrl(context)}/appointment-types`,
    );
    expect(listing.appointmentTypes.map((type) => type.id)).toEqual([bType.id]);
  },
  'GET /v1/scheduling/workers/:workerId/availability': (context) =>
    notFoundForA(context, 'GET', `/v1/scheduling/workers/${context.b.worker.personId}/availability`),
  'PUT /v1/scheduling/workers/:workerId/availability': async (context) => {
    await notFoundForA(context, 'PUT', `/v1/scheduling/workers/${context.b.worker.personId}/availability`, {
      weekly: { days: {} },
    });
    const own = await expectOk<{ availability: { weekly: { timeZone: string } } | null }>(
      context.gateway,
      context.b.worker,
      'GET',
      `/v1/scheduling/workers/${context.b.worker.personId}/availability`,
    );
    expect(own.availability?.weekly.timeZone).toBe('UTC');
  },
  'GET /v1/scheduling/slots': (context) => {
    const day = localDate(2, 'UTC');
    return notFoundForA(
      context,
      'GET',
      `/v1/scheduling/slots?appointmentTypeId=${bType.id}&workerId=${context.b.worker.personId}&from=${day}&to=${day}`,
    );
  },
  'POST /v1/scheduling/appointments': async (context) => {
    await notFoundForA(context, 'POST', '/v1/scheduling/appointments', {
      appointmentTypeId: bType.id,
      workerId: context.b.worker.personId,
      start: bAppointment.start,
    });
    // A's own type with B's worker (or for B's resident) is refused too.
    const aType = await expectOk<AppointmentType>(
      context.gateway,
      context.a.worker,
      'POST',
      `/v1/scheduling/teams/${context.a.team.id}/appointment-types`,
      { kind: 'video', name: 'Video A', durationMinutes: 30 },
      201,
    );
    const withBWorker = await api(
      context.gateway,
      context.a.resident,
      'POST',
      '/v1/scheduling/appointments',
      {
        appointmentTypeId: aType.id,
        workerId: context.b.worker.personId,
        start: bAppointment.start,
      },
    );
    expect(withBWorker.status).toBe(404);
    const forBResident = await api(context.gateway, context.a.worker, 'POST', '/v1/scheduling/appointments', {
      appointmentTypeId: aType.id,
      workerId: context.a.worker.personId,
      start: bAppointment.start,
      residentId: context.b.resident.personId,
    });
    expect(forBResident.status).toBe(404);
    await bAppointmentIntact(context);
  },
  'GET /v1/scheduling/appointments': async (context) => {
    for (const actor of actorsOf(context)) {
      const list = await expectOk<{ appointments: AppointmentView[] }>(
        context.gateway,
        actor,
        'GET',
        '/v1/scheduling/appointments',
      );
      expect(list.appointments.map((appointment) => appointment.id)).not.toContain(bAppointment.id);
    }
  },
  'GET /v1/scheduling/appointments/:id': (context) =>
    notFoundForA(context, 'GET', `/v1/scheduling/appointments/${bAppointment.id}`),
  'POST /v1/scheduling/appointments/:id/reschedule': async (context) => {
    await notFoundForA(context, 'POST', `/v1/scheduling/appointments/${bAppointment.id}/reschedule`, {
      start: bAppointment.end,
    });
    await bAppointmentIntact(context);
  },
  'POST /v1/scheduling/appointments/:id/cancel': async (context) => {
    await notFoundForA(context, 'POST', `/v1/scheduling/appointments/${bAppointment.id}/cancel`);
    await bAppointmentIntact(context);
  },
  'GET /v1/scheduling/appointments/:id/ics': (context) =>
    notFoundForA(context, 'GET', `/v1/scheduling/appointments/${bAppointment.id}/ics`),
  'POST /v1/scheduling/calendar-feed': async ({ gateway, a }) => {
    const feed = await expectOk<{ url: string }>(
      gateway,
      a.worker,
      'POST',
      '/v1/scheduling/calendar-feed',
      undefined,
      201,
    );
    const text = await feedText(gateway, feed.url);
    expect(text.status).toBe(200);
    expect(text.text).not.toContain(bAppointment.id);
  },
  'DELETE /v1/scheduling/calendar-feed': async ({ gateway, a }) => {
    await expectOk(gateway, a.worker, 'POST', '/v1/scheduling/calendar-feed', undefined, 201);
    expect((await api(gateway, a.worker, 'DELETE', '/v1/scheduling/calendar-feed')).status).toBe(204);
    // B's feed still works.
    expect((await feedText(gateway, bFeedUrl)).status).toBe(200);
  },
  'GET /v1/calendar/feed.ics': async ({ gateway, a }) => {
    const feed = await expectOk<{ url: string }>(
      gateway,
      a.worker,
      'POST',
      '/v1/scheduling/calendar-feed',
      undefined,
      201,
    );
    const own = await feedText(gateway, feed.url);
    expect(own.text).not.toContain(bAppointment.id);
    // B's feed holds B's appointment, reachable only with B's secret.
    expect((await feedText(gateway, bFeedUrl)).text).toContain(bAppointment.id);
    const guessed = new URL(bFeedUrl);
    guessed.searchParams.set('token', `cal_${'x'.repeat(43)}`);
    expect((await feedText(gateway, guessed.toString())).status).toBe(404);
  },
  'GET /v1/scheduling/notifications': async (context) => {
    for (const actor of actorsOf(context)) {
      const list = await expectOk<{ notifications: SchedulingNotification[] }>(
        context.gateway,
        actor,
        'GET',
        '/v1/scheduling/notifications',
      );
      expect(list.notifications.map((note) => note.id)).not.toContain(bNotification.id);
    }
  },
  'POST /v1/scheduling/notifications/read': async ({ gateway, a, b }) => {
    const marked = await expectOk<{ marked: number }>(
      gateway,
      a.worker,
      'POST',
      '/v1/scheduling/notifications/read',
      {
        ids: [bNotification.id],
      },
    );
    expect(marked.marked).toBe(0);
    const list = await expectOk<{ notifications: SchedulingNotification[] }>(
      gateway,
      b.worker,
      'GET',
      '/v1/scheduling/notifications?unread=true',
    );
    expect(list.notifications.map((note) => note.id)).toContain(bNotification.id);
  },
};
