import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendPairwise } from '@spreekuur/testing/chat';
import { api } from '@spreekuur/testing/http';
import { connect, waitFor } from '@spreekuur/testing/socket';
import { addPerson, cast, startChat, type Event, type TestChat } from './fixtures.ts';

/** Catch-up: a device that was offline gets everything after its cursor; a new member sees from their joining on. */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

describe('catch-up', () => {
  it('gives a device that was offline everything after its cursor, in order, once', async () => {
    const { worker, resident, direct } = await cast(chat, 'catch-up');
    for (let i = 0; i < 5; i++) await sendPairwise(chat, worker, direct.id);
    const socket = connect(chat, resident.token);
    await waitFor(socket, 'connect');
    const sync = (await socket.emitWithAck('chat:sync', {})) as {
      ok: boolean;
      data: { channels: Array<{ id: string; lastSeq: number; deliveredSeq: number }> };
    };
    const summary = sync.data.channels.find((c) => c.id === direct.id)!;
    expect(summary).toMatchObject({ lastSeq: 7, deliveredSeq: 0 });

    const firstPage = await api<{ events: Event[] }>(
      chat,
      resident,
      'GET',
      `/v1/channels/${direct.id}/events?after=0&limit=4`,
    );
    const lastOfFirst = firstPage.body.events.at(-1)!.seq;
    const secondPage = await api<{ events: Event[] }>(
      chat,
      resident,
      'GET',
      `/v1/channels/${direct.id}/events?after=${lastOfFirst}&limit=4`,
    );
    const seqs = [...firstPage.body.events, ...secondPage.body.events].map((e) => e.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(
      secondPage.body.events.every((e) => e.kind !== 'message' || typeof e.ciphertext === 'string'),
    ).toBe(true);

    const receipt = (await socket.emitWithAck('chat:receipts', {
      receipts: [{ channelId: direct.id, deliveredSeq: 7 }],
    })) as { ok: boolean };
    expect(receipt.ok).toBe(true);
    const after = (await socket.emitWithAck('chat:sync', {})) as typeof sync;
    expect(after.data.channels.find((c) => c.id === direct.id)!.deliveredSeq).toBe(7);
    socket.close();
  });

  it('shows a new group member the log from their joining on, not before', async () => {
    const org = await cast(chat, 'join-window');
    const { worker, resident } = org;
    const group = (
      await api<{ id: string }>(chat, worker, 'POST', '/v1/channels/groups', {
        name: 'Assertiviteit',
        memberIds: [resident.personId],
      })
    ).body;
    await sendPairwise(chat, worker, group.id);
    const late = await addPerson(chat, org, 'resident', 'Later');
    await api(chat, worker, 'POST', `/v1/channels/${group.id}/members`, { personId: late.personId });
    const history = await api<{ events: Event[] }>(chat, late, 'GET', `/v1/channels/${group.id}/events`);
    expect(history.body.events.map((e) => e.kind)).toEqual(['member_added']);
    expect(history.body.events[0]!.personId).toBe(late.personId);
  });
});
