import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  QueueConversation,
  Reachability,
  ResidentQueueEntry,
  TeamStatus,
} from '@spreekuur/protocol/scheduling';
import {
  call,
  expectStatus,
  holdTransaction,
  OFFICE_DAYS,
  seedCast,
  seedTeam,
  startScheduling,
  untilWaitingFor,
  type Cast,
  type Person,
  type SchedulingTestApp,
} from './fixtures.ts';

let test: SchedulingTestApp;
beforeAll(async () => {
  test = await startScheduling();
});
afterAll(() => test.close({ dispose: true }));

type ErrorBody = { error: { code: string } };

async function publish(cast: Cast, overrides: unknown[], settings: object) {
  const worker = cast.workers[0]!;
  await expectStatus(
    call(test, worker, 'PUT', `/v1/scheduling/teams/${cast.teamId}/office-hours`, {
      ...OFFICE_DAYS,
      overrides,
    }),
    200,
  );
  await expectStatus(
    call(test, worker, 'PUT', `/v1/scheduling/teams/${cast.teamId}/queue-settings`, settings),
    200,
  );
}

async function notificationsOf(person: Person) {
  const { rows } = await test.db.query<{ kind: string; data: Record<string, unknown> }>(
    'SELECT kind, data FROM scheduling_notifications WHERE person_id = $1 ORDER BY created_at, kind',
    [person.personId],
  );
  return rows;
}

async function plannedTicks(cast: Cast) {
  const { rows } = await test.db.query<{ due_at: Date }>(
    `SELECT due_at FROM scheduling_jobs WHERE kind = 'team_tick' AND payload->>'teamId' = $1 AND done_at IS NULL
      ORDER BY due_at`,
    [cast.teamId],
  );
  return rows.map((row) => row.due_at.toISOString());
}

const join = (cast: Cast, resident: Person, body: object = {}) =>
  call<ResidentQueueEntry & ErrorBody>(
    test,
    resident,
    'POST',
    `/v1/scheduling/teams/${cast.teamId}/queue`,
    body,
  );

