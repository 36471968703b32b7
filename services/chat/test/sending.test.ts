import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opaque, pairwiseEnvelope } from '@spreekuur/testing/chat';
import { api } from '@spreekuur/testing/http';
import { connect, waitFor } from '@spreekuur/testing/socket';
import { cast, count, linkDevice, startChat, type ErrorBody, type Event, type TestChat } from './fixtures.ts';

/** Sending: storing, acknowledging, fanning out each device's own ciphertext, idempotent resends, refused envelopes. */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

describe('sending', () => {
  it('stores, acknowledges with the next sequence number, and pushes each device only its own ciphertext', async () => {
    const { worker, resident, direct } = await cast(chat, 'send');
    const tablet = await linkDevice(chat, resident);
    const phoneSocket = connect(chat, resident.token);
    const tabletSocket = connect(chat, tablet.token);
    await Promise.all([waitFor(phoneSocket, 'connect'), waitFor(tabletSocket, 'connect')]);
    const onPhone = waitFor<Event>(phoneSocket, 'chat:event');
    const onTablet = waitFor<Event>(tabletSocket, 'chat:event');

    const envelope = await pairwiseEnvelope(chat, worker, direct.id);
    expect(envelope.payloads.map((p) => p.deviceId).sort()).toEqual(
      [resident.deviceId, tablet.deviceId].sort(),
    );
    const ack = await api<{ seq: number; duplicate: boolean }>(
      chat,
      worker,
      'POST',
      '/v1/messages',
      envelope,
    );
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ seq: 3, duplicate: false }); // 1 and 2: both members joined

    const [phoneEvent, tabletEvent] = await Promise.all([onPhone, onTablet]);
    const forPhone = envelope.payloads.find((p) => p.deviceId === resident.deviceId)!.ciphertext;
    const forTablet = envelope.payloads.find((p) => p.deviceId === tablet.deviceId)!.ciphertext;
    expect(phoneEvent).toMatchObject({ kind: 'message', seq: 3, ciphertext: forPhone });
    expect(tabletEvent).toMatchObject({ kind: 'message', seq: 3, ciphertext: forTablet });
    phoneSocket.close();
    tabletSocket.close();
  });

  it('a resend with the same client id returns the first ack and stores nothing new', async () => {
    const { worker, direct } = await cast(chat, 'idempotent');
    const envelope = await pairwiseEnvelope(chat, worker, direct.id);
    const first = await api<{ seq: number; createdAt: string }>(
      chat,
      worker,
      'POST',
      '/v1/messages',
      envelope,
    );
    const events = await count(chat, 'SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1', [
      direct.id,
    ]);
    const again = await api<{ seq: number; duplicate: boolean; createdAt: string }>(
      chat,
      worker,
      'POST',
      '/v1/messages',
      envelope,
    );
    expect(again.body).toEqual({
      channelId: direct.id,
      seq: first.body.seq,
      createdAt: first.body.createdAt,
      duplicate: true,
    });
    expect(
      await count(chat, 'SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1', [direct.id]),
    ).toBe(events);
  });

  it('concurrent resends of one envelope store it exactly once', async () => {
    const { worker, direct } = await cast(chat, 'idempotent-race');
    const envelope = await pairwiseEnvelope(chat, worker, direct.id);
    const acks = await Promise.all(
      Array.from({ length: 6 }, () => api<{ seq: number }>(chat, worker, 'POST', '/v1/messages', envelope)),
    );
    expect(new Set(acks.map((ack) => ack.body.seq)).size).toBe(1);
    expect(
      await count(
        chat,
        `SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1 AND kind = 'message'`,
        [direct.id],
      ),
    ).toBe(1);
  });

  it('refuses an envelope that misses a device or addresses a stranger, naming both', async () => {
    const { worker, resident, direct } = await cast(chat, 'mismatch');
    const tablet = await linkDevice(chat, resident);
    const stale = {
      channelId: direct.id,
      clientId: randomUUID(),
      kind: 'pairwise',
      payloads: [
        { deviceId: resident.deviceId, ciphertext: opaque() },
        { deviceId: worker.deviceId, ciphertext: opaque() }, // the sender's own device is never a recipient
      ],
    };
    const refused = await api<ErrorBody>(chat, worker, 'POST', '/v1/messages', stale);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'ERR_CHAT_DEVICES_CHANGED',
      mismatch: { missing: [tablet.deviceId], extra: [worker.deviceId] },
    });
    expect(
      await count(
        chat,
        `SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1 AND kind = 'message'`,
        [direct.id],
      ),
    ).toBe(0);
  });

  it('refuses oversized envelopes cleanly and stores nothing', async () => {
    const { worker, resident, direct } = await cast(chat, 'oversize');
    const response = await api<ErrorBody>(chat, worker, 'POST', '/v1/messages', {
      channelId: direct.id,
      clientId: randomUUID(),
      kind: 'pairwise',
      payloads: [{ deviceId: resident.deviceId, ciphertext: opaque(5000) }],
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('ERR_CHAT_ENVELOPE_TOO_LARGE');
  });

  it('answers over socket.io too, with the same ack and error shapes', async () => {
    const { worker, direct } = await cast(chat, 'socket-send');
    const socket = connect(chat, worker.token);
    await waitFor(socket, 'connect');
    const ack = (await socket.emitWithAck('chat:send', await pairwiseEnvelope(chat, worker, direct.id))) as {
      ok: boolean;
      data: { seq: number };
    };
    expect(ack).toMatchObject({ ok: true, data: { seq: 3 } });
    const bad = (await socket.emitWithAck('chat:send', { channelId: direct.id, kind: 'pairwise' })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(bad).toMatchObject({ ok: false, error: { code: 'ERR_BAD_REQUEST' } });
    socket.close();
  });
});
