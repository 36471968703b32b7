import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelDevices,
  opaque,
  openDirect,
  pairwiseEnvelope,
  publishKeys,
  sendPairwise,
  uploadFile,
} from '@spreekuur/testing/chat';
import {
  api,
  connect,
  login,
  register,
  seedOrganisation,
  startGateway,
  waitFor,
  type Actor,
  type TestGateway,
} from './harness.ts';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startGateway({
    env: { MAX_ENVELOPE_BYTES: '4096', MAX_FILE_BYTES: '100000', ORG_STORAGE_QUOTA_BYTES: '150000' },
  });
});
afterAll(() => gateway.close());

type ErrorBody = { error: { code: string; mismatch?: { missing: string[]; extra: string[] } } };
type Event = {
  kind: string;
  seq: number;
  ciphertext?: string | null;
  deleted?: boolean;
  personId?: string;
  targetSeq?: number;
};

const count = async (sql: string, params: unknown[] = []) =>
  (await gateway.db.query<{ n: number }>(sql, params)).rows[0]!.n;

/** On real PostgreSQL: whether another connection waits for a lock held by `holderPid`. */
const isBlocking = async (holderPid: number) =>
  (await count('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))', [
    holderPid,
  ])) > 0;

/** Resolves once another connection waits for a lock held by `holderPid`. */
async function untilBlockedBy(holderPid: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    if (await isBlocking(holderPid)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no query started waiting for the lock');
}

/** Settles with `work`, or reports that it got stuck behind a lock held by `holderPid`. */
async function unlessBlockedBy<T>(holderPid: number, work: Promise<T>): Promise<T | 'blocked'> {
  let settled = false;
  const watched = work.finally(() => (settled = true));
  while (!settled) {
    if (await isBlocking(holderPid)) return 'blocked';
    await Promise.race([watched.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10))]);
  }
  return watched;
}

async function cast(slug: string) {
  const org = await seedOrganisation(gateway, slug);
  for (const actor of [org.worker, org.resident, org.admin]) await publishKeys(gateway, actor);
  const direct = await openDirect(gateway, org.worker, org.resident.personId);
  return { ...org, direct };
}

async function linkDevice(owner: Actor): Promise<Actor> {
  const link = (await api<{ code: string }>(gateway, owner, 'POST', '/v1/me/device-links')).body;
  const device = await register(gateway, link.code);
  const linked = { ...device, token: await login(gateway, device) };
  await publishKeys(gateway, linked);
  return linked;
}