describe('when hours end with people still waiting', () => {
  it('keep_queued: they are told when it opens (past a closed day), and the opening serves them first', async () => {
    test.clock.now = new Date('2025-12-08T09:00:00Z'); // Monday 10:00 in Amsterdam
    const cast = await seedCast(test, { workers: 1, residents: 2 });
    const [worker] = cast.workers as [Person];
    const [early, late] = cast.residents as [Person, Person];
    await publish(cast, [{ kind: 'closed', date: '2025-12-09', label: 'Studiedag' }], {
      autoAssign: true,
      whenHoursEnd: 'keep_queued',
    });
    await expectStatus(
      call(test, worker, 'POST', `/v1/scheduling/teams/${cast.teamId}/roster`, {
        workerId: worker.personId,
        start: '2025-12-10T08:00:00Z',
        end: '2025-12-10T16:00:00Z',
      }),
      201,
    );
    expect(await plannedTicks(cast)).toEqual(['2025-12-08T16:00:00.000Z']);

    // Open, but nobody on duty: the resident waits.
    const first = await expectStatus(join(cast, early), 201);
    expect(first.view).toMatchObject({
      status: 'waiting',
      position: 1,
      waitEstimate: { kind: 'unknown', reason: 'no_workers_on_duty' },
    });

    // 17:00: closing. Tuesday is a closed day, so the next opening is Wednesday 09:00.
    test.clock.now = new Date('2025-12-08T16:00:05Z');
    await test.app.scheduling.runDueJobs();
    expect(await notificationsOf(early)).toEqual([
      {
        kind: 'queue_kept_for_next_opening',
        data: { entryId: first.entryId, teamId: cast.teamId, opensAt: '2025-12-10T08:00:00Z' },
      },
    ]);
    const kept = await expectStatus(
      call<{ entries: ResidentQueueEntry[] }>(test, early, 'GET', '/v1/scheduling/queue/mine'),
      200,
    );
    expect(kept.entries[0]!.view).toMatchObject({
      status: 'waiting',
      position: 1,
      mode: 'closed',
      opensAt: { utc: '2025-12-10T08:00:00Z', local: '2025-12-10T09:00:00+01:00' },
    });
    expect(await plannedTicks(cast)).toEqual(['2025-12-10T08:00:00.000Z']);

    // Tuesday (closed day): a live chat is refused; a question is accepted for Wednesday.
    test.clock.now = new Date('2025-12-09T11:00:00Z');
    const refused = await join(cast, late);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ERR_SCHED_CLOSED');
    // The refusal says when the hours open next, so the app can offer "leave a question".
    expect(refused.body.error).toMatchObject({ details: { opensAt: '2025-12-10T08:00:00Z' } });
    const question = await expectStatus(
      join(cast, late, { whenClosed: 'leave_question', timeZone: 'America/Curacao' }),
      201,
    );
    expect(question).toMatchObject({ asQuestion: true });
    expect(question.view).toMatchObject({
      status: 'waiting',
      position: 2,
      mode: 'closed',
      opensAt: {
        utc: '2025-12-10T08:00:00Z',
        local: '2025-12-10T04:00:00-04:00',
        timeZone: 'America/Curacao',
      },
    });
    // The worker rostered for Wednesday's opening can read the question from its first message.
    const { rows } = await test.db.query<{ person_id: string }>(
      'SELECT person_id FROM channel_members WHERE channel_id = $1 AND left_seq IS NULL ORDER BY person_id',
      [question.channelId],
    );
    expect(rows.map((row) => row.person_id)).toEqual([late.personId, worker.personId].sort());

    // Wednesday 09:00: the rostered worker is on duty; auto-assignment serves both in order.
    test.clock.now = new Date('2025-12-10T08:00:02Z');
    await test.app.scheduling.runDueJobs();
    const { rows: entries } = await test.db.query<{ id: string; status: string; worker_id: string }>(
      'SELECT id, status, worker_id FROM queue_entries WHERE team_id = $1 ORDER BY sequence',
      [cast.teamId],
    );
    expect(entries).toEqual([
      { id: first.entryId, status: 'assigned', worker_id: worker.personId },
      { id: question.entryId, status: 'assigned', worker_id: worker.personId },
    ]);
    // Served at the opening itself: told it was picked up (no separate "now in the queue").
    expect((await notificationsOf(late)).map((note) => note.kind)).toEqual(['conversation_assigned']);
    expect((await notificationsOf(worker)).map((note) => note.kind)).toEqual([
      'conversation_assigned',
      'conversation_assigned',
    ]);
  });

  it('finish_queue: those on duty at closing finish who waited; later questions wait for the next opening', async () => {
    test.clock.now = new Date('2025-12-08T15:00:00Z'); // Monday 16:00 in Amsterdam
    const cast = await seedCast(test, { workers: 1, residents: 2 });
    const [worker] = cast.workers as [Person];
    const [waiting, afterHours] = cast.residents as [Person, Person];
    await publish(cast, [], { whenHoursEnd: 'finish_queue' });
    await expectStatus(
      call(test, worker, 'PUT', `/v1/scheduling/teams/${cast.teamId}/duty`, { onDuty: true }),
      200,
    );
    const entry = await expectStatus(join(cast, waiting), 201);

    test.clock.now = new Date('2025-12-08T16:00:05Z');
    await test.app.scheduling.runDueJobs();
    expect((await notificationsOf(waiting)).map((note) => note.kind)).toEqual(['queue_being_finished']);
    const question = await expectStatus(join(cast, afterHours, { whenClosed: 'leave_question' }), 201);
    expect(question.view).toMatchObject({ mode: 'closed', opensAt: { utc: '2025-12-09T08:00:00Z' } });

    const pick = () =>
      call<QueueConversation & ErrorBody>(
        test,
        worker,
        'POST',
        `/v1/scheduling/teams/${cast.teamId}/queue/pick`,
        {},
      );
    expect((await pick()).body).toMatchObject({ entryId: entry.entryId, status: 'assigned' });
    expect((await pick()).body.error.code).toBe('ERR_SCHED_QUEUE_EMPTY');
    // Switching off ends the finishing for this worker (closing the conversation still works).
    await expectStatus(
      call(test, worker, 'PUT', `/v1/scheduling/teams/${cast.teamId}/duty`, { onDuty: false }),
      200,
    );
    expect((await pick()).body.error.code).toBe('ERR_SCHED_NOT_ON_DUTY');
    await expectStatus(
      call(test, worker, 'POST', `/v1/scheduling/queue/${entry.entryId}/close`, { outcome: 'resolved' }),
      200,
    );

    // Tuesday 09:00: the question is in the queue now, first in line for whoever comes on duty.
    test.clock.now = new Date('2025-12-09T08:00:03Z');
    await test.app.scheduling.runDueJobs();
    expect((await notificationsOf(afterHours)).map((note) => note.kind)).toEqual(['question_in_queue']);
    expect((await pick()).body.error.code).toBe('ERR_SCHED_NOT_ON_DUTY');
    await expectStatus(
      call(test, worker, 'PUT', `/v1/scheduling/teams/${cast.teamId}/duty`, { onDuty: true }),
      200,
    );
    expect((await pick()).body).toMatchObject({ entryId: question.entryId, status: 'assigned' });
  });
});

