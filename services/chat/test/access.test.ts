import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairwiseEnvelope, uploadFile } from '@spreekuur/testing/chat';
import { api } from '@spreekuur/testing/http';
import { addPerson, cast, startChat, type ErrorBody, type TestChat } from './fixtures.ts';

/** Who may reach whom: non-members stay out, residents cannot reach each other. */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

describe('access', () => {
  it('keeps non-members out of sending, history, devices, bundles and files', async () => {
    const org = await cast(chat, 'non-member');
    const { worker, resident, direct } = org;
    const outsider = await addPerson(chat, org, 'worker', 'Collega');
    const file = await uploadFile(chat, worker, direct.id, 1000);

    const envelope = { ...(await pairwiseEnvelope(chat, worker, direct.id)), clientId: randomUUID() };
    expect((await api<ErrorBody>(chat, outsider, 'POST', '/v1/messages', envelope)).body.error.code).toBe(
      'ERR_CHAT_NOT_MEMBER',
    );
    expect(
      (await api<ErrorBody>(chat, outsider, 'GET', `/v1/channels/${direct.id}/events`)).body.error.code,
    ).toBe('ERR_CHAT_NOT_MEMBER');
    expect((await api(chat, outsider, 'GET', `/v1/channels/${direct.id}/devices`)).status).toBe(403);
    expect((await api(chat, outsider, 'GET', `/v1/files/${file.id}/content`)).status).toBe(403);
    // A colleague of the same team may fetch keys (they may talk); a resident of another team may not.
    expect(
      (await api(chat, outsider, 'POST', '/v1/keys/bundles', { deviceIds: [resident.deviceId] })).status,
    ).toBe(200);
  });

  it('does not let residents reach each other directly, nor create groups', async () => {
    const org = await cast(chat, 'residents');
    const { resident } = org;
    const neighbour = await addPerson(chat, org, 'resident', 'Buurvrouw');
    expect(
      (
        await api<ErrorBody>(chat, resident, 'POST', '/v1/channels/direct', {
          personId: neighbour.personId,
        })
      ).body.error.code,
    ).toBe('ERR_CHAT_CONTACT_NOT_ALLOWED');
    expect(
      (
        await api<ErrorBody>(chat, resident, 'POST', '/v1/keys/bundles', {
          deviceIds: [neighbour.deviceId],
        })
      ).body.error.code,
    ).toBe('ERR_CHAT_CONTACT_NOT_ALLOWED');
    expect((await api(chat, resident, 'POST', '/v1/channels/groups', { name: 'Eigen groep' })).status).toBe(
      403,
    );
  });
});
