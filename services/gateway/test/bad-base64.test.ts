import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { opaque, openDirect, pairwiseEnvelope, publishKeys } from '@spreekuur/testing/chat';
import { api, connect, seedOrganisation, startGateway, type Actor, type TestGateway } from './harness.ts';

/**
 * Issue 15, finding 1: a base64url value whose length is 1 mod 4 (no byte string encodes to
 * that) passed the schema, made decoding throw in the handler and came back as ERR_INTERNAL
 * with a stack trace in the log. Every byte-string field must refuse it as a bad request.
 */
let gateway: TestGateway;
let worker: Actor;
let resident: Actor;
let channelId: string;
beforeAll(async () => {
  gateway = await startGateway();
  ({ worker, resident } = await seedOrganisation(gateway, 'bad-base64'));
  await publishKeys(gateway, worker);
  await publishKeys(gateway, resident);
  channelId = (await openDirect(gateway, worker, resident.personId)).id;
});
afterAll(() => gateway.close());

type Refusal = { error: { code: string; issues?: Array<{ path: Array<string | number>; message: string }> } };

/** A value no byte string encodes to: five characters. */
const IMPOSSIBLE = 'AAAAA';

/** What this test logged at error level or above (pino: 50 and up). */
let logsBefore = 0;
beforeEach(() => {
  logsBefore = gateway.logs.length;
});
const errorLines = () =>
  gateway.logs.slice(logsBefore).filter((line) => (JSON.parse(line) as { level: number }).level >= 50);

function expectRefused(body: Refusal, path: Array<string | number>) {
  expect(body.error.code).toBe('ERR_BAD_REQUEST');
  expect(body.error.issues?.map((issue) => issue.path)).toContainEqual(path);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.ts|Error:/);
}

describe('a base64url value of impossible length (1 mod 4)', () => {
  it('POST /v1/messages: 400 naming the ciphertext, nothing stored, nothing logged as an error', async () => {
    const envelope = await pairwiseEnvelope(gateway, worker, channelId);
    envelope.payloads[0]!.ciphertext = IMPOSSIBLE;
    const response = await api<Refusal>(gateway, worker, 'POST', '/v1/messages', envelope);
    expect(response.status).toBe(400);
    expectRefused(response.body, ['body', 'payloads', '0', 'ciphertext']);
    const stored = await gateway.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM channel_events WHERE client_id = $1',
      [envelope.clientId],
    );
    expect(stored.rows[0]!.n).toBe(0);
    expect(errorLines()).toEqual([]);
  });

  it('POST /v1/keys/one-time-prekeys: 400 naming the key', async () => {
    const response = await api<Refusal>(gateway, resident, 'POST', '/v1/keys/one-time-prekeys', {
      prekeys: [
        { id: 900, publicKey: opaque(32) },
        { id: 901, publicKey: IMPOSSIBLE },
      ],
    });
    expect(response.status).toBe(400);
    expectRefused(response.body, ['body', 'prekeys', '1', 'publicKey']);
    expect(errorLines()).toEqual([]);
  });

  it('PUT /v1/keys/signed-prekeys: 400 naming the signature', async () => {
    const response = await api<Refusal>(gateway, resident, 'PUT', '/v1/keys/signed-prekeys', {
      signedPrekey: { id: 2, publicKey: opaque(32), signature: `${opaque(63)}A` },
      kemPrekey: { id: 2, publicKey: opaque(1184), signature: opaque(64) },
    });
    expect(response.status).toBe(400);
    expectRefused(response.body, ['body', 'signedPrekey', 'signature']);
    expect(errorLines()).toEqual([]);
  });

  it('socket chat:send: an ERR_BAD_REQUEST ack naming the ciphertext', async () => {
    const socket = connect(gateway, worker.token);
    try {
      const envelope = { ...(await pairwiseEnvelope(gateway, worker, channelId)), clientId: randomUUID() };
      envelope.payloads[0]!.ciphertext = IMPOSSIBLE;
      const ack = (await socket.emitWithAck('chat:send', envelope)) as { ok: boolean } & Refusal;
      expect(ack.ok).toBe(false);
      expectRefused(ack, ['payloads', 0, 'ciphertext']);
    } finally {
      socket.close();
    }
    expect(errorLines()).toEqual([]);
  });

  it('also a group ciphertext with characters outside the alphabet', async () => {
    const response = await api<Refusal>(gateway, worker, 'POST', '/v1/messages', {
      channelId,
      clientId: randomUUID(),
      kind: 'group',
      ciphertext: 'AAAA+/==',
      recipientDeviceIds: [],
    });
    expect(response.status).toBe(400);
    expectRefused(response.body, ['body', 'ciphertext']);
    expect(errorLines()).toEqual([]);
  });
});
