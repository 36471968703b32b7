import { afterEach, describe, expect, it } from 'vitest';
import type { AppointmentView } from '@spreekuur/protocol/scheduling';
import { JobRunner } from '../src/jobs/job-runner.ts';
import { claimDueJob, completeJob, planJob, type Job } from '../src/store/job-store.ts';
import {
  bookAppointment,
  call,
  expectStatus,
  holdTransaction,
  offerAppointments,
  seedCast,
  startScheduling,
  untilWaitingFor,
  type Cast,
  type SchedulingTestApp,
} from './fixtures.ts';

/** Monday 8 December 2025, 08:00 in Amsterdam. */
const MONDAY_0800 = new Date('2025-12-08T07:00:00Z');
/** Wednesday 10 December, 09:00 in Amsterdam: the appointment. */
const START = '2025-12-10T08:00:00Z';

/** Apps still running, and the databases to drop after each test. */
const running = new Set<SchedulingTestApp>();
const databases = new Set<SchedulingTestApp['database']>();
afterEach(async () => {
  for (const app of running) await app.close();
  running.clear();
  for (const database of databases) await database.dispose();
  databases.clear();
});

async function start(options: Parameters<typeof startScheduling>[0] = {}) {
  const app = await startScheduling(options);
  running.add(app);
  databases.add(app.database);
  return app;
}

async function stop(app: SchedulingTestApp) {
  running.delete(app);
  await app.close();
}

async function bookPhoneCall(test: SchedulingTestApp, cast: Cast): Promise<AppointmentView> {
  const [type] = await offerAppointments(test, cast, {
    kind: 'phone',
    name: 'Telefonisch gesprek',
    durationMinutes: 30,
  });
  return bookAppointment(test, cast, type!, START);
}

async function remindersOf(test: SchedulingTestApp, personId: string) {
  const { rows } = await test.db.query<{ data: { minutesBefore: number; appointmentId: string } }>(
    `SELECT data FROM scheduling_notifications WHERE person_id = $1 AND kind = 'appointment_reminder' ORDER BY created_at`,
    [personId],
  );
  return rows.map((row) => row.data);
}