describe('sending', () => {
  it('stores, acknowledges with the next sequence number, and pushes each device only its own ciphertext', async () => {
    const { worker, resident, direct } = await cast('send');
    const tablet = await linkDevice(resident);
    const phoneSocket = connect(gateway, resident.token);
    const tabletSocket = connect(gateway, tablet.token);
    await Promise.all([waitFor(phoneSocket, 'connect'), waitFor(tabletSocket, 'connect')]);
    const onPhone = waitFor<Event>(phoneSocket, 'chat:event');
    const onTablet = waitFor<Event>(tabletSocket, 'chat:event');

    const envelope = await pairwiseEnvelope(gateway, worker, direct.id);
    expect(envelope.payloads.map((p) => p.deviceId).sort()).toEqual(
      [resident.deviceId, tablet.deviceId].sort(),
    );
    const ack = await api<{ seq: number; duplicate: boolean }>(
      gateway,
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
    const { worker, direct } = await cast('idempotent');
    const envelope = await pairwiseEnvelope(gateway, worker, direct.id);
    const first = await api<{ seq: number; createdAt: string }>(
      gateway,
      worker,
      'POST',
      '/v1/messages',
      envelope,
    );
    const events = await count('SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1', [
      direct.id,
    ]);
    const again = await api<{ seq: number; duplicate: boolean; createdAt: string }>(
      gateway,
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
      await count('SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1', [direct.id]),
    ).toBe(events);
  });

  it('concurrent resends of one envelope store it exactly once', async () => {
    const { worker, direct } = await cast('idempotent-race');
    const envelope = await pairwiseEnvelope(gateway, worker, direct.id);
    const acks = await Promise.all(
      Array.from({ length: 6 }, () =>
        api<{ seq: number }>(gateway, worker, 'POST', '/v1/messages', envelope),
      ),
    );
    expect(new Set(acks.map((ack) => ack.body.seq)).size).toBe(1);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1 AND kind = 'message'`,
        [direct.id],
      ),
    ).toBe(1);
  });

  it('refuses an envelope that misses a device or addresses a stranger, naming both', async () => {
    const { worker, resident, direct } = await cast('mismatch');
    const tablet = await linkDevice(resident);
    const stale = {
      channelId: direct.id,
      clientId: randomUUID(),
      kind: 'pairwise',
      payloads: [
        { deviceId: resident.deviceId, ciphertext: opaque() },
        { deviceId: worker.deviceId, ciphertext: opaque() }, // the sender's own device is never a recipient
      ],
    };
    const refused = await api<ErrorBody>(gateway, worker, 'POST', '/v1/messages', stale);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'ERR_CHAT_DEVICES_CHANGED',
      mismatch: { missing: [tablet.deviceId], extra: [worker.deviceId] },
    });
    expect(
      await count(
        `SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1 AND kind = 'message'`,
        [direct.id],
      ),
    ).toBe(0);
  });

  it('refuses oversized envelopes cleanly and stores nothing', async () => {
    const { worker, resident, direct } = await cast('oversize');
    const response = await api<ErrorBody>(gateway, worker, 'POST', '/v1/messages', {
      channelId: direct.id,
      clientId: randomUUID(),
      kind: 'pairwise',
      payloads: [{ deviceId: resident.deviceId, ciphertext: opaque(5000) }],
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('ERR_CHAT_ENVELOPE_TOO_LARGE');
  });

  it('answers over socket.io too, with the same ack and error shapes', async () => {
    const { worker, direct } = await cast('socket-send');
    const socket = connect(gateway, worker.token);
    await waitFor(socket, 'connect');
    const ack = (await socket.emitWithAck(
      'chat:send',
      await pairwiseEnvelope(gateway, worker, direct.id),
    )) as { ok: boolean; data: { seq: number } };
    expect(ack).toMatchObject({ ok: true, data: { seq: 3 } });
    const bad = (await socket.emitWithAck('chat:send', { channelId: direct.id, kind: 'pairwise' })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(bad).toMatchObject({ ok: false, error: { code: 'ERR_BAD_REQUEST' } });
    socket.close();
  });
});

describe('access', () => {
  it('keeps non-members out of sending, history, devices, bundles and files', async () => {
    const { worker, resident, direct, team, admin } = await cast('non-member');
    const colleagueInvite = (
      await api<{ code: string }>(gateway, admin, 'POST', '/v1/invites', { role: 'worker', teamId: team.id })
    ).body;
    const colleague = await register(gateway, colleagueInvite.code, 'Collega');
    const outsider: Actor = { ...colleague, token: await login(gateway, colleague) };
    const file = await uploadFile(gateway, worker, direct.id, 1000);

    const envelope = { ...(await pairwiseEnvelope(gateway, worker, direct.id)), clientId: randomUUID() };
    expect((await api<ErrorBody>(gateway, outsider, 'POST', '/v1/messages', envelope)).body.error.code).toBe(
      'ERR_CHAT_NOT_MEMBER',
    );
    expect(
      (await api<ErrorBody>(gateway, outsider, 'GET', `/v1/channels/${direct.id}/events`)).body.error.code,
    ).toBe('ERR_CHAT_NOT_MEMBER');
    expect((await api(gateway, outsider, 'GET', `/v1/channels/${direct.id}/devices`)).status).toBe(403);
    expect((await api(gateway, outsider, 'GET', `/v1/files/${file.id}/content`)).status).toBe(403);
    // A colleague of the same team may fetch keys (they may talk); a resident of another team may not.
    expect(
      (await api(gateway, outsider, 'POST', '/v1/keys/bundles', { deviceIds: [resident.deviceId] })).status,
    ).toBe(200);
  });

  it('does not let residents reach each other directly, nor create groups', async () => {
    const { worker, resident, team } = await cast('residents');
    const invite = (
      await api<{ code: string }>(gateway, worker, 'POST', '/v1/invites', {
        role: 'resident',
        teamId: team.id,
      })
    ).body;
    const neighbour = await register(gateway, invite.code, 'Buurvrouw');
    expect(
      (
        await api<ErrorBody>(gateway, resident, 'POST', '/v1/channels/direct', {
          personId: neighbour.personId,
        })
      ).body.error.code,
    ).toBe('ERR_CHAT_CONTACT_NOT_ALLOWED');
    expect(
      (
        await api<ErrorBody>(gateway, resident, 'POST', '/v1/keys/bundles', {
          deviceIds: [neighbour.deviceId],
        })
      ).body.error.code,
    ).toBe('ERR_CHAT_CONTACT_NOT_ALLOWED');
    expect(
      (await api(gateway, resident, 'POST', '/v1/channels/groups', { name: 'Eigen groep' })).status,
    ).toBe(403);
  });
});

describe('catch-up', () => {
  it('gives a device that was offline everything after its cursor, in order, once', async () => {
    const { worker, resident, direct } = await cast('catch-up');
    for (let i = 0; i < 5; i++) await sendPairwise(gateway, worker, direct.id);
    const socket = connect(gateway, resident.token);
    await waitFor(socket, 'connect');
    const sync = (await socket.emitWithAck('chat:sync', {})) as {
      ok: boolean;
      data: { channels: Array<{ id: string; lastSeq: number; deliveredSeq: number }> };
    };
    const summary = sync.data.channels.find((c) => c.id === direct.id)!;
    expect(summary).toMatchObject({ lastSeq: 7, deliveredSeq: 0 });

    const firstPage = await api<{ events: Event[] }>(
      gateway,
      resident,
      'GET',
      `/v1/channels/${direct.id}/events?after=0&limit=4`,
    );
    const lastOfFirst = firstPage.body.events.at(-1)!.seq;
    const secondPage = await api<{ events: Event[] }>(
      gateway,
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
    const { worker, resident, team, admin } = await cast('join-window');
    const group = (
      await api<{ id: string }>(gateway, worker, 'POST', '/v1/channels/groups', {
        name: 'Assertiviteit',
        memberIds: [resident.personId],
      })
    ).body;
    await sendPairwise(gateway, worker, group.id);
    const invite = (
      await api<{ code: string }>(gateway, admin, 'POST', '/v1/invites', {
        role: 'resident',
        teamId: team.id,
      })
    ).body;
    const late = await register(gateway, invite.code, 'Later');
    const lateActor: Actor = { ...late, token: await login(gateway, late) };
    await api(gateway, worker, 'POST', `/v1/channels/${group.id}/members`, { personId: late.personId });
    const history = await api<{ events: Event[] }>(
      gateway,
      lateActor,
      'GET',
      `/v1/channels/${group.id}/events`,
    );
    expect(history.body.events.map((e) => e.kind)).toEqual(['member_added']);
    expect(history.body.events[0]!.personId).toBe(late.personId);
  });
});

describe('groups', () => {
  it('a removed member gets no further messages and loses access; group envelopes must drop their devices', async () => {
    const { worker, resident, team, admin } = await cast('group-remove');
    const invite = (
      await api<{ code: string }>(gateway, admin, 'POST', '/v1/invites', {
        role: 'resident',
        teamId: team.id,
      })
    ).body;
    const second = await register(gateway, invite.code, 'Tweede');
    const secondActor: Actor = { ...second, token: await login(gateway, second) };
    const group = (
      await api<{ id: string }>(gateway, worker, 'POST', '/v1/channels/groups', {
        name: 'Groep',
        memberIds: [resident.personId, second.personId],
      })
    ).body;
    const everyone = await channelDevices(gateway, worker, group.id);

    const socket = connect(gateway, secondActor.token);
    await waitFor(socket, 'connect');
    const removal = waitFor<Event>(socket, 'chat:event');
    expect(
      (await api(gateway, worker, 'DELETE', `/v1/channels/${group.id}/members/${second.personId}`)).status,
    ).toBe(204);
    expect(await removal).toMatchObject({ kind: 'member_removed', personId: second.personId });

    const stale = {
      channelId: group.id,
      clientId: randomUUID(),
      kind: 'group',
      ciphertext: opaque(),
      recipientDeviceIds: everyone,
    };
    const refused = await api<ErrorBody>(gateway, worker, 'POST', '/v1/messages', stale);
    expect(refused.body.error.mismatch).toEqual({ missing: [], extra: [second.deviceId] });

    let received = false;
    socket.on('chat:event', () => (received = true));
    const current = everyone.filter((deviceId) => deviceId !== second.deviceId);
    const sent = await api(gateway, worker, 'POST', '/v1/messages', {
      ...stale,
      clientId: randomUUID(),
      recipientDeviceIds: current,
    });
    expect(sent.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toBe(false);
    // Their history ends with their own removal (a device offline then still learns of it).
    const theirs = await api<{ events: Event[]; lastSeq: number }>(
      gateway,
      secondActor,
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
    await api(gateway, secondActor, 'POST', '/v1/receipts', {
      receipts: [{ channelId: group.id, deliveredSeq: removedAt + 5 }],
    });
    const after = (await socket.emitWithAck('chat:sync', {})) as {
      data: { channels: Array<{ id: string }> };
    };
    expect(after.data.channels.map((channel) => channel.id)).not.toContain(group.id);
    // Sending and everything else stays refused.
    expect(
      (await api<ErrorBody>(gateway, secondActor, 'GET', `/v1/channels/${group.id}/devices`)).body.error.code,
    ).toBe('ERR_CHAT_NOT_MEMBER');
    socket.close();
  });

  it('a send that waited for a removal to commit is refused: membership is read after the lock', async () => {
    const { resident, direct } = await cast('removal-race');
    const envelope = await pairwiseEnvelope(gateway, resident, direct.id);
    let send: Promise<{ status: number; body: ErrorBody }> | undefined;
    await gateway.db.transaction(async (tx) => {
      // A remover holds the channel lock and has ended the membership, not yet committed.
      const holder = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const { rows } = await tx.query<{ seq: number }>(
        'UPDATE channels SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq AS seq',
        [direct.id],
      );
      await tx.query('UPDATE channel_members SET left_seq = $3 WHERE channel_id = $1 AND person_id = $2', [
        direct.id,
        resident.personId,
        rows[0]!.seq,
      ]);
      send = api<ErrorBody>(gateway, resident, 'POST', '/v1/messages', envelope);
      // Embedded PostgreSQL runs one transaction at a time: the send simply waits its turn.
      if (gateway.db.kind === 'postgres') await untilBlockedBy(holder.rows[0]!.pid);
    });
    const refused = await send!;
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ERR_CHAT_NOT_MEMBER');
    expect(
      await count(
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
      const { worker, resident, organisation } = await cast('fk-locks');
      const group = (
        await api<{ id: string }>(gateway, worker, 'POST', '/v1/channels/groups', {
          name: 'Groep',
          memberIds: [resident.personId],
        })
      ).body;
      await gateway.db.transaction(async (tx) => {
        const holder = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        await tx.query('SELECT 1 FROM channels WHERE id = $1 FOR KEY SHARE', [group.id]);
        await tx.query('SELECT 1 FROM organisations WHERE id = $1 FOR KEY SHARE', [organisation.id]);
        const removal = await unlessBlockedBy(
          holder,
          api(gateway, worker, 'DELETE', `/v1/channels/${group.id}/members/${resident.personId}`),
        );
        expect(removal === 'blocked' ? removal : removal.status).toBe(204);
        const upload = await unlessBlockedBy(
          holder,
          api(gateway, worker, 'POST', '/v1/files', { channelId: group.id, size: 40_000, chunkSize: 16_384 }),
        );
        expect(upload === 'blocked' ? upload : upload.status).toBe(201);
      });
    },
  );

  it('only moderators manage members; members may leave', async () => {
    const { worker, resident } = await cast('group-roles');
    const group = (
      await api<{ id: string }>(gateway, worker, 'POST', '/v1/channels/groups', {
        name: 'Groep',
        memberIds: [resident.personId],
      })
    ).body;
    expect(
      (
        await api<ErrorBody>(
          gateway,
          resident,
          'DELETE',
          `/v1/channels/${group.id}/members/${worker.personId}`,
        )
      ).body.error.code,
    ).toBe('ERR_CHAT_ROLE_REQUIRED');
    expect(
      (await api(gateway, resident, 'DELETE', `/v1/channels/${group.id}/members/${resident.personId}`))
        .status,
    ).toBe(204);
  });
});

describe('message lifecycle', () => {
  it('delete for everyone removes the ciphertext from storage and logs a tombstone', async () => {
    const { worker, resident, direct } = await cast('delete');
    const { seq } = await sendPairwise(gateway, worker, direct.id);
    expect(
      (await api<ErrorBody>(gateway, resident, 'DELETE', `/v1/channels/${direct.id}/messages/${seq}`)).body
        .error.code,
    ).toBe('ERR_CHAT_NOT_OWN_MESSAGE');
    const deleted = await api<{ seq: number }>(
      gateway,
      worker,
      'DELETE',
      `/v1/channels/${direct.id}/messages/${seq}`,
    );
    expect(deleted.status).toBe(200);
    expect(
      await count(
        'SELECT count(*)::int AS n FROM channel_event_payloads WHERE channel_id = $1 AND seq = $2',
        [direct.id, seq],
      ),
    ).toBe(0);
    const history = await api<{ events: Event[] }>(
      gateway,
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
    const { worker, resident, direct } = await cast('file-owner');
    const file = await uploadFile(gateway, worker, direct.id);
    const fileState = async () =>
      (
        await gateway.db.query<{ deleted: boolean }>(
          'SELECT deleted_at IS NOT NULL AS deleted FROM files WHERE id = $1',
          [file.id],
        )
      ).rows[0]!.deleted;

    // The resident cannot attach the worker's file (and so could not erase it by deleting).
    const borrowed = await api<ErrorBody>(gateway, resident, 'POST', '/v1/messages', {
      ...(await pairwiseEnvelope(gateway, resident, direct.id)),
      fileIds: [file.id],
    });
    expect(borrowed.status).toBe(400);
    expect(await fileState()).toBe(false);

    // The worker sends it, edits the message (the edit attaches it again), deletes the original.
    const original = await api<{ seq: number }>(gateway, worker, 'POST', '/v1/messages', {
      ...(await pairwiseEnvelope(gateway, worker, direct.id)),
      fileIds: [file.id],
    });
    const edit = await api<{ seq: number }>(gateway, worker, 'POST', '/v1/messages', {
      ...(await pairwiseEnvelope(gateway, worker, direct.id)),
      fileIds: [file.id],
      replacesSeq: original.body.seq,
    });
    expect(edit.status).toBe(200);
    await api(gateway, worker, 'DELETE', `/v1/channels/${direct.id}/messages/${original.body.seq}`);
    expect(await fileState()).toBe(false);
    await api(gateway, worker, 'DELETE', `/v1/channels/${direct.id}/messages/${edit.body.seq}`);
    expect(await fileState()).toBe(true);
  });

  it('disappearing messages: the server deletes the ciphertext when the timer runs out', async () => {
    const { worker, resident, direct } = await cast('disappearing');
    expect(
      (await api(gateway, resident, 'PUT', `/v1/channels/${direct.id}/settings`, { disappearingSeconds: 60 }))
        .status,
    ).toBe(200);
    const { seq } = await sendPairwise(gateway, worker, direct.id);
    await gateway.app.chat.sweep();
    expect(
      await count(
        'SELECT count(*)::int AS n FROM channel_event_payloads WHERE channel_id = $1 AND seq = $2',
        [direct.id, seq],
      ),
    ).toBe(1);
    gateway.advanceClock(61_000);
    try {
      expect((await gateway.app.chat.sweep()).messages).toBeGreaterThanOrEqual(1);
    } finally {
      gateway.advanceClock(-61_000);
    }
    expect(
      await count(
        'SELECT count(*)::int AS n FROM channel_event_payloads WHERE channel_id = $1 AND seq = $2',
        [direct.id, seq],
      ),
    ).toBe(0);
    const history = await api<{ events: Event[] }>(
      gateway,
      resident,
      'GET',
      `/v1/channels/${direct.id}/events?after=${seq - 1}`,
    );
    expect(history.body.events[0]).toMatchObject({ seq, deleted: true, ciphertext: null });
  });

  it('an edit refers to the sender’s own earlier message only', async () => {
    const { worker, resident, direct } = await cast('edit');
    const { seq } = await sendPairwise(gateway, worker, direct.id);
    const byOther = { ...(await pairwiseEnvelope(gateway, resident, direct.id)), replacesSeq: seq };
    expect((await api<ErrorBody>(gateway, resident, 'POST', '/v1/messages', byOther)).body.error.code).toBe(
      'ERR_CHAT_NOT_OWN_MESSAGE',
    );
    const edit = { ...(await pairwiseEnvelope(gateway, worker, direct.id)), replacesSeq: seq };
    expect((await api(gateway, worker, 'POST', '/v1/messages', edit)).status).toBe(200);
  });
});

describe('key directory', () => {
  it('hands out each one-time prekey exactly once, also to concurrent fetches, and warns the owner when low', async () => {
    const { worker, resident } = await cast('prekeys');
    const socket = connect(gateway, resident.token);
    await waitFor(socket, 'connect');
    const low = waitFor<{ remaining: number }>(socket, 'keys:low');
    const fetches = await Promise.all(
      Array.from({ length: 8 }, () =>
        api<{ bundles: Array<{ oneTimePrekey: { id: number } | null }> }>(
          gateway,
          worker,
          'POST',
          '/v1/keys/bundles',
          { deviceIds: [resident.deviceId] },
        ),
      ),
    );
    const handedOut = fetches
      .map((f) => f.body.bundles[0]!.oneTimePrekey?.id)
      .filter((id) => id !== undefined);
    expect(handedOut.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(fetches.filter((f) => f.body.bundles[0]!.oneTimePrekey === null)).toHaveLength(3);
    expect((await low).remaining).toBeLessThan(20);
    socket.close();
  });

  it('refuses bundles of a device that published no keys, with a clear code', async () => {
    const { worker, resident, team, admin } = await cast('no-keys');
    const invite = (
      await api<{ code: string }>(gateway, admin, 'POST', '/v1/invites', {
        role: 'resident',
        teamId: team.id,
      })
    ).body;
    const fresh = await register(gateway, invite.code);
    const oneTimeLeft = (deviceId: string) =>
      count('SELECT count(*)::int AS n FROM device_one_time_prekeys WHERE device_id = $1', [deviceId]);
    const before = await oneTimeLeft(resident.deviceId);
    // A batch that fails uses up nobody's one-time prekeys, whatever its order.
    const response = await api<ErrorBody>(gateway, worker, 'POST', '/v1/keys/bundles', {
      deviceIds: [resident.deviceId, fresh.deviceId],
    });
    expect(response.body.error.code).toBe('ERR_KEYS_NOT_PUBLISHED');
    expect(await oneTimeLeft(resident.deviceId)).toBe(before);
  });

  it('limits bundle fetches per signed-in caller, not per address', async () => {
    const { worker, admin, resident } = await cast('bundle-limit');
    const fetch = (actor: Actor) =>
      api<ErrorBody>(gateway, actor, 'POST', '/v1/keys/bundles', { deviceIds: [resident.deviceId] });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await fetch(worker)).status);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const refused = await fetch(worker);
    expect([refused.status, refused.body.error.code]).toEqual([429, 'ERR_RATE_LIMITED']);
    expect((await fetch(admin)).status).toBe(200); // same address, another caller
  });
});

describe('receipts, typing and presence', () => {
  it('delivered and read cursors only move forward and reach the sender live', async () => {
    const { worker, resident, direct } = await cast('receipts');
    const { seq } = await sendPairwise(gateway, worker, direct.id);
    const workerSocket = connect(gateway, worker.token);
    await waitFor(workerSocket, 'connect');
    const receipt = waitFor<{ personId: string; readSeq: number; deliveredSeq: number }>(
      workerSocket,
      'chat:receipt',
    );
    await api(gateway, resident, 'POST', '/v1/receipts', {
      receipts: [{ channelId: direct.id, readSeq: seq }],
    });
    expect(await receipt).toMatchObject({ personId: resident.personId, readSeq: seq, deliveredSeq: seq });
    await api(gateway, resident, 'POST', '/v1/receipts', {
      receipts: [{ channelId: direct.id, readSeq: 1, deliveredSeq: 99 }],
    });
    const cursors = await api<{
      receipts: Array<{ deviceId: string; readSeq: number; deliveredSeq: number }>;
    }>(gateway, worker, 'GET', `/v1/channels/${direct.id}/receipts`);
    // Stays at seq: never backwards, never past the end of the log.
    expect(cursors.body.receipts.find((r) => r.deviceId === resident.deviceId)).toMatchObject({
      readSeq: seq,
      deliveredSeq: seq,
    });
    workerSocket.close();
  });

  it('a batch of receipts with one channel the device may not see moves no cursor', async () => {
    const { worker, resident, direct } = await cast('receipts-batch');
    const stranger = await cast('receipts-elsewhere');
    const { seq } = await sendPairwise(gateway, worker, direct.id);
    const refused = await api<ErrorBody>(gateway, resident, 'POST', '/v1/receipts', {
      receipts: [
        { channelId: direct.id, readSeq: seq },
        { channelId: stranger.direct.id, readSeq: 1 },
      ],
    });
    expect(refused.status).toBe(404);
    expect(
      await count('SELECT count(*)::int AS n FROM device_channel_cursors WHERE device_id = $1', [
        resident.deviceId,
      ]),
    ).toBe(0);
  });

  it('typing reaches the other members and is never stored', async () => {
    const { worker, resident, direct } = await cast('typing');
    const [w, r] = [connect(gateway, worker.token), connect(gateway, resident.token)];
    await Promise.all([waitFor(w, 'connect'), waitFor(r, 'connect')]);
    const seen = waitFor<{ personId: string; typing: boolean }>(w, 'chat:typing');
    const events = await count('SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1', [
      direct.id,
    ]);
    expect(
      ((await r.emitWithAck('chat:typing', { channelId: direct.id, typing: true })) as { ok: boolean }).ok,
    ).toBe(true);
    expect(await seen).toEqual({ channelId: direct.id, personId: resident.personId, typing: true });
    expect(
      await count('SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1', [direct.id]),
    ).toBe(events);
    w.close();
    r.close();
  });

  it('shows presence to people who may talk, and a worker can hide it', async () => {
    const { worker, resident } = await cast('presence');
    const residentSocket = connect(gateway, resident.token);
    await waitFor(residentSocket, 'connect');
    const watch = (await residentSocket.emitWithAck('presence:watch', { personIds: [worker.personId] })) as {
      data: { presence: Array<{ status: string }> };
    };
    expect(watch.data.presence[0]!.status).toBe('offline');
    const online = waitFor<{ personId: string; status: string }>(residentSocket, 'presence:changed');
    const workerSocket = connect(gateway, worker.token);
    await waitFor(workerSocket, 'connect');
    expect(await online).toEqual({ personId: worker.personId, status: 'online' });
    const hidden = waitFor<{ status: string }>(residentSocket, 'presence:changed');
    await workerSocket.emitWithAck('presence:set', { hidden: true });
    expect((await hidden).status).toBe('offline');
    workerSocket.close();
    residentSocket.close();
  });
});

describe('files', () => {
  it('upload in chunks, resume from what the server holds, download the exact ciphertext', async () => {
    const { worker, resident, direct } = await cast('files');
    const created = await api<{ id: string; chunkCount: number }>(gateway, worker, 'POST', '/v1/files', {
      channelId: direct.id,
      size: 40_000,
      chunkSize: 16_384,
    });
    expect(created.body.chunkCount).toBe(3);
    const bytes = Buffer.from(Array.from({ length: 40_000 }, (_, i) => i % 251));
    const put = (index: number, body: Buffer) =>
      gateway.app.inject({
        method: 'PUT',
        url: `/v1/files/${created.body.id}/chunks/${index}`,
        headers: { authorization: `Bearer ${worker.token}`, 'content-type': 'application/octet-stream' },
        payload: body,
      });
    expect((await put(0, bytes.subarray(0, 16_384))).statusCode).toBe(204);
    expect(
      (await api<ErrorBody>(gateway, worker, 'POST', `/v1/files/${created.body.id}/complete`)).body.error
        .code,
    ).toBe('ERR_CHAT_FILE_INCOMPLETE');
    // The connection drops; the client asks what arrived and sends the rest.
    const status = await api<{ receivedChunks: number[] }>(
      gateway,
      worker,
      'GET',
      `/v1/files/${created.body.id}`,
    );
    expect(status.body.receivedChunks).toEqual([0]);
    expect((await put(1, bytes.subarray(16_384, 20_000))).statusCode).toBe(400); // wrong size for a middle chunk
    expect((await put(1, bytes.subarray(16_384, 32_768))).statusCode).toBe(204);
    expect((await put(2, bytes.subarray(32_768))).statusCode).toBe(204);
    expect((await api(gateway, worker, 'POST', `/v1/files/${created.body.id}/complete`)).status).toBe(200);

    const download = await gateway.app.inject({
      method: 'GET',
      url: `/v1/files/${created.body.id}/content`,
      headers: { authorization: `Bearer ${resident.token}` },
    });
    expect(download.statusCode).toBe(200);
    expect(Buffer.compare(download.rawPayload, bytes)).toBe(0);
  });

  it('refuses files over the size limit and over the organisation quota', async () => {
    const { worker, direct } = await cast('quota');
    expect(
      (await api<ErrorBody>(gateway, worker, 'POST', '/v1/files', { channelId: direct.id, size: 100_001 }))
        .body.error.code,
    ).toBe('ERR_CHAT_FILE_TOO_LARGE');
    await uploadFile(gateway, worker, direct.id, 90_000);
    expect(
      (await api<ErrorBody>(gateway, worker, 'POST', '/v1/files', { channelId: direct.id, size: 70_000 }))
        .body.error.code,
    ).toBe('ERR_CHAT_QUOTA_EXCEEDED');
  });

  it('one person cannot reserve the organisation’s space with uploads they never finish', async () => {
    const roomy = await startGateway({
      env: { MAX_FILE_BYTES: '20000', ORG_STORAGE_QUOTA_BYTES: '1000000' },
    });
    try {
      const { worker, resident } = await seedOrganisation(roomy, 'pending-uploads');
      const direct = await openDirect(roomy, worker, resident.personId);
      const start = (actor: Actor) =>
        api<ErrorBody>(roomy, actor, 'POST', '/v1/files', { channelId: direct.id, size: 20_000 });
      const started = [await start(resident), await start(resident), await start(resident)];
      expect(started.map((r) => r.status)).toEqual([201, 201, 201]);
      const fourth = await start(resident);
      expect([fourth.status, fourth.body.error.code]).toEqual([429, 'ERR_CHAT_TOO_MANY_UPLOADS']);
      expect((await start(worker)).status).toBe(201); // the organisation still has room for others
    } finally {
      await roomy.close();
    }
  });

  it('expire: after the expiry the ciphertext is deleted and downloads say so', async () => {
    const { worker, resident, direct } = await cast('file-expiry');
    const created = await api<{ id: string }>(gateway, worker, 'POST', '/v1/files', {
      channelId: direct.id,
      size: 20_000,
      chunkSize: 16_384,
      expiresInSeconds: 3600,
    });
    for (const [index, size] of [
      [0, 16_384],
      [1, 3_616],
    ] as const) {
      await gateway.app.inject({
        method: 'PUT',
        url: `/v1/files/${created.body.id}/chunks/${index}`,
        headers: { authorization: `Bearer ${worker.token}`, 'content-type': 'application/octet-stream' },
        payload: Buffer.alloc(size, 7),
      });
    }
    await api(gateway, worker, 'POST', `/v1/files/${created.body.id}/complete`);
    gateway.advanceClock(3_601_000);
    try {
      await gateway.app.chat.sweep();
      // An hour on, the access token has expired too: sign in again, as the SDK does.
      const fresh = { token: await login(gateway, resident) };
      expect(
        (await api<ErrorBody>(gateway, fresh, 'GET', `/v1/files/${created.body.id}/content`)).body.error.code,
      ).toBe('ERR_CHAT_FILE_EXPIRED');
    } finally {
      gateway.advanceClock(-3_601_000);
    }
    expect(
      await count('SELECT count(*)::int AS n FROM blob_chunks WHERE blob_id = $1', [created.body.id]),
    ).toBe(0);
  });

  it('stores exactly the ciphertext it was given (no transformation)', async () => {
    const { worker, direct } = await cast('file-bytes');
    const file = await uploadFile(gateway, worker, direct.id, 20_000);
    const { rows } = await gateway.db.query<{ data: Uint8Array }>(
      'SELECT data FROM blob_chunks WHERE blob_id = $1 ORDER BY chunk_index',
      [file.id],
    );
    expect(Buffer.concat(rows.map((row) => Buffer.from(row.data))).equals(file.bytes)).toBe(true);
  });
});
