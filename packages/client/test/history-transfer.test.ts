import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealHistoryTransfer } from '@spreekuur/crypto/history-transfer';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { privacyEndpoints } from '@spreekuur/protocol/privacy';
import {
  isSpreekuurError,
  MemoryStore,
  SpreekuurClient,
  type HistoryReceived,
  type KeyValueStore,
} from '../src/index.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

/**
 * Issue 13 and packages/crypto SPEC §15.2, end to end on the real gateway (embedded, or
 * PostgreSQL and Redis with DATABASE_URL and REDIS_URL): a device the person approves gets their
 * earlier conversations from the approving device; a transfer copied to another device, changed,
 * or planted by a device of another person is refused and writes nothing.
 */
let gateway: TestGateway;
const clients: SpreekuurClient[] = [];
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await gateway.close();
});

async function link(of: SpreekuurClient, name: string, store: KeyValueStore = new MemoryStore()) {
  const device = await SpreekuurClient.register({
    serverUrl: gateway.url,
    store,
    inviteCode: (await of.linkDeviceCode()).code,
    displayName: 'ignored',
    deviceName: name,
  });
  clients.push(device);
  // The SDK looks for a transfer by itself on connecting: catch what it finds, whoever asks.
  const arrived = new Promise<HistoryReceived>((resolve) => device.on('history:received', resolve));
  await device.connect();
  return { device, arrived };
}

const texts = async (client: SpreekuurClient, channelId: string) =>
  (await client.history(channelId)).map((m) =>
    m.content?.type === 'text' ? `${m.own ? 'ik' : 'ander'}: ${m.content.text}` : `[${m.status}]`,
  );

const refused = (error: unknown) => isSpreekuurError(error, 'ERR_CLIENT_HISTORY_INVALID');

const transferRows = async (deviceId: string) =>
  (
    await gateway.db.query<{ ciphertext: Uint8Array; from_device_id: string }>(
      'SELECT ciphertext, from_device_id FROM history_transfers WHERE to_device_id = $1',
      [deviceId],
    )
  ).rows;

