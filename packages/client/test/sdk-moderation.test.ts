import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, utf8Encode } from '@spreekuur/crypto/encoding';
import { frankingCommitment, newFrankingKey, sealReveal, serverOpening } from '@spreekuur/crypto/franking';
import { chatEndpoints, moderationEndpoints } from '@spreekuur/protocol/chat';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { isSpreekuurError, MemoryStore, SpreekuurClient } from '../src/index.ts';
import type { ClientEvents } from '../src/index.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

/** `client.moderation` against a real gateway: actions, their events, and a report opened on a moderator's device. */
let gateway: TestGateway;
const clients: SpreekuurClient[] = [];
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await gateway.close();
});

async function group(slug: string) {
  const org = await seedOrganisation(gateway, slug);
  const stores = new Map<string, MemoryStore>();
  const person = async (name: string, role: 'resident' | 'worker' = 'resident') => {
    const store = new MemoryStore();
    const client = await sdkPerson(gateway, role === 'worker' ? org.admin : org.worker, org.team.id, name, {
      role,
      store,
    });
    stores.set(client.account.personId, store);
    clients.push(client);
    return client;
  };
  const trainer = await person('Trainer', 'worker');
  const member = await person('Deelnemer');
  const other = await person('Andere deelnemer');
  const channel = await trainer.createGroup('Training', [member.account.personId, other.account.personId]);
  return { trainer, member, other, channel, stores, person };
}

const next = <K extends keyof ClientEvents>(client: SpreekuurClient, event: K) =>
  new Promise<ClientEvents[K]>((resolve) => {
    const off = client.on(event, (value) => {
      off();
      resolve(value);
    });
  });

