import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueConversation, ResidentQueueEntry, TeamQueue } from '@spreekuur/protocol/scheduling';
import {
  ALWAYS_OPEN,
  call,
  expectStatus,
  seedCast,
  startScheduling,
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

async function openTeam(cast: Cast, settings: Record<string, unknown> = {}) {
  const worker = cast.workers[0]!;
  await expectStatus(
    call(test, worker, 'PUT', `/v1/scheduling/teams/${cast.teamId}/office-hours`, ALWAYS_OPEN),
    200,
  );
  await expectStatus(
    call(test, worker, 'PUT', `/v1/scheduling/teams/${cast.teamId}/queue-settings`, settings),
    200,
  );
}

const onDuty = (cast: Cast, worker: Person) =>
  expectStatus(call(test, worker, 'PUT', `/v1/scheduling/teams/${cast.teamId}/duty`, { onDuty: true }), 200);

const join = (cast: Cast, resident: Person, body: object = {}) =>
  call<ResidentQueueEntry & ErrorBody>(
    test,
    resident,
    'POST',
    `/v1/scheduling/teams/${cast.teamId}/queue`,
    body,
  );

const queueOf = (cast: Cast) =>
  expectStatus(
    call<TeamQueue>(test, cast.workers[0]!, 'GET', `/v1/scheduling/teams/${cast.teamId}/queue`),
    200,
  );

async function channelMembers(channelId: string): Promise<string[]> {
  const { rows } = await test.db.query<{ person_id: string }>(
    'SELECT person_id FROM channel_members WHERE channel_id = $1 AND left_seq IS NULL ORDER BY person_id',
    [channelId],
  );
  return rows.map((row) => row.person_id);
}

describe('a conversation through the queue', () => {
  it('joins, is picked, transferred, held, resumed and closed; the channel follows', async () => {
    const cast = await seedCast(test, { workers: 3, residents: 2 });
    const [anna, bram, cem] = cast.workers as [Person, Person, Person];
    const [fatima, gerrit] = cast.residents as [Person, Person];
    await openTeam(cast);
    await onDuty(cast, anna);
    await onDuty(cast, bram);

    const first = await join(cast, fatima, { timeZone: 'America/Curacao' });
    expect(first.status).toBe(201);
    expect(first.body.view).toMatchObject({ status: 'waiting', position: 1, mode: 'open' });
    const second = await join(cast, gerrit);
    expect(second.body.view).toMatchObject({ status: 'waiting', position: 2 });
    // Readers from the start: the resident and the workers on duty (Cem is not).
    expect(await channelMembers(first.body.channelId)).toEqual(
      [fatima.personId, anna.personId, bram.personId].sort(),
    );

    const again = await join(cast, fatima);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ERR_SCHED_ALREADY_QUEUED');

    // A worker who is not on duty cannot pick.
    const offDuty = await call<ErrorBody>(
      test,
      cem,
      'POST',
      `/v1/scheduling/teams/${cast.teamId}/queue/pick`,
      {},
    );
    expect(offDuty.body.error.code).toBe('ERR_SCHED_NOT_ON_DUTY');
    // Picking what the screen showed, when it is not first in line, is refused.
    const notNext = await call<ErrorBody>(
      test,
      anna,
      'POST',
      `/v1/scheduling/teams/${cast.teamId}/queue/pick`,
      {
        expectedEntryId: second.body.entryId,
      },
    );
    expect(notNext.body.error.code).toBe('ERR_SCHED_QUEUE_NOT_NEXT');

    const picked = await expectStatus(
      call<QueueConversation>(test, anna, 'POST', `/v1/scheduling/teams/${cast.teamId}/queue/pick`, {
        expectedEntryId: first.body.entryId,
      }),
      200,
    );
    expect(picked).toMatchObject({
      entryId: first.body.entryId,
      status: 'assigned',
      workerId: anna.personId,
    });
    const mine = await expectStatus(
      call<{ entries: ResidentQueueEntry[] }>(test, gerrit, 'GET', '/v1/scheduling/queue/mine'),
      200,
    );
    expect(mine.entries.map((entry) => entry.view)).toMatchObject([{ status: 'waiting', position: 1 }]);

    // Transfer to Cem, who was not on duty at the start: he is added to the channel now.
    const toOffDuty = await call<ErrorBody>(
      test,
      anna,
      'POST',
      `/v1/scheduling/queue/${picked.entryId}/transfer`,
      {
        toWorkerId: cem.personId,
      },
    );
    expect(toOffDuty.body.error.code).toBe('ERR_SCHED_NOT_ON_DUTY');
    await onDuty(cast, cem);
    // Cem came on duty while Gerrit waits: he reads Gerrit's conversation from now on.
    expect(await channelMembers(second.body.channelId)).toContain(cem.personId);
    const transferred = await expectStatus(
      call<QueueConversation>(test, anna, 'POST', `/v1/scheduling/queue/${picked.entryId}/transfer`, {
        toWorkerId: cem.personId,
      }),
      200,
    );
    expect(transferred.workerId).toBe(cem.personId);
    expect(await channelMembers(picked.channelId)).toEqual(
      [fatima.personId, anna.personId, bram.personId, cem.personId].sort(),
    );
    const notHers = await call<ErrorBody>(test, anna, 'POST', `/v1/scheduling/queue/${picked.entryId}/hold`);
    expect(notHers.body.error.code).toBe('ERR_SCHED_NOT_YOUR_CONVERSATION');

    const held = await expectStatus(
      call<QueueConversation>(test, cem, 'POST', `/v1/scheduling/queue/${picked.entryId}/hold`),
      200,
    );
    expect(held.status).toBe('on_hold');
    const resumed = await expectStatus(
      call<QueueConversation>(test, cem, 'POST', `/v1/scheduling/queue/${picked.entryId}/resume`),
      200,
    );
    expect(resumed.status).toBe('assigned');
    const closed = await expectStatus(
      call<QueueConversation>(test, cem, 'POST', `/v1/scheduling/queue/${picked.entryId}/close`, {
        outcome: 'resolved',
      }),
      200,
    );
    expect(closed.status).toBe('closed');
    // Only the resident stays in the channel (with their history).
    expect(await channelMembers(picked.channelId)).toEqual([fatima.personId]);

    // Gerrit leaves; the queue is empty and his channel keeps only him.
    expect((await call(test, gerrit, 'DELETE', `/v1/scheduling/queue/${second.body.entryId}`)).status).toBe(
      204,
    );
    const queue = await queueOf(cast);
    expect(queue.view.waiting).toEqual([]);
    expect(queue.view.active).toEqual([]);
    expect(await channelMembers(second.body.channelId)).toEqual([gerrit.personId]);

    // The audit trail names actions and ids, never content.
    const { rows } = await test.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY id`,
      [picked.entryId],
    );
    expect(rows.map((row) => row.action)).toEqual([
      'office_hour.joined',
      'office_hour.assigned',
      'office_hour.transferred',
      'office_hour.held',
      'office_hour.resumed',
      'office_hour.closed',
    ]);
  });

  it('only residents of the team join; only its workers see and work the queue', async () => {
    const cast = await seedCast(test, { workers: 1, residents: 1 });
    const other = await seedCast(test, { workers: 1, residents: 1 });
    await openTeam(cast);
    expect((await join(cast, cast.workers[0]!)).status).toBe(403);
    // A resident of another organisation does not even find the team.
    expect((await join(cast, other.residents[0]!)).status).toBe(404);
    const asResident = await call(
      test,
      cast.residents[0]!,
      'GET',
      `/v1/scheduling/teams/${cast.teamId}/queue`,
    );
    expect(asResident.status).toBe(403);
    const asAdmin = await call(test, cast.admin, 'GET', `/v1/scheduling/teams/${cast.teamId}/queue`);
    expect(asAdmin.status).toBe(200);
  });
});

describe('fairness under concurrency', () => {
  it('concurrent joins get distinct places in commit order; concurrent picks never assign twice or over capacity', async () => {
    const cast = await seedCast(test, { workers: 3, residents: 16 });
    await openTeam(cast, { maxConcurrentPerWorker: 3 });
    for (const worker of cast.workers) await onDuty(cast, worker);

    const joins = await Promise.all(cast.residents.map((resident) => join(cast, resident)));
    expect(joins.map((response) => response.status)).toEqual(cast.residents.map(() => 201));
    const queue = await queueOf(cast);
    const { rows } = await test.db.query<{ id: string; sequence: number }>(
      'SELECT id, sequence FROM queue_entries WHERE team_id = $1 ORDER BY sequence',
      [cast.teamId],
    );
    expect(rows.map((row) => row.sequence)).toEqual(cast.residents.map((_, index) => index + 1));
    expect(queue.view.waiting.map((entry) => entry.entryId)).toEqual(rows.map((row) => row.id));
    expect(queue.view.waiting.map((entry) => entry.position)).toEqual(rows.map((_, index) => index + 1));

    // Every worker hammers "pick" five times at once: 15 attempts for 9 seats.
    const picks = await Promise.all(
      cast.workers.flatMap((worker) =>
        Array.from({ length: 5 }, () =>
          call<QueueConversation & ErrorBody>(
            test,
            worker,
            'POST',
            `/v1/scheduling/teams/${cast.teamId}/queue/pick`,
            {},
          ),
        ),
      ),
    );
    const won = picks.filter((response) => response.status === 200).map((response) => response.body);
    const refused = picks
      .filter((response) => response.status !== 200)
      .map((response) => response.body.error.code);
    expect(won).toHaveLength(9);
    expect(new Set(refused)).toEqual(new Set(['ERR_SCHED_OVER_CAPACITY']));
    // Nobody assigned twice, and exactly the nine who waited longest.
    expect(new Set(won.map((conversation) => conversation.entryId)).size).toBe(9);
    expect(new Set(won.map((conversation) => conversation.entryId))).toEqual(
      new Set(rows.slice(0, 9).map((row) => row.id)),
    );
    const after = await queueOf(cast);
    for (const load of after.view.staff) expect(load.activeCount).toBe(3);
    expect(after.view.waiting.map((entry) => entry.entryId)).toEqual(rows.slice(9).map((row) => row.id));
  });

  it('auto-assignment hands the longest-waiting residents to the least busy workers, never over capacity', async () => {
    const cast = await seedCast(test, { workers: 2, residents: 9 });
    await openTeam(cast, { autoAssign: true, maxConcurrentPerWorker: 2 });
    for (const worker of cast.workers) await onDuty(cast, worker);

    await Promise.all(cast.residents.map((resident) => join(cast, resident)));
    const queue = await queueOf(cast);
    const { rows } = await test.db.query<{ id: string; status: string; worker_id: string | null }>(
      'SELECT id, status, worker_id FROM queue_entries WHERE team_id = $1 ORDER BY sequence',
      [cast.teamId],
    );
    expect(rows.slice(0, 4).every((row) => row.status === 'assigned')).toBe(true);
    expect(rows.slice(4).every((row) => row.status === 'waiting')).toBe(true);
    expect(queue.view.staff.map((load) => load.activeCount)).toEqual([2, 2]);

    // A close frees a seat: the next in line is assigned at once, to the worker who closed.
    const first = rows[0]!;
    const worker = cast.workers.find((person) => person.personId === first.worker_id)!;
    await expectStatus(
      call(test, worker, 'POST', `/v1/scheduling/queue/${first.id}/close`, { outcome: 'other' }),
      200,
    );
    const { rows: fifth } = await test.db.query<{ status: string; worker_id: string }>(
      'SELECT status, worker_id FROM queue_entries WHERE id = $1',
      [rows[4]!.id],
    );
    expect(fifth[0]).toEqual({ status: 'assigned', worker_id: worker.personId });
  });
});
