import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '@spreekuur/crypto/encoding';
import { sign } from '@spreekuur/crypto/identity';
import { loginPayload } from '@spreekuur/protocol/identity';
import type { QueueConversation, ResidentQueueEntry } from '@spreekuur/protocol/scheduling';
import { ALWAYS_OPEN } from '@spreekuur/testing/scheduling';
import { api, expectOk, seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import type { SpreekuurClient } from '../src/index.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

/**
 * An office hour with the real client SDK: the conversation is end-to-end encrypted (Double
 * Ratchet per device pair), the server relays ciphertext only. Proves who can read what under
 * the membership rules: workers on duty when the resident joined read from the first message,
 * so the one who picks up and a colleague after a transfer read the whole conversation; a
 * colleague who came on duty later reads from the moment they were added.
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

/** A second access token for the SDK's own device, for the scheduling REST calls (device-key login). */
async function tokenOf(client: SpreekuurClient): Promise<{ token: string }> {
  const { deviceId, identity } = client.account;
  const challenge = await api<{ challengeId: string; nonce: string }>(
    gateway,
    null,
    'POST',
    '/v1/auth/challenge',
    {
      deviceId,
    },
  );
  const signature = sign(
    identity,
    loginPayload(challenge.body.challengeId, deviceId, fromBase64Url(challenge.body.nonce)),
  );
  const login = await api<{ accessToken: string }>(gateway, null, 'POST', '/v1/auth/login', {
    deviceId,
    challengeId: challenge.body.challengeId,
    signature: toBase64Url(signature),
  });
  return { token: login.body.accessToken };
}

describe('an office hour with the client SDK', () => {
  it('the picker and a colleague after a transfer read the whole encrypted conversation', async () => {
    const org = await seedOrganisation(gateway, 'spreekuur-sdk');
    const person = async (name: string, role: 'worker' | 'resident') => {
      const client = await sdkPerson(gateway, role === 'worker' ? org.admin : org.worker, org.team.id, name, {
        role,
      });
      clients.push(client);
      return { client, rest: await tokenOf(client), inbox: inbox(client) };
    };
    const sanne = await person('Sanne', 'worker');
    const bram = await person('Bram', 'worker');
    const cem = await person('Cem', 'worker');
    const mohammed = await person('Mohammed', 'resident');
    const teamUrl = `/v1/scheduling/teams/${org.team.id}`;
    await expectOk(gateway, org.worker, 'PUT', `${teamUrl}/office-hours`, ALWAYS_OPEN);
    await expectOk(gateway, sanne.rest, 'PUT', `${teamUrl}/duty`, { onDuty: true });
    await expectOk(gateway, bram.rest, 'PUT', `${teamUrl}/duty`, { onDuty: true });

    const entry = await expectOk<ResidentQueueEntry>(
      gateway,
      mohammed.rest,
      'POST',
      `${teamUrl}/queue`,
      {},
      201,
    );
    const channelId = entry.channelId;
    await mohammed.client.sendText(channelId, 'Ik heb een brief van de gemeente gekregen over mijn toeslag.');
    await Promise.all([sanne.inbox.waitFor(1), bram.inbox.waitFor(1)]);

    await expectOk<QueueConversation>(gateway, sanne.rest, 'POST', `${teamUrl}/queue/pick`, {});
    expect(sanne.inbox.texts()).toEqual(['Ik heb een brief van de gemeente gekregen over mijn toeslag.']);
    await sanne.client.sendText(channelId, 'Kunt u vertellen wat erin staat?');
    await mohammed.inbox.waitFor(2);

    // Cem comes on duty now, while the conversation is active; a transfer to Bram keeps the history.
    await expectOk(gateway, cem.rest, 'PUT', `${teamUrl}/duty`, { onDuty: true });
    await expectOk(gateway, sanne.rest, 'POST', `/v1/scheduling/queue/${entry.entryId}/transfer`, {
      toWorkerId: bram.client.account.personId,
    });
    await bram.inbox.waitFor(2);
    expect(bram.inbox.texts()).toEqual([
      'Ik heb een brief van de gemeente gekregen over mijn toeslag.',
      'Kunt u vertellen wat erin staat?',
    ]);
    await bram.client.sendText(channelId, 'Ik neem het over van Sanne. Stuur gerust een foto van de brief.');
    await mohammed.inbox.waitFor(3);
    expect(mohammed.inbox.texts()[2]).toBe('Ik neem het over van Sanne. Stuur gerust een foto van de brief.');

    // Bram transfers on to Cem, who was not on duty when Mohammed joined: he reads from his joining on.
    await expectOk(gateway, bram.rest, 'POST', `/v1/scheduling/queue/${entry.entryId}/transfer`, {
      toWorkerId: cem.client.account.personId,
    });
    await mohammed.client.sendText(channelId, 'Dank u, ik zoek hem op.');
    await cem.inbox.waitFor(1);
    expect(cem.inbox.texts()).toEqual(['Dank u, ik zoek hem op.']);

    // The server stored ciphertext only: no plaintext anywhere in the channel's rows.
    const { rows } = await gateway.db.query<{ ciphertext: Uint8Array }>(
      'SELECT ciphertext FROM channel_event_payloads WHERE channel_id = $1',
      [channelId],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(Buffer.from(row.ciphertext).toString('latin1')).not.toContain('toeslag');

    await expectOk(gateway, cem.rest, 'POST', `/v1/scheduling/queue/${entry.entryId}/close`, {
      outcome: 'resolved',
    });
    const channel = await expectOk<{ members: Array<{ personId: string }> }>(
      gateway,
      mohammed.rest,
      'GET',
      `/v1/channels/${channelId}`,
    );
    expect(channel.members.map((member) => member.personId)).toEqual([mohammed.client.account.personId]);
  });
});
