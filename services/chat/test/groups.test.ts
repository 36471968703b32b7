import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelDevices, opaque, pairwiseEnvelope } from '@spreekuur/testing/chat';
import { api } from '@spreekuur/testing/http';
import { holdTransaction, unlessBlockedBy, untilWaitingFor } from '@spreekuur/testing/locks';
import { connect, waitFor } from '@spreekuur/testing/socket';
import { addPerson, cast, count, startChat, type ErrorBody, type Event, type TestChat } from './fixtures.ts';

/** Groups: removing members (live and against concurrent sends), the locks membership changes take, moderator roles. */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

describe('groups', () => {
  it('stores membership proofs opaque and relays them with the entries; a client-chosen channel id is taken once', async () => {
    const org = await cast(chat, 'group-proofs');
    const { worker, resident } = org;
    const second = await addPerson(chat, org, 'resident', 'Tweede');
    const proof = (afterSeq: number) => ({ deviceId: worker.deviceId, afterSeq, signature: opaque() });
    const channelId = randomUUID();
    const [owner, founder] = [proof(0), proof(0)];
    const created = await api<{ id: string }>(chat, worker, 'POST', '/v1/channels/groups', {
      name: 'Groep',
      memberIds: [resident.personId],
      channelId,
      memberProofs: [
        { personId: worker.personId, proof: owner },
        { personId: resident.personId, proof: founder },
      ],
    });
    expect(created.body.id).toBe(channelId);
    const again = await api<ErrorBody>(chat, worker, 'POST', '/v1/channels/groups', {
      name: 'Nog een',
      channelId,
    });
    expect(again.body.error.code).toBe('ERR_CONFLICT');
    const added = proof(2);
    await api(chat, worker, 'POST', `/v1/channels/${channelId}/members`, {
      personId: second.personId,
      proof: added,
    });
    const log = await api<{ events: Event[] }>(chat, resident, 'GET', `/v1/channels/${channelId}/events`);
    const entries = log.body.events as Array<{ kind: string; personId?: string; proof?: unknown }>;
    expect(entries.filter((e) => e.kind === 'member_added').map((e) => [e.personId, e.proof])).toEqual([
      [worker.personId, owner],
      [resident.personId, founder],
      [second.personId, added],
    ]);
  });

  it('a removed member gets no further messages and loses access; group envelopes must drop their devices', async () => {
    const org = await cast(chat, 'group-remove');
    const { worker, resident } = org;
    const second = await addPerson(chat, org, 'resident', 'Tweede');
    const group = (
      await api<{ id: string }>(chat, worker, 'POST', '/v1/channels/groups', {
        name: 'Groep',
        memberIds: [resident.personId, second.personId],
      })
    ).body;
    const everyone = await channelDevices(chat, worker, group.id);

    const socket = connect(chat, second.token);
    await waitFor(socket, 'connect');
    const removal = waitFor<Event>(socket, 'chat:event');
    expect(
      (await api(chat, worker, 'DELETE', `/v1/channels/${group.id}/members/${second.personId}`)).status,
    ).toBe(204);
    expect(await removal).toMatchObject({ kind: 'member_removed', personId: second.personId });

    const stale = {
      channelId: group.id,
      clientId: randomUUID(),
      kind: 'group',
      ciphertext: opaque(),
      recipientDeviceIds: everyone,
    };
    const refused = await api<ErrorBody>(chat, worker, 'POST', '/v1/messages', stale);
    expect(refused.body.error.mismatch).toEqual({ missing: [], extra: [second.deviceId] });

    let received = false;
    socket.on('chat:event', () => (received = true));
    const current = everyone.filter((deviceId) => deviceId !== second.deviceId);
    const sent = await api(chat, worker, 'POST', '/v1/messages', {
      ...stale,
      clientId: randomUUID(),
      recipientDeviceIds: current,
    });
    expect(sent.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toBe(false);
    // Their history ends with their own removal (a device offline then still learns of it).
    const theirs = await api<{ events: Event[]; lastSeq: number }>(
      chat,
      second,
      'GET',
      `/v1/channels/${group.id}/events`,
    );
    const removedAt = (await removal).seq;
    expect(theirs.body.lastSeq).toBe(removedAt);
    expect(theirs.body.events.at(-1)).toMatchObject({ kind: 'member_removed', seq: removedAt });
    expect(theirs.body.events.every((event) => event.seq <= removedAt)).toBe(true);
    const sync = (await socket.emitWithAck('chat:sync', {})) as {
      data: { channels: Array<{ id: string; lastSeq: number; leftSeq?: number }> };
    };
    expect(sync.data.channels.find((channel) => channel.id === group.id)).toMatchObject({
      lastSeq: removedAt,
      leftSeq: removedAt,
    });
    // Once the device confirms it has everything up to its removal, the channel is gone from sync.
    await api(chat, second, 'POST', '/v1/receipts', {
      receipts: [{ channelId: group.id, deliveredSeq: removedAt + 5 }],
    });
    const after = (await socket.emitWithAck('chat:sync', {})) as {
      data: { channels: Array<{ id: string }> };
    };
    expect(after.data.channels.map((channel) => channel.id)).not.toContain(group.id);
    // Sending and everything else stays refused.
    expect(
      (await api<ErrorBody>(chat, second, 'GET', `/v1/channels/${group.id}/devices`)).body.error.code,
    ).toBe('ERR_CHAT_NOT_MEMBER');
    socket.close();
  });

  it('a send that waited for a removal to commit is refused: membership is read after the lock', async () => {
    const { resident, direct } = await cast(chat, 'removal-race');
    const envelope = await pairwiseEnvelope(chat, resident, direct.id);
    // A remover holds the channel lock and has ended the membership, not yet committed.
    const remover = await holdTransaction(chat.db, async (tx) => {
      const { rows } = await tx.query<{ seq: number }>(
        'UPDATE channels SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq AS seq',
        [direct.id],
      );
      await tx.query('UPDATE channel_members SET left_seq = $3 WHERE channel_id = $1 AND person_id = $2', [
        direct.id,
        resident.personId,
        rows[0]!.seq,
      ]);
    });
    const send = api<ErrorBody>(chat, resident, 'POST', '/v1/messages', envelope);
    // Embedded PostgreSQL runs one transaction at a time: the send simply waits its turn.
    await untilWaitingFor(chat.db, remover, send);
    await remover.release();
    const refused = await send;
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ERR_CHAT_NOT_MEMBER');
    expect(
      await count(
        chat,
        `SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1 AND kind = 'message'`,
        [direct.id],
      ),
    ).toBe(0);
  });

  // Inserting a row that references a channel or an organisation (a file, an audit entry) holds
  // KEY SHARE on it until commit. The locks Spreekuur takes must not conflict with that, or a
  // membership change and an upload in the same organisation deadlock each other.
  it.skipIf(!process.env.DATABASE_URL)(
    'membership changes and uploads are not blocked by rows that reference the channel or organisation',
    async () => {
      const { worker, resident, organisation } = await cast(chat, 'fk-locks');
      const group = (
        await api<{ id: string }>(chat, worker, 'POST', '/v1/channels/groups', {
          name: 'Groep',
          memberIds: [resident.personId],
        })
      ).body;
      const holder = await holdTransaction(chat.db, async (tx) => {
        await tx.query('SELECT 1 FROM channels WHERE id = $1 FOR KEY SHARE', [group.id]);
        await tx.query('SELECT 1 FROM organisations WHERE id = $1 FOR KEY SHARE', [organisation.id]);
      });
      try {
        const removal = await unlessBlockedBy(
          chat.db,
          holder.pid!,
          api(chat, worker, 'DELETE', `/v1/channels/${group.id}/members/${resident.personId}`),
        );
        expect(removal === 'blocked' ? removal : removal.status).toBe(204);
        const upload = await unlessBlockedBy(
          chat.db,
          holder.pid!,
          api(chat, worker, 'POST', '/v1/files', { channelId: group.id, size: 40_000, chunkSize: 16_384 }),
        );
        expect(upload === 'blocked' ? upload : upload.status).toBe(201);
      } finally {
        await holder.release();
      }
    },
  );

  it('only moderators manage members; members may leave', async () => {
    const { worker, resident } = await cast(chat, 'group-roles');
    const group = (
      await api<{ id: string }>(chat, worker, 'POST', '/v1/channels/groups', {
        name: 'Groep',
        memberIds: [resident.personId],
      })
    ).body;
    expect(
      (await api<ErrorBody>(chat, resident, 'DELETE', `/v1/channels/${group.id}/members/${worker.personId}`))
        .body.error.code,
    ).toBe('ERR_CHAT_ROLE_REQUIRED');
    expect(
      (await api(chat, resident, 'DELETE', `/v1/channels/${group.id}/members/${resident.personId}`)).status,
    ).toBe(204);
  });
});
