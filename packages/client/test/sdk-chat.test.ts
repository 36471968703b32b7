import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboundSenderKeys } from '@spreekuur/crypto/sender-keys';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { isSpreekuurError, MemoryStore, SpreekuurClient } from '../src/index.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

let gateway: TestGateway;
const clients: SpreekuurClient[] = [];
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await gateway.close();
});

async function team(slug: string) {
  const org = await seedOrganisation(gateway, slug);
  const person = async (
    name: string,
    role: 'resident' | 'worker' = 'resident',
    store = new MemoryStore(),
  ) => {
    const client = await sdkPerson(gateway, role === 'worker' ? org.admin : org.worker, org.team.id, name, {
      role,
      store,
    });
    clients.push(client);
    return client;
  };
  return { ...org, person };
}

describe('the SDK, end to end', () => {
  it('two people exchange encrypted 1:1 messages both ways', async () => {
    const { person } = await team('sdk-direct');
    const worker = await person('Sanne', 'worker');
    const resident = await person('Mohammed');
    const workerInbox = inbox(worker);
    const residentInbox = inbox(resident);

    const channel = await resident.openDirect(worker.account.personId);
    await resident.sendText(channel.id, 'Goedemorgen, mag ik een vraag stellen over mijn toeslag?');
    await workerInbox.waitFor(1);
    await worker.sendText(channel.id, 'Natuurlijk, vertel maar.');
    // Each side sees the whole conversation once, its own messages included.
    await Promise.all([residentInbox.waitFor(2), workerInbox.waitFor(2)]);
    expect(workerInbox.texts()).toEqual([
      'Goedemorgen, mag ik een vraag stellen over mijn toeslag?',
      'Natuurlijk, vertel maar.',
    ]);
    expect(residentInbox.texts()).toEqual([
      'Goedemorgen, mag ik een vraag stellen over mijn toeslag?',
      'Natuurlijk, vertel maar.',
    ]);
    expect(residentInbox.messages.map((m) => m.own)).toEqual([true, false]);
    // Several round trips move the ratchet forward in both directions.
    for (let i = 0; i < 3; i++) {
      await worker.sendText(channel.id, `w${i}`);
      await resident.sendText(channel.id, `r${i}`);
    }
    await Promise.all([workerInbox.waitFor(8), residentInbox.waitFor(8)]);
    expect(workerInbox.texts().slice(2)).toEqual(['w0', 'r0', 'w1', 'r1', 'w2', 'r2']);
    expect(residentInbox.texts()).toEqual(workerInbox.texts());
  });

  it('three people talk in a group with sender keys; each message arrives once', async () => {
    const { person } = await team('sdk-group3');
    const trainer = await person('Trainer', 'worker');
    const [a, b] = [await person('Anouk'), await person('Bram')];
    const group = await trainer.createGroup('Assertiviteitstraining', [
      a.account.personId,
      b.account.personId,
    ]);
    const boxes = [inbox(trainer), inbox(a), inbox(b)];
    await trainer.sendText(group.id, 'Welkom allemaal!');
    await a.sendText(group.id, 'Dank je');
    await b.sendText(group.id, 'Hoi');
    for (const box of boxes) await box.waitFor(3);
    for (const box of boxes) expect(box.texts()).toEqual(['Welkom allemaal!', 'Dank je', 'Hoi']);
  });

  it('a group of five gets every message once and in channel order', async () => {
    const { person } = await team('sdk-group5');
    const trainer = await person('Trainer', 'worker');
    const members = [await person('Een'), await person('Twee'), await person('Drie'), await person('Vier')];
    const group = await trainer.createGroup(
      'Groep vijf',
      members.map((m) => m.account.personId),
    );
    const everyone = [trainer, ...members];
    const boxes = everyone.map(inbox);
    const sends = [];
    for (let round = 0; round < 4; round++) {
      for (const [index, client] of everyone.entries())
        sends.push(client.sendText(group.id, `bericht ${round}.${index}`));
    }
    await Promise.all(sends);
    for (const box of boxes) await box.waitFor(20, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reference = boxes[0]!.messages.map((m) => m.seq);
    for (const box of boxes) {
      expect(box.messages).toHaveLength(20);
      const seqs = box.messages.map((m) => m.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(seqs).toEqual(reference);
      expect(new Set(box.texts()).size).toBe(20);
      expect(box.messages.every((m) => m.status === 'ok')).toBe(true);
    }
  });

  it('a removed member cannot decrypt what is sent after removal', async () => {
    const { person } = await team('sdk-remove');
    const trainer = await person('Trainer', 'worker');
    const stays = await person('Blijft');
    const leaves = await person('Gaat');
    const group = await trainer.createGroup('Groep', [stays.account.personId, leaves.account.personId]);
    const [stayBox, leaveBox] = [inbox(stays), inbox(leaves)];
    await trainer.sendText(group.id, 'voor iedereen');
    await Promise.all([stayBox.waitFor(1), leaveBox.waitFor(1)]);

    await trainer.removeMember(group.id, leaves.account.personId);
    await trainer.sendText(group.id, 'alleen voor wie er nog is');
    await stayBox.waitFor(2);
    expect(stayBox.texts()).toEqual(['voor iedereen', 'alleen voor wie er nog is']);
    expect(leaveBox.texts()).toEqual(['voor iedereen']);

    // Even holding the new ciphertext (say, leaked from the server), the removed member's
    // sender keys cannot open it: the trainer rotated to a key they never received.
    const { rows } = await gateway.db.query<{ group_ciphertext: Uint8Array }>(
      `SELECT group_ciphertext FROM channel_events WHERE channel_id = $1 AND envelope_kind = 'group' ORDER BY seq DESC LIMIT 1`,
      [group.id],
    );
    const stolen = rows[0]!.group_ciphertext;
    const leftKeys = InboundSenderKeys.fromJSON(
      await (leaves as unknown as { store: MemoryStore }).store.get(`group-in/${group.id}`),
    );
    expect(() => leftKeys.decrypt(stolen)).toThrow(/ERR_CRYPTO_UNKNOWN_SENDER_KEY|sender key/i);
  });

  it('a device that was offline receives everything on reconnect, in order, once', async () => {
    const { person } = await team('sdk-offline');
    const worker = await person('Werker', 'worker');
    const resident = await person('Inwoner');
    const channel = await worker.openDirect(resident.account.personId);
    const box = inbox(resident);
    resident.disconnect();
    for (let i = 1; i <= 6; i++) await worker.sendText(channel.id, `terwijl je weg was ${i}`);
    expect(box.messages).toHaveLength(0);
    resident.reconnect();
    await box.waitFor(6);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(box.texts()).toEqual([1, 2, 3, 4, 5, 6].map((i) => `terwijl je weg was ${i}`));
  });

  it('a connection dropped between send and ack leads, after retry, to exactly one stored and delivered message', async () => {
    const { person } = await team('sdk-drop');
    const worker = await person('Werker', 'worker');
    const resident = await person('Inwoner');
    const channel = await resident.openDirect(worker.account.personId);
    const workerBox = inbox(worker);
    await resident.sendText(channel.id, 'eerste');
    await workerBox.waitFor(1);

    // The envelope leaves, the server stores it, but the ack never arrives.
    const sending = resident.sendText(channel.id, 'tweede, precies één keer');
    await new Promise((resolve) => setImmediate(resolve));
    resident.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 300));
    resident.reconnect();
    const ack = await sending;
    await workerBox.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(workerBox.texts()).toEqual(['eerste', 'tweede, precies één keer']);
    const stored = await gateway.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1 AND kind = 'message' AND client_id = $2`,
      [
        channel.id,
        (
          await gateway.db.query<{ client_id: string }>(
            'SELECT client_id FROM channel_events WHERE channel_id = $1 AND seq = $2',
            [channel.id, ack.seq],
          )
        ).rows[0]!.client_id,
      ],
    );
    expect(stored.rows[0]!.n).toBe(1);
  });

  it('a linked second device of the sender and of the recipient both read along', async () => {
    const { person } = await team('sdk-devices');
    const worker = await person('Werker', 'worker');
    const resident = await person('Inwoner');
    const link = await resident.linkDeviceCode();
    const tablet = await SpreekuurClient.register({
      serverUrl: gateway.url,
      store: new MemoryStore(),
      inviteCode: link.code,
      displayName: 'ignored',
      deviceName: 'Tablet',
    });
    await tablet.connect();
    clients.push(tablet);
    // The second step of linking: the phone vouches for the tablet (SPEC §13.2).
    await resident.trust.approveDevice(tablet.account.deviceId);
    const channel = await worker.openDirect(resident.account.personId);
    const [phoneBox, tabletBox] = [inbox(resident), inbox(tablet)];
    await worker.sendText(channel.id, 'aan al je apparaten');
    await resident.sendText(channel.id, 'vanaf de telefoon');
    await Promise.all([phoneBox.waitFor(2), tabletBox.waitFor(2)]);
    expect(tabletBox.texts()).toEqual(['aan al je apparaten', 'vanaf de telefoon']);
    expect(tabletBox.messages[1]!.own).toBe(true);
  });

  it('gives both sides the same safety number', async () => {
    const { person } = await team('sdk-safety');
    const worker = await person('Werker', 'worker');
    const resident = await person('Inwoner');
    const channel = await resident.openDirect(worker.account.personId);
    const [mine] = await resident.safetyNumbers(channel.id, worker.account.personId);
    const [theirs] = await worker.safetyNumbers(channel.id, resident.account.personId);
    expect(mine!.digits).toMatch(/^\d{60}$/);
    expect(mine!.digits).toBe(theirs!.digits);
  });

  it('sends a file encrypted, with progress, and the recipient gets the exact bytes back', async () => {
    const { person } = await team('sdk-file');
    const worker = await person('Werker', 'worker');
    const resident = await person('Inwoner');
    const channel = await resident.openDirect(worker.account.personId);
    const workerBox = inbox(worker);
    const residentBox = inbox(resident);
    const document = randomBytes(700_000);
    const progress: number[] = [];
    await resident.sendFile(channel.id, document, {
      name: 'brief-belastingdienst.pdf',
      mimeType: 'application/pdf',
      onProgress: (p) => progress.push(p.sentBytes / p.totalBytes),
    });
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toBe(1);
    await Promise.all([workerBox.waitFor(1), residentBox.waitFor(1)]);
    const message = workerBox.messages[0]!;
    expect(message.content).toMatchObject({ type: 'file', name: 'brief-belastingdienst.pdf', size: 700_000 });
    expect(residentBox.messages[0]!.content).toEqual(message.content);
    const received = await worker.downloadFile(
      message.content as Extract<typeof message.content, { type: 'file' }>,
    );
    expect(Buffer.from(received).equals(document)).toBe(true);
  });

  it('refuses a non-member with the server’s stable code', async () => {
    const { person } = await team('sdk-non-member');
    const trainer = await person('Trainer', 'worker');
    const member = await person('Lid');
    const outsider = await person('Buiten');
    const group = await trainer.createGroup('Groep', [member.account.personId]);
    const error = await outsider.sendText(group.id, 'mag ik erbij?').catch((caught: unknown) => caught);
    expect(isSpreekuurError(error, 'ERR_CHAT_NOT_MEMBER')).toBe(true);
  });
});
