import { describe, expect, it } from 'vitest';
import type { ChannelEvent } from '@spreekuur/protocol/chat';
import { events, FakeChatServer } from '../../test/fake-chat-server.ts';
import { isSpreekuurError } from '../errors.ts';
import { MemoryStore } from '../storage/key-value-store.ts';
import { Inbox } from './inbox.ts';

const channelId = crypto.randomUUID();
const me = crypto.randomUUID();

function setUp(server: FakeChatServer, store = new MemoryStore()) {
  const processed: number[] = [];
  const errors: unknown[] = [];
  const refusals: Array<{ cursor: number | undefined; buffered: number[] }> = [];
  const inbox = new Inbox(server.http(), store, {
    process: async (event) => {
      processed.push(event.seq);
    },
    committed: async () => undefined,
    refused: async (_channelId, cursor, buffered) => {
      refusals.push({ cursor, buffered: buffered.map((e) => e.seq) });
      return undefined;
    },
    onError: (error) => errors.push(error),
  });
  return { inbox, store, processed, errors, refusals };
}

/** A channel log of `n` entries; the caller's membership starts at `joinedSeq`. */
function log(n: number): ChannelEvent[] {
  return Array.from({ length: n }, (_, i) => events.settings(channelId, i + 1));
}

describe('Inbox', () => {
  it('regression: after being removed and added again, it jumps to the new membership instead of asking forever', async () => {
    // The device saw up to 10; it was removed at 11 (while away) and added again at 20.
    const server = new FakeChatServer();
    server.channel(channelId, { log: [...log(19), events.added(channelId, 20, me)], joinedSeq: 20 });
    const { inbox, store, processed, errors } = setUp(server);
    await store.set(`cursor/${channelId}`, 10);

    server.channels.get(channelId)!.log.push(events.settings(channelId, 21));
    await inbox.receive(events.settings(channelId, 21));

    expect(processed).toEqual([20, 21]);
    expect(await inbox.cursor(channelId)).toBe(21);
    expect(errors).toEqual([]);
    expect(server.requests.length).toBeLessThanOrEqual(3);
  });

  it('catching up after a re-join starts at the membership too', async () => {
    const server = new FakeChatServer();
    server.channel(channelId, {
      log: [...log(19), events.added(channelId, 20, me), ...log(25).slice(20)],
      joinedSeq: 20,
    });
    const { inbox, store, processed, errors } = setUp(server);
    await store.set(`cursor/${channelId}`, 10);
    await inbox.catchUp(channelId, 25);
    expect(processed).toEqual([20, 21, 22, 23, 24, 25]);
    expect(errors).toEqual([]);
  });

  it('an entry missing from the history it should hold stops the drain with an error, after one request', async () => {
    const server = new FakeChatServer();
    const full = log(20);
    server.channel(channelId, { log: full.filter((e) => e.seq !== 12) }); // member from the start
    const { inbox, store, processed, errors } = setUp(server);
    await store.set(`cursor/${channelId}`, 10);

    await inbox.receive(full[19]!);
    expect(processed).toEqual([11]);
    expect(errors).toHaveLength(1);
    expect(isSpreekuurError(errors[0], 'ERR_CLIENT_HISTORY_GAP')).toBe(true);
    // One history page and one look at the membership: no loop.
    expect(server.requests.length).toBeLessThanOrEqual(3);
    expect(await inbox.cursor(channelId)).toBe(11);
  });

  it('a page that adds nothing new (a server ignoring `after`) stops the drain instead of repeating it', async () => {
    const server = new FakeChatServer();
    server.channel(channelId, { log: log(30) });
    server.history = (channel) => channel.log.slice(0, 5);
    const { inbox, store, processed, errors } = setUp(server);
    await store.set(`cursor/${channelId}`, 10);

    await inbox.catchUp(channelId, 30);
    expect(processed).toEqual([]);
    expect(isSpreekuurError(errors[0], 'ERR_CLIENT_HISTORY_GAP')).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('a channel the server refuses (removed while away) is handed to `refused` once, not retried', async () => {
    const server = new FakeChatServer();
    server.channel(channelId, { log: log(12), member: false });
    const { inbox, store, processed, errors, refusals } = setUp(server);
    await store.set(`cursor/${channelId}`, 10);

    await inbox.recheck(channelId);
    expect(refusals).toEqual([{ cursor: 10, buffered: [] }]);
    expect(processed).toEqual([]);
    expect(errors).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('a pushed entry that cannot be placed in a refused channel goes to `refused` with the buffer', async () => {
    const server = new FakeChatServer();
    server.channel(channelId, { log: log(15), member: false });
    const { inbox, store, refusals, errors } = setUp(server);
    await store.set(`cursor/${channelId}`, 10);

    await inbox.receive(events.removed(channelId, 15, me));
    expect(refusals).toEqual([{ cursor: 10, buffered: [15] }]);
    expect(errors).toEqual([]);
  });

  it('a recheck of a channel with nothing new asks once and processes nothing', async () => {
    const server = new FakeChatServer();
    server.channel(channelId, { log: log(10) });
    const { inbox, store, processed, errors } = setUp(server);
    await store.set(`cursor/${channelId}`, 10);
    await inbox.recheck(channelId);
    expect(processed).toEqual([]);
    expect(errors).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});
