import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '@spreekuur/crypto/ready';
import { toBase64Url, utf8Encode } from '@spreekuur/crypto/encoding';
import { createSenderKey } from '@spreekuur/crypto/sender-keys';
import { CryptoError } from '@spreekuur/crypto/errors';
import { events, FakeChatServer } from '../../test/fake-chat-server.ts';
import { GroupKeys } from '../crypto/group-keys.ts';
import type { PairwiseSessions } from '../crypto/pairwise-sessions.ts';
import { MemoryStore, type KeyValueStore } from '../storage/key-value-store.ts';
import type { ChatMessage, ClientEvents, MembershipChange } from '../types.ts';
import { DeviceDirectory } from './device-directory.ts';
import { EventProcessor } from './event-processor.ts';
import { MembershipView } from './membership-view.ts';
import { Inbox } from './inbox.ts';

beforeAll(() => ready());

const channelId = crypto.randomUUID();
const self = { personId: crypto.randomUUID(), deviceId: crypto.randomUUID() };
const sender = { deviceId: crypto.randomUUID(), personId: crypto.randomUUID(), identityKey: 'AAAA' };

/** Decrypts every message to this text (or throws what `fail` says) without real cryptography. */
function fakeSessions(options: { fail?: () => Error; plaintext?: unknown } = {}) {
  let calls = 0;
  const sessions = {
    decrypt: async () => {
      calls++;
      if (options.fail) throw options.fail();
      return utf8Encode(
        JSON.stringify(options.plaintext ?? { v: 1, content: { type: 'text', text: 'hallo' } }),
      );
    },
  } as unknown as PairwiseSessions;
  return { sessions, calls: () => calls };
}

/** A device: processor and Inbox over one store, as after opening the app. */
function device(
  server: FakeChatServer,
  store: KeyValueStore,
  sessions: PairwiseSessions,
  options: { membership?: boolean } = {},
) {
  const emitted: Array<{ event: keyof ClientEvents; value: unknown }> = [];
  const http = server.http();
  const membership = options.membership ? new MembershipView(store, http) : undefined;
  const processor = new EventProcessor({
    store,
    sessions,
    groups: new GroupKeys(store),
    devices: new DeviceDirectory(
      http,
      store,
      self.deviceId,
      () => undefined,
      membership ? { membership } : {},
    ),
    ...(membership ? { membership } : {}),
    self,
    emit: (event, value) => emitted.push({ event, value }),
    delivered: () => undefined,
  });
  const errors: unknown[] = [];
  const inbox = new Inbox(http, store, {
    process: (event) => processor.process(event),
    committed: (event) => processor.committed(event),
    refused: (id, cursor, buffered) => processor.refused(id, cursor, buffered),
    onError: (error) => errors.push(error),
  });
  const messages = () => emitted.filter((e) => e.event === 'message').map((e) => e.value as ChatMessage);
  const memberships = () =>
    emitted.filter((e) => e.event === 'membership').map((e) => e.value as MembershipChange);
  return { processor, inbox, emitted, errors, messages, memberships };
}

/** A store whose next write of this key fails, as if the device stopped right there. */
function crashingOnce(store: MemoryStore, key: string): KeyValueStore {
  let crashed = false;
  return {
    get: (k) => store.get(k),
    keys: (p) => store.keys(p),
    delete: (k) => store.delete(k),
    set: async (k, value) => {
      if (k === key && !crashed) {
        crashed = true;
        throw new Error('device stopped');
      }
      return store.set(k, value);
    },
  };
}

