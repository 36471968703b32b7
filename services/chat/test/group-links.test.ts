import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '@spreekuur/testing/http';
import { connect, waitFor, waitUntil } from '@spreekuur/testing/socket';
import { addPerson, cast, count, startChat, type ErrorBody, type Person, type TestChat } from './fixtures.ts';
import { moderatedGroup, sendToGroup } from './moderation-fixtures.ts';

/** Group links and approval to join: what a link does, and every way it is refused without changing anything. */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

type Link = { id: string; revokedAt: string | null; uses: number };
type Outcome = { channelId: string; status: string };
type LogEntry = {
  kind: string;
  seq: number;
  personId?: string;
  change?: { type: string; personId?: string };
};

const makeLink = async (actor: Person, channelId: string) => {
  const made = await api<{ link: Link; token: string }>(
    chat,
    actor,
    'POST',
    `/v1/channels/${channelId}/moderation/links`,
  );
  expect(made.status).toBe(201);
  return made.body;
};
const join = (actor: Person, token: string) =>
  api<Outcome & ErrorBody>(chat, actor, 'POST', '/v1/group-links/join', { token });
const isMember = (channelId: string, personId: string) =>
  count(
    chat,
    'SELECT count(*)::int AS n FROM channel_members WHERE channel_id = $1 AND person_id = $2 AND left_seq IS NULL',
    [channelId, personId],
  );
const lastSeq = (channelId: string) =>
  count(chat, 'SELECT last_seq::int AS n FROM channels WHERE id = $1', [channelId]);
const log = async (actor: Person, channelId: string) =>
  (await api<{ events: LogEntry[] }>(chat, actor, 'GET', `/v1/channels/${channelId}/events`)).body.events;
const audits = (orgId: string, action: string) =>
  count(chat, 'SELECT count(*)::int AS n FROM audit_log WHERE org_id = $1 AND action = $2', [orgId, action]);

async function setting(slug: string) {
  const g = await moderatedGroup(chat, slug);
  const newcomer = await addPerson(chat, g, 'resident', 'Nieuw');
  return { ...g, newcomer };
}

