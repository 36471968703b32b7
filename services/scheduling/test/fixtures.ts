import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@spreekuur/config';
import type { Database, Queryable } from '@spreekuur/db';
import { createTestDatabase, type TestDatabase } from '@spreekuur/db/testing';
import type { Role } from '@spreekuur/protocol/identity';
import { weekdayNames } from '@spreekuur/protocol/scheduling';
import { issueAccessToken } from '@spreekuur/server';
import { buildApp } from '../src/app.ts';

/**
 * The scheduling service on its own (createServer + chat + scheduling) on a fresh test database
 * (a new schema on real PostgreSQL when DATABASE_URL is set, else embedded), with a clock the
 * test sets. People are seeded straight into the identity tables: this service does not issue
 * invites, it only reads who is in which team.
 */
export interface SchedulingTestApp {
  app: Awaited<ReturnType<typeof buildApp>>;
  database: TestDatabase;
  db: Database;
  /** The server's clock; tests set it. */
  clock: { now: Date };
  /** Stops the app; the database stays unless `dispose` is passed. */
  close(options?: { dispose?: boolean }): Promise<void>;
}

export async function startScheduling(
  options: { database?: TestDatabase; clock?: { now: Date } } = {},
): Promise<SchedulingTestApp> {
  const database = options.database ?? (await createTestDatabase());
  const clock = options.clock ?? { now: new Date() };
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    PUBLIC_URL: 'https://spreekuur.example.nl',
    // Tests move the clock by days; tokens stay valid meanwhile.
    ACCESS_TOKEN_TTL_SECONDS: String(400 * 86_400),
  });
  // A long job interval: tests run due jobs themselves, with their clock.
  const app = await buildApp(
    { config, db: database.db, clock: () => clock.now },
    { jobIntervalMs: 3_600_000 },
  );
  await app.ready();
  return {
    app,
    database,
    db: database.db,
    clock,
    async close(closeOptions = {}) {
      await app.close();
      if (closeOptions.dispose) await database.dispose();
    },
  };
}

export interface Person {
  personId: string;
  deviceId: string;
  token: string;
  role: Role;
}

export interface Cast {
  orgId: string;
  teamId: string;
  admin: Person;
  workers: Person[];
  residents: Person[];
}

async function addPerson(
  db: Database,
  orgId: string,
  role: Person['role'],
  name: string,
  teamId: string | null,
  now: Date,
): Promise<Person> {
  const personId = randomUUID();
  const deviceId = randomUUID();
  await db.query('INSERT INTO people (id, org_id, role, display_name) VALUES ($1, $2, $3, $4)', [
    personId,
    orgId,
    role,
    name,
  ]);
  await db.query(
    `INSERT INTO devices (id, org_id, person_id, name, identity_key) VALUES ($1, $2, $3, 'Testtelefoon', $4)`,
    [deviceId, orgId, personId, randomBytes(32)],
  );
  if (teamId) {
    await db.query('INSERT INTO team_members (org_id, team_id, person_id) VALUES ($1, $2, $3)', [
      orgId,
      teamId,
      personId,
    ]);
  }
  const { token } = await issueAccessToken(db, { orgId, personId, deviceId }, 400 * 86_400, now);
  return { personId, deviceId, token, role };
}

/** An organisation with one team, an admin, workers and residents of that team. */
export async function seedCast(
  test: SchedulingTestApp,
  counts: { workers?: number; residents?: number } = {},
): Promise<Cast> {
  const { db } = test;
  const orgId = randomUUID();
  await db.query('INSERT INTO organisations (id, name, slug) VALUES ($1, $2, $3)', [
    orgId,
    'Welzijn Test',
    `test-${orgId.slice(0, 8)}`,
  ]);
  const admin = await addPerson(db, orgId, 'admin', 'Beheerder', null, test.clock.now);
  return { orgId, admin, ...(await seedTeam(test, orgId, counts, 'Wijkteam')) };
}