describe('history transfer to a linked device', () => {
  it('a newly linked and approved device reads the earlier conversations; the server saw only ciphertext', async () => {
    const org = await seedOrganisation(gateway, 'geschiedenis');
    const worker = await sdkPerson(gateway, org.admin, org.team.id, 'Sanne', { role: 'worker' });
    const phone = await sdkPerson(gateway, org.worker, org.team.id, 'Jan');
    clients.push(worker, phone);
    const canary = `CANARY-${randomBytes(8).toString('hex')}`;
    const channel = await worker.openDirect(phone.account.personId);
    const phoneBox = inbox(phone);
    await worker.sendText(channel.id, `Uw afspraak: ${canary}`);
    await phoneBox.waitFor(1);
    await phone.sendText(channel.id, 'Dank u, tot dan');
    await worker.sendText(channel.id, 'Graag gedaan');
    await phoneBox.waitFor(3);

    const { device: tablet, arrived } = await link(phone, 'Tablet');
    // Before: what was sent to the phone is unreadable here.
    expect(await texts(tablet, channel.id)).toEqual(['[unavailable]', '[unavailable]', '[unavailable]']);
    // Not before approval: the phone refuses to send history to a device nobody vouched for.
    await expect(phone.sendHistoryTo(tablet.account.deviceId)).rejects.toSatisfy((error) =>
      isSpreekuurError(error, 'ERR_CLIENT_DEVICE_NOT_APPROVED'),
    );

    await phone.trust.approveDevice(tablet.account.deviceId);
    const sent = await phone.sendHistoryTo(tablet.account.deviceId);
    expect(sent).toMatchObject({ deviceId: tablet.account.deviceId, omitted: 0 });
    expect(sent.entries).toBeGreaterThanOrEqual(4); // three messages and the channel's kind

    // What the server holds: sealed bytes, no message text, no key of either device.
    const [row] = await transferRows(tablet.account.deviceId);
    expect(row!.from_device_id).toBe(phone.account.deviceId);
    const stored = Buffer.from(row!.ciphertext);
    for (const secret of [canary, 'Dank u, tot dan', 'spreekuur.history-transfer'])
      for (const form of [stored.toString('latin1'), stored.toString('base64url'), stored.toString('utf8')])
        expect(form).not.toContain(secret);
    expect(gateway.logs.join('\n')).not.toContain(canary);

    const received = (await tablet.receiveHistory()) ?? (await arrived);
    expect(received).toMatchObject({ fromDeviceId: phone.account.deviceId, channelIds: [channel.id] });
    expect(received.restored).toBeGreaterThanOrEqual(3);
    expect(await texts(tablet, channel.id)).toEqual([
      `ander: Uw afspraak: ${canary}`,
      'ik: Dank u, tot dan',
      'ander: Graag gedaan',
    ]);
    // Acknowledged: the server deleted it; nothing more waits.
    expect(await transferRows(tablet.account.deviceId)).toEqual([]);
    expect(await tablet.receiveHistory()).toBeNull();

    // And the tablet reads along from now on, as any approved device.
    const tabletBox = inbox(tablet);
    await worker.sendText(channel.id, 'Ook op de tablet');
    await tabletBox.waitFor(1);
    expect(tabletBox.texts()).toEqual(['Ook op de tablet']);
  });

  it('refuses a transfer copied to another device, a changed one, and one planted by another person’s device', async () => {
    const org = await seedOrganisation(gateway, 'geschiedenis-vals');
    const worker = await sdkPerson(gateway, org.admin, org.team.id, 'Sanne', { role: 'worker' });
    const phone = await sdkPerson(gateway, org.worker, org.team.id, 'Jan');
    const eve = await sdkPerson(gateway, org.worker, org.team.id, 'Eva');
    clients.push(worker, phone, eve);
    const channel = await worker.openDirect(phone.account.personId);
    const phoneBox = inbox(phone);
    await worker.sendText(channel.id, 'Alleen voor Jan');
    await phoneBox.waitFor(1);

    const tabletStore = new MemoryStore();
    const { device: tablet } = await link(phone, 'Tablet', tabletStore);
    const laptopStore = new MemoryStore();
    const { device: laptop } = await link(phone, 'Laptop', laptopStore);
    await phone.trust.approveDevice(tablet.account.deviceId);
    await phone.trust.approveDevice(laptop.account.deviceId);
    await phone.sendHistoryTo(tablet.account.deviceId);
    const [original] = await transferRows(tablet.account.deviceId);

    // 1. The server hands the tablet's transfer to the laptop (same person, also approved).
    await gateway.db.query(
      `INSERT INTO history_transfers (to_device_id, org_id, person_id, from_device_id, ciphertext, created_at, expires_at)
       SELECT $1, org_id, person_id, from_device_id, ciphertext, created_at, expires_at
         FROM history_transfers WHERE to_device_id = $2`,
      [laptop.account.deviceId, tablet.account.deviceId],
    );
    // What the laptop's own catch-up stores (messages it cannot read) must land first.
    await laptop.settled();
    const laptopBefore = await laptopStore.keys('messages/');
    await expect(laptop.receiveHistory()).rejects.toSatisfy(refused);
    expect(await laptopStore.keys('messages/')).toEqual(laptopBefore);
    expect(await texts(laptop, channel.id)).toEqual(['[unavailable]']);

    // 2. One changed byte of the tablet's own transfer.
    const changed = Buffer.from(original!.ciphertext);
    changed[changed.length - 1]! ^= 1;
    await gateway.db.query('UPDATE history_transfers SET ciphertext = $1 WHERE to_device_id = $2', [
      changed,
      tablet.account.deviceId,
    ]);
    await expect(tablet.receiveHistory()).rejects.toSatisfy(refused);

    // 3. Eva's device seals a false history to the tablet; the server plants it, once as Eva's
    //    and once as if it came from Jan's phone.
    const falseHistory = new TextEncoder().encode(
      JSON.stringify({
        format: 'spreekuur.history-transfer.v1',
        entries: { [`messages/${channel.id}/1`]: { status: 'ok', content: { type: 'text', text: 'vals' } } },
      }),
    );
    const sealedByEve = sealHistoryTransfer(
      eve.account.identity,
      {
        personId: phone.account.personId,
        fromDeviceId: eve.account.deviceId,
        fromIdentityKey: eve.account.identity.publicKey,
        toDeviceId: tablet.account.deviceId,
        toIdentityKey: tablet.account.identity.publicKey,
      },
      falseHistory,
    );
    for (const claimed of [eve.account.deviceId, phone.account.deviceId]) {
      await gateway.db.query(
        'UPDATE history_transfers SET ciphertext = $1, from_device_id = $2 WHERE to_device_id = $3',
        [Buffer.from(sealedByEve), claimed, tablet.account.deviceId],
      );
      await expect(tablet.receiveHistory()).rejects.toSatisfy(refused);
    }
    expect(await texts(tablet, channel.id)).toEqual(['[unavailable]']);

    // The real one still opens: put it back.
    await gateway.db.query(
      'UPDATE history_transfers SET ciphertext = $1, from_device_id = $2 WHERE to_device_id = $3',
      [original!.ciphertext, phone.account.deviceId, tablet.account.deviceId],
    );
    await tablet.receiveHistory();
    expect(await texts(tablet, channel.id)).toEqual(['ander: Alleen voor Jan']);
  });

  it('another person can neither leave history for a device of someone else nor fetch it', async () => {
    const org = await seedOrganisation(gateway, 'geschiedenis-ander');
    const phone = await sdkPerson(gateway, org.worker, org.team.id, 'Jan');
    const eve = await sdkPerson(gateway, org.worker, org.team.id, 'Eva');
    clients.push(phone, eve);
    const { device: tablet } = await link(phone, 'Tablet');
    await phone.trust.approveDevice(tablet.account.deviceId);
    await expect(eve.sendHistoryTo(tablet.account.deviceId)).rejects.toSatisfy((error) =>
      isSpreekuurError(error, 'ERR_NOT_FOUND'),
    );
    await phone.sendHistoryTo(tablet.account.deviceId);
    // Eve's device asks for the tablet's transfer: the server answers as if there were none.
    await expect(
      eve.call(privacyEndpoints.getHistoryTransfer, { params: { id: tablet.account.deviceId } }),
    ).rejects.toSatisfy((error) => isSpreekuurError(error, 'ERR_NOT_FOUND'));
    await expect(
      eve.call(privacyEndpoints.putHistoryTransfer, {
        params: { id: tablet.account.deviceId },
        body: { ciphertext: 'QUFBQQ' },
      }),
    ).rejects.toSatisfy((error) => isSpreekuurError(error, 'ERR_NOT_FOUND'));
    expect((await transferRows(tablet.account.deviceId))[0]!.from_device_id).toBe(phone.account.deviceId);
  });
});
