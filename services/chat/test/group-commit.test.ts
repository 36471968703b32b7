import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '@spreekuur/db';
import { opaque, pairwiseEnvelope } from '@spreekuur/testing/chat';
import { startTestApp } from '@spreekuur/testing/app';
import { api } from '@spreekuur/testing/http';
import { connect, emitWithAck, record, waitFor, waitUntil } from '@spreekuur/testing/socket';
import { buildApp } from '../src/app.ts';
import { addPerson, cast, count, LIMITS, type Event, type TestChat } from './fixtures.ts';

/**
 * Group commit: sends that arrive together are stored in one transaction. The guarantees of
 * one send at a time still hold: every ack is a committed message, numbers per channel are
 * unique and without gaps, in order; a resend returns the first ack; a send that fails fails
 * alone, and a transaction that fails acknowledges nothing of it.
 */

/** Statements the app ran, and a rule that makes a statement fail (to break a batch on purpose). */
const statements: string[] = [];
let failWhen: ((sql: string, params: readonly unknown[]) => boolean) | null = null;

function watched(target: Queryable): Queryable {
  return {
    async query(sql, params) {
      statements.push(sql);
      if (failWhen?.(sql, params ?? [])) throw new Error('injected failure');
      return target.query(sql, params);
    },
    exec: (script) => target.exec(script),
  };
}

const interpose = (db: Database): Database => ({
  ...db,
  ...watched(db),
  transaction: (work) => db.transaction((tx) => work(watched(tx))),
  withSession: (work) => db.withSession((session) => work({ ...session, ...watched(session) })),
});

/** The largest number of messages one INSERT INTO channel_events stored. */
const largestBatch = () =>
  Math.max(
    0,
    ...statements
      .filter((sql) => sql.startsWith('INSERT INTO channel_events '))
      .map((sql) => sql.split('), (').length),
  );

let chat: TestChat;
beforeAll(async () => {
  chat = await startTestApp({ build: buildApp, env: LIMITS, interpose });
});
afterAll(() => chat.close());
beforeEach(() => {
  statements.length = 0;
  failWhen = null;
});

const send = (actor: { token: string }, envelope: unknown) =>
  api<{ seq: number; duplicate: boolean; createdAt: string; error?: { code: string } }>(
    chat,
    actor,
    'POST',
    '/v1/messages',
    envelope,
  );

const seqsOf = async (channelId: string) =>
  (
    await chat.db.query<{ seq: number }>(
      `SELECT seq FROM channel_events WHERE channel_id = $1 AND kind = 'message' ORDER BY seq`,
      [channelId],
    )
  ).rows.map((row) => row.seq);

