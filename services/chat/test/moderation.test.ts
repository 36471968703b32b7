import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opaque } from '@spreekuur/testing/chat';
import { api } from '@spreekuur/testing/http';
import { connect, waitFor, waitUntil } from '@spreekuur/testing/socket';
import {
  addPerson,
  count,
  linkDevice,
  startChat,
  type ErrorBody,
  type Person,
  type TestChat,
} from './fixtures.ts';
import { moderatedGroup, sendToGroup } from './moderation-fixtures.ts';

/** Moderated groups: roles, mute, ban, slow mode, lock, pins; refused attempts change nothing. */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

type State = {
  slowModeSeconds: number;
  locked: boolean;
  mutes: Array<{ personId: string; until: string }>;
  bans: Array<{ personId: string }>;
  pins: Array<{ seq: number }>;
};
type LogEntry = {
  kind: string;
  seq: number;
  change?: { type: string; personId?: string };
  personId?: string;
};

const group = (slug: string) => moderatedGroup(chat, slug);
const send = (actor: Person, channelId: string, extra: Record<string, unknown> = {}) =>
  sendToGroup(chat, actor, channelId, extra);

const state = async (actor: Person, channelId: string) =>
  (await api<State>(chat, actor, 'GET', `/v1/channels/${channelId}/moderation`)).body;
const lastSeq = async (channelId: string) =>
  count(chat, 'SELECT last_seq::int AS n FROM channels WHERE id = $1', [channelId]);

