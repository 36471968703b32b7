import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { channelDevices, opaque } from '@spreekuur/testing/chat';
import { api } from '@spreekuur/testing/http';
import { addPerson, cast, type ErrorBody, type Person, type TestChat } from './fixtures.ts';

/**
 * The one set-up of the moderation suites (moderation, reports, group links): a group the
 * worker owns, with `moderator` made moderator by the owner, and `member` and `other` members.
 */
export async function moderatedGroup(chat: TestChat, slug: string) {
  const org = await cast(chat, slug);
  const moderator = await addPerson(chat, org, 'resident', 'Moderator');
  const other = await addPerson(chat, org, 'resident', 'Ander');
  const created = await api<{ id: string }>(chat, org.worker, 'POST', '/v1/channels/groups', {
    name: 'Trainingsgroep',
    memberIds: [org.resident.personId, moderator.personId, other.personId],
  });
  const id = created.body.id;
  const promoted = await api(
    chat,
    org.worker,
    'PUT',
    `/v1/channels/${id}/moderation/roles/${moderator.personId}`,
    {
      role: 'moderator',
    },
  );
  expect(promoted.status).toBe(200);
  return { ...org, id, owner: org.worker, moderator, member: org.resident, other };
}

/** A group message (opaque ciphertext) addressed to the channel's current devices. */
export async function sendToGroup(
  chat: TestChat,
  actor: Person,
  channelId: string,
  extra: Record<string, unknown> = {},
) {
  return api<{ seq: number } & ErrorBody>(chat, actor, 'POST', '/v1/messages', {
    channelId,
    clientId: randomUUID(),
    kind: 'group',
    ciphertext: opaque(),
    recipientDeviceIds: await channelDevices(chat, actor, channelId),
    ...extra,
  });
}
