import { randomUUID } from 'node:crypto';
import type { AppointmentType, AppointmentView } from '@spreekuur/protocol/scheduling';
import { startTestApp, type TestApp } from '@spreekuur/testing/app';
import { createTestBackends, type TestBackends } from '@spreekuur/testing/backends';
import { api as call } from '@spreekuur/testing/http';
import {
  seedOrganisationRow,
  seedPerson,
  seedTeam as seedTeamRow,
  type SeededPerson,
} from '@spreekuur/testing/identity';
import { ALWAYS_OPEN, OFFICE_DAYS } from '@spreekuur/testing/scheduling';
import { buildApp } from '../src/app.ts';

export { call, ALWAYS_OPEN, OFFICE_DAYS };
export { holdTransaction, untilWaitingFor, type HeldTransaction } from '@spreekuur/testing/locks';

/**
 * The scheduling service on its own (createServer + chat + scheduling) on the backends this run
 * uses (@spreekuur/testing: a new schema on real PostgreSQL and a Redis prefix when
 * DATABASE_URL / REDIS_URL are set, else embedded), with a clock the test sets. People are
 * seeded straight into the identity tables: this service does not issue invites, it only reads
 * who is in which team.
 */
export type SchedulingApp = Awaited<ReturnType<typeof buildApp>>;

export interface SchedulingTestApp extends Omit<TestApp<SchedulingApp>, 'close'> {
  /** The database and Redis prefix; nodes started with the same one form a cluster. */
  database: TestBackends;
  /** The server's clock; tests set it. */
  clock: { now: Date };
  /** Stops the app; the database stays unless `dispose` is passed. */
  close(options?: { dispose?: boolean }): Promise<void>;
}

export async function startScheduling(
  options: { database?: TestBackends; clock?: { now: Date } } = {},
): Promise<SchedulingTestApp> {
  const database = options.database ?? (await createTestBackends());
  const clock = options.clock ?? { now: new Date() };
  const test = await startTestApp({
    // A long job interval: tests run due jobs themselves, with their clock.
    build: (deps) => buildApp(deps, { jobIntervalMs: 3_600_000 }),
    backends: database,
    clock: () => clock.now,
    env: {
      LOG_LEVEL: 'error',
      PUBLIC_URL: 'https://spreekuur.example.nl',
      // Tests move the clock by days; tokens stay valid meanwhile.
      ACCESS_TOKEN_TTL_SECONDS: String(400 * 86_400),
    },
  });
  return {
    ...test,
    database,
    clock,
    async close(closeOptions = {}) {
      await test.close();
      if (closeOptions.dispose) await database.dispose();
    },
  };
}

export type Person = SeededPerson;

export interface Cast {
  orgId: string;
  teamId: string;
  admin: Person;
  workers: Person[];
  residents: Person[];
}

/** An organisation with one team, an admin, workers and residents of that team. */
export async function seedCast(
  test: SchedulingTestApp,
  counts: { workers?: number; residents?: number } = {},
): Promise<Cast> {
  const org = await seedOrganisationRow(test, `test-${randomUUID().slice(0, 8)}`, 'Welzijn Test');
  const orgId = org.id;
  const admin = await seedPerson(test, { orgId, role: 'admin', name: 'Beheerder' });
  return { orgId, admin, ...(await seedTeam(test, orgId, counts, 'Wijkteam')) };
}

/** Another team in an organisation, with workers and residents of its own. */
export async function seedTeam(
  test: SchedulingTestApp,
  orgId: string,
  counts: { workers?: number; residents?: number } = {},
  name = `Wijkteam ${randomUUID().slice(0, 8)}`,
): Promise<Pick<Cast, 'teamId' | 'workers' | 'residents'>> {
  const teamId = (await seedTeamRow(test, orgId, name)).id;
  const workers: Person[] = [];
  for (let i = 0; i < (counts.workers ?? 1); i++) {
    workers.push(await seedPerson(test, { orgId, role: 'worker', name: `Werker ${i + 1}`, teamId }));
  }
  const residents: Person[] = [];
  for (let i = 0; i < (counts.residents ?? 1); i++) {
    residents.push(await seedPerson(test, { orgId, role: 'resident', name: `Inwoner ${i + 1}`, teamId }));
  }
  return { teamId, workers, residents };
}

/** Expects a status, and says what came back otherwise. */
export async function expectStatus<T>(
  promise: Promise<{ status: number; body: T; text: string }>,
  status: number,
): Promise<T> {
  const response = await promise;
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${response.text}`);
  }
  return response.body;
}

/** What a new appointment type needs; the rest of the body is the type's own settings. */
type NewAppointmentType = { kind: AppointmentType['kind']; name: string; durationMinutes: number } & Record<
  string,
  unknown
>;

/**
 * The cast's first worker is available on office days (weekdays 09:00–17:00) and the team
 * offers these appointment types; returns them in the same order.
 */
export async function offerAppointments(
  test: SchedulingTestApp,
  cast: Cast,
  ...types: NewAppointmentType[]
): Promise<AppointmentType[]> {
  const worker = cast.workers[0]!;
  await expectStatus(
    call(test, worker, 'PUT', `/v1/scheduling/workers/${worker.personId}/availability`, OFFICE_DAYS),
    200,
  );
  const offered: AppointmentType[] = [];
  for (const type of types) {
    offered.push(
      await expectStatus(
        call<AppointmentType>(
          test,
          worker,
          'POST',
          `/v1/scheduling/teams/${cast.teamId}/appointment-types`,
          type,
        ),
        201,
      ),
    );
  }
  return offered;
}

/** The cast's first resident books `type` with the first worker at `start` (expects 201). */
export function bookAppointment(
  test: SchedulingTestApp,
  cast: Cast,
  type: AppointmentType,
  start: string,
): Promise<AppointmentView> {
  return expectStatus(
    call<AppointmentView>(test, cast.residents[0]!, 'POST', '/v1/scheduling/appointments', {
      appointmentTypeId: type.id,
      workerId: cast.workers[0]!.personId,
      start,
    }),
    201,
  );
}