describe('a queue command that waits for the team’s queue lock', () => {
  it('reads the clock once it holds the lock: a join that waited past closing is not taken live', async () => {
    test.clock.now = new Date('2025-12-08T15:59:00Z'); // Monday 16:59 in Amsterdam
    const cast = await seedCast(test, { workers: 1, residents: 1 });
    await publish(cast, [], {});
    await expectStatus(
      call(test, cast.workers[0]!, 'PUT', `/v1/scheduling/teams/${cast.teamId}/duty`, { onDuty: true }),
      200,
    );
    // Another command on this team (another node) holds the queue lock...
    const other = await holdTransaction(test.db, async (tx) => {
      await tx.query('SELECT team_id FROM office_hour_teams WHERE team_id = $1 FOR UPDATE', [cast.teamId]);
    });
    const joining = join(cast, cast.residents[0]!);
    await untilWaitingFor(test.db, other, joining);
    // ...while the hours end: by the time the join holds the lock, the team is closed.
    test.clock.now = new Date('2025-12-08T16:01:00Z');
    await other.release();
    const response = await joining;
    expect([response.status, response.body.error.code]).toEqual([409, 'ERR_SCHED_CLOSED']);
    const { rows } = await test.db.query('SELECT id FROM queue_entries WHERE team_id = $1', [cast.teamId]);
    expect(rows).toEqual([]);
  });
});