/** Another team in an organisation, with workers and residents of its own. */
export async function seedTeam(
  test: SchedulingTestApp,
  orgId: string,
  counts: { workers?: number; residents?: number } = {},
  name = `Wijkteam ${randomUUID().slice(0, 8)}`,
): Promise<Pick<Cast, 'teamId' | 'workers' | 'residents'>> {
  const { db } = test;
  const teamId = randomUUID();
  await db.query('INSERT INTO teams (id, org_id, name) VALUES ($1, $2, $3)', [teamId, orgId, name]);
  const now = test.clock.now;
  const workers: Person[] = [];
  for (let i = 0; i < (counts.workers ?? 1); i++) {
    workers.push(await addPerson(db, orgId, 'worker', `Werker ${i + 1}`, teamId, now));
  }
  const residents: Person[] = [];
  for (let i = 0; i < (counts.residents ?? 1); i++) {
    residents.push(await addPerson(db, orgId, 'resident', `Inwoner ${i + 1}`, teamId, now));
  }
  return { teamId, workers, residents };
}

export async function call<T = unknown>(
  test: SchedulingTestApp,
  person: { token: string } | null,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<{ status: number; body: T; text: string; headers: Record<string, unknown> }> {
  const response = await test.app.inject({
    method,
    url,
    headers: person ? { authorization: `Bearer ${person.token}` } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  const isJson = String(response.headers['content-type'] ?? '').includes('json');
  return {
    status: response.statusCode,
    body: (isJson && response.body ? response.json() : null) as T,
    text: response.body,
    headers: response.headers,
  };
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

/** Open every day, all day, in UTC: the queue is open whenever the test runs. */
export const ALWAYS_OPEN = {
  weekly: {
    timeZone: 'UTC',
    days: Object.fromEntries(weekdayNames.map((day) => [day, [{ start: '00:00', end: '24:00' }]])),
  },
  overrides: [],
};

/** Weekdays 09:00–17:00 in Amsterdam. */
export const OFFICE_DAYS = {
  weekly: {
    timeZone: 'Europe/Amsterdam',
    days: Object.fromEntries(
      weekdayNames.slice(0, 5).map((day) => [day, [{ start: '09:00', end: '17:00' }]]),
    ),
  },
  overrides: [],
};

/** A transaction of another node, kept open: it holds whatever locks `work` took until `release`. */
export interface HeldTransaction {
  /** Its backend on real PostgreSQL (null on embedded, where nothing runs beside it). */
  readonly pid: number | null;
  /** Commits it and waits until it has. */
  release(): Promise<void>;
}

/**
 * Runs `work` in a transaction of its own and keeps it open until `release()`. On real PostgreSQL
 * other connections run meanwhile (and wait only for its locks); embedded PostgreSQL serialises
 * everything, so every other query waits for it.
 */
export async function holdTransaction(
  db: Database,
  work: (tx: Queryable) => Promise<void>,
): Promise<HeldTransaction> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let ready!: (pid: number | null) => void;
  let failed!: (error: unknown) => void;
  const started = new Promise<number | null>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  const done = db
    .transaction(async (tx) => {
      await work(tx);
      const pid =
        db.kind === 'postgres'
          ? (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
          : null;
      ready(pid);
      await gate;
    })
    .catch((error: unknown) => failed(error));
  const pid = await started;
  return {
    pid,
    async release() {
      open();
      await done;
    },
  };
}

/**
 * Resolves once `pending` waits for a lock of `held` (or has settled without waiting: the bug
 * some tests pin). Polls PostgreSQL's lock graph; nothing depends on how long anything takes.
 * Embedded: at once, since `pending` cannot get past its first query while `held` is open.
 */
export async function untilWaitingFor(
  db: Database,
  held: HeldTransaction,
  pending: Promise<unknown>,
): Promise<void> {
  if (held.pid === null) return;
  let settled = false;
  pending.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (;;) {
    if (settled) return;
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
      [held.pid],
    );
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
