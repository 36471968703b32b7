import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addResident,
  api,
  expectOk,
  seedOrganisation,
  startGateway,
  type Actor,
  type TestGateway,
} from '@spreekuur/gateway/testing';
import { openDirect, pairwiseEnvelope, publishKeys } from '@spreekuur/testing/chat';
import { connect, waitFor, type Socket } from '@spreekuur/testing/socket';

/**
 * Limits hold under load: several clients flood at once (authenticated REST calls, socket
 * events, uploads against the organisation's quota, bodies over the maximum sizes). Every
 * excess request is refused with its code (429 / 413), no request gets a 5xx, the server stays
 * ready, and a bystander's ordinary traffic goes through meanwhile.
 */
const LIMITS = {
  LOG_LEVEL: 'warn',
  RATE_LIMIT_DEVICE_PER_MINUTE: '60',
  RATE_LIMIT_DEVICE_BURST: '20',
  RATE_LIMIT_SOCKET_SENDS_PER_SECOND: '2',
  RATE_LIMIT_SOCKET_EVENTS_PER_SECOND: '2',
  MAX_FILE_BYTES: '100000',
  ORG_STORAGE_QUOTA_BYTES: '300000',
  MAX_ENVELOPE_BYTES: '4096',
};
const FLOOD = 120;

let gateway: TestGateway;
let flooders: Actor[];
let bystander: Actor;
let bystanderChannel: string;
let floodChannel: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  gateway = await startGateway({ env: LIMITS });
  const org = await seedOrganisation(gateway, 'grenzen');
  const second = await addResident(gateway, org.worker, org.team.id, 'Tweede inwoner');
  const other = await seedOrganisation(gateway, 'omstander');
  flooders = [org.worker, org.resident, second];
  bystander = other.worker;
  for (const actor of [...flooders, bystander, other.resident]) await publishKeys(gateway, actor);
  floodChannel = (
    await expectOk<{ id: string }>(
      gateway,
      org.worker,
      'POST',
      '/v1/channels/groups',
      { name: 'Groep', memberIds: [org.resident.personId, second.personId] },
      201,
    )
  ).id;
  bystanderChannel = (await openDirect(gateway, other.worker, other.resident.personId)).id;
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await gateway?.close();
});

async function online(actor: Actor): Promise<Socket> {
  const socket = connect(gateway, actor.token);
  sockets.push(socket);
  await waitFor(socket, 'connect');
  return socket;
}

type Tally = Record<string, number>;
const tally = (codes: string[]): Tally =>
  codes.reduce<Tally>((all, code) => ({ ...all, [code]: (all[code] ?? 0) + 1 }), {});
const codeOf = (status: number, body: unknown) =>
  status < 300 ? String(status) : `${status} ${(body as { error?: { code?: string } })?.error?.code ?? '?'}`;