describe('moderated groups', () => {
  it('a moderator mutes a member: their sends are refused until the mute ends; everyone sees it in the log', async () => {
    const g = await group('mod-mute');
    const socket = connect(chat, g.other.token);
    await waitFor(socket, 'connect');
    const announced = waitUntil<LogEntry>(socket, 'chat:event', (event) => event.kind === 'moderation');

    const muted = await api<State>(chat, g.moderator, 'POST', `/v1/channels/${g.id}/moderation/mutes`, {
      personId: g.member.personId,
      seconds: 600,
    });
    expect(muted.status).toBe(200);
    expect(muted.body.mutes.map((mute) => mute.personId)).toEqual([g.member.personId]);
    expect(Date.parse(muted.body.mutes[0]!.until) - chat.now().getTime()).toBeGreaterThan(590_000);
    expect(await announced).toMatchObject({
      change: { type: 'muted', personId: g.member.personId },
      byPersonId: g.moderator.personId,
    });

    const before = await lastSeq(g.id);
    const refused = await send(g.member, g.id);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ERR_MOD_MUTED');
    expect(await lastSeq(g.id)).toBe(before);
    expect((await send(g.other, g.id)).status).toBe(200);

    // The mute ends by itself.
    chat.advanceClock(601_000);
    expect((await send(g.member, g.id)).status).toBe(200);
    expect((await state(g.member, g.id)).mutes).toEqual([]);
    socket.disconnect();

    // Every action is in the audit log, without content.
    const audit = await chat.db.query<{ action: string; details: Record<string, unknown> }>(
      `SELECT action, details FROM audit_log WHERE subject_id = $1 AND action LIKE 'moderation.%' ORDER BY id`,
      [g.id],
    );
    expect(audit.rows.map((row) => row.action)).toEqual(['moderation.role_changed', 'moderation.muted']);
  });

  it('unmute lifts it at once', async () => {
    const g = await group('mod-unmute');
    await api(chat, g.owner, 'POST', `/v1/channels/${g.id}/moderation/mutes`, {
      personId: g.member.personId,
      seconds: 3600,
    });
    expect((await send(g.member, g.id)).body.error.code).toBe('ERR_MOD_MUTED');
    const lifted = await api<State>(
      chat,
      g.owner,
      'DELETE',
      `/v1/channels/${g.id}/moderation/mutes/${g.member.personId}`,
    );
    expect(lifted.body.mutes).toEqual([]);
    expect((await send(g.member, g.id)).status).toBe(200);
    // Lifting a mute nobody has is refused and logs nothing.
    const seq = await lastSeq(g.id);
    const nothing = await api<ErrorBody>(
      chat,
      g.owner,
      'DELETE',
      `/v1/channels/${g.id}/moderation/mutes/${g.other.personId}`,
    );
    expect([nothing.status, nothing.body.error.code]).toEqual([404, 'ERR_NOT_FOUND']);
    expect(await lastSeq(g.id)).toBe(seq);
  });

  it('a member acting as a moderator is refused for every action, and nothing changes', async () => {
    const g = await group('mod-member');
    const base = `/v1/channels/${g.id}/moderation`;
    const sent = await send(g.other, g.id);
    const before = { seq: await lastSeq(g.id), state: await state(g.owner, g.id) };
    const attempts: Array<[string, string, unknown?]> = [
      ['POST', `${base}/mutes`, { personId: g.other.personId, seconds: 600 }],
      ['DELETE', `${base}/mutes/${g.other.personId}`],
      ['POST', `${base}/bans`, { personId: g.other.personId }],
      ['DELETE', `${base}/bans/${g.other.personId}`],
      ['PUT', `${base}/slow-mode`, { seconds: 30 }],
      ['PUT', `${base}/lock`, { locked: true }],
      ['POST', `${base}/pins`, { seq: sent.body.seq }],
      ['DELETE', `${base}/pins/${sent.body.seq}`],
      ['PUT', `${base}/roles/${g.member.personId}`, { role: 'moderator' }],
      ['GET', `/v1/channels/${g.id}/reports`],
    ];
    for (const [method, url, body] of attempts) {
      const response = await api<ErrorBody>(chat, g.member, method as 'POST', url, body);
      expect([url, response.status, response.body.error.code]).toEqual([url, 403, 'ERR_CHAT_ROLE_REQUIRED']);
    }
    // A moderator may moderate, but only the owner hands out roles.
    const role = await api<ErrorBody>(chat, g.moderator, 'PUT', `${base}/roles/${g.member.personId}`, {
      role: 'moderator',
    });
    expect(role.body.error.code).toBe('ERR_CHAT_ROLE_REQUIRED');
    expect(await lastSeq(g.id)).toBe(before.seq);
    expect(await state(g.owner, g.id)).toEqual(before.state);
  });

  it('moderators cannot act on the owner or each other; the owner can', async () => {
    const g = await group('mod-protected');
    const base = `/v1/channels/${g.id}/moderation`;
    const second = await addPerson(chat, g, 'resident', 'Tweede moderator');
    await api(chat, g.owner, 'POST', `/v1/channels/${g.id}/members`, {
      personId: second.personId,
      role: 'moderator',
    });
    for (const personId of [g.owner.personId, second.personId, g.moderator.personId]) {
      const response = await api<ErrorBody>(chat, g.moderator, 'POST', `${base}/mutes`, {
        personId,
        seconds: 60,
      });
      expect(response.body.error.code).toBe('ERR_MOD_PROTECTED_MEMBER');
      const ban = await api<ErrorBody>(chat, g.moderator, 'POST', `${base}/bans`, { personId });
      expect(ban.body.error.code).toBe('ERR_MOD_PROTECTED_MEMBER');
    }
    expect(
      (await api(chat, g.owner, 'POST', `${base}/mutes`, { personId: second.personId, seconds: 60 })).status,
    ).toBe(200);
  });

  it('a moderator of another channel, and people of another organisation, cannot moderate this one', async () => {
    const g = await group('mod-scope');
    const elsewhere = await group('mod-scope-other');
    const own = await api<{ id: string }>(chat, g.moderator, 'POST', '/v1/channels/groups', {
      name: 'Eigen',
    });
    expect(own.status).toBe(403); // residents do not create groups; the moderator of `g` moderates only there
    const outsider = await api<ErrorBody>(
      chat,
      elsewhere.owner,
      'POST',
      `/v1/channels/${g.id}/moderation/mutes`,
      {
        personId: g.member.personId,
        seconds: 60,
      },
    );
    expect([outsider.status, outsider.body.error.code]).toEqual([404, 'ERR_NOT_FOUND']);
    const colleague = await addPerson(chat, g, 'worker', 'Collega');
    const sameOrg = await api<ErrorBody>(chat, colleague, 'PUT', `/v1/channels/${g.id}/moderation/lock`, {
      locked: true,
    });
    expect([sameOrg.status, sameOrg.body.error.code]).toEqual([403, 'ERR_CHAT_NOT_MEMBER']);
    // Their own group's moderator role counts for nothing here.
    const otherModerator = await api<ErrorBody>(
      chat,
      elsewhere.moderator,
      'PUT',
      `/v1/channels/${g.id}/moderation/slow-mode`,
      { seconds: 10 },
    );
    expect(otherModerator.status).toBe(404);
    expect((await state(g.owner, g.id)).locked).toBe(false);
  });

  it('slow mode: one message per member per period, across two devices of one person; moderators and resends pass', async () => {
    const g = await group('mod-slow');
    const tablet = await linkDevice(chat, g.member);
    expect(
      (await api(chat, g.owner, 'PUT', `/v1/channels/${g.id}/moderation/slow-mode`, { seconds: 30 })).status,
    ).toBe(200);

    const clientId = randomUUID();
    const first = await send(g.member, g.id, { clientId });
    expect(first.status).toBe(200);
    const before = await lastSeq(g.id);
    const burst = await send(tablet, g.id);
    expect(burst.status).toBe(429);
    expect(burst.body.error.code).toBe('ERR_MOD_SLOW_MODE');
    expect((burst.body.error as { retryAfter?: number }).retryAfter).toBeGreaterThan(0);
    expect(await lastSeq(g.id)).toBe(before);
    // A resend of the same message (same clientId) is the first ack, not a new message.
    const resend = await send(g.member, g.id, { clientId });
    expect(resend.status).toBe(200);
    expect(resend.body.seq).toBe(first.body.seq);
    // Others and moderators are not held up.
    expect((await send(g.other, g.id)).status).toBe(200);
    expect((await send(g.moderator, g.id)).status).toBe(200);
    expect((await send(g.moderator, g.id)).status).toBe(200);

    chat.advanceClock(31_000);
    expect((await send(tablet, g.id)).status).toBe(200);
    await api(chat, g.owner, 'PUT', `/v1/channels/${g.id}/moderation/slow-mode`, { seconds: 0 });
    expect((await send(g.member, g.id)).status).toBe(200);
  });

  it('a locked group: only owners and moderators post', async () => {
    const g = await group('mod-lock');
    const locked = await api<State>(chat, g.moderator, 'PUT', `/v1/channels/${g.id}/moderation/lock`, {
      locked: true,
    });
    expect(locked.body.locked).toBe(true);
    const refused = await send(g.member, g.id);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'ERR_MOD_CHANNEL_LOCKED']);
    expect((await send(g.moderator, g.id)).status).toBe(200);
    const channel = await api<{ announcementsOnly: boolean }>(chat, g.member, 'GET', `/v1/channels/${g.id}`);
    expect(channel.body.announcementsOnly).toBe(true);
    await api(chat, g.moderator, 'PUT', `/v1/channels/${g.id}/moderation/lock`, { locked: false });
    expect((await send(g.member, g.id)).status).toBe(200);
  });

  it('pins: a moderator pins and unpins messages of the channel; members see them', async () => {
    const g = await group('mod-pins');
    const sent = await send(g.member, g.id);
    const pinned = await api<State>(chat, g.moderator, 'POST', `/v1/channels/${g.id}/moderation/pins`, {
      seq: sent.body.seq,
    });
    expect(pinned.body.pins).toEqual([
      expect.objectContaining({ seq: sent.body.seq, byPersonId: g.moderator.personId }),
    ]);
    expect((await state(g.member, g.id)).pins).toHaveLength(1);
    // Pinning again changes nothing and logs nothing.
    const seq = await lastSeq(g.id);
    await api(chat, g.moderator, 'POST', `/v1/channels/${g.id}/moderation/pins`, { seq: sent.body.seq });
    expect(await lastSeq(g.id)).toBe(seq);
    // Something that is not a message (the group's creation) cannot be pinned.
    const notMessage = await api<ErrorBody>(
      chat,
      g.moderator,
      'POST',
      `/v1/channels/${g.id}/moderation/pins`,
      { seq: 1 },
    );
    expect(notMessage.body.error.code).toBe('ERR_NOT_FOUND');
    const unpinned = await api<State>(
      chat,
      g.moderator,
      'DELETE',
      `/v1/channels/${g.id}/moderation/pins/${sent.body.seq}`,
    );
    expect(unpinned.body.pins).toEqual([]);
  });

  it('ban: the member is removed, cannot be added back until unbanned', async () => {
    const g = await group('mod-ban');
    const socket = connect(chat, g.member.token);
    await waitFor(socket, 'connect');
    const removal = waitUntil<LogEntry>(socket, 'chat:event', (event) => event.kind === 'member_removed');
    const banned = await api<State>(chat, g.moderator, 'POST', `/v1/channels/${g.id}/moderation/bans`, {
      personId: g.member.personId,
    });
    expect(banned.body.bans).toEqual([expect.objectContaining({ personId: g.member.personId })]);
    // They hear of their removal (their devices stop; the others rotate their sender keys).
    expect(await removal).toMatchObject({ personId: g.member.personId });
    socket.disconnect();
    const after = await api<ErrorBody>(chat, g.member, 'POST', '/v1/messages', {
      channelId: g.id,
      clientId: randomUUID(),
      kind: 'group',
      ciphertext: opaque(),
      recipientDeviceIds: [],
    });
    expect(after.body.error.code).toBe('ERR_CHAT_NOT_MEMBER');
    const readd = await api<ErrorBody>(chat, g.owner, 'POST', `/v1/channels/${g.id}/members`, {
      personId: g.member.personId,
    });
    expect([readd.status, readd.body.error.code]).toEqual([403, 'ERR_MOD_BANNED']);
    await api(chat, g.owner, 'DELETE', `/v1/channels/${g.id}/moderation/bans/${g.member.personId}`);
    expect(
      (await api(chat, g.owner, 'POST', `/v1/channels/${g.id}/members`, { personId: g.member.personId }))
        .status,
    ).toBe(200);
    const log = await api<{ events: LogEntry[] }>(chat, g.owner, 'GET', `/v1/channels/${g.id}/events`);
    expect(
      log.body.events.filter((event) => event.kind === 'moderation').map((event) => event.change?.type),
    ).toEqual(['role_changed', 'banned', 'unbanned']);
  });

  it('a moderator deletes a message for everyone (a tombstone, no plaintext needed)', async () => {
    const g = await group('mod-delete');
    const sent = await send(g.member, g.id);
    const deleted = await api<{ seq: number }>(
      chat,
      g.moderator,
      'DELETE',
      `/v1/channels/${g.id}/messages/${sent.body.seq}`,
    );
    expect(deleted.status).toBe(200);
    const log = await api<{ events: Array<LogEntry & { deleted?: boolean; targetSeq?: number }> }>(
      chat,
      g.other,
      'GET',
      `/v1/channels/${g.id}/events`,
    );
    expect(log.body.events.find((event) => event.seq === sent.body.seq)).toMatchObject({
      deleted: true,
      ciphertext: null,
    });
    expect(log.body.events.at(-1)).toMatchObject({ kind: 'message_deleted', targetSeq: sent.body.seq });
  });

  it('bad input is refused with 400 and changes nothing; direct conversations have no moderation', async () => {
    const g = await group('mod-bad-input');
    const base = `/v1/channels/${g.id}/moderation`;
    const before = await lastSeq(g.id);
    const bad: Array<[string, string, unknown]> = [
      ['POST', `${base}/mutes`, { personId: g.member.personId, seconds: 5 }],
      ['POST', `${base}/mutes`, { personId: g.member.personId, seconds: 31 * 24 * 3600 }],
      ['POST', `${base}/mutes`, { personId: 'not-an-id', seconds: 60 }],
      ['POST', `${base}/mutes`, { personId: g.member.personId, seconds: 60, extra: true }],
      ['PUT', `${base}/slow-mode`, { seconds: -1 }],
      ['PUT', `${base}/slow-mode`, { seconds: 3601 }],
      ['PUT', `${base}/lock`, { locked: 'yes' }],
      ['POST', `${base}/pins`, { seq: 0 }],
      ['PUT', `${base}/roles/${g.member.personId}`, { role: 'owner' }],
      ['POST', `/v1/channels/not-an-id/moderation/bans`, { personId: g.member.personId }],
    ];
    for (const [method, url, body] of bad) {
      const response = await api<ErrorBody>(chat, g.owner, method as 'POST', url, body);
      expect([url, JSON.stringify(body), response.status, response.body.error.code]).toEqual([
        url,
        JSON.stringify(body),
        400,
        'ERR_BAD_REQUEST',
      ]);
      expect(response.text).not.toContain('at ');
    }
    expect(await lastSeq(g.id)).toBe(before);
    const direct = await api<ErrorBody>(
      chat,
      g.worker,
      'PUT',
      `/v1/channels/${g.direct.id}/moderation/lock`,
      {
        locked: true,
      },
    );
    expect([direct.status, direct.body.error.code]).toEqual([409, 'ERR_MOD_GROUPS_ONLY']);
  });
});