describe('client.moderation', () => {
  it('ban and re-join through a group link: the banned person reads nothing sent while out; after re-joining both sides read each other', async () => {
    const { trainer, member, other, channel } = await group('sdk-mod-rejoin');
    const heard = (client: SpreekuurClient) => {
      const texts: string[] = [];
      client.on('message', (message) => {
        if (!message.own)
          texts.push(message.content?.type === 'text' ? message.content.text : `[${message.status}]`);
      });
      return texts;
    };
    const atTrainer = heard(trainer);
    const atMember = heard(member);
    const atOther = heard(other);
    const until = async (check: () => boolean, what: string) => {
      const deadline = Date.now() + 20_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`not heard: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    // The member has handed out a sender key before the ban.
    await member.sendText(channel.id, 'voor de ban');
    await until(() => atTrainer.includes('voor de ban'), 'voor de ban');
    await trainer.moderation.ban(channel.id, member.account.personId);
    await trainer.sendText(channel.id, 'tijdens de ban');
    await until(() => atOther.includes('tijdens de ban'), 'tijdens de ban');

    await trainer.moderation.unban(channel.id, member.account.personId);
    const { token } = await trainer.moderation.createLink(channel.id);
    expect(await member.moderation.joinByLink(token)).toEqual({ channelId: channel.id, status: 'joined' });
    await trainer.sendText(channel.id, 'na terugkomst');
    await until(() => atMember.includes('na terugkomst'), 'na terugkomst (member)');
    await member.sendText(channel.id, 'ik ben terug');
    await until(() => atTrainer.length >= 2, 'the re-joined member at the trainer');
    await until(() => atOther.length >= 4, 'the re-joined member at the other');
    expect(atMember).not.toContain('tijdens de ban');
    expect(atTrainer).toEqual(['voor de ban', 'ik ben terug']);
    expect(atOther).toEqual(['voor de ban', 'tijdens de ban', 'na terugkomst', 'ik ben terug']);
  });

  it('a join a moderator approves is signed by their device; a self-join through a link is reported as unverified (SPEC §13.5)', async () => {
    const { trainer, member, channel, person } = await group('sdk-mod-approve-signed');
    const unverified: Array<ClientEvents['membership:unverified']> = [];
    member.on('membership:unverified', (addition) => unverified.push(addition));
    const [asked, walkedIn] = [await person('Vraagt eerst'), await person('Loopt binnen')];
    await trainer.moderation.setApprovalRequired(channel.id, true);
    const { token } = await trainer.moderation.createLink(channel.id);
    expect(await asked.moderation.joinByLink(token)).toEqual({ channelId: channel.id, status: 'pending' });
    expect(await trainer.moderation.approveJoin(channel.id, asked.account.personId)).toEqual([]);
    await trainer.moderation.setApprovalRequired(channel.id, false);
    expect(await walkedIn.moderation.joinByLink(token)).toEqual({ channelId: channel.id, status: 'joined' });
    const page = await member.call(chatEndpoints.history, { params: { id: channel.id }, query: {} });
    const approved = page.events.find(
      (e) => e.kind === 'member_added' && e.personId === asked.account.personId,
    );
    expect(approved).toMatchObject({
      byPersonId: trainer.account.personId,
      proof: { deviceId: trainer.account.deviceId },
    });
    await member.history(channel.id);
    // Nobody of the group signs a self-join: the member's device says so; the approved join passes.
    expect(unverified.map((u) => [u.personId, u.byPersonId, u.reason])).toEqual([
      [walkedIn.account.personId, walkedIn.account.personId, 'unsigned'],
    ]);
  });

  it('a moderator mutes; the member hears of it and is refused with ERR_MOD_MUTED; a member acting as moderator is refused', async () => {
    const { trainer, member, other, channel } = await group('sdk-mod-mute');
    const heard = next(member, 'moderation');
    const state = await trainer.moderation.mute(channel.id, member.account.personId, 600);
    expect(state.mutes.map((mute) => mute.personId)).toEqual([member.account.personId]);
    expect(await heard).toMatchObject({
      channelId: channel.id,
      change: { type: 'muted', personId: member.account.personId },
    });

    const muted = await member.sendText(channel.id, 'Mag ik iets zeggen?').catch((error: unknown) => error);
    expect(isSpreekuurError(muted) && muted.code).toBe('ERR_MOD_MUTED');

    const refused = await member.moderation.setSlowMode(channel.id, 10).catch((error: unknown) => error);
    expect(isSpreekuurError(refused) && refused.code).toBe('ERR_CHAT_ROLE_REQUIRED');
    expect((await other.moderation.state(channel.id)).slowModeSeconds).toBe(0);

    await trainer.moderation.setSlowMode(channel.id, 30);
    await trainer.moderation.setLocked(channel.id, true);
    expect(await member.moderation.state(channel.id)).toMatchObject({ slowModeSeconds: 30, locked: true });
  });

  it('end to end: sendText frankes every message, the recipient reports it as received, the moderator sees it verified', async () => {
    const { trainer, member, other, channel } = await group('sdk-mod-e2e');
    const received = inbox(member);
    await other.sendText(channel.id, 'Niemand wil jou hier');
    await received.waitFor(1);
    const [message] = received.messages;
    expect(message?.content).toMatchObject({ type: 'text', text: 'Niemand wil jou hier' });
    const report = await member.moderation.report(channel.id, message!.seq, { reason: 'harassment' });
    expect(report.serverVerified).toBe(true);
    const [opened] = await trainer.moderation.queue(channel.id);
    expect(opened?.reveal?.verified).toBe(true);
    expect(opened?.reveal?.plaintext).toContain('Niemand wil jou hier');
    // A message this device never received cannot be reported from it.
    const missing = await member.moderation
      .report(channel.id, message!.seq + 50, { reason: 'spam' })
      .catch((error: unknown) => error);
    expect(isSpreekuurError(missing) && missing.code).toBe('ERR_MOD_NOT_FRANKED');
  });

  it('a device that was offline hears of moderation actions when it catches up (they are in the channel log)', async () => {
    const { trainer, member, channel, stores } = await group('sdk-mod-offline');
    await member.close();
    await trainer.moderation.setSlowMode(channel.id, 15);
    await trainer.moderation.mute(channel.id, member.account.personId, 120);
    const reopened = await SpreekuurClient.open({
      store: stores.get(member.account.personId)!,
      serverUrl: gateway.url,
    });
    clients.push(reopened);
    const heard: Array<ClientEvents['moderation']> = [];
    reopened.on('moderation', (event) => heard.push(event));
    await reopened.connect();
    await reopened.settled();
    const deadline = Date.now() + 10_000;
    while (heard.length < 2 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard.map((event) => event.change.type)).toEqual(['slow_mode', 'muted']);
  });

  it('a member reports a franked message; the moderator opens the reveal on their device and sees it verified', async () => {
    const { trainer, member, other, channel } = await group('sdk-mod-report');
    // A franked message as the sender's device sends it (the plaintext travels encrypted; opaque here).
    const frankingKey = newFrankingKey();
    const plaintext = utf8Encode(
      JSON.stringify({ v: 2, type: 'text', text: 'Jij bent dom', frankingKey: toBase64Url(frankingKey) }),
    );
    const { devices } = await other.call(chatEndpoints.channelDevices, { params: { id: channel.id } });
    const sent = await other.call(chatEndpoints.send, {
      body: {
        channelId: channel.id,
        clientId: randomUUID(),
        kind: 'group',
        ciphertext: toBase64Url(utf8Encode('ciphertext stand-in')),
        recipientDeviceIds: devices
          .map((device) => device.deviceId)
          .filter((id) => id !== other.account.deviceId),
        frankingCommitment: toBase64Url(frankingCommitment(frankingKey, plaintext)),
      },
    });

    const noticed = next(trainer, 'report');
    const report = await member.moderation.report(channel.id, sent.seq, {
      reason: 'harassment',
      note: 'Al de tweede keer vandaag.',
      plaintext,
      frankingKey,
    });
    expect(report).toMatchObject({
      status: 'open',
      serverVerified: true,
      senderPersonId: other.account.personId,
    });
    expect(await noticed).toMatchObject({ reportId: report.id, status: 'open' });

    const [opened] = await trainer.moderation.queue(channel.id, 'open');
    expect(opened?.reveal).toEqual({
      plaintext: new TextDecoder().decode(plaintext),
      note: 'Al de tweede keer vandaag.',
      verified: true,
    });

    // A reporter claiming other words for the same message: the server refuses.
    const forged = await member.moderation
      .report(channel.id, sent.seq, { reason: 'spam', plaintext: utf8Encode('iets anders'), frankingKey })
      .catch((error: unknown) => error);
    expect(isSpreekuurError(forged) && forged.code).toBe('ERR_MOD_REPORT_FORGED');

    // A reporter with the right opening who seals other words: the server cannot tell (it never
    // sees the plaintext), the moderator's device can.
    const opening = serverOpening(frankingKey, plaintext);
    const trainerDevice = devices.find((device) => device.personId === trainer.account.personId)!;
    const lie = await other.call(moderationEndpoints.createReport, {
      body: {
        channelId: channel.id,
        seq: sent.seq,
        reason: 'threat',
        opening: { bindingKey: toBase64Url(opening.bindingKey), digest: toBase64Url(opening.digest) },
        sealed: [
          {
            deviceId: trainerDevice.deviceId,
            ciphertext: toBase64Url(
              sealReveal(fromBase64Url(trainerDevice.identityKey), {
                frankingKey,
                plaintext: utf8Encode('Ik maak je af'),
                note: '',
              }),
            ),
          },
        ],
      },
    });
    const queued = await trainer.moderation.queue(channel.id, 'open');
    expect(queued.find((entry) => entry.id === lie.id)?.reveal).toEqual({
      plaintext: 'Ik maak je af',
      note: '',
      verified: false,
    });

    const handled = next(member, 'report');
    await trainer.moderation.resolve(report.id, 'action_taken');
    expect(await handled).toMatchObject({ reportId: report.id, status: 'action_taken' });
    expect((await member.moderation.mine()).map((mine) => mine.status)).toEqual(['action_taken']);
  });
});