describe('group links', () => {
  it('a moderator makes a link (token shown once, only its hash kept); a person of the organisation joins with it', async () => {
    const g = await setting('link-join');
    const { link, token } = await makeLink(g.moderator, g.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = await api<{ links: Array<Link & { token?: string }> }>(
      chat,
      g.owner,
      'GET',
      `/v1/channels/${g.id}/moderation/links`,
    );
    expect(listed.body.links).toEqual([expect.objectContaining({ id: link.id, revokedAt: null, uses: 0 })]);
    expect(listed.body.links[0]).not.toHaveProperty('token');
    const stored = await chat.db.query<{ token_hash: Uint8Array }>(
      'SELECT token_hash FROM channel_links WHERE id = $1',
      [link.id],
    );
    expect(Buffer.from(stored.rows[0]!.token_hash).toString('base64url')).not.toBe(token);
    expect(chat.logs.join('')).not.toContain(token);

    const preview = await api<{ name: string; status: string; approvalRequired: boolean }>(
      chat,
      g.newcomer,
      'POST',
      '/v1/group-links/preview',
      { token },
    );
    expect(preview.body).toMatchObject({ name: 'Trainingsgroep', status: 'none', approvalRequired: false });

    const owner = connect(chat, g.owner.token);
    await waitFor(owner, 'connect');
    const added = waitUntil<{ kind: string; personId?: string }>(
      owner,
      'chat:event',
      (event) => event.kind === 'member_added' && event.personId === g.newcomer.personId,
    );
    expect((await join(g.newcomer, token)).body).toEqual({ channelId: g.id, status: 'joined' });
    await added;
    owner.disconnect();
    expect(await isMember(g.id, g.newcomer.personId)).toBe(1);
    // Joining again changes nothing.
    const seq = await lastSeq(g.id);
    expect((await join(g.newcomer, token)).body.status).toBe('joined');
    expect(await lastSeq(g.id)).toBe(seq);

    const entries = await log(g.newcomer, g.id);
    expect(entries[0]).toMatchObject({ kind: 'member_added', personId: g.newcomer.personId });
    expect(
      (await log(g.owner, g.id)).filter((e) => e.kind === 'moderation').map((e) => e.change?.type),
    ).toEqual(['role_changed', 'link_created']);
    expect(await audits(g.organisation.id, 'moderation.link_created')).toBe(1);
    expect(await audits(g.organisation.id, 'moderation.link_joined')).toBe(1);
    const details = await chat.db.query<{ details: unknown }>(
      `SELECT details FROM audit_log WHERE org_id = $1 AND action LIKE 'moderation.link_%'`,
      [g.organisation.id],
    );
    expect(JSON.stringify(details.rows)).not.toContain(token);
  });

  it('with approval required the person waits; a moderator approves or refuses; a member cannot', async () => {
    const g = await setting('link-approval');
    const second = await addPerson(chat, g, 'resident', 'Tweede');
    const state = await api<{ approvalRequired: boolean }>(
      chat,
      g.moderator,
      'PUT',
      `/v1/channels/${g.id}/moderation/approval`,
      {
        required: true,
      },
    );
    expect(state.body.approvalRequired).toBe(true);
    const { token } = await makeLink(g.owner, g.id);

    expect((await join(g.newcomer, token)).body).toEqual({ channelId: g.id, status: 'pending' });
    expect((await join(second, token)).body.status).toBe('pending');
    const seq = await lastSeq(g.id);
    expect((await join(g.newcomer, token)).body.status).toBe('pending'); // asking twice: nothing new
    expect(await lastSeq(g.id)).toBe(seq);
    expect(await isMember(g.id, g.newcomer.personId)).toBe(0);
    // A pending person reads nothing of the group.
    expect(
      (await api<ErrorBody>(chat, g.newcomer, 'GET', `/v1/channels/${g.id}/events`)).body.error.code,
    ).toBe('ERR_CHAT_NOT_MEMBER');

    const requests = await api<{ requests: Array<{ personId: string; displayName: string }> }>(
      chat,
      g.moderator,
      'GET',
      `/v1/channels/${g.id}/moderation/join-requests`,
    );
    expect(requests.body.requests.map((r) => r.displayName).sort()).toEqual(['Nieuw', 'Tweede']);

    // Approving without the right: refused, nothing changed.
    const byMember = await api<ErrorBody>(
      chat,
      g.member,
      'POST',
      `/v1/channels/${g.id}/moderation/join-requests/${g.newcomer.personId}`,
      {
        decision: 'approve',
      },
    );
    expect([byMember.status, byMember.body.error.code]).toEqual([403, 'ERR_CHAT_ROLE_REQUIRED']);
    expect(
      (await api<ErrorBody>(chat, g.member, 'GET', `/v1/channels/${g.id}/moderation/join-requests`)).body
        .error.code,
    ).toBe('ERR_CHAT_ROLE_REQUIRED');
    expect(await lastSeq(g.id)).toBe(seq);
    expect(await isMember(g.id, g.newcomer.personId)).toBe(0);

    const approved = await api<{ requests: unknown[] }>(
      chat,
      g.moderator,
      'POST',
      `/v1/channels/${g.id}/moderation/join-requests/${g.newcomer.personId}`,
      {
        decision: 'approve',
      },
    );
    expect(approved.body.requests).toHaveLength(1);
    expect(await isMember(g.id, g.newcomer.personId)).toBe(1);
    await api(chat, g.owner, 'POST', `/v1/channels/${g.id}/moderation/join-requests/${second.personId}`, {
      decision: 'refuse',
    });
    expect(await isMember(g.id, second.personId)).toBe(0);
    const again = await api<ErrorBody>(
      chat,
      g.owner,
      'POST',
      `/v1/channels/${g.id}/moderation/join-requests/${second.personId}`,
      {
        decision: 'approve',
      },
    );
    expect(again.body.error.code).toBe('ERR_NOT_FOUND');

    const changes = (await log(g.owner, g.id))
      .filter((e) => e.kind === 'moderation')
      .map((e) => e.change?.type);
    expect(changes).toEqual([
      'role_changed',
      'approval_required',
      'link_created',
      'join_requested',
      'join_requested',
      'join_approved',
      'join_refused',
    ]);
    for (const action of ['approval_required', 'join_requested', 'join_approved', 'join_refused'])
      expect(await audits(g.organisation.id, `moderation.${action}`)).toBeGreaterThan(0);
  });

  it('refused with its own code and nothing changed: a banned person with an old link, a revoked link, a member making a link, another organisation', async () => {
    const g = await setting('link-refused');
    const { link, token } = await makeLink(g.owner, g.id);

    // A banned person rejoining through the link made before the ban.
    await api(chat, g.moderator, 'POST', `/v1/channels/${g.id}/moderation/bans`, {
      personId: g.member.personId,
    });
    let seq = await lastSeq(g.id);
    const banned = await join(g.member, token);
    expect([banned.status, banned.body.error.code]).toEqual([403, 'ERR_MOD_BANNED']);
    expect(await isMember(g.id, g.member.personId)).toBe(0);
    expect(await lastSeq(g.id)).toBe(seq);

    // A member making a link, or revoking one.
    const byMember = await api<ErrorBody>(chat, g.other, 'POST', `/v1/channels/${g.id}/moderation/links`);
    expect([byMember.status, byMember.body.error.code]).toEqual([403, 'ERR_CHAT_ROLE_REQUIRED']);
    expect(
      (await api<ErrorBody>(chat, g.other, 'DELETE', `/v1/channels/${g.id}/moderation/links/${link.id}`)).body
        .error.code,
    ).toBe('ERR_CHAT_ROLE_REQUIRED');
    expect(
      (
        await api<ErrorBody>(chat, g.other, 'PUT', `/v1/channels/${g.id}/moderation/approval`, {
          required: true,
        })
      ).body.error.code,
    ).toBe('ERR_CHAT_ROLE_REQUIRED');
    expect(
      await count(chat, 'SELECT count(*)::int AS n FROM channel_links WHERE channel_id = $1', [g.id]),
    ).toBe(1);

    // Another organisation's person holding the token: no such link for them.
    const elsewhere = await cast(chat, 'link-elsewhere');
    const foreign = await join(elsewhere.resident, token);
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'ERR_MOD_LINK_INVALID']);
    expect((await join(g.newcomer, 'A'.repeat(43))).body.error.code).toBe('ERR_MOD_LINK_INVALID');
    expect((await join(g.newcomer, 'short')).status).toBe(400);
    expect(await lastSeq(g.id)).toBe(seq);

    // A revoked link fails plainly, for everyone.
    const revoked = await api<Link>(
      chat,
      g.moderator,
      'DELETE',
      `/v1/channels/${g.id}/moderation/links/${link.id}`,
    );
    expect(revoked.body.revokedAt).not.toBeNull();
    seq = await lastSeq(g.id);
    const late = await join(g.newcomer, token);
    expect([late.status, late.body.error.code]).toEqual([410, 'ERR_MOD_LINK_REVOKED']);
    expect(
      (await api<ErrorBody>(chat, g.newcomer, 'POST', '/v1/group-links/preview', { token })).body.error.code,
    ).toBe('ERR_MOD_LINK_REVOKED');
    expect(await isMember(g.id, g.newcomer.personId)).toBe(0);
    // Revoking twice logs nothing.
    await api(chat, g.moderator, 'DELETE', `/v1/channels/${g.id}/moderation/links/${link.id}`);
    expect(await lastSeq(g.id)).toBe(seq);
    expect(await audits(g.organisation.id, 'moderation.link_revoked')).toBe(1);
  });

  it('a ban also drops a waiting request; after unbanning, a fresh join re-adds them and sends must address their devices again', async () => {
    const g = await setting('link-rejoin');
    await api(chat, g.owner, 'PUT', `/v1/channels/${g.id}/moderation/approval`, { required: true });
    const { token } = await makeLink(g.owner, g.id);
    expect((await join(g.newcomer, token)).body.status).toBe('pending');
    await api(chat, g.owner, 'POST', `/v1/channels/${g.id}/moderation/bans`, {
      personId: g.newcomer.personId,
    });
    expect(
      await count(chat, 'SELECT count(*)::int AS n FROM channel_join_requests WHERE channel_id = $1', [g.id]),
    ).toBe(0);

    // Ban a member: the log says they were removed (what makes the others' devices rotate their
    // sender keys, SPEC §6.5) and the server refuses envelopes still addressed to their device.
    await api(chat, g.owner, 'PUT', `/v1/channels/${g.id}/moderation/approval`, { required: false });
    const before = await sendToGroup(chat, g.owner, g.id);
    expect(before.status).toBe(200);
    await api(chat, g.owner, 'POST', `/v1/channels/${g.id}/moderation/bans`, { personId: g.member.personId });
    const entries = await log(g.owner, g.id);
    expect(entries.at(-2)).toMatchObject({ kind: 'member_removed', personId: g.member.personId });
    const stale = await sendToGroup(chat, g.owner, g.id, {
      recipientDeviceIds: [g.moderator.deviceId, g.other.deviceId, g.member.deviceId],
    });
    expect(stale.body.error).toMatchObject({
      code: 'ERR_CHAT_DEVICES_CHANGED',
      mismatch: { extra: [g.member.deviceId] },
    });

    await api(chat, g.owner, 'DELETE', `/v1/channels/${g.id}/moderation/bans/${g.member.personId}`);
    expect((await join(g.member, token)).body.status).toBe('joined');
    // Re-joined: a member_added entry (their devices get fresh sender keys) and an envelope that leaves them out is refused.
    expect((await log(g.owner, g.id)).at(-1)).toMatchObject({
      kind: 'member_added',
      personId: g.member.personId,
    });
    const without = await sendToGroup(chat, g.owner, g.id, {
      recipientDeviceIds: [g.moderator.deviceId, g.other.deviceId],
    });
    expect(without.body.error).toMatchObject({
      code: 'ERR_CHAT_DEVICES_CHANGED',
      mismatch: { missing: [g.member.deviceId] },
    });
    // They read from their re-joining on, nothing from the time they were out.
    const theirs = await log(g.member, g.id);
    expect(theirs[0]).toMatchObject({ kind: 'member_added', personId: g.member.personId });
  });
});
