import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairwiseEnvelope } from '@spreekuur/testing/chat';
import { issueToken } from '@spreekuur/testing/identity';
import { connect, waitFor, type Socket } from '@spreekuur/testing/socket';
import { cast, count, LIMITS, startChat, type TestChat } from './fixtures.ts';

/**
 * Issue 15: one resident flooding their socket (3,000 typing events; 1,000 group messages in
 * 5 s; 100 sockets on one token) made the server unresponsive. Socket events now have
 * per-device limits and a device may hold only a few sockets.
 */
type Answer = { ok: boolean; error?: { code: string; retryAfter?: number } };

let chat: TestChat;
beforeAll(async () => {
  chat = await startChat({
    ...LIMITS,
    RATE_LIMIT_SOCKET_SENDS_PER_SECOND: '2',
    RATE_LIMIT_SOCKET_EVENTS_PER_SECOND: '2',
    RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE: '6',
    MAX_SOCKETS_PER_DEVICE: '2',
  });
});
afterAll(() => chat.close());

const sockets: Socket[] = [];
async function online(token: string): Promise<Socket> {
  const socket = connect(chat, token);
  sockets.push(socket);
  await waitFor(socket, 'connect');
  return socket;
}
afterAll(() => sockets.forEach((socket) => socket.close()));

/** Emits `times` events at once and sorts the answers into allowed and refused. */
async function flood(socket: Socket, event: string, payload: () => unknown, times: number) {
  const answers = await Promise.all(
    Array.from({ length: times }, async () => (await socket.emitWithAck(event, await payload())) as Answer),
  );
  return {
    allowed: answers.filter((answer) => answer.ok).length,
    refused: answers.filter((answer) => answer.error?.code === 'ERR_RATE_LIMITED'),
  };
}

/** What a bucket of `perSecond` (burst three seconds' worth) can have let through since `since`. */
const mostSince = (perSecond: number, since: number) =>
  perSecond * 3 + Math.ceil(((Date.now() - since) / 1000) * perSecond);

describe('socket event limits', () => {
  it('a typing flood is refused with when to retry; the server stays responsive', async () => {
    const { resident, direct } = await cast(chat, 'typing-flood');
    const socket = await online(resident.token);
    const since = Date.now();
    const { allowed, refused } = await flood(
      socket,
      'chat:typing',
      () => ({ channelId: direct.id, typing: true }),
      300,
    );
    expect(allowed).toBeGreaterThan(0);
    expect(allowed).toBeLessThanOrEqual(6 + Math.ceil(((Date.now() - since) / 1000) * 2));
    expect(refused.length).toBe(300 - allowed);
    expect(refused[0]!.error!.retryAfter).toBeGreaterThanOrEqual(1);
    expect((await chat.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('a send flood stores only what the limit lets through; refused sends store nothing', async () => {
    const { worker, direct } = await cast(chat, 'send-flood');
    const socket = await online(worker.token);
    const since = Date.now();
    const { allowed, refused } = await flood(
      socket,
      'chat:send',
      () => pairwiseEnvelope(chat, worker, direct.id),
      40,
    );
    expect(allowed).toBeLessThanOrEqual(mostSince(2, since));
    expect(refused.length).toBe(40 - allowed);
    const stored = await count(
      chat,
      `SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1 AND kind = 'message'`,
      [direct.id],
    );
    expect(stored).toBe(allowed);
  });

  it('one device’s flood does not slow another person down', async () => {
    const { worker, resident, direct } = await cast(chat, 'neighbours');
    const flooder = await online(resident.token);
    await flood(flooder, 'chat:typing', () => ({ channelId: direct.id, typing: true }), 100);
    const other = await online(worker.token);
    const answer = (await other.emitWithAck('chat:typing', { channelId: direct.id, typing: true })) as Answer;
    expect(answer.ok).toBe(true);
  });

  it('a device holds at most MAX_SOCKETS_PER_DEVICE sockets; the next handshake is refused', async () => {
    const { resident } = await cast(chat, 'many-sockets');
    await online(resident.token);
    await online(resident.token);
    const third = connect(chat, resident.token);
    sockets.push(third);
    const refused = await waitFor<Error & { data?: { code: string } }>(third, 'connect_error');
    expect(refused.data?.code).toBe('ERR_RATE_LIMITED');
  });

  it('a device that reconnects in a tight loop is slowed down', async () => {
    const { worker } = await cast(chat, 'reconnect-loop');
    const token = await issueToken(chat, worker);
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const socket = connect(chat, token);
      outcomes.push(
        await new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (error: Error & { data?: { code: string } }) =>
            resolve(error.data?.code ?? 'error'),
          );
        }),
      );
      socket.close();
    }
    expect(outcomes.slice(0, 6)).toEqual(Array(6).fill('connected'));
    expect(outcomes.slice(6)).toContain('ERR_RATE_LIMITED');
  });
});