describe('group commit', () => {
  it('concurrent sends to one channel get unique, gapless numbers, each pushed once and in order', async () => {
    const { worker, resident, direct } = await cast(chat, 'gc-order');
    const workerSocket = connect(chat, worker.token);
    const residentSocket = connect(chat, resident.token);
    await Promise.all([waitFor(workerSocket, 'connect'), waitFor(residentSocket, 'connect')]);
    const pushedToResident = record<Event>(residentSocket, 'chat:event');

    const toResident = await pairwiseEnvelope(chat, worker, direct.id);
    const toWorker = await pairwiseEnvelope(chat, resident, direct.id);
    const fromWorker = Array.from({ length: 20 }, () =>
      emitWithAck<{ seq: number }>(workerSocket, 'chat:send', { ...toResident, clientId: randomUUID() }),
    );
    const fromResident = Array.from({ length: 20 }, () =>
      send(resident, { ...toWorker, clientId: randomUUID() }),
    );
    const workerAcks = await Promise.all(fromWorker);
    const residentAcks = await Promise.all(fromResident);

    const seqs = [
      ...workerAcks.map((ack) => (ack.ok ? ack.data.seq : -1)),
      ...residentAcks.map((response) => response.body.seq),
    ].sort((a, b) => a - b);
    // 1 and 2 are the members joining; then 40 messages, each number once, none skipped.
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 3));
    expect(await seqsOf(direct.id)).toEqual(seqs);
    // The test is about batches: sends were in fact stored several to a statement.
    expect(largestBatch()).toBeGreaterThan(1);

    // A device's own pipelined sends keep their order: acks in send order have rising numbers.
    const workerSeqs = workerAcks.map((ack) => (ack.ok ? ack.data.seq : -1));
    expect(workerSeqs).toEqual([...workerSeqs].sort((a, b) => a - b));
    // Its own sends come back to the resident without ciphertext (for its other devices); the worker's carry its own.
    const fromWorkerPushed = () =>
      pushedToResident.filter((event) => event.kind === 'message' && event.ciphertext);
    if (fromWorkerPushed().length < 20)
      await waitUntil<Event>(residentSocket, 'chat:event', () => fromWorkerPushed().length >= 20);
    const pushed = fromWorkerPushed().map((event) => event.seq);
    expect(pushed).toEqual(workerSeqs);
    workerSocket.close();
    residentSocket.close();
  });

  it('resends of one clientId, in the same batch and later, all return the first ack; one row is stored', async () => {
    const { worker, direct } = await cast(chat, 'gc-idempotent');
    const envelope = await pairwiseEnvelope(chat, worker, direct.id);
    const together = await Promise.all([
      send(worker, envelope),
      send(worker, envelope),
      send(worker, envelope),
    ]);
    const later = await send(worker, envelope);

    const first = together.find((response) => !response.body.duplicate)!;
    expect(together.filter((response) => !response.body.duplicate)).toHaveLength(1);
    for (const response of [...together, later]) {
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ seq: first.body.seq, createdAt: first.body.createdAt });
    }
    expect(later.body.duplicate).toBe(true);
    expect(await seqsOf(direct.id)).toEqual([first.body.seq]);
  });

  it('a send that fails its checks fails alone; the others of its batch are stored without a gap', async () => {
    const org = await cast(chat, 'gc-one-bad');
    const outsider = await addPerson(chat, org, 'worker', 'Buitenstaander');
    const envelope = await pairwiseEnvelope(chat, org.worker, org.direct.id);
    const results = await Promise.all([
      send(org.worker, { ...envelope, clientId: randomUUID() }),
      // Not a member of the channel.
      send(outsider, { ...envelope, clientId: randomUUID() }),
      // Addresses a device that is not in the channel.
      send(org.worker, {
        ...envelope,
        clientId: randomUUID(),
        payloads: [...envelope.payloads, { deviceId: randomUUID(), ciphertext: opaque() }],
      }),
      send(org.worker, { ...envelope, clientId: randomUUID() }),
    ]);
    expect(results.map((response) => response.status)).toEqual([200, 403, 409, 200]);
    expect(results[1].body.error?.code).toBe('ERR_CHAT_NOT_MEMBER');
    expect(results[2].body.error?.code).toBe('ERR_CHAT_DEVICES_CHANGED');
    expect(await seqsOf(org.direct.id)).toEqual([3, 4]);
  });

  it('a batch whose transaction fails acknowledges nothing of it; each send is then stored alone, only the faulty one fails', async () => {
    const { worker, direct } = await cast(chat, 'gc-rollback');
    const envelope = await pairwiseEnvelope(chat, worker, direct.id);
    const poisoned = `poison-${randomUUID()}`;
    // Any statement that would store the poisoned send fails, in a batch or alone.
    failWhen = (sql, params) => sql.startsWith('INSERT INTO channel_events') && params.includes(poisoned);
    const clientIds = [randomUUID(), randomUUID(), poisoned, randomUUID(), randomUUID()];
    const results = await Promise.all(clientIds.map((clientId) => send(worker, { ...envelope, clientId })));

    expect(results.map((response) => response.status)).toEqual([200, 200, 500, 200, 200]);
    expect(results[2]!.body.error?.code).toBe('ERR_INTERNAL');
    const acked = results.filter((response) => response.status === 200).map((response) => response.body.seq);
    // The failed batch stored nothing (no gap, no half-stored message); the rest were stored once each.
    expect(acked.sort((a, b) => a - b)).toEqual([3, 4, 5, 6]);
    expect(await seqsOf(direct.id)).toEqual([3, 4, 5, 6]);
    expect(
      await count(chat, 'SELECT count(*)::int AS n FROM channel_events WHERE client_id = $1', [poisoned]),
    ).toBe(0);
    expect(
      await count(chat, 'SELECT count(*)::int AS n FROM channel_event_payloads WHERE channel_id = $1', [
        direct.id,
      ]),
    ).toBe(4);
    // A batch did fail: the poisoned send was tried together with others first.
    expect(largestBatch()).toBeGreaterThan(1);
  });

  // Two nodes on one PostgreSQL: each batches its own sends, and the channel row lock orders
  // them. (Embedded PostgreSQL is one process, so it has no second node.)
  it.skipIf(!process.env.DATABASE_URL)(
    'two nodes sending to the same channels at once: numbers stay unique and gapless in each',
    async () => {
      const second = await startTestApp({ build: buildApp, env: LIMITS, backends: chat.backends });
      try {
        const org = await cast(chat, 'gc-two-nodes');
        const other = await cast(chat, 'gc-two-nodes-b');
        const channels = [
          { actor: org.worker, channelId: org.direct.id },
          { actor: other.worker, channelId: other.direct.id },
        ];
        const envelopes = await Promise.all(
          channels.map(({ actor, channelId }) => pairwiseEnvelope(chat, actor, channelId)),
        );
        const sends = channels.flatMap(({ actor }, index) =>
          Array.from({ length: 30 }, (_, i) =>
            api<{ seq: number }>(i % 2 === 0 ? chat : second, actor, 'POST', '/v1/messages', {
              ...envelopes[index]!,
              clientId: randomUUID(),
            }),
          ),
        );
        const results = await Promise.all(sends);
        expect(results.every((response) => response.status === 200)).toBe(true);
        for (const [index, { channelId }] of channels.entries()) {
          const acked = results
            .slice(index * 30, index * 30 + 30)
            .map((response) => response.body.seq)
            .sort((a, b) => a - b);
          expect(acked).toEqual(Array.from({ length: 30 }, (_, i) => i + 3));
          expect(await seqsOf(channelId)).toEqual(acked);
        }
      } finally {
        await second.close();
      }
    },
  );
});
