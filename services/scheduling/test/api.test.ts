import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '@spreekuur/db';
import { insertAppointment } from '../src/store/appointment-store.ts';
import { call, seedCast, startScheduling, type Cast, type SchedulingTestApp } from './fixtures.ts';

let test: SchedulingTestApp;
let cast: Cast;
beforeAll(async () => {
  test = await startScheduling();
  cast = await seedCast(test, { workers: 1, residents: 1 });
});
afterAll(() => test.close({ dispose: true }));

describe('the REST API', () => {
  it('describes every scheduling route in the OpenAPI document', () => {
    const document = test.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const scheduling = test.app.routeCatalog.filter(
      (route) => route.url.startsWith('/v1/scheduling') || route.url.startsWith('/v1/calendar'),
    );
    expect(scheduling.length).toBeGreaterThan(30);
    for (const route of scheduling) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      expect(
        document.paths[path]?.[route.method.toLowerCase()],
        `${route.method} ${route.url}`,
      ).toBeDefined();
    }
  });

  const id = '00000000-0000-4000-8000-000000000000';
  const bad: Array<[string, 'GET' | 'POST' | 'PUT', () => string, unknown]> = [
    [
      'a range that ends before it starts',
      'PUT',
      () => `/v1/scheduling/teams/${cast.teamId}/office-hours`,
      {
        weekly: { days: { monday: [{ start: '12:00', end: '09:00' }] } },
      },
    ],
    [
      'overlapping ranges',
      'PUT',
      () => `/v1/scheduling/teams/${cast.teamId}/office-hours`,
      {
        weekly: {
          days: {
            monday: [
              { start: '09:00', end: '12:00' },
              { start: '11:00', end: '13:00' },
            ],
          },
        },
      },
    ],
    [
      'an unknown time zone',
      'PUT',
      () => `/v1/scheduling/teams/${cast.teamId}/office-hours`,
      {
        weekly: { timeZone: 'Mars/Olympus', days: {} },
      },
    ],
    [
      'a fixed offset instead of a zone',
      'GET',
      () => `/v1/scheduling/teams/${cast.teamId}/status?timeZone=%2B01:00`,
      undefined,
    ],
    [
      'capacity zero',
      'PUT',
      () => `/v1/scheduling/teams/${cast.teamId}/queue-settings`,
      { maxConcurrentPerWorker: 0 },
    ],
    ['a team id that is not an id', 'POST', () => '/v1/scheduling/teams/wijkteam/queue', {}],
    ['an unknown close outcome', 'POST', () => `/v1/scheduling/queue/${id}/close`, { outcome: 'solved' }],
    [
      'a shift that ends before it starts',
      'POST',
      () => `/v1/scheduling/teams/${cast.teamId}/roster`,
      {
        workerId: id,
        start: '2025-12-10T10:00:00Z',
        end: '2025-12-10T09:00:00Z',
      },
    ],
    [
      'a local time instead of UTC',
      'POST',
      () => '/v1/scheduling/appointments',
      {
        appointmentTypeId: id,
        workerId: id,
        start: '2025-12-10T09:00:00+01:00',
      },
    ],
    [
      'a slot query over more than 31 days',
      'GET',
      () => `/v1/scheduling/slots?appointmentTypeId=${id}&workerId=${id}&from=2025-01-01&to=2025-03-01`,
      undefined,
    ],
    [
      'face to face without a location',
      'POST',
      () => `/v1/scheduling/teams/${cast.teamId}/appointment-types`,
      {
        kind: 'in_person',
        name: 'Kantoor',
        durationMinutes: 30,
      },
    ],
    [
      'an unknown field',
      'PUT',
      () => '/v1/scheduling/settings',
      { calendarResidentNames: true, colour: 'red' },
    ],
  ];
  for (const [what, method, url, body] of bad) {
    it(`${what}: 400 with the field named`, async () => {
      const before = await test.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
      const response = await call<{ error: { code: string; issues: unknown[] } }>(
        test,
        cast.admin,
        method,
        url(),
        body,
      );
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('ERR_BAD_REQUEST');
      expect(response.body.error.issues.length).toBeGreaterThan(0);
      const after = await test.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
      expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    });
  }

  it('refuses anyone without a valid token', async () => {
    for (const url of [
      '/v1/scheduling/queue/mine',
      `/v1/scheduling/teams/${cast.teamId}/status`,
      '/v1/scheduling/appointments',
    ]) {
      expect((await call(test, null, 'GET', url)).status).toBe(401);
      expect((await call(test, { token: 'sk_nonsense' }, 'GET', url)).status).toBe(401);
    }
  });
});

describe('the database guards', () => {
  it('a second booked appointment at the same worker and start is refused even without the lock', async () => {
    const worker = cast.workers[0]!;
    const resident = cast.residents[0]!;
    const typeId = randomUUID();
    await test.db.query(
      `INSERT INTO appointment_types (id, org_id, team_id, definition) VALUES ($1, $2, $3, $4)`,
      [
        typeId,
        cast.orgId,
        cast.teamId,
        JSON.stringify({ kind: 'phone', name: 'Bellen', durationMinutes: 30 }),
      ],
    );
    const appointment = (id: string) => ({
      id,
      appointmentTypeId: typeId,
      workerId: worker.personId,
      residentId: resident.personId,
      kind: 'phone' as const,
      location: null,
      start: new Date('2030-01-07T09:00:00Z'),
      end: new Date('2030-01-07T09:30:00Z'),
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      sequence: 0,
      createdAt: new Date(),
      updatedAt: new Date(),
      status: 'booked' as const,
    });
    await insertAppointment(test.db, appointment(randomUUID()), { orgId: cast.orgId, teamId: cast.teamId });
    const error = await insertAppointment(test.db, appointment(randomUUID()), {
      orgId: cast.orgId,
      teamId: cast.teamId,
    }).catch((caught: unknown) => caught);
    expect(isUniqueViolation(error, 'appointments_worker_start_key')).toBe(true);
  });
});
