import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairwiseEnvelope, sendPairwise, uploadFile } from '@spreekuur/testing/chat';
import { api } from '@spreekuur/testing/http';
import { cast, count, startChat, type ErrorBody, type Event, type TestChat } from './fixtures.ts';

/** Message lifecycle: delete for everyone, attachments, disappearing messages, edits. */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

describe('message lifecycle', () => {
  it('delete for everyone removes the ciphertext from storage and logs a tombstone', async () => {
    const { worker, resident, direct } = await cast(chat, 'delete');
    const { seq } = await sendPairwise(chat, worker, direct.id);
    expect(
      (await api<ErrorBody>(chat, resident, 'DELETE', `/v1/channels/${direct.id}/messages/${seq}`)).body.error
        .code,
    ).toBe('ERR_CHAT_NOT_OWN_MESSAGE');
    const deleted = await api<{ seq: number }>(
      chat,
      worker,
      'DELETE',
      `/v1/channels/${direct.id}/messages/${seq}`,
    );
    expect(deleted.status).toBe(200);
    expect(
      await count(
        chat,
        'SELECT count(*)::int AS n FROM channel_event_payloads WHERE channel_id = $1 AND seq = $2',
        [direct.id, seq],
      ),
    ).toBe(0);
    const history = await api<{ events: Event[] }>(
      chat,
      resident,
      'GET',
      `/v1/channels/${direct.id}/events?after=${seq - 1}`,
    );
    expect(history.body.events).toMatchObject([
      { seq, kind: 'message', deleted: true, ciphertext: null },
      { seq: deleted.body.seq, kind: 'message_deleted', targetSeq: seq },
    ]);
  });

  it('a message attaches only its sender’s own files, and deleting it keeps files an edit still attaches', async () => {
    const { worker, resident, direct } = await cast(chat, 'file-owner');
    const file = await uploadFile(chat, worker, direct.id);
    const fileState = async () =>
      (
        await chat.db.query<{ deleted: boolean }>(
          'SELECT deleted_at IS NOT NULL AS deleted FROM files WHERE id = $1',
          [file.id],
        )
      ).rows[0]!.deleted;

    // The resident cannot attach the worker's file (and so could not erase it by deleting).
    const borrowed = await api<ErrorBody>(chat, resident, 'POST', '/v1/messages', {
      ...(await pairwiseEnvelope(chat, resident, direct.id)),
      fileIds: [file.id],
    });
    expect(borrowed.status).toBe(400);
    expect(await fileState()).toBe(false);

    // The worker sends it, edits the message (the edit attaches it again), deletes the original.
    const original = await api<{ seq: number }>(chat, worker, 'POST', '/v1/messages', {
      ...(await pairwiseEnvelope(chat, worker, direct.id)),
      fileIds: [file.id],
    });
    const edit = await api<{ seq: number }>(chat, worker, 'POST', '/v1/messages', {
      ...(await pairwiseEnvelope(chat, worker, direct.id)),
      fileIds: [file.id],
      replacesSeq: original.body.seq,
    });
    expect(edit.status).toBe(200);
    await api(chat, worker, 'DELETE', `/v1/channels/${direct.id}/messages/${original.body.seq}`);
    expect(await fileState()).toBe(false);
    await api(chat, worker, 'DELETE', `/v1/channels/${direct.id}/messages/${edit.body.seq}`);
    expect(await fileState()).toBe(true);
  });

  it('disappearing messages: the server deletes the ciphertext when the timer runs out', async () => {
    const { worker, resident, direct } = await cast(chat, 'disappearing');
    expect(
      (await api(chat, resident, 'PUT', `/v1/channels/${direct.id}/settings`, { disappearingSeconds: 60 }))
        .status,
    ).toBe(200);
    const { seq } = await sendPairwise(chat, worker, direct.id);
    await chat.app.chat.sweep();
    expect(
      await count(
        chat,
        'SELECT count(*)::int AS n FROM channel_event_payloads WHERE channel_id = $1 AND seq = $2',
        [direct.id, seq],
      ),
    ).toBe(1);
    chat.advanceClock(61_000);
    try {
      expect((await chat.app.chat.sweep()).messages).toBeGreaterThanOrEqual(1);
    } finally {
      chat.advanceClock(-61_000);
    }
    expect(
      await count(
        chat,
        'SELECT count(*)::int AS n FROM channel_event_payloads WHERE channel_id = $1 AND seq = $2',
        [direct.id, seq],
      ),
    ).toBe(0);
    const history = await api<{ events: Event[] }>(
      chat,
      resident,
      'GET',
      `/v1/channels/${direct.id}/events?after=${seq - 1}`,
    );
    expect(history.body.events[0]).toMatchObject({ seq, deleted: true, ciphertext: null });
  });

  it('an edit refers to the sender’s own earlier message only', async () => {
    const { worker, resident, direct } = await cast(chat, 'edit');
    const { seq } = await sendPairwise(chat, worker, direct.id);
    const byOther = { ...(await pairwiseEnvelope(chat, resident, direct.id)), replacesSeq: seq };
    expect((await api<ErrorBody>(chat, resident, 'POST', '/v1/messages', byOther)).body.error.code).toBe(
      'ERR_CHAT_NOT_OWN_MESSAGE',
    );
    const edit = { ...(await pairwiseEnvelope(chat, worker, direct.id)), replacesSeq: seq };
    expect((await api(chat, worker, 'POST', '/v1/messages', edit)).status).toBe(200);
  });
});
