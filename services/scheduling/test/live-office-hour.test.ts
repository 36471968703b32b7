import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  QueueConversation,
  ResidentQueueEntry,
  SchedulingNotification,
  TeamQueue,
} from '@spreekuur/protocol/scheduling';
import { opaque, pairwiseEnvelope } from '@spreekuur/testing/chat';
import { expectOk } from '@spreekuur/testing/http';
import { connect, emitWithAck, waitFor, waitUntil } from '@spreekuur/testing/socket';
import {
  ALWAYS_OPEN,
  call,
  seedCast,
  startScheduling,
  type Person,
  type SchedulingTestApp,
} from './fixtures.ts';

/**
 * A full office hour on the scheduling service, on whichever backends this run uses (embedded,
 * or PostgreSQL and Redis): live queue over socket.io, encrypted messages in the conversation's
 * channel (opaque envelopes: the server cannot tell them from ciphertext), transfer and close.
 */
let test: SchedulingTestApp;
beforeAll(async () => {
  test = await startScheduling();
});
afterAll(() => test.close({ dispose: true }));

type ChatEvent = { kind: string; channelId: string; seq: number; ciphertext?: string | null };

describe('a chat office hour', () => {
  it('resident joins and sees the place change live; a worker picks up, they chat, transfer, close', async () => {
    const cast = await seedCast(test, { workers: 2, residents: 2 });
    const team = { id: cast.teamId };
    const [worker, colleague] = cast.workers as [Person, Person];
    const [resident, second] = cast.residents as [Person, Person];
    const teamUrl = `/v1/scheduling/teams/${team.id}`;
    await expectOk(test, worker, 'PUT', `${teamUrl}/office-hours`, ALWAYS_OPEN);
    await expectOk(test, worker, 'PUT', `${teamUrl}/duty`, { onDuty: true });
    await expectOk(test, colleague, 'PUT', `${teamUrl}/duty`, { onDuty: true });

    const sockets = [worker, colleague, resident, second].map((actor) => connect(test, actor.token));
    const [workerSocket, colleagueSocket, residentSocket, secondSocket] = sockets as [
      (typeof sockets)[0],
      (typeof sockets)[0],
      (typeof sockets)[0],
      (typeof sockets)[0],
    ];
    await Promise.all(sockets.map((socket) => waitFor(socket, 'connect')));
    try {
      // Workers watch the queue; residents may not.
      const watched = await emitWithAck<TeamQueue>(workerSocket, 'scheduling:queue:watch', {
        teamId: team.id,
      });
      expect(watched).toMatchObject({
        ok: true,
        data: { teamId: team.id, view: { mode: 'open', waiting: [] } },
      });
      const refused = await emitWithAck(residentSocket, 'scheduling:queue:watch', { teamId: team.id });
      expect(refused).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN' } });

      // Two residents join; the worker's screen shows them as they arrive.
      const seesOne = waitUntil<TeamQueue>(
        workerSocket,
        'scheduling:queue',
        (q) => q.view.waiting.length === 1,
      );
      const first = await expectOk<ResidentQueueEntry>(test, resident, 'POST', `${teamUrl}/queue`, {}, 201);
      expect(first.view).toMatchObject({ status: 'waiting', position: 1, mode: 'open' });
      await seesOne;
      const secondSeesTwo = waitUntil<ResidentQueueEntry>(
        secondSocket,
        'scheduling:queue:entry',
        (entry) => entry.view?.status === 'waiting' && entry.view.position === 2,
      );
      const other = await expectOk<ResidentQueueEntry>(test, second, 'POST', `${teamUrl}/queue`, {}, 201);
      await secondSeesTwo;

      // The worker picks up the first resident; the second moves up to place 1, live.
      const movedUp = waitUntil<ResidentQueueEntry>(
        secondSocket,
        'scheduling:queue:entry',
        (entry) => entry.view?.status === 'waiting' && entry.view.position === 1,
      );
      const pickedUp = waitUntil<ResidentQueueEntry>(
        residentSocket,
        'scheduling:queue:entry',
        (entry) => entry.view?.status === 'assigned',
      );
      const picked = await expectOk<QueueConversation>(test, worker, 'POST', `${teamUrl}/queue/pick`, {
        expectedEntryId: first.entryId,
      });
      expect(picked).toMatchObject({
        entryId: first.entryId,
        workerId: worker.personId,
        channelId: first.channelId,
      });
      const update = await movedUp;
      expect(update.view).toMatchObject({ position: 1, waitEstimate: { kind: 'estimate' } });
      await pickedUp;
      const told = await call<{ notifications: SchedulingNotification[] }>(
        test,
        resident,
        'GET',
        '/v1/scheduling/notifications',
      );
      expect(told.body.notifications.map((note) => note.kind)).toEqual(['conversation_assigned']);

      // Who takes part follows the queue: the worker cannot add an outsider (here the other
      // resident) to this resident's question, nor remove the resident, by hand.
      const channelId = first.channelId;
      const byHand = [
        await call<{ error: { code: string } }>(test, worker, 'POST', `/v1/channels/${channelId}/members`, {
          personId: second.personId,
        }),
        await call<{ error: { code: string } }>(
          test,
          worker,
          'DELETE',
          `/v1/channels/${channelId}/members/${resident.personId}`,
        ),
      ];
      expect(byHand.map((r) => [r.status, r.body.error.code])).toEqual([
        [409, 'ERR_CHAT_MANAGED_BY_QUEUE'],
        [409, 'ERR_CHAT_MANAGED_BY_QUEUE'],
      ]);

      // They exchange encrypted messages in the conversation's channel; each device receives
      // exactly the ciphertext made for it.
      const arrives = (socket: typeof workerSocket, ciphertext: string) =>
        waitUntil<ChatEvent>(
          socket,
          'chat:event',
          (e) => e.channelId === channelId && e.kind === 'message' && e.ciphertext === ciphertext,
        );
      const forDevice = (
        envelope: { payloads: Array<{ deviceId: string; ciphertext: string }> },
        deviceId: string,
      ) => envelope.payloads.find((p) => p.deviceId === deviceId)!.ciphertext;
      const question = await pairwiseEnvelope(test, resident, channelId);
      expect(question.payloads.map((p) => p.deviceId).sort()).toEqual(
        [worker.deviceId, colleague.deviceId].sort(),
      );
      const toWorker = arrives(workerSocket, forDevice(question, worker.deviceId));
      await expectOk(test, resident, 'POST', '/v1/messages', question);
      await toWorker;
      const answer = await pairwiseEnvelope(test, worker, channelId);
      const toResident = arrives(residentSocket, forDevice(answer, resident.deviceId));
      await expectOk(test, worker, 'POST', '/v1/messages', answer);
      await toResident;

      // Transfer to the colleague (on duty, and a reader since the resident joined).
      const handedOver = waitUntil<SchedulingNotification>(
        colleagueSocket,
        'scheduling:notification',
        (note) => note.kind === 'conversation_assigned',
      );
      const transferred = await expectOk<QueueConversation>(
        test,
        worker,
        'POST',
        `/v1/scheduling/queue/${first.entryId}/transfer`,
        { toWorkerId: colleague.personId },
      );
      expect(transferred.workerId).toBe(colleague.personId);
      expect(await handedOver).toMatchObject({ entryId: first.entryId, channelId });
      // The colleague has had the conversation all along: the first question is in their log.
      const history = await expectOk<{ events: ChatEvent[] }>(
        test,
        colleague,
        'GET',
        `/v1/channels/${channelId}/events`,
      );
      expect(history.events.filter((e) => e.kind === 'message')).toHaveLength(2);
      const reply = await pairwiseEnvelope(test, colleague, channelId);
      const fromColleague = arrives(residentSocket, forDevice(reply, resident.deviceId));
      await expectOk(test, colleague, 'POST', '/v1/messages', reply);
      await fromColleague;

      // The colleague closes with an outcome: the resident sees it end; the workers leave the channel.
      const ended = waitUntil<ResidentQueueEntry>(
        residentSocket,
        'scheduling:queue:entry',
        (entry) => entry.ended !== null,
      );
      await expectOk(test, colleague, 'POST', `/v1/scheduling/queue/${first.entryId}/close`, {
        outcome: 'resolved',
      });
      expect(await ended).toMatchObject({ view: null, ended: { reason: 'closed', outcome: 'resolved' } });
      const channel = await expectOk<{ members: Array<{ personId: string }> }>(
        test,
        resident,
        'GET',
        `/v1/channels/${channelId}`,
      );
      expect(channel.members.map((m) => m.personId)).toEqual([resident.personId]);
      const late = await call<{ error: { code: string } }>(test, worker, 'POST', '/v1/messages', {
        channelId,
        clientId: crypto.randomUUID(),
        kind: 'pairwise',
        payloads: [{ deviceId: resident.deviceId, ciphertext: opaque() }],
      });
      expect(late.body.error.code).toBe('ERR_CHAT_NOT_MEMBER');

      // The second resident leaves; the worker's screen empties.
      const empty = waitUntil<TeamQueue>(
        workerSocket,
        'scheduling:queue',
        (q) => q.view.waiting.length === 0,
      );
      expect((await call(test, second, 'DELETE', `/v1/scheduling/queue/${other.entryId}`)).status).toBe(204);
      await empty;
      expect(await emitWithAck(workerSocket, 'scheduling:queue:unwatch', { teamId: team.id })).toEqual({
        ok: true,
        data: {},
      });
    } finally {
      for (const socket of sockets) socket.close();
    }
  });
});
