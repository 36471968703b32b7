import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '@spreekuur/crypto/ready';
import { expectOk, seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import type { Person, Team } from '@spreekuur/protocol/identity';
import { MemoryStore, SpreekuurClient, type OutgoingUpdate } from '../src/index.ts';
import { TamperingFetch } from './malicious-server.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

// Sensitive teams (crypto SPEC §13.7): a worker's device sends nothing to a resident of such a
// team before the worker verified them by safety number; the server cannot switch that off.
// Real gateway (embedded, or DATABASE_URL and REDIS_URL), real SDK devices.

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

/** A team with an SDK worker (whose HTTP answers pass `evil`, honest until told otherwise). */
async function cast(slug: string) {
  const org = await seedOrganisation(gateway, slug);
  const evil = new TamperingFetch();
  const store = new MemoryStore();
  const worker = await sdkPerson(gateway, org.admin, org.team.id, 'Sanne', {
    role: 'worker',
    store,
    fetch: evil.fetch,
  });
  clients.push(worker);
  const outgoing: OutgoingUpdate[] = [];
  worker.on('outgoing', (update) => outgoing.push(update));
  const resident = async (name: string) => {
    const client = await sdkPerson(gateway, org.worker, org.team.id, name);
    clients.push(client);
    return client;
  };
  return { org, evil, store, worker, outgoing, resident };
}

/** Resolves when the client's message `clientId` was acknowledged by the server. */
function acknowledged(client: SpreekuurClient, clientId: string): Promise<void> {
  return new Promise((resolve) =>
    client.on('outgoing', (update) => {
      if (update.clientId === clientId && update.state === 'sent') resolve();
    }),
  );
}

/** What the server stored in a channel: message entries only. */
async function storedMessages(client: SpreekuurClient, channelId: string) {
  return (await client.history(channelId)).filter((message) => message.status === 'ok');
}

describe('sensitive teams: residents must be verified', () => {
  it("holds a worker's message to an unverified resident, and sends it once the worker verified", async () => {
    const { org, worker, outgoing, resident: addResident } = await cast('gevoelig-hold');
    await worker.verification.set(org.team.id, true);
    // This resident joins after the worker's device last read the team: classified before the first message.
    const resident = await addResident('Mo');
    const residentBox = inbox(resident);
    const channel = await worker.openDirect(resident.account.personId);

    await expect(
      worker.sendText(channel.id, 'Uw brief van de gemeente', { clientId: 'held-message-1' }),
    ).rejects.toMatchObject({
      code: 'ERR_CLIENT_UNVERIFIED_DEVICE',
      details: { personIds: [resident.account.personId], deviceIds: [resident.account.deviceId] },
    });
    expect(outgoing).toContainEqual({
      channelId: channel.id,
      clientId: 'held-message-1',
      state: 'held',
      code: 'ERR_CLIENT_UNVERIFIED_DEVICE',
    });
    expect(await storedMessages(resident, channel.id)).toEqual([]);

    // The resident's own messages are not held: the rule binds the worker's device.
    const workerBox = inbox(worker);
    await resident.sendText(channel.id, 'Is mijn brief aangekomen?');
    await workerBox.waitFor(1);

    // They compare the safety number; the worker marks it verified and the held message goes.
    const [mine] = await worker.safetyNumbers(channel.id, resident.account.personId);
    const [theirs] = await resident.safetyNumbers(channel.id, worker.account.personId);
    expect(mine!.digits).toBe(theirs!.digits);
    const sent = acknowledged(worker, 'held-message-1');
    await worker.trust.verify(resident.account.personId);
    await sent;
    await residentBox.waitFor(2);
    expect(residentBox.texts()).toEqual(['Is mijn brief aangekomen?', 'Uw brief van de gemeente']);
    expect(residentBox.messages[1]!.clientId).toBe('held-message-1');
    expect(outgoing.filter((u) => u.clientId === 'held-message-1').map((u) => u.state)).toEqual([
      'held',
      'sent',
    ]);

    // Verified: the next message goes at once.
    await worker.sendText(channel.id, 'Ja, ik heb hem.');
    await residentBox.waitFor(3);
    expect(await worker.verification.teams()).toMatchObject([{ teamId: org.team.id, server: true }]);
  });

  it('holds again when the verified resident adds a device, and the held message survives a restart', async () => {
    const { org, worker, store, resident: addResident } = await cast('gevoelig-restart');
    await worker.verification.set(org.team.id, true);
    const resident = await addResident('Fatima');
    const channel = await worker.openDirect(resident.account.personId);
    await worker.safetyNumbers(channel.id, resident.account.personId);
    await worker.trust.verify(resident.account.personId);
    await worker.sendText(channel.id, 'Welkom');

    // A second device of the resident (linked and approved): the worker's verification is cleared.
    const link = await resident.linkDeviceCode();
    const second = await SpreekuurClient.register({
      serverUrl: gateway.url,
      store: new MemoryStore(),
      inviteCode: link.code,
      displayName: 'Fatima',
      deviceName: 'tablet',
    });
    clients.push(second);
    await resident.trust.approveDevice(second.account.deviceId);
    await expect(
      worker.sendText(channel.id, 'Nog één ding', { clientId: 'held-message-2' }),
    ).rejects.toMatchObject({
      code: 'ERR_CLIENT_UNVERIFIED_DEVICE',
    });

    // The worker's app closes and opens again: the message is still held, and goes after verifying.
    await worker.close();
    const again = await SpreekuurClient.open({ store });
    clients.push(again);
    const updates: OutgoingUpdate[] = [];
    again.on('outgoing', (update) => updates.push(update));
    await again.connect();
    await again.settled();
    expect(await again.verification.held()).toEqual([
      {
        clientId: 'held-message-2',
        channelId: channel.id,
        content: { type: 'text', text: 'Nog één ding' },
        personIds: [resident.account.personId],
      },
    ]);
    await again.safetyNumbers(channel.id, resident.account.personId);
    const secondBox = inbox(second);
    await second.connect();
    const sent = acknowledged(again, 'held-message-2');
    await again.trust.verify(resident.account.personId);
    await sent;
    // "Welkom" came before the tablet was linked (unavailable there); the held message after.
    await secondBox.waitFor(2);
    expect(secondBox.texts()).toEqual(['[unavailable]', 'Nog één ding']);
    // After the restart the app heard again that it was held, then that it went.
    expect(updates.filter((u) => u.clientId === 'held-message-2').map((u) => u.state)).toEqual([
      'held',
      'sent',
    ]);
    void org;
  });

  it('leaves a team that is not sensitive alone', async () => {
    const { worker, outgoing, resident: addResident } = await cast('niet-gevoelig');
    const resident = await addResident('Kees');
    const residentBox = inbox(resident);
    const channel = await worker.openDirect(resident.account.personId);
    await worker.sendText(channel.id, 'Hallo Kees');
    await residentBox.waitFor(1);
    expect(residentBox.texts()).toEqual(['Hallo Kees']);
    expect(outgoing.map((u) => u.state)).toEqual(['sent']);
    expect(await worker.verification.teams()).toEqual([]);
  });

  it('a server that reports the setting off after it was on does not downgrade it', async () => {
    const { org, evil, worker, resident: addResident } = await cast('gevoelig-liegt');
    const resident = await addResident('Noor');
    const residentBox = inbox(resident);
    // An admin switches the team on; the worker's device reads it once.
    await expectOk(gateway, org.admin, 'PUT', `/v1/teams/${org.team.id}/verification`, {
      verifiedDevicesRequired: true,
    });
    expect((await worker.verification.teams()).map((t) => t.teamId)).toEqual([org.team.id]);

    // From now on the server lies: the team is not sensitive, and it has no residents.
    evil.tamper((path, body) => {
      if (path === '/v1/teams')
        return {
          teams: (body as { teams: Team[] }).teams.map((team) => ({
            ...team,
            verifiedDevicesRequired: false,
          })),
        };
      if (path === '/v1/people') return { people: [] as Person[] };
      return body;
    });
    // And the honest flag goes off too (another admin): this device keeps holding.
    await expectOk(gateway, org.admin, 'PUT', `/v1/teams/${org.team.id}/verification`, {
      verifiedDevicesRequired: false,
    });
    worker.disconnect();
    worker.reconnect();
    await worker.settled();
    expect(await worker.verification.teams()).toMatchObject([{ teamId: org.team.id, server: false }]);
    const channel = await worker.openDirect(resident.account.personId);
    await expect(
      worker.sendText(channel.id, 'Uw dossier', { clientId: 'held-message-3' }),
    ).rejects.toMatchObject({
      code: 'ERR_CLIENT_UNVERIFIED_DEVICE',
      details: { personIds: [resident.account.personId] },
    });
    expect(await storedMessages(resident, channel.id)).toEqual([]);

    // Only the worker's own decision on this device switches it off; then the held message goes.
    await worker.verification.forget(org.team.id);
    await residentBox.waitFor(1);
    expect(residentBox.texts()).toEqual(['Uw dossier']);
    expect(await worker.verification.teams()).toEqual([]);
  });
});