describe('outside office hours', () => {
  it('shows the next opening across a weekend and a holiday, in the resident’s zone, with every other way in', async () => {
    test.clock.now = new Date('2025-12-12T16:30:00Z'); // Friday 17:30 in Amsterdam
    const cast = await seedCast(test, { workers: 1, residents: 1 });
    await publish(
      cast,
      [{ kind: 'closed_range', from: '2025-12-15', to: '2025-12-16', label: 'Teamdagen' }],
      {},
    );
    await expectStatus(
      call(test, cast.workers[0]!, 'POST', `/v1/scheduling/teams/${cast.teamId}/appointment-types`, {
        kind: 'phone',
        name: 'Bellen',
        durationMinutes: 20,
      }),
      201,
    );
    const status = await expectStatus(
      call<TeamStatus>(
        test,
        cast.residents[0]!,
        'GET',
        `/v1/scheduling/teams/${cast.teamId}/status?timeZone=America/Curacao`,
      ),
      200,
    );
    expect(status).toMatchObject({
      queueMode: 'closed',
      join: 'question',
      officeHours: {
        state: 'closed',
        opensAt: {
          utc: '2025-12-17T08:00:00Z',
          local: '2025-12-17T04:00:00-04:00',
          timeZone: 'America/Curacao',
        },
      },
      appointmentKinds: ['phone'],
    });
    expect(status.upcoming[0]).toEqual({
      start: { utc: '2025-12-17T08:00:00Z', local: '2025-12-17T04:00:00-04:00', timeZone: 'America/Curacao' },
      end: { utc: '2025-12-17T16:00:00Z', local: '2025-12-17T12:00:00-04:00', timeZone: 'America/Curacao' },
    });
  });

  it('tells the sender when an off-duty worker will see a message', async () => {
    test.clock.now = new Date('2025-12-08T09:00:00Z'); // Monday 10:00
    const cast = await seedCast(test, { workers: 2, residents: 1 });
    const [worker, colleague] = cast.workers as [Person, Person];
    const resident = cast.residents[0]!;
    const reach = (who: Person) =>
      expectStatus(
        call<Reachability>(test, resident, 'GET', `/v1/scheduling/workers/${who.personId}/reachability`),
        200,
      );
    // No office hours published: duty is not managed, messages reach the worker.
    expect(await reach(worker)).toEqual({ workerId: worker.personId, reachable: true });
    await publish(cast, [], {});
    await expectStatus(
      call(test, worker, 'POST', `/v1/scheduling/teams/${cast.teamId}/roster`, {
        workerId: worker.personId,
        start: '2025-12-09T12:00:00Z',
        end: '2025-12-09T16:00:00Z',
      }),
      201,
    );
    expect(await reach(worker)).toEqual({
      workerId: worker.personId,
      reachable: false,
      seenFrom: {
        utc: '2025-12-09T12:00:00Z',
        local: '2025-12-09T13:00:00+01:00',
        timeZone: 'Europe/Amsterdam',
      },
    });
    expect(await reach(colleague)).toEqual({
      workerId: colleague.personId,
      reachable: false,
      seenFrom: null,
    });
    // Other services ask the same before notifying a worker.
    expect(await test.app.scheduling.reachability(cast.orgId, worker.personId)).toMatchObject({
      reachable: false,
      seenFrom: { utc: '2025-12-09T12:00:00Z' },
    });
    await expectStatus(
      call(test, colleague, 'PUT', `/v1/scheduling/teams/${cast.teamId}/duty`, { onDuty: true }),
      200,
    );
    expect(await reach(colleague)).toEqual({ workerId: colleague.personId, reachable: true });
    expect(
      (await call(test, resident, 'GET', `/v1/scheduling/workers/${resident.personId}/reachability`)).status,
    ).toBe(404);
  });

  it('answers reachability only about workers of the caller’s teams, with one 404 for all else', async () => {
    const cast = await seedCast(test, { workers: 2, residents: 1 });
    const [worker, colleague] = cast.workers as [Person, Person];
    const resident = cast.residents[0]!;
    // Another team of the same organisation, with office hours and a worker on duty.
    const other = await seedTeam(test, cast.orgId, { workers: 1, residents: 1 });
    const outsider = other.workers[0]!;
    await expectStatus(
      call(test, outsider, 'PUT', `/v1/scheduling/teams/${other.teamId}/office-hours`, OFFICE_DAYS),
      200,
    );
    const ask = (who: Person, personId: string) =>
      call<Reachability>(test, who, 'GET', `/v1/scheduling/workers/${personId}/reachability`);

    // Workers of one's own team: answered.
    expect((await ask(resident, worker.personId)).status).toBe(200);
    expect((await ask(worker, colleague.personId)).status).toBe(200);
    // An admin asks about anyone of the organisation who is not a resident.
    expect((await ask(cast.admin, outsider.personId)).body).toMatchObject({ workerId: outsider.personId });

    // Another team's worker, a resident, no such person: one and the same 404, so the answer
    // does not tell which ids are workers, or who exists.
    const unknown = await ask(resident, randomUUID());
    expect([unknown.status, (unknown.body as unknown as ErrorBody).error.code]).toEqual([
      404,
      'ERR_NOT_FOUND',
    ]);
    const refused: Array<[Person, string]> = [
      [resident, outsider.personId],
      [resident, other.residents[0]!.personId],
      [worker, outsider.personId],
      [worker, resident.personId],
      [cast.admin, resident.personId],
    ];
    for (const [who, personId] of refused) {
      const response = await ask(who, personId);
      expect([response.status, response.text], `${who.role} asking about ${personId}`).toEqual([
        404,
        unknown.text,
      ]);
    }
  });
});
