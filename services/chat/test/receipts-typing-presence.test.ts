import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendPairwise } from '@spreekuur/testing/chat';
import { api } from '@spreekuur/testing/http';
import { connect, waitFor } from '@spreekuur/testing/socket';
import { cast, count, startChat, type ErrorBody, type TestChat } from './fixtures.ts';

/** Receipts, typing and presence. */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

describe('receipts, typing and presence', () => {
  it('delivered and read cursors only move forward and reach the sender live', async () => {
    const { worker, resident, direct } = await cast(chat, 'receipts');
    const { seq } = await sendPairwise(chat, worker, direct.id);
    const workerSocket = connect(chat, worker.token);
    await waitFor(workerSocket, 'connect');
    const receipt = waitFor<{ personId: string; readSeq: number; deliveredSeq: number }>(
      workerSocket,
      'chat:receipt',
    );
    await api(chat, resident, 'POST', '/v1/receipts', {
      receipts: [{ channelId: direct.id, readSeq: seq }],
    });
    expect(await receipt).toMatchObject({ personId: resident.personId, readSeq: seq, deliveredSeq: seq });
    await api(chat, resident, 'POST', '/v1/receipts', {
      receipts: [{ channelId: direct.id, readSeq: 1, deliveredSeq: 99 }],
    });
    const cursors = await api<{
      receipts: Array<{ deviceId: string; readSeq: number; deliveredSeq: number }>;
    }>(chat, worker, 'GET', `/v1/channels/${direct.id}/receipts`);
    // Stays at seq: never backwards, never past the end of the log.
    expect(cursors.body.receipts.find((r) => r.deviceId === resident.deviceId)).toMatchObject({
      readSeq: seq,
      deliveredSeq: seq,
    });
    workerSocket.close();
  });

  it('a batch of receipts with one channel the device may not see moves no cursor', async () => {
    const { worker, resident, direct } = await cast(chat, 'receipts-batch');
    const stranger = await cast(chat, 'receipts-elsewhere');
    const { seq } = await sendPairwise(chat, worker, direct.id);
    const refused = await api<ErrorBody>(chat, resident, 'POST', '/v1/receipts', {
      receipts: [
        { channelId: direct.id, readSeq: seq },
        { channelId: stranger.direct.id, readSeq: 1 },
      ],
    });
    expect(refused.status).toBe(404);
    expect(
      await count(chat, 'SELECT count(*)::int AS n FROM device_channel_cursors WHERE device_id = $1', [
        resident.deviceId,
      ]),
    ).toBe(0);
  });

  it('typing reaches the other members and is never stored', async () => {
    const { worker, resident, direct } = await cast(chat, 'typing');
    const [w, r] = [connect(chat, worker.token), connect(chat, resident.token)];
    await Promise.all([waitFor(w, 'connect'), waitFor(r, 'connect')]);
    const seen = waitFor<{ personId: string; typing: boolean }>(w, 'chat:typing');
    const events = await count(chat, 'SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1', [
      direct.id,
    ]);
    expect(
      ((await r.emitWithAck('chat:typing', { channelId: direct.id, typing: true })) as { ok: boolean }).ok,
    ).toBe(true);
    expect(await seen).toEqual({ channelId: direct.id, personId: resident.personId, typing: true });
    expect(
      await count(chat, 'SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1', [direct.id]),
    ).toBe(events);
    w.close();
    r.close();
  });

  it('shows presence to people who may talk, and a worker can hide it', async () => {
    const { worker, resident } = await cast(chat, 'presence');
    const residentSocket = connect(chat, resident.token);
    await waitFor(residentSocket, 'connect');
    const watch = (await residentSocket.emitWithAck('presence:watch', { personIds: [worker.personId] })) as {
      data: { presence: Array<{ status: string }> };
    };
    expect(watch.data.presence[0]!.status).toBe('offline');
    const online = waitFor<{ personId: string; status: string }>(residentSocket, 'presence:changed');
    const workerSocket = connect(chat, worker.token);
    await waitFor(workerSocket, 'connect');
    expect(await online).toEqual({ personId: worker.personId, status: 'online' });
    const hidden = waitFor<{ status: string }>(residentSocket, 'presence:changed');
    await workerSocket.emitWithAck('presence:set', { hidden: true });
    expect((await hidden).status).toBe('offline');
    workerSocket.close();
    residentSocket.close();
  });
});
