import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '@spreekuur/crypto/ready';
import type { ChannelDevice, SendAck, SendMessage } from '@spreekuur/protocol/chat';
import type { GroupKeys } from '../crypto/group-keys.ts';
import type { PairwiseSessions } from '../crypto/pairwise-sessions.ts';
import { SpreekuurError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import { MemoryStore } from '../storage/key-value-store.ts';
import type { OutgoingUpdate } from '../types.ts';
import type { DeviceDirectory } from './device-directory.ts';
import { MAX_SERVER_ERROR_ATTEMPTS, Outbox, RETRY_FIRST_MS, RETRY_MAX_MS, retryDelay } from './outbox.ts';

// Every message carries a franking commitment, made with libsodium.
beforeAll(ready);

const channelId = crypto.randomUUID();
const text = (t: string) => ({ type: 'text' as const, text: t });

/**
 * An Outbox for a direct channel without other devices (so encrypting needs no sessions),
 * whose device look-ups and sends fail as scripted. Waits before a retry are recorded and
 * return at once: no timers.
 */
function setUp(script: { devices?: Array<() => Error>; sends?: Array<() => Error>; closed?: boolean } = {}) {
  const store = new MemoryStore();
  const deviceFailures = [...(script.devices ?? [])];
  const sendFailures = [...(script.sends ?? [])];
  const sent: SendMessage[] = [];
  const waits: number[] = [];
  const updates: OutgoingUpdate[] = [];
  let seq = 0;
  const outbox = new Outbox({
    store,
    self: { personId: crypto.randomUUID(), deviceId: crypto.randomUUID() },
    http: {} as HttpClient,
    devices: {
      recipients: async (): Promise<ChannelDevice[]> => {
        const failure = deviceFailures.shift();
        if (failure) throw failure();
        return [];
      },
    } as unknown as DeviceDirectory,
    sessions: {} as PairwiseSessions,
    groups: {} as GroupKeys,
    transport: async (envelope): Promise<SendAck> => {
      const failure = sendFailures.shift();
      if (failure) throw failure();
      sent.push(envelope);
      return { channelId, seq: ++seq, createdAt: new Date(0).toISOString(), duplicate: false };
    },
    waitToRetry: async (delayMs) => {
      if (script.closed) throw new SpreekuurError('ERR_CLIENT_CLOSED', 'client closed');
      waits.push(delayMs);
    },
    notify: (update) => updates.push(update),
    channelKind: async () => 'direct',
  });
  return { outbox, store, sent, waits, updates };
}

const network = () => new SpreekuurError('ERR_CLIENT_NETWORK', 'offline');

describe('Outbox', () => {
  it('regression: a network failure while preparing encryption waits and sends once, instead of rejecting and sending later', async () => {
    const { outbox, store, sent, waits, updates } = setUp({ devices: [network, network] });
    const ack = await outbox.send(channelId, text('hallo'));
    expect(ack.seq).toBe(1);
    expect(sent).toHaveLength(1);
    expect(waits).toHaveLength(2);
    expect(await outbox.pending()).toBe(0);
    expect(updates.map((u) => u.state)).toEqual(['waiting', 'waiting', 'sent']);
    expect(updates[0]).toMatchObject({ channelId, clientId: ack.clientId, code: 'ERR_CLIENT_NETWORK' });
    // Nothing is left to go out again on the next reconnect.
    await outbox.flush();
    expect(sent).toHaveLength(1);
    expect(await store.keys('sent/')).toHaveLength(1); // the copy the Inbox shows once its echo arrives
  });

  it('when send() rejects, the message is gone: a later flush does not send it', async () => {
    const refusal = () => new SpreekuurError('ERR_CHAT_NOT_MEMBER', 'not a member', { status: 403 });
    const { outbox, store, sent, updates } = setUp({ devices: [refusal] });
    await expect(outbox.send(channelId, text('hallo'))).rejects.toMatchObject({
      code: 'ERR_CHAT_NOT_MEMBER',
    });
    expect(await outbox.pending()).toBe(0);
    expect(await store.keys('sent/')).toEqual([]);
    expect(updates.map((u) => [u.state, u.code])).toEqual([['failed', 'ERR_CHAT_NOT_MEMBER']]);
    await outbox.flush();
    expect(sent).toEqual([]);
  });

  it('closed while waiting: rejects with ERR_CLIENT_CLOSED and keeps the message for the next connect', async () => {
    const { outbox } = setUp({ devices: [network], closed: true });
    await expect(outbox.send(channelId, text('hallo'))).rejects.toMatchObject({ code: 'ERR_CLIENT_CLOSED' });
    expect(await outbox.pending()).toBe(1);
  });

  it('regression: rate limits honour retryAfter and back off instead of retrying every 250 ms', async () => {
    const limited = () => new SpreekuurError('ERR_RATE_LIMITED', 'slow down', { retryAfter: 7 });
    const { outbox, sent, waits } = setUp({ sends: [limited, limited, limited] });
    await outbox.send(channelId, text('hallo'));
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([7_000, 7_000, 7_000]);
  });

  it('server errors back off exponentially up to a cap, then give up so later messages go out', async () => {
    const internal = () => new SpreekuurError('ERR_INTERNAL', 'oops');
    const { outbox, store, sent, waits, updates } = setUp({
      sends: Array.from({ length: MAX_SERVER_ERROR_ATTEMPTS }, () => internal),
    });
    const first = outbox.send(channelId, text('eerste'));
    const second = outbox.send(channelId, text('tweede'));
    await expect(first).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
    expect((await second).seq).toBe(1);
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
    expect(updates.filter((u) => u.state === 'failed')).toHaveLength(1);
    // An earlier try may have been stored with its ack lost: the copy stays for that echo.
    expect(await store.keys('sent/')).toHaveLength(2);
  });

  it('network trouble is retried for as long as it lasts, with the pause capped', async () => {
    const { outbox, sent, waits } = setUp({ sends: Array.from({ length: 12 }, () => network) });
    await outbox.send(channelId, text('hallo'));
    expect(sent).toHaveLength(1);
    expect(Math.max(...waits)).toBe(RETRY_MAX_MS);
    expect(waits[0]).toBe(RETRY_FIRST_MS);
  });

  it('retryDelay: doubles, caps, and never undercuts the server', () => {
    expect([0, 1, 2, 3].map((n) => retryDelay(network(), n))).toEqual([500, 1_000, 2_000, 4_000]);
    expect(retryDelay(network(), 200)).toBe(RETRY_MAX_MS);
    const limited = new SpreekuurError('ERR_RATE_LIMITED', 'slow down', { retryAfter: 90 });
    expect(retryDelay(limited, 0)).toBe(90_000);
  });

  it('a proxy answering 502 without our error body counts as a retryable outage', async () => {
    const badGateway = () => new SpreekuurError('ERR_CLIENT_BAD_RESPONSE', 'HTTP 502', { status: 502 });
    const { outbox, sent } = setUp({ devices: [badGateway] });
    await outbox.send(channelId, text('hallo'));
    expect(sent).toHaveLength(1);
  });

  it('the app may choose the clientId, to match updates and its own message to the call', async () => {
    const { outbox, sent, updates } = setUp();
    const ack = await outbox.send(channelId, text('hallo'), { clientId: 'bubble-0001' });
    expect(ack.clientId).toBe('bubble-0001');
    expect(sent[0]!.clientId).toBe('bubble-0001');
    expect(updates).toEqual([{ channelId, clientId: 'bubble-0001', state: 'sent', seq: 1 }]);
  });
});