/** The bystander, meanwhile: REST calls and socket sends that must all go through. */
async function bystanderTraffic(until: Promise<unknown>) {
  const socket = await online(bystander);
  const template = await pairwiseEnvelope(gateway, bystander, bystanderChannel);
  const answers: string[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done || answers.length < 6) {
    const me = await api(gateway, bystander, 'GET', '/v1/me');
    answers.push(codeOf(me.status, me.body));
    const ack = (await socket.emitWithAck('chat:send', { ...template, clientId: randomUUID() })) as {
      ok: boolean;
      error?: { code: string };
    };
    answers.push(ack.ok ? 'ok' : (ack.error?.code ?? '?'));
    // One REST call a second: the rate the device limit refills at.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return tally(answers);
}

describe('limits hold under load from several clients at once', () => {
  it('holds the upload quota and the maximum sizes when several clients upload at once', async () => {
    // Each asks for 90 kB at once (five each): the organisation's 300 kB hold three.
    const reservations = await Promise.all(
      flooders.flatMap((actor) =>
        Array.from({ length: 5 }, async () => {
          const r = await api(gateway, actor, 'POST', '/v1/files', { channelId: floodChannel, size: 90_000 });
          return codeOf(r.status, r.body);
        }),
      ),
    );
    const tooLarge = await Promise.all(
      flooders.map(async (actor) => {
        const r = await api(gateway, actor, 'POST', '/v1/files', { channelId: floodChannel, size: 100_001 });
        return codeOf(r.status, r.body);
      }),
    );
    // A JSON body over the server's 1 MiB and a message over the envelope maximum.
    const hugeBodies = await Promise.all(
      flooders.map(async (actor) => {
        const r = await gateway.app.inject({
          method: 'POST',
          url: '/v1/messages',
          headers: { authorization: `Bearer ${actor.token}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ padding: 'x'.repeat(1_100_000) }),
        });
        return codeOf(r.statusCode, r.json());
      }),
    );
    const envelope = await pairwiseEnvelope(gateway, flooders[0]!, floodChannel);
    const bigEnvelope = {
      ...envelope,
      payloads: envelope.payloads.map((p) => ({ ...p, ciphertext: 'A'.repeat(6_000) })),
    };
    const sendsTooLarge = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const r = await api(gateway, flooders[0]!, 'POST', '/v1/messages', bigEnvelope);
        return codeOf(r.status, r.body);
      }),
    );
    const ready = (await gateway.app.inject({ method: 'GET', url: '/readyz' })).statusCode;
    const reserved = tally(reservations);
    console.log(
      `[faults] upload quota under load: ${JSON.stringify(reserved)}; too large ${JSON.stringify(tally(tooLarge))}; ` +
        `huge bodies ${JSON.stringify(tally(hugeBodies))}; large envelopes ${JSON.stringify(tally(sendsTooLarge))}`,
    );
    // Three fit; the rest is refused by the quota or by the limit on uploads in progress per person.
    expect(reserved['201']).toBe(3);
    expect(Object.keys(reserved).sort()).toEqual(
      ['201', '413 ERR_CHAT_QUOTA_EXCEEDED', '429 ERR_CHAT_TOO_MANY_UPLOADS'].filter((k) => k in reserved),
    );
    expect(reserved['413 ERR_CHAT_QUOTA_EXCEEDED']).toBeGreaterThan(0);
    expect(tally(tooLarge)).toEqual({ '413 ERR_CHAT_FILE_TOO_LARGE': flooders.length });
    expect(tally(hugeBodies)).toEqual({ '413 ERR_PAYLOAD_TOO_LARGE': flooders.length });
    expect(tally(sendsTooLarge)).toEqual({ '413 ERR_CHAT_ENVELOPE_TOO_LARGE': 3 });
    expect(ready).toBe(200);
  });

  it('refuses every excess request with its code, stays ready and lets others through', async () => {
    const readiness: number[] = [];
    const since = Date.now();
    const floods = (async () => {
      // REST: every flooder far over its burst, all at once.
      const rest = await Promise.all(
        flooders.flatMap((actor) =>
          Array.from({ length: FLOOD }, async () => {
            const r = await api(gateway, actor, 'GET', '/v1/me');
            return codeOf(r.status, r.body);
          }),
        ),
      );
      readiness.push((await gateway.app.inject({ method: 'GET', url: '/readyz' })).statusCode);
      // Socket events per device: presence updates and typing hints, all at once.
      const events = await Promise.all(
        flooders.map(async (actor) => {
          const socket = await online(actor);
          return Promise.all(
            Array.from({ length: FLOOD }, async (_, i) => {
              const ack = (await (i % 2
                ? socket.emitWithAck('presence:set', { status: 'online' })
                : socket.emitWithAck('chat:typing', { channelId: floodChannel, typing: true }))) as {
                ok: boolean;
                error?: { code: string };
              };
              return ack.ok ? 'ok' : (ack.error?.code ?? '?');
            }),
          );
        }),
      );
      readiness.push((await gateway.app.inject({ method: 'GET', url: '/readyz' })).statusCode);
      return { rest: rest, events: events.flat() };
    })();
    const bystanderAnswers = bystanderTraffic(floods);
    const { rest, events } = await floods;
    const restTally = tally(rest);
    const eventTally = tally(events);
    const seen = await bystanderAnswers;
    console.log(
      `[faults] limits under load: REST ${JSON.stringify(restTally)}; socket events ${JSON.stringify(eventTally)}; ` +
        `bystander ${JSON.stringify(seen)}`,
    );
    // Only answers and refusals by the limit; each flooder got at least its burst.
    expect(Object.keys(restTally).sort()).toEqual(['200', '429 ERR_RATE_LIMITED']);
    expect(restTally['200']).toBeGreaterThanOrEqual(flooders.length);
    // Burst 20, then one a second (60 a minute), per device.
    const seconds = Math.ceil((Date.now() - since) / 1000);
    expect(restTally['200']).toBeLessThanOrEqual(flooders.length * (20 + seconds));
    expect(Object.keys(eventTally).sort()).toEqual(['ERR_RATE_LIMITED', 'ok']);
    // Two a second, three seconds' worth at once; typing hints have their own bucket of the same size.
    expect(eventTally.ok).toBeLessThanOrEqual(flooders.length * 2 * (6 + 2 * seconds));
    // The bystander (another device, another organisation) never met a limit.
    expect(Object.keys(seen).sort()).toEqual(['200', 'ok']);
    expect(readiness).toEqual([200, 200]);
  });
});