describe('reminders', () => {
  it('a reminder planned before a restart fires after it, once, from PostgreSQL', async () => {
    const first = await start({ clock: { now: MONDAY_0800 } });
    const cast = await seedCast(first, { workers: 1, residents: 1 });
    const resident = cast.residents[0]!;
    const appointment = await bookPhoneCall(first, cast);
    await stop(first);

    // A new process on the same database, 30 seconds after the 24-hour reminder was due.
    const second = await start({
      database: first.database,
      clock: { now: new Date('2025-12-09T08:00:30Z') },
    });
    expect(await second.app.scheduling.runDueJobs()).toBeGreaterThanOrEqual(1);
    expect(await remindersOf(second, resident.personId)).toEqual([
      { appointmentId: appointment.id, start: START, minutesBefore: 1440 },
    ]);
    // Running again sends nothing twice.
    await second.app.scheduling.runDueJobs();
    expect(await remindersOf(second, resident.personId)).toHaveLength(1);

    // The server was down through the 1-hour reminder's due time: it is still sent before the start.
    second.clock.now = new Date('2025-12-10T07:40:00Z');
    await second.app.scheduling.runDueJobs();
    expect((await remindersOf(second, resident.personId)).map((data) => data.minutesBefore)).toEqual([
      1440, 60,
    ]);
    const listed = await expectStatus(
      call<{ notifications: Array<{ kind: string }> }>(
        second,
        resident,
        'GET',
        '/v1/scheduling/notifications',
      ),
      200,
    );
    expect(listed.notifications.filter((note) => note.kind === 'appointment_reminder')).toHaveLength(2);
  });

  it('sends nothing for a cancelled appointment, nor for the old time of a rescheduled one', async () => {
    const test = await start({ clock: { now: MONDAY_0800 } });
    const cast = await seedCast(test, { workers: 1, residents: 1 });
    const resident = cast.residents[0]!;
    const appointment = await bookPhoneCall(test, cast);
    await expectStatus(
      call(test, resident, 'POST', `/v1/scheduling/appointments/${appointment.id}/reschedule`, {
        start: '2025-12-12T08:00:00Z',
      }),
      200,
    );
    test.clock.now = new Date('2025-12-09T08:00:30Z');
    await test.app.scheduling.runDueJobs();
    expect(await remindersOf(test, resident.personId)).toEqual([]);
    await expectStatus(
      call(test, resident, 'POST', `/v1/scheduling/appointments/${appointment.id}/cancel`),
      200,
    );
    test.clock.now = new Date('2025-12-12T07:30:00Z');
    await test.app.scheduling.runDueJobs();
    expect(await remindersOf(test, resident.personId)).toEqual([]);
  });

  it('a reminder due while the appointment is being cancelled waits for the cancel, then sends nothing', async () => {
    const test = await start({ clock: { now: MONDAY_0800 } });
    const cast = await seedCast(test, { workers: 1, residents: 1 });
    const appointment = await bookPhoneCall(test, cast);
    test.clock.now = new Date('2025-12-09T08:00:30Z');
    // Another node is cancelling it: the row is updated, the transaction not yet committed.
    const cancelling = await holdTransaction(test.db, async (tx) => {
      await tx.query(
        `UPDATE appointments SET status = 'cancelled', cancelled_at = $2, cancelled_by = 'resident',
                sequence = sequence + 1, updated_at = $2 WHERE id = $1`,
        [appointment.id, test.clock.now],
      );
    });
    const running = test.app.scheduling.runDueJobs();
    await untilWaitingFor(test.db, cancelling, running);
    await cancelling.release();
    expect(await running).toBe(1);
    expect(await remindersOf(test, cast.residents[0]!.personId)).toEqual([]);
  });

  it('a reminder that waited for the appointment until it started sends nothing', async () => {
    const test = await start({ clock: { now: MONDAY_0800 } });
    const cast = await seedCast(test, { workers: 1, residents: 1 });
    const appointment = await bookPhoneCall(test, cast);
    // Both reminders are due; another transaction holds the appointment until it has started.
    test.clock.now = new Date('2025-12-10T07:00:30Z');
    const holding = await holdTransaction(test.db, async (tx) => {
      await tx.query('SELECT id FROM appointments WHERE id = $1 FOR UPDATE', [appointment.id]);
    });
    const running = test.app.scheduling.runDueJobs();
    await untilWaitingFor(test.db, holding, running);
    test.clock.now = new Date(START);
    await holding.release();
    expect(await running).toBe(2);
    expect(await remindersOf(test, cast.residents[0]!.personId)).toEqual([]);
  });

  it('a job claimed by a node that died is retried once its lease runs out', async () => {
    const test = await start({ clock: { now: MONDAY_0800 } });
    const cast = await seedCast(test, { workers: 1, residents: 1 });
    await bookPhoneCall(test, cast);
    test.clock.now = new Date('2025-12-09T08:00:30Z');
    // Another node claims the due reminder and dies before finishing it.
    const claimed = await claimDueJob(test.db, test.clock.now, 120_000);
    expect(claimed?.kind).toBe('reminder');
    expect(await test.app.scheduling.runDueJobs()).toBe(0);
    expect(await remindersOf(test, cast.residents[0]!.personId)).toEqual([]);
    test.clock.now = new Date(test.clock.now.getTime() + 121_000);
    expect(await test.app.scheduling.runDueJobs()).toBe(1);
    expect(await remindersOf(test, cast.residents[0]!.personId)).toHaveLength(1);
  });

  it('two nodes polling at once run every job exactly once', async () => {
    const clock = { now: MONDAY_0800 };
    const a = await start({ clock });
    const b = await start({ database: a.database, clock });
    const cast = await seedCast(a, { workers: 1, residents: 1 });
    const appointment = await bookPhoneCall(a, cast);
    // Twenty copies of the reminder, due now, under different keys.
    for (let i = 0; i < 20; i++) {
      await planJob(a.db, {
        orgId: cast.orgId,
        key: `test:${i}`,
        kind: 'reminder',
        dueAt: MONDAY_0800,
        payload: { appointmentId: appointment.id, sequence: 0, offsetMinutes: 1440 },
      });
    }
    const [ranOnA, ranOnB] = await Promise.all([
      a.app.scheduling.runDueJobs(),
      b.app.scheduling.runDueJobs(),
    ]);
    expect(ranOnA + ranOnB).toBe(20);
    const { rows } = await a.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM scheduling_jobs WHERE key LIKE 'test:%' AND done_at IS NOT NULL`,
    );
    expect(rows[0]!.n).toBe(20);
  });

  it('a job that keeps failing is retried with back-off, then given up', async () => {
    const test = await start({ clock: { now: MONDAY_0800 } });
    const cast = await seedCast(test, { workers: 1, residents: 0 });
    await planJob(test.db, {
      orgId: cast.orgId,
      key: 'broken',
      kind: 'reminder',
      dueAt: MONDAY_0800,
      payload: { nonsense: true },
    });
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await test.app.scheduling.runDueJobs()).toBe(1);
      test.clock.now = new Date(test.clock.now.getTime() + 3_600_000);
    }
    expect(await test.app.scheduling.runDueJobs()).toBe(0);
    const { rows } = await test.db.query<{ attempts: number; done_at: Date | null; last_error: string }>(
      `SELECT attempts, done_at, last_error FROM scheduling_jobs WHERE key = 'broken'`,
    );
    expect(rows[0]).toMatchObject({ attempts: 5 });
    expect(rows[0]!.done_at).not.toBeNull();
    test.clock.now = MONDAY_0800;
  });
});

describe('leases', () => {
  it('a node whose lease ran out and was taken over neither completes nor releases the job', async () => {
    const test = await start({ clock: { now: MONDAY_0800 } });
    const cast = await seedCast(test, { workers: 1, residents: 0 });
    for (const outcome of ['succeeds', 'fails'] as const) {
      const key = `slow:${outcome}`;
      await planJob(test.db, {
        orgId: cast.orgId,
        key,
        kind: 'reminder',
        dueAt: test.clock.now,
        payload: {},
      });
      const takenOver: Job[] = [];
      // Node A's handler outlives its lease; node B claims the job meanwhile and is still running it.
      const nodeA = new JobRunner(
        test.db,
        () => test.clock.now,
        {
          reminder: async () => {
            test.clock.now = new Date(test.clock.now.getTime() + 121_000);
            const claimed = await claimDueJob(test.db, test.clock.now, 120_000);
            if (claimed) takenOver.push(claimed);
            if (outcome === 'fails') throw new Error('node A failed after its lease');
          },
          team_tick: async () => undefined,
        },
        test.app.log,
      );
      expect(await nodeA.runDue()).toBe(1);
      const nodeB = takenOver[0]!;
      expect(nodeB).toMatchObject({ key, attempts: 2 });
      const row = async () =>
        (
          await test.db.query<{
            done_at: Date | null;
            locked_until: Date | null;
            due_at: Date;
            last_error: string | null;
          }>('SELECT done_at, locked_until, due_at, last_error FROM scheduling_jobs WHERE key = $1', [key])
        ).rows[0]!;
      // Still node B's: not done, still leased to B, not rescheduled.
      expect(await row()).toEqual({
        done_at: null,
        locked_until: new Date(test.clock.now.getTime() + 120_000),
        due_at: MONDAY_0800,
        last_error: null,
      });
      // Node B finishes it.
      expect(await completeJob(test.db, nodeB, test.clock.now)).toBe(true);
      expect((await row()).done_at).toEqual(test.clock.now);
      test.clock.now = MONDAY_0800;
    }
  });

  it('a node whose lease ran out but was not taken over still completes its job', async () => {
    const test = await start({ clock: { now: MONDAY_0800 } });
    const cast = await seedCast(test, { workers: 1, residents: 0 });
    await planJob(test.db, {
      orgId: cast.orgId,
      key: 'late',
      kind: 'reminder',
      dueAt: MONDAY_0800,
      payload: {},
    });
    const claimed = (await claimDueJob(test.db, MONDAY_0800, 120_000))!;
    const late = new Date(MONDAY_0800.getTime() + 300_000);
    expect(await completeJob(test.db, claimed, late)).toBe(true);
    // Completing twice changes nothing.
    expect(await completeJob(test.db, claimed, new Date(late.getTime() + 1))).toBe(false);
    const { rows } = await test.db.query<{ done_at: Date }>(
      `SELECT done_at FROM scheduling_jobs WHERE key = 'late'`,
    );
    expect(rows[0]!.done_at).toEqual(late);
  });
});
