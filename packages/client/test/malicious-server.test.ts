import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@spreekuur/crypto/encoding';
import { generateIdentity } from '@spreekuur/crypto/identity';
import { ready } from '@spreekuur/crypto/ready';
import { invite, seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { chatEndpoints, type ChannelDevice, type ChannelEvent } from '@spreekuur/protocol/chat';
import { EncryptedStore, MemoryStore, SpreekuurClient, type ClientEvents } from '../src/index.ts';
import { TamperingFetch } from './malicious-server.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

// Issue 14: the client must not trust the server. Real gateway (embedded, or DATABASE_URL and
// REDIS_URL), real SDK; one client's HTTP answers rewritten as a malicious server would.

let gateway: TestGateway;
const clients: SpreekuurClient[] = [];
beforeAll(async () => {
  await ready();
  gateway = await startGateway();
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await gateway.close();
});

async function cast(slug: string) {
  const org = await seedOrganisation(gateway, slug);
  const worker = await sdkPerson(gateway, org.admin, org.team.id, 'Sanne', { role: 'worker' });
  clients.push(worker);
  const evil = new TamperingFetch();
  /** The victim's own storage, to check what it encrypted for whom. */
  const store = new MemoryStore();
  /** The person the server attacks: every HTTP answer it gets passes `evil`. */
  const victim = await SpreekuurClient.register({
    serverUrl: gateway.url,
    store,
    inviteCode: await invite(gateway, org.worker, 'resident', org.team.id),
    displayName: 'Mohammed',
    deviceName: 'telefoon',
    fetch: evil.fetch,
  });
  clients.push(victim);
  const events = <K extends keyof ClientEvents>(name: K) => {
    const seen: Array<ClientEvents[K]> = [];
    victim.on(name, (value) => seen.push(value));
    return seen;
  };
  return { org, worker, victim, evil, events, store };
}

const isDevices = (path: string) => /^\/v1\/channels\/[^/]+\/devices$/.test(path);
const isHistory = (path: string, channelId: string) => path === `/v1/channels/${channelId}/events`;

/** Rewrites every message entry of a history page. */
function rewriteMessages(
  body: unknown,
  change: (event: Extract<ChannelEvent, { kind: 'message' }>) => ChannelEvent,
): unknown {
  const page = body as { events: ChannelEvent[] };
  return { ...page, events: page.events.map((event) => (event.kind === 'message' ? change(event) : event)) };
}

describe('a malicious server', () => {
  it('swaps the identity key of a pinned device: sending is refused, the change is an event, safety numbers stay honest', async () => {
    const { worker, victim, evil, events } = await cast('evil-swap');
    const changes = events('trust:changed');
    const channel = await victim.openDirect(worker.account.personId);
    // First use pins the worker's real key; both sides see the same number and verify.
    const [before] = await victim.safetyNumbers(channel.id, worker.account.personId);
    const [theirs] = await worker.safetyNumbers(channel.id, victim.account.personId);
    expect(before!.digits).toBe(theirs!.digits);
    await victim.trust.verify(worker.account.personId);
    expect((await victim.trust.list(worker.account.personId))[0]).toMatchObject({ verified: true });

    // The server lists a key of its own for the worker's device, and bundles signed with it.
    const attacker = toBase64Url(generateIdentity().publicKey);
    let bundlesAsked = 0;
    evil.tamper((path, body) => {
      if (path === '/v1/keys/bundles') bundlesAsked++;
      if (!isDevices(path)) return body;
      const { devices } = body as { devices: ChannelDevice[] };
      return {
        devices: devices.map((d) =>
          d.personId === worker.account.personId ? { ...d, identityKey: attacker } : d,
        ),
      };
    });
    const [after] = await victim.safetyNumbers(channel.id, worker.account.personId);
    // Honest: still the number of the pinned key, which the worker also sees; no longer verified.
    expect(after).toMatchObject({ digits: theirs!.digits, state: 'changed', verified: false });
    expect(changes).toContainEqual({
      personId: worker.account.personId,
      deviceId: worker.account.deviceId,
      identityKey: attacker,
      change: 'key-changed',
      accepted: false,
    });
    await expect(victim.sendText(channel.id, 'mijn BSN is ...')).rejects.toMatchObject({
      code: 'ERR_CLIENT_KEY_CHANGED',
      details: { personIds: [worker.account.personId] },
    });
    await expect(victim.trust.verify(worker.account.personId)).rejects.toMatchObject({
      code: 'ERR_CLIENT_KEY_CHANGED',
    });
    expect(bundlesAsked).toBe(0); // nothing was encrypted to the server's key

    // The server lists the real key again: the change is over and sending works.
    evil.stop();
    const [again] = await victim.safetyNumbers(channel.id, worker.account.personId);
    expect(again).toMatchObject({ digits: theirs!.digits, state: 'trusted', verified: false });
    const workerBox = inbox(worker);
    await victim.connect();
    await victim.sendText(channel.id, 'hallo');
    await workerBox.waitFor(1);
    expect(workerBox.texts()).toEqual(['hallo']);
  });

  it('accepting a changed key pins the new one and resets verification', async () => {
    const { worker, victim, evil, events } = await cast('evil-accept');
    const changes = events('trust:changed');
    const channel = await victim.openDirect(worker.account.personId);
    await victim.safetyNumbers(channel.id, worker.account.personId);
    await victim.trust.verify(worker.account.personId);
    const attacker = toBase64Url(generateIdentity().publicKey);
    evil.tamper((path, body) =>
      isDevices(path)
        ? {
            devices: (body as { devices: ChannelDevice[] }).devices.map((d) =>
              d.personId === worker.account.personId ? { ...d, identityKey: attacker } : d,
            ),
          }
        : body,
    );
    await victim.safetyNumbers(channel.id, worker.account.personId);
    await victim.trust.accept(worker.account.personId);
    const [person] = await victim.trust.list(worker.account.personId);
    expect(person).toMatchObject({ verified: false, devices: [{ identityKey: attacker, state: 'trusted' }] });
    expect(changes.map((c) => c.change)).toEqual(['verified', 'key-changed', 'accepted']);
  });

  it('relabels the sender, moves a message to another channel, marks it as an edit, replays it: none is shown as genuine', async () => {
    const { org, worker, victim, evil, events } = await cast('evil-relabel');
    const errors = events('error');
    const direct = await worker.openDirect(victim.account.personId);
    const carol = await sdkPerson(gateway, org.worker, org.team.id, 'Carol');
    clients.push(carol);
    const group = await worker.createGroup('Groep', [victim.account.personId, carol.account.personId]);

    // 1. Relabelled: the worker's message shown as Carol's (who is a member the victim knows).
    await worker.sendText(direct.id, 'één');
    evil.tamper((path, body) =>
      isHistory(path, direct.id)
        ? rewriteMessages(body, (e) => ({ ...e, senderPersonId: carol.account.personId }))
        : body,
    );
    const [message] = await victim.history(direct.id);
    expect(message).toMatchObject({ status: 'unavailable', content: null });
    expect(message!.senderPersonId).not.toBe(carol.account.personId);
    evil.stop();

    // 2. Shown as the victim's own.
    await worker.sendText(direct.id, 'twee');
    evil.tamper((path, body) =>
      isHistory(path, direct.id)
        ? rewriteMessages(body, (e) =>
            e.seq > message!.seq ? { ...e, senderPersonId: victim.account.personId } : e,
          )
        : body,
    );
    const second = (await victim.history(direct.id, message!.seq))[0]!;
    expect(second).toMatchObject({ status: 'unavailable', own: false });
    evil.stop();

    // 3. Marked as an edit of the first message.
    await worker.sendText(direct.id, 'drie');
    evil.tamper((path, body) =>
      isHistory(path, direct.id)
        ? rewriteMessages(body, (e) => (e.seq > second.seq ? { ...e, replacesSeq: message!.seq } : e))
        : body,
    );
    const third = (await victim.history(direct.id, second.seq))[0]!;
    expect(third).toMatchObject({ status: 'unavailable', content: null });
    evil.stop();

    // 4. A private 1:1 message moved into the group's log (in place of a group message).
    await worker.sendText(direct.id, 'vier, alleen voor jou');
    const real = await worker.sendText(group.id, 'welkom in de groep');
    const page = await victim.call(chatEndpoints.history, {
      params: { id: direct.id },
      query: { after: third.seq, limit: 10 },
    });
    const moved = page.events.find((e) => e.kind === 'message')!;
    evil.tamper((path, body) =>
      isHistory(path, group.id)
        ? rewriteMessages(body, (e) =>
            e.seq === real.seq ? { ...moved, channelId: group.id, seq: e.seq } : e,
          )
        : body,
    );
    const inGroup = (await victim.history(group.id)).filter((m) => m.seq === real.seq);
    expect(inGroup).toMatchObject([{ status: 'unavailable', content: null }]);
    evil.stop();
    expect(errors.filter((e) => e.code === 'ERR_CLIENT_MISMATCH')).toHaveLength(4);

    // 5. An old message replayed under a new seq: nothing new appears.
    const genuine = await worker.sendText(direct.id, 'vijf');
    let captured: string | null | undefined;
    evil.tamper((path, body) => {
      if (isHistory(path, direct.id))
        for (const e of (body as { events: ChannelEvent[] }).events)
          if (e.kind === 'message' && e.seq === genuine.seq) captured = e.ciphertext;
      return body;
    });
    expect((await victim.history(direct.id)).find((m) => m.seq === genuine.seq)).toMatchObject({
      status: 'ok',
      content: { type: 'text', text: 'vijf' },
    });
    evil.stop();
    expect(captured).toBeTruthy();
    const replay = await worker.sendText(direct.id, 'zes');
    evil.tamper((path, body) =>
      isHistory(path, direct.id)
        ? rewriteMessages(body, (e) => (e.seq === replay.seq ? { ...e, ciphertext: captured ?? null } : e))
        : body,
    );
    const after = await victim.history(direct.id);
    expect(after.filter((m) => m.seq === replay.seq)).toEqual([]);
    expect(after.filter((m) => m.content?.type === 'text' && m.content.text === 'vijf')).toHaveLength(1);
    expect(errors.every((e) => !JSON.stringify(e).includes('één'))).toBe(true);
  });
});

describe('ghost devices', () => {
  it('a linked device nobody approved reads nothing from contacts who know the person, until approved', async () => {
    const { worker, victim } = await cast('ghost-link');
    await victim.connect();
    const channel = await worker.openDirect(victim.account.personId);
    const changes: Array<ClientEvents['trust:changed']> = [];
    worker.on('trust:changed', (change) => changes.push(change));
    await worker.sendText(channel.id, 'eerste'); // the worker pins the victim's phone
    // A device appears under the victim's person (as a server could add one): unapproved.
    const ghost = await SpreekuurClient.register({
      serverUrl: gateway.url,
      store: new MemoryStore(),
      inviteCode: (await victim.linkDeviceCode()).code,
      displayName: 'x',
      deviceName: 'onbekend',
    });
    clients.push(ghost);
    await ghost.connect();
    const ghostBox = inbox(ghost);
    const hidden = await worker.sendText(channel.id, 'alleen voor de telefoon');
    const seen = async (seq: number) => {
      for (let tries = 0; tries < 100 && !ghostBox.messages.some((m) => m.seq === seq); tries++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      return ghostBox.messages.find((m) => m.seq === seq);
    };
    expect(await seen(hidden.seq)).toMatchObject({ status: 'unavailable', content: null });
    expect(changes).toContainEqual(
      expect.objectContaining({
        deviceId: ghost.account.deviceId,
        change: 'device-untrusted',
        reason: 'uncertified',
      }),
    );
    // The person approves it from the phone: from then on it reads along.
    await victim.trust.approveDevice(ghost.account.deviceId);
    const shown = await worker.sendText(channel.id, 'nu ook voor de tablet');
    expect(await seen(shown.seq)).toMatchObject({
      status: 'ok',
      content: { type: 'text', text: 'nu ook voor de tablet' },
    });
    const [summary] = await worker.trust.list(victim.account.personId);
    expect(summary!.devices.map((d) => d.state)).toEqual(['trusted', 'trusted']);
  });

  it('a device listed under a non-member, or an unsigned one under a member, is flagged and not trusted', async () => {
    const { worker, victim, evil, events } = await cast('ghost-listing');
    const changes = events('trust:changed');
    const channel = await victim.openDirect(worker.account.personId);
    await victim.safetyNumbers(channel.id, worker.account.personId); // pins the worker's device
    const outsider = { deviceId: crypto.randomUUID(), personId: crypto.randomUUID() };
    const extra = { deviceId: crypto.randomUUID(), personId: worker.account.personId };
    evil.tamper((path, body) =>
      isDevices(path)
        ? {
            devices: [
              ...(body as { devices: ChannelDevice[] }).devices,
              { ...outsider, identityKey: toBase64Url(generateIdentity().publicKey) },
              { ...extra, identityKey: toBase64Url(generateIdentity().publicKey) },
            ],
          }
        : body,
    );
    const numbers = await victim.safetyNumbers(channel.id, worker.account.personId);
    expect(changes).toContainEqual(
      expect.objectContaining({
        deviceId: outsider.deviceId,
        change: 'device-untrusted',
        reason: 'not-a-member',
      }),
    );
    expect(changes).toContainEqual(
      expect.objectContaining({
        deviceId: extra.deviceId,
        change: 'device-untrusted',
        reason: 'uncertified',
      }),
    );
    expect(numbers.map((n) => n.state).sort()).toEqual(['trusted', 'untrusted']);
    const [summary] = await victim.trust.list(worker.account.personId);
    expect(summary!.devices.find((d) => d.deviceId === extra.deviceId)).toMatchObject({
      state: 'untrusted',
      reason: 'uncertified',
    });
    expect((await victim.trust.list()).map((p) => p.personId)).not.toContain(outsider.personId);
  });
});

describe('membership by our own view', () => {
  it('a removed member the server keeps listing is flagged, gets no sender key and nothing readable', async () => {
    const { org, worker, victim, evil, events, store } = await cast('ghost-removed');
    const changes = events('trust:changed');
    const carol = await sdkPerson(gateway, org.worker, org.team.id, 'Carol');
    clients.push(carol);
    const group = await worker.createGroup('Groep', [victim.account.personId, carol.account.personId]);
    await victim.history(group.id);
    await victim.connect();
    // Before the removal the victim's sender key went to Carol too (over their pairwise session).
    await victim.sendText(group.id, 'hallo allemaal');
    const groupKey = async () =>
      (await store.get<{ distributedTo: string[] }>(`group-out/${group.id}`))!.distributedTo;
    expect(await groupKey()).toContain(carol.account.deviceId);
    const carolSession = JSON.stringify(await store.get(`sessions/${carol.account.deviceId}`));
    expect(await victim.safetyNumbers(group.id, carol.account.personId)).toMatchObject([
      { state: 'trusted' },
    ]);
    const kept: ChannelDevice = {
      deviceId: carol.account.deviceId,
      personId: carol.account.personId,
      identityKey: toBase64Url(carol.account.identity.publicKey),
    };
    evil.tamper((path, body) => {
      if (!isDevices(path)) return body;
      const { devices } = body as { devices: ChannelDevice[] };
      return { devices: [...devices.filter((d) => d.deviceId !== kept.deviceId), kept] };
    });
    await worker.removeMember(group.id, carol.account.personId);
    await victim.history(group.id); // the removal entry updates our view
    expect(changes).toContainEqual({
      personId: carol.account.personId,
      deviceId: carol.account.deviceId,
      identityKey: kept.identityKey,
      channelId: group.id,
      change: 'device-untrusted',
      reason: 'not-a-member',
    });
    // The next group message: a fresh sender key, handed to the worker only. The honest gateway
    // refuses an envelope that addresses Carol, whom the server kept listing to the victim.
    await expect(victim.sendText(group.id, 'na het vertrek van Carol')).rejects.toMatchObject({
      code: 'ERR_CLIENT_DEVICES_UNSTABLE',
    });
    expect(await groupKey()).not.toContain(carol.account.deviceId);
    // Nothing was encrypted with the session to Carol's device: its ratchet did not move.
    expect(JSON.stringify(await store.get(`sessions/${carol.account.deviceId}`))).toBe(carolSession);
  });

  it('a sender key or group message of a device from another channel is refused, not imported', async () => {
    const { org, worker, victim, evil, events, store } = await cast('ghost-sender-key');
    const errors = events('error');
    const dave = await sdkPerson(gateway, org.worker, org.team.id, 'Dave');
    clients.push(dave);
    const mine = await worker.createGroup('Groep A', [victim.account.personId]);
    const theirs = await worker.createGroup('Groep B', [victim.account.personId, dave.account.personId]);
    // Dave writes in group B: a sender-key distribution to each member device, then the message.
    await dave.sendText(theirs.id, 'alleen in groep B');
    const page = await victim.call(chatEndpoints.history, { params: { id: theirs.id }, query: {} });
    const fromDave = page.events.filter(
      (e): e is Extract<ChannelEvent, { kind: 'message' }> =>
        e.kind === 'message' && e.senderDeviceId === dave.account.deviceId,
    );
    const distribution = fromDave.find((e) => e.envelopeKind === 'pairwise')!;
    const groupMessage = fromDave.find((e) => e.envelopeKind === 'group')!;
    expect(distribution.ciphertext && groupMessage.ciphertext).toBeTruthy();
    // The victim pins Dave's device through group B (a member there), without reading B yet.
    expect(await victim.safetyNumbers(theirs.id, dave.account.personId)).toMatchObject([
      { state: 'trusted' },
    ]);

    // The server puts Dave's distribution and message into group A, where Dave is no member.
    const first = await worker.sendText(mine.id, 'welkom in groep A');
    const second = await worker.sendText(mine.id, 'tweede bericht');
    evil.tamper((path, body) =>
      isHistory(path, mine.id)
        ? rewriteMessages(body, (e) =>
            e.seq === first.seq
              ? { ...distribution, channelId: mine.id, seq: e.seq }
              : e.seq === second.seq
                ? { ...groupMessage, channelId: mine.id, seq: e.seq }
                : e,
          )
        : body,
    );
    const shown = (await victim.history(mine.id)).filter((m) => m.seq === first.seq || m.seq === second.seq);
    expect(shown).toMatchObject([
      { status: 'unavailable', content: null },
      { status: 'unavailable', content: null },
    ]);
    expect(errors.filter((e) => e.channelId === mine.id).map((e) => [e.seq, e.code])).toEqual([
      [first.seq, 'ERR_CLIENT_UNTRUSTED_SENDER'],
      [second.seq, 'ERR_CLIENT_UNTRUSTED_SENDER'],
    ]);
    // No sender key of Dave's was imported for group A.
    expect(JSON.stringify((await store.get(`group-in/${mine.id}`)) ?? {})).not.toContain(
      dave.account.deviceId,
    );
    evil.stop();
    // Refused before decrypting: in group B, where they belong, both still open.
    const inTheirs = await victim.history(theirs.id);
    expect(inTheirs.find((m) => m.seq === groupMessage.seq)).toMatchObject({
      status: 'ok',
      content: { type: 'text', text: 'alleen in groep B' },
    });
  });
});

describe('state at rest', () => {
  it('a device registered on an encrypted store opens again with its PIN only', async () => {
    const org = await seedOrganisation(gateway, 'at-rest');
    const disk = new MemoryStore();
    const fast = { opsLimit: 1, memLimit: 65_536 };
    const first = await SpreekuurClient.register({
      serverUrl: gateway.url,
      store: await EncryptedStore.withPassphrase(disk, '2468', fast),
      inviteCode: await invite(gateway, org.worker, 'resident', org.team.id),
      displayName: 'Fatima',
      deviceName: 'telefoon',
    });
    await first.close();
    const onDisk = JSON.stringify(await Promise.all((await disk.keys('')).map((key) => disk.get(key))));
    expect(onDisk).not.toContain('Fatima');
    expect(onDisk).not.toContain(first.account.personId);
    await expect(EncryptedStore.withPassphrase(disk, '1357', fast)).rejects.toMatchObject({
      code: 'ERR_CLIENT_LOCKED',
    });
    const again = await SpreekuurClient.open({
      store: await EncryptedStore.withPassphrase(disk, '2468', fast),
    });
    clients.push(again);
    expect(again.account.deviceId).toBe(first.account.deviceId);
    expect((await again.me()).person.id).toBe(first.account.personId);
  });
});