describe('EventProcessor', () => {
  it('regression: a failed look-up of an unknown sender device keeps the message for later instead of marking it unavailable', async () => {
    const server = new FakeChatServer();
    const message = events.message(channelId, 1, {
      senderDeviceId: sender.deviceId,
      senderPersonId: sender.personId,
    });
    server.channel(channelId, { log: [message], devices: [sender] });
    server.failures.push({ path: /\/devices$/, fail: 'network' });
    const store = new MemoryStore();
    await store.set(`cursor/${channelId}`, 0);
    const { sessions, calls } = fakeSessions();
    const phone = device(server, store, sessions);

    await phone.inbox.receive(message);
    expect(phone.messages()).toEqual([]);
    expect(phone.errors).toHaveLength(1);
    expect(await store.get(`messages/${channelId}/1`)).toBeUndefined();
    expect(await phone.inbox.cursor(channelId)).toBe(0);
    expect(calls()).toBe(0); // the ratchet was not touched

    // Back online: the next catch-up delivers it, readable, once.
    await phone.inbox.catchUp(channelId, 1);
    expect(phone.messages().map((m) => [m.seq, m.status, m.content])).toEqual([
      [1, 'ok', { type: 'text', text: 'hallo' }],
    ]);
    expect(await phone.inbox.cursor(channelId)).toBe(1);
  });

  it.each([
    ['the server is busy', { status: 503, code: 'ERR_UNAVAILABLE' }],
    ['rate limited', { status: 429, code: 'ERR_RATE_LIMITED' }],
  ] as const)('a device look-up that fails because %s is not final either', async (_why, fail) => {
    const server = new FakeChatServer();
    const message = events.message(channelId, 1, {
      senderDeviceId: sender.deviceId,
      senderPersonId: sender.personId,
    });
    server.channel(channelId, { log: [message], devices: [sender] });
    server.failures.push({ path: /\/devices$/, fail });
    const store = new MemoryStore();
    await store.set(`cursor/${channelId}`, 0);
    const phone = device(server, store, fakeSessions().sessions);
    await phone.inbox.receive(message);
    expect(phone.messages()).toEqual([]);
    await phone.inbox.catchUp(channelId, 1);
    expect(phone.messages().map((m) => m.status)).toEqual(['ok']);
  });

  it('a message that fails to decrypt is final: stored and shown once as unavailable', async () => {
    const server = new FakeChatServer();
    const message = events.message(channelId, 1, {
      senderDeviceId: sender.deviceId,
      senderPersonId: sender.personId,
    });
    server.channel(channelId, { log: [message], devices: [sender] });
    const store = new MemoryStore();
    await store.set(`cursor/${channelId}`, 0);
    const phone = device(
      server,
      store,
      fakeSessions({ fail: () => new CryptoError('ERR_CRYPTO_BAD_MAC', 'altered') }).sessions,
    );
    await phone.inbox.receive(message);
    expect(phone.messages().map((m) => m.status)).toEqual(['unavailable']);
    expect(phone.emitted.find((e) => e.event === 'error')?.value).toMatchObject({
      code: 'ERR_CRYPTO_BAD_MAC',
    });
    expect(await phone.inbox.cursor(channelId)).toBe(1);
  });

  it('a message from a device the server does not list is final too', async () => {
    const server = new FakeChatServer();
    const message = events.message(channelId, 1); // an unknown sender device
    server.channel(channelId, { log: [message], devices: [sender] });
    const store = new MemoryStore();
    await store.set(`cursor/${channelId}`, 0);
    const phone = device(server, store, fakeSessions().sessions);
    await phone.inbox.receive(message);
    expect(phone.messages().map((m) => m.status)).toEqual(['unavailable']);
    expect(phone.errors).toEqual([]);
  });

  it('regression: an own message replayed after a crash before the cursor was saved is neither overwritten nor emitted twice', async () => {
    const server = new FakeChatServer();
    const own = events.message(channelId, 1, {
      senderDeviceId: self.deviceId,
      senderPersonId: self.personId,
      clientId: 'own-message-1',
    });
    server.channel(channelId, { log: [own] });
    const store = new MemoryStore();
    await store.set(`cursor/${channelId}`, 0);
    await store.set('sent/own-message-1', { content: { type: 'text', text: 'mijn vraag' } });

    const before = device(server, crashingOnce(store, `cursor/${channelId}`), fakeSessions().sessions);
    await before.inbox.receive(own);
    expect(before.messages().map((m) => m.status)).toEqual(['ok']);
    expect(await store.get(`cursor/${channelId}`)).toBe(0); // the crash
    expect(await store.get('sent/own-message-1')).toBeDefined(); // still there for the replay

    // The app opens again: the same entry comes again.
    const after = device(server, store, fakeSessions().sessions);
    await after.inbox.catchUp(channelId, 1);
    expect(after.messages()).toEqual([]);
    const stored = await store.get<ChatMessage>(`messages/${channelId}/1`);
    expect(stored).toMatchObject({ status: 'ok', content: { type: 'text', text: 'mijn vraag' } });
    expect(await store.get(`cursor/${channelId}`)).toBe(1);
    // Only now, with the cursor saved, is the kept copy dropped.
    expect(await store.get('sent/own-message-1')).toBeUndefined();
  });

  it('an incoming message replayed after a crash is not decrypted or emitted again', async () => {
    const server = new FakeChatServer();
    const message = events.message(channelId, 1, {
      senderDeviceId: sender.deviceId,
      senderPersonId: sender.personId,
    });
    server.channel(channelId, { log: [message], devices: [sender] });
    const store = new MemoryStore();
    await store.set(`cursor/${channelId}`, 0);
    const first = device(server, crashingOnce(store, `cursor/${channelId}`), fakeSessions().sessions);
    await first.inbox.receive(message);
    expect(first.messages()).toHaveLength(1);

    const { sessions, calls } = fakeSessions({ fail: () => new CryptoError('ERR_CRYPTO_REPLAY', 'seen') });
    const second = device(server, store, sessions);
    await second.inbox.receive(message);
    expect(second.messages()).toEqual([]);
    expect(calls()).toBe(0);
    expect(await store.get<ChatMessage>(`messages/${channelId}/1`)).toMatchObject({ status: 'ok' });
  });

  it('the sent copy of an own sender-key message is dropped once the cursor is past it', async () => {
    const server = new FakeChatServer();
    const control = events.message(channelId, 1, {
      senderDeviceId: self.deviceId,
      senderPersonId: self.personId,
      clientId: 'sender-key-1',
    });
    server.channel(channelId, { log: [control] });
    const store = new MemoryStore();
    await store.set(`cursor/${channelId}`, 0);
    await store.set('sent/sender-key-1', { content: { type: 'sender_key' } });
    const phone = device(server, store, fakeSessions().sessions);
    await phone.inbox.receive(control);
    expect(phone.messages()).toEqual([]);
    expect(await store.get('sent/sender-key-1')).toBeUndefined();
  });

  it('regression: a sender key injected from a device that is not a member here is refused, not imported', async () => {
    const server = new FakeChatServer();
    const injected = events.message(channelId, 1, {
      senderDeviceId: sender.deviceId,
      senderPersonId: sender.personId,
    });
    // The server lists the outsider's device in this channel; by our own view it is no member.
    server.channel(channelId, { log: [injected], devices: [sender] });
    const store = new MemoryStore();
    await store.set(`cursor/${channelId}`, 0);
    await store.set(`members/${channelId}`, [self.personId]);
    const distribution = toBase64Url(createSenderKey(channelId).distributionMessage());
    const plaintext = {
      v: 2,
      sender: { personId: sender.personId, deviceId: sender.deviceId },
      channelId,
      sentAt: 0,
      replacesSeq: null,
      content: { type: 'sender_key', distribution },
    };
    const phone = device(server, store, fakeSessions({ plaintext }).sessions, { membership: true });
    await phone.inbox.receive(injected);
    expect((await new GroupKeys(store).inbound(channelId)).senders()).toEqual([]);
    expect(phone.emitted.find((e) => e.event === 'error')?.value).toMatchObject({
      code: 'ERR_CLIENT_UNTRUSTED_SENDER',
    });
    // Added as a member (a visible log entry), the same device's key is taken.
    const store2 = new MemoryStore();
    await store2.set(`cursor/${channelId}`, 0);
    await store2.set(`members/${channelId}`, [self.personId, sender.personId]);
    const member = device(server, store2, fakeSessions({ plaintext }).sessions, { membership: true });
    await member.inbox.receive(injected);
    expect((await new GroupKeys(store2).inbound(channelId)).senders()).toEqual([sender.deviceId]);
  });

  it("regression: a removed member's sender key is dropped even when the server leaves their device out of the listing", async () => {
    const server = new FakeChatServer();
    const removal = events.removed(channelId, 1, sender.personId, self.personId);
    // The server no longer lists the device, so the cached listing does not name it either.
    server.channel(channelId, { log: [removal], devices: [] });
    const store = new MemoryStore();
    await store.set(`cursor/${channelId}`, 0);
    await store.set(`members/${channelId}`, [self.personId, sender.personId]);
    await store.set(`devices/${channelId}`, []);
    await store.set(`contact-devices/${sender.deviceId}`, {
      ...sender,
      pinnedAt: '2025-01-06T09:00:00.000Z',
    });
    const groups = new GroupKeys(store);
    const inbound = await groups.inbound(channelId);
    inbound.importDistribution(sender.deviceId, createSenderKey(channelId).distributionMessage());
    await groups.saveInbound(channelId, inbound);
    const phone = device(server, store, fakeSessions().sessions, { membership: true });
    await phone.inbox.receive(removal);
    expect((await groups.inbound(channelId)).senders()).toEqual([]);
    expect(await store.get(`members/${channelId}`)).toEqual([self.personId]);
  });

  it('regression: a message whose plaintext names another channel or edit target is unavailable', async () => {
    for (const [what, change] of [
      ['channel', { channelId: crypto.randomUUID() }],
      ['edit target', { replacesSeq: 3 }],
      ['sender device', { sender: { personId: sender.personId, deviceId: crypto.randomUUID() } }],
    ] as const) {
      const server = new FakeChatServer();
      const message = events.message(channelId, 1, {
        senderDeviceId: sender.deviceId,
        senderPersonId: sender.personId,
      });
      server.channel(channelId, { log: [message], devices: [sender] });
      const store = new MemoryStore();
      await store.set(`cursor/${channelId}`, 0);
      const genuine = {
        v: 2,
        sender: { personId: sender.personId, deviceId: sender.deviceId },
        sentAt: 0,
        replacesSeq: null,
        content: { type: 'text', text: 'hallo' },
        channelId,
      };
      const plaintext: Record<string, unknown> = { ...genuine, ...change };
      const phone = device(server, store, fakeSessions({ plaintext }).sessions);
      await phone.inbox.receive(message);
      expect(
        phone.messages().map((m) => [m.status, m.content]),
        what,
      ).toEqual([['unavailable', null]]);
      expect(phone.emitted.find((e) => e.event === 'error')?.value, what).toMatchObject({
        code: 'ERR_CLIENT_MISMATCH',
      });
    }
  });

  describe('removal the server no longer shows', () => {
    it('marks the channel as left and tells the app once', async () => {
      const server = new FakeChatServer();
      server.channel(channelId, { log: [], member: false });
      const store = new MemoryStore();
      await store.set(`cursor/${channelId}`, 7);
      const phone = device(server, store, fakeSessions().sessions);

      await phone.inbox.recheck(channelId);
      await phone.inbox.recheck(channelId);
      expect(phone.memberships()).toEqual([
        { channelId, seq: 7, personId: self.personId, change: 'removed', byPersonId: null },
      ]);
      expect(await store.get(`left/${channelId}`)).toBe(7);
      expect(phone.errors).toEqual([]);
    });

    it('processes our own removal when it was pushed, even with entries before it out of reach', async () => {
      const server = new FakeChatServer();
      server.channel(channelId, { log: [], member: false });
      const store = new MemoryStore();
      await store.set(`cursor/${channelId}`, 7);
      const phone = device(server, store, fakeSessions().sessions);
      const moderator = crypto.randomUUID();

      await phone.inbox.receive(events.removed(channelId, 12, self.personId, moderator));
      expect(phone.memberships()).toEqual([
        { channelId, seq: 12, personId: self.personId, change: 'removed', byPersonId: moderator },
      ]);
      expect(await phone.inbox.cursor(channelId)).toBe(12);
      expect(await store.get(`left/${channelId}`)).toBe(12);
    });

    it('being added again clears the mark', async () => {
      const server = new FakeChatServer();
      server.channel(channelId, { log: [events.added(channelId, 20, self.personId)], joinedSeq: 20 });
      const store = new MemoryStore();
      await store.set(`cursor/${channelId}`, 12);
      await store.set(`left/${channelId}`, 12);
      const phone = device(server, store, fakeSessions().sessions);
      await phone.inbox.catchUp(channelId, 20);
      expect(phone.memberships().map((m) => [m.seq, m.change])).toEqual([[20, 'added']]);
      expect(await store.get(`left/${channelId}`)).toBeUndefined();
    });
  });
});
