import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { MemoryStore, type MembershipChange, type SpreekuurClient } from '../src/index.ts';
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

async function group(slug: string) {
  const org = await seedOrganisation(gateway, slug);
  const stores = new Map<SpreekuurClient, MemoryStore>();
  const person = async (name: string, role: 'resident' | 'worker' = 'resident') => {
    const store = new MemoryStore();
    const client = await sdkPerson(gateway, role === 'worker' ? org.admin : org.worker, org.team.id, name, {
      role,
      store,
    });
    clients.push(client);
    stores.set(client, store);
    return client;
  };
  const trainer = await person('Trainer', 'worker');
  const member = await person('Anouk');
  const other = await person('Bram');
  const channel = await trainer.createGroup('Groep', [member.account.personId, other.account.personId]);
  return { trainer, member, other, channel, storeOf: (client: SpreekuurClient) => stores.get(client)! };
}

/** Resolves with the first membership change that matches. */
function membership(client: SpreekuurClient, match: (change: MembershipChange) => boolean) {
  return new Promise<MembershipChange>((resolve) => {
    const off = client.on('membership', (change) => {
      if (!match(change)) return;
      off();
      resolve(change);
    });
  });
}

describe('the SDK after membership changes (regressions)', () => {
  it('a member removed and added again while online receives what follows the re-join', async () => {
    const { trainer, member, channel } = await group('sdk-rejoin-online');
    const box = inbox(member);
    await trainer.sendText(channel.id, 'eerste');
    await box.waitFor(1);

    const removed = membership(member, (c) => c.change === 'removed');
    await trainer.removeMember(channel.id, member.account.personId);
    await removed;
    await trainer.sendText(channel.id, 'zonder Anouk');
    await trainer.sendText(channel.id, 'nog een zonder Anouk');
    await trainer.addMember(channel.id, member.account.personId);
    await trainer.sendText(channel.id, 'weer erbij');

    await box.waitFor(2);
    await member.settled();
    expect(box.texts()).toEqual(['eerste', 'weer erbij']);
    const errors: unknown[] = [];
    member.on('error', (error) => errors.push(error));
    await trainer.sendText(channel.id, 'en daarna');
    await box.waitFor(3);
    expect(box.texts()).toEqual(['eerste', 'weer erbij', 'en daarna']);
    expect(errors).toEqual([]);
  });

  it('a member removed and added again while offline receives what follows the re-join', async () => {
    const { trainer, member, channel } = await group('sdk-rejoin-offline');
    const box = inbox(member);
    await trainer.sendText(channel.id, 'eerste');
    await box.waitFor(1);

    member.disconnect();
    await trainer.removeMember(channel.id, member.account.personId);
    await trainer.sendText(channel.id, 'zonder Anouk');
    const added = membership(member, (c) => c.change === 'added' && c.personId === member.account.personId);
    await trainer.addMember(channel.id, member.account.personId);
    await trainer.sendText(channel.id, 'weer erbij');
    member.reconnect();

    expect((await added).channelId).toBe(channel.id);
    await box.waitFor(2);
    expect(box.texts()).toEqual(['eerste', 'weer erbij']);
  });

  it('a member removed while offline learns of it when back, once, and stops asking for the channel', async () => {
    const { trainer, member, other, channel, storeOf } = await group('sdk-removed-offline');
    const box = inbox(member);
    await trainer.sendText(channel.id, 'eerste');
    await box.waitFor(1);

    member.disconnect();
    await trainer.sendText(channel.id, 'nog voor het vertrek');
    await trainer.removeMember(channel.id, member.account.personId);
    await trainer.sendText(channel.id, 'zonder Anouk');
    const removed = membership(member, (c) => c.change === 'removed');
    member.reconnect();

    // The server lets a former member read up to their own removal: what was sent before it
    // arrives, the removal itself arrives (with who did it), nothing after it.
    const change = await removed;
    expect(change).toMatchObject({
      channelId: channel.id,
      personId: member.account.personId,
      change: 'removed',
      byPersonId: trainer.account.personId,
    });
    expect(box.texts()).toEqual(['eerste', 'nog voor het vertrek']);
    // Marked as left: the next connect does not ask for the channel again.
    await member.settled();
    expect(await storeOf(member).get(`left/${channel.id}`)).toBeTypeOf('number');
    // The others carry on as before.
    const otherBox = inbox(other);
    await trainer.sendText(channel.id, 'verder');
    await otherBox.waitFor(1);
    expect(otherBox.texts()).toEqual(['verder']);
  });
});
