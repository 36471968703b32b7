import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@spreekuur/protocol/common';
import type { AuditEntryView, ErasureResult, PersonExport } from '@spreekuur/protocol/privacy';
import {
  openDirect,
  opaque,
  publishKeys,
  sendFrankedGroupMessage,
  sendPairwise,
  uploadFile,
} from '@spreekuur/testing/chat';
import {
  addResident,
  api,
  connect,
  expectOk,
  seedOrganisation,
  startGateway,
  waitFor,
  type Actor,
  type TestGateway,
} from './harness.ts';

type Page = { entries: AuditEntryView[]; next: string | null };

let gateway: TestGateway;
let org: Awaited<ReturnType<typeof seedOrganisation>>;
let other: Awaited<ReturnType<typeof seedOrganisation>>;
beforeAll(async () => {
  gateway = await startGateway();
  org = await seedOrganisation(gateway, 'mijn-gegevens');
  other = await seedOrganisation(gateway, 'mijn-gegevens-b');
  for (const actor of [org.worker, org.resident]) await publishKeys(gateway, actor);
});
afterAll(() => gateway.close());

describe('the audit log people can read', () => {
  it('shows admins who did what, newest first, filtered and paginated, never content', async () => {
    const first = await expectOk<Page>(gateway, org.admin, 'GET', '/v1/privacy/audit?limit=2');
    expect(first.entries).toHaveLength(2);
    expect(first.next).toBe(first.entries[1]!.id);
    const second = await expectOk<Page>(
      gateway,
      org.admin,
      'GET',
      `/v1/privacy/audit?limit=2&before=${first.next}`,
    );
    expect(Number(second.entries[0]!.id)).toBeLessThan(Number(first.entries[1]!.id));

    const invites = await expectOk<Page>(gateway, org.admin, 'GET', '/v1/privacy/audit?action=invite.');
    expect(invites.entries.length).toBeGreaterThanOrEqual(2);
    expect(invites.entries.every((entry) => entry.action.startsWith('invite.'))).toBe(true);

    const byWorker = await expectOk<Page>(
      gateway,
      org.admin,
      'GET',
      `/v1/privacy/audit?actorPersonId=${org.worker.personId}`,
    );
    expect(byWorker.entries.map((entry) => entry.action)).toContain('invite.created');
    expect(byWorker.entries.every((entry) => entry.actorPersonId === org.worker.personId)).toBe(true);

    // Nothing of the other organisation.
    const all = await expectOk<Page>(gateway, org.admin, 'GET', '/v1/privacy/audit?limit=200');
    const otherIds = [other.admin.personId, other.worker.personId, other.resident.personId];
    expect(all.entries.filter((entry) => otherIds.includes(entry.actorPersonId ?? ''))).toEqual([]);
  });

  it('exports the same as CSV for admins', async () => {
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/v1/privacy/audit.csv?action=team.',
      headers: { authorization: `Bearer ${org.admin.token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const lines = response.body.trim().split('\r\n');
    expect(lines[0]).toBe('at,action,actor_person_id,actor_device_id,subject_type,subject_id,details');
    expect(lines.slice(1).every((line) => line.split(',')[1]!.startsWith('team.'))).toBe(true);
    expect(lines.length).toBeGreaterThan(1);
  });

  it('shows a person the entries about themselves only, and refuses others the admin log', async () => {
    const own = await expectOk<Page>(gateway, org.resident, 'GET', '/v1/me/audit');
    expect(own.entries.length).toBeGreaterThan(0);
    for (const entry of own.entries) {
      const about = [entry.actorPersonId, entry.subjectId, ...Object.values(entry.details)];
      expect(about.includes(org.resident.personId) || about.includes(org.resident.deviceId)).toBe(true);
    }
    for (const actor of [org.worker, org.resident])
      expect((await api(gateway, actor, 'GET', '/v1/privacy/audit')).status).toBe(403);
    expect((await api(gateway, org.admin, 'GET', '/v1/privacy/audit?limit=5000')).status).toBe(400);
    expect((await api(gateway, org.admin, 'GET', '/v1/privacy/audit?action=DROP TABLE')).status).toBe(400);
  });
});

describe('export (AVG art. 15/20)', () => {
  it('gives a person what the server holds about them, without ciphertext', async () => {
    const direct = await openDirect(gateway, org.worker, org.resident.personId);
    await sendPairwise(gateway, org.resident, direct.id);
    await sendPairwise(gateway, org.resident, direct.id);
    const data = await expectOk<PersonExport>(gateway, org.resident, 'GET', '/v1/me/export');
    expect(data.format).toBe('spreekuur.person-export.v1');
    expect(data.profile).toMatchObject({
      id: org.resident.personId,
      displayName: 'Inwoner mijn-gegevens',
      role: 'resident',
    });
    expect(data.devices.map((device) => [device.id, device.identityKey])).toEqual([
      [org.resident.deviceId, toBase64Url(org.resident.identityKey)],
    ]);
    expect(data.teams.map((team) => team.teamId)).toEqual([org.team.id]);
    expect(data.channels).toEqual([
      expect.objectContaining({ channelId: direct.id, messagesSent: 2, kind: 'direct' }),
    ]);
    expect(data.note.nl).toContain('kan ze niet lezen');
    expect(data.audit.some((entry) => entry.action === 'privacy.exported')).toBe(true);
    expect(JSON.stringify(data)).not.toMatch(/ciphertext"\s*:\s*"/);
  });

  it('lets an admin export a person of the organisation, and nobody else', async () => {
    const data = await expectOk<PersonExport>(
      gateway,
      org.admin,
      'GET',
      `/v1/people/${org.worker.personId}/export`,
    );
    expect(data.profile.id).toBe(org.worker.personId);
    expect(
      (await api(gateway, org.admin, 'GET', `/v1/people/${other.resident.personId}/export`)).status,
    ).toBe(404);
    expect((await api(gateway, org.worker, 'GET', `/v1/people/${org.resident.personId}/export`)).status).toBe(
      403,
    );
    expect((await api(gateway, org.resident, 'GET', `/v1/people/${org.worker.personId}/export`)).status).toBe(
      403,
    );
  });
});

describe('key backup', () => {
  it('stores opaque bytes for the person, hands them back, and records who fetched them', async () => {
    expect((await api(gateway, org.resident, 'GET', '/v1/me/key-backup')).status).toBe(404);
    const blob = toBase64Url(new Uint8Array(1000).map((_, i) => (i * 7) & 0xff));
    const stored = await expectOk<{ size: number }>(gateway, org.resident, 'PUT', '/v1/me/key-backup', {
      ciphertext: blob,
    });
    expect(stored.size).toBe(1000);
    const back = await expectOk<{ ciphertext: string }>(gateway, org.resident, 'GET', '/v1/me/key-backup');
    expect(back.ciphertext).toBe(blob);
    // Another person of the organisation sees only their own (none).
    expect((await api(gateway, org.worker, 'GET', '/v1/me/key-backup')).status).toBe(404);
    const own = await expectOk<Page>(gateway, org.resident, 'GET', '/v1/me/audit');
    expect(own.entries.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['key_backup.stored', 'key_backup.fetched']),
    );
  });

  it('refuses a backup that is too large or not base64url, and keeps the stored one', async () => {
    const tooBig = toBase64Url(new Uint8Array(64 * 1024 + 1));
    const answer = await api(gateway, org.resident, 'PUT', '/v1/me/key-backup', { ciphertext: tooBig });
    expect(answer.status).toBe(400);
    expect(
      (await api(gateway, org.resident, 'PUT', '/v1/me/key-backup', { ciphertext: 'not base64!' })).status,
    ).toBe(400);
    expect((await expectOk<{ size: number }>(gateway, org.resident, 'GET', '/v1/me/key-backup')).size).toBe(
      1000,
    );
  });

  it('limits writes per device', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await api(gateway, org.worker, 'PUT', '/v1/me/key-backup', { ciphertext: 'AAAA' })).status,
      );
    expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

/** Every row of every table in the schema, as text, that contains `needle`. */
async function tablesContaining(needle: string): Promise<Record<string, number>> {
  const { rows: tables } = await gateway.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const found: Record<string, number> = {};
  for (const { table_name } of tables) {
    const { rows } = await gateway.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${table_name}" t WHERE strpos(t::text, $1) > 0`,
      [needle],
    );
    if (rows[0]!.n > 0) found[table_name] = rows[0]!.n;
  }
  return found;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A group link made by `actor` (a moderator or the owner): its id, and the token shown once. */
const makeLink = (actor: Actor, channelId: string) =>
  expectOk<{ link: { id: string }; token: string }>(
    gateway,
    actor,
    'POST',
    `/v1/channels/${channelId}/moderation/links`,
    undefined,
    201,
  );

/**
 * A moderated group where `person` has left a trace in every moderation table: a franked
 * message of theirs (pinned, reported by another), a report they made, a report they resolved
 * as moderator (its reveal sealed to their device), a pin they made, a mute and a ban.
 */
async function moderatedGroupWith(person: Actor) {
  const { worker, resident: other } = org;
  const group = await expectOk<{ id: string }>(
    gateway,
    worker,
    'POST',
    '/v1/channels/groups',
    { name: 'Lotgenoten', memberIds: [person.personId, other.personId] },
    201,
  );
  const base = `/v1/channels/${group.id}/moderation`;
  const theirs = await sendFrankedGroupMessage(gateway, person, group.id);
  const workers = await sendFrankedGroupMessage(gateway, worker, group.id);
  const report = (actor: Actor, message: typeof theirs, sealedTo: Actor[]) =>
    expectOk<{ id: string }>(
      gateway,
      actor,
      'POST',
      '/v1/reports',
      {
        channelId: group.id,
        seq: message.seq,
        reason: 'harassment',
        opening: message.opening,
        sealed: sealedTo.map((moderator) => ({ deviceId: moderator.deviceId, ciphertext: opaque(100) })),
      },
      201,
    );
  await report(person, workers, [worker]);
  await report(other, theirs, [worker]);
  await expectOk(gateway, worker, 'POST', `${base}/pins`, { seq: theirs.seq });
  await expectOk(gateway, worker, 'PUT', `${base}/roles/${person.personId}`, { role: 'moderator' });
  const handled = await report(other, workers, [worker, person]);
  await expectOk(gateway, person, 'POST', `/v1/reports/${handled.id}/resolve`, { resolution: 'dismissed' });
  await expectOk(gateway, person, 'POST', `${base}/pins`, { seq: workers.seq });
  // Group links: one they made and revoked as moderator, one the owner made that they revoked.
  const own = await makeLink(person, group.id);
  await expectOk(gateway, person, 'DELETE', `${base}/links/${own.link.id}`);
  const owners = await makeLink(worker, group.id);
  await expectOk(gateway, person, 'DELETE', `${base}/links/${owners.link.id}`);
  await expectOk(gateway, worker, 'PUT', `${base}/roles/${person.personId}`, { role: 'member' });
  await expectOk(gateway, worker, 'POST', `${base}/mutes`, { personId: person.personId, seconds: 3600 });
  await expectOk(gateway, worker, 'POST', `${base}/bans`, { personId: person.personId });
  // A request to join a group that needs approval, still waiting.
  const closed = await expectOk<{ id: string }>(
    gateway,
    worker,
    'POST',
    '/v1/channels/groups',
    { name: 'Op aanvraag', memberIds: [other.personId] },
    201,
  );
  await expectOk(gateway, worker, 'PUT', `/v1/channels/${closed.id}/moderation/approval`, { required: true });
  const invitation = await makeLink(worker, closed.id);
  const asked = await expectOk<{ status: string }>(gateway, person, 'POST', '/v1/group-links/join', {
    token: invitation.token,
  });
  expect(asked.status).toBe('pending');
  return { id: group.id, theirSeq: theirs.seq, workersSeq: workers.seq, handledReport: handled.id };
}

describe('erasure (AVG art. 17)', () => {
  let moderated: Awaited<ReturnType<typeof moderatedGroupWith>>;
  let resident: Actor;
  let direct: { id: string };
  let fileId: string;
  beforeAll(async () => {
    resident = await addResident(gateway, org.worker, org.team.id, 'Sanne Wisbaar');
    await publishKeys(gateway, resident);
    direct = await openDirect(gateway, org.worker, resident.personId);
    await sendPairwise(gateway, resident, direct.id);
    await sendPairwise(gateway, org.worker, direct.id);
    fileId = (await uploadFile(gateway, resident, direct.id, 20_000)).id;
    await expectOk(gateway, resident, 'PUT', '/v1/me/key-backup', { ciphertext: 'AAAAAAAA' });
    moderated = await moderatedGroupWith(resident);
  });

  it('is refused to other organisations and other roles, and to a body without confirmation', async () => {
    expect(
      (await api(gateway, other.admin, 'POST', `/v1/people/${resident.personId}/erasure`, { confirm: true }))
        .status,
    ).toBe(404);
    expect(
      (await api(gateway, org.worker, 'POST', `/v1/people/${resident.personId}/erasure`, { confirm: true }))
        .status,
    ).toBe(403);
    expect(
      (await api(gateway, org.admin, 'POST', `/v1/people/${resident.personId}/erasure`, {})).status,
    ).toBe(400);
    expect(
      (await api(gateway, org.admin, 'POST', `/v1/people/${org.admin.personId}/erasure`, { confirm: true }))
        .status,
    ).toBe(409);
    expect((await api(gateway, resident, 'GET', '/v1/me')).status).toBe(200);
  });

  it('removes everything of the person but a nameless pseudonym and the audit trail, and closes their sockets', async () => {
    const socket = connect(gateway, resident.token);
    await waitFor(socket, 'connect');
    const closed = waitFor<string>(socket, 'disconnect');

    const result = await expectOk<ErasureResult>(
      gateway,
      org.admin,
      'POST',
      `/v1/people/${resident.personId}/erasure`,
      {
        confirm: true,
      },
    );
    expect(result).toMatchObject({ devicesRemoved: 1, messagesErased: 2, filesDeleted: 1 });
    expect(result.membershipsEnded).toBeGreaterThanOrEqual(2);
    expect(await closed).toBe('io server disconnect');
    expect((await api(gateway, resident, 'GET', '/v1/me')).status).toBe(401);

    // Name, device id and identity key: nowhere at all.
    expect(await tablesContaining('Sanne Wisbaar')).toEqual({});
    expect(await tablesContaining(resident.deviceId)).toEqual({});
    expect(await tablesContaining(hex(resident.identityKey))).toEqual({});
    // The file is gone (row and bytes); the audit trail still says that one was shared, and how big.
    expect(await tablesContaining(fileId)).toEqual({ audit_log: 1 });
    // The person id only where the rule keeps it: the pseudonymous row, the audit trail,
    // the tombstone of their message and the log entry that they were added to the channel.
    const kept = await tablesContaining(resident.personId);
    expect(Object.keys(kept).sort()).toEqual(['audit_log', 'channel_events', 'channels', 'people'].sort());
    const { rows } = await gateway.db.query<{ display_name: string; erased_at: Date | null }>(
      'SELECT display_name, erased_at FROM people WHERE id = $1',
      [resident.personId],
    );
    expect(rows[0]!.display_name).toBe('Verwijderde persoon');
    expect(rows[0]!.erased_at).not.toBeNull();
    const events = await gateway.db.query<{ group_ciphertext: unknown; data: unknown; kind: string }>(
      `SELECT kind, group_ciphertext, data FROM channel_events WHERE sender_person_id = $1`,
      [resident.personId],
    );
    expect(events.rows).toEqual([
      { kind: 'message', group_ciphertext: null, data: {} },
      { kind: 'message', group_ciphertext: null, data: {} },
    ]);

    // Moderation: the walk above already found their id and device in none of its tables; what
    // holds neither (franking and pins of their message) is gone, the others' report stays.
    const rowsAt = async (table: string, seq: number) =>
      (
        await gateway.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${table} WHERE channel_id = $1 AND seq = $2`,
          [moderated.id, seq],
        )
      ).rows[0]!.n;
    expect(await rowsAt('message_franking', moderated.theirSeq)).toBe(0);
    expect(await rowsAt('channel_pins', moderated.theirSeq)).toBe(0);
    expect(await rowsAt('message_reports', moderated.theirSeq)).toBe(0);
    expect(await rowsAt('message_franking', moderated.workersSeq)).toBe(1);
    const state = await expectOk<{ pins: Array<{ seq: number; byPersonId: string | null }> }>(
      gateway,
      org.worker,
      'GET',
      `/v1/channels/${moderated.id}/moderation`,
    );
    expect(state.pins).toEqual([expect.objectContaining({ seq: moderated.workersSeq, byPersonId: null })]);
    const { reports } = await expectOk<{ reports: Array<{ id: string; resolvedByPersonId: string | null }> }>(
      gateway,
      org.worker,
      'GET',
      `/v1/channels/${moderated.id}/reports`,
    );
    expect(reports.map((r) => [r.id, r.resolvedByPersonId])).toEqual([[moderated.handledReport, null]]);

    // The worker's view of the conversation: a deleted message, no gap, their own message intact.
    const page = await expectOk<{
      lastSeq: number;
      events: Array<{ seq: number; kind: string; deleted?: boolean }>;
    }>(gateway, org.worker, 'GET', `/v1/channels/${direct.id}/events?after=0`);
    expect(page.events.map((event) => event.seq)).toEqual(
      Array.from({ length: page.lastSeq }, (_, i) => i + 1),
    );
    expect(page.events.filter((event) => event.kind === 'message').map((event) => event.deleted)).toEqual([
      true,
      false,
    ]);

    const audit = await expectOk<Page>(gateway, org.admin, 'GET', '/v1/privacy/audit?action=person.erased');
    expect(audit.entries).toEqual([
      expect.objectContaining({ subjectId: resident.personId, actorPersonId: org.admin.personId }),
    ]);
    const listed = await expectOk<{ people: Array<{ id: string }> }>(gateway, org.admin, 'GET', '/v1/people');
    expect(listed.people.map((person) => person.id)).not.toContain(resident.personId);
    // Erased is erased: a second erasure or export finds nobody.
    expect(
      (await api(gateway, org.admin, 'POST', `/v1/people/${resident.personId}/erasure`, { confirm: true }))
        .status,
    ).toBe(404);
    expect((await api(gateway, org.admin, 'GET', `/v1/people/${resident.personId}/export`)).status).toBe(404);
  });

  it('lets a person erase themselves', async () => {
    const self = await addResident(gateway, org.worker, org.team.id, 'Tijmen Zelf');
    const result = await expectOk<ErasureResult>(gateway, self, 'POST', '/v1/me/erasure', { confirm: true });
    expect(result.devicesRemoved).toBe(1);
    expect(await tablesContaining('Tijmen Zelf')).toEqual({});
    expect(await tablesContaining(self.deviceId)).toEqual({});
    expect((await api(gateway, self, 'GET', '/v1/me')).status).toBe(401);
  });
});

describe('metadata kept small', () => {
  it('keeps no client IP address in the logs or the database', async () => {
    const address = '203.0.113.77';
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/v1/me',
      remoteAddress: address,
      headers: { authorization: `Bearer ${org.admin.token}` },
    });
    expect(response.statusCode).toBe(200);
    expect(gateway.logs.some((line) => line.includes('/v1/me'))).toBe(true);
    expect(gateway.logs.join('\n')).not.toContain(address);
    expect(await tablesContaining(address)).toEqual({});
  });
});

describe('OpenAPI', () => {
  it('documents every privacy endpoint', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json<{ paths: Record<string, unknown> }>().paths);
    for (const path of [
      '/v1/privacy/retention',
      '/v1/privacy/audit',
      '/v1/privacy/audit.csv',
      '/v1/me/export',
      '/v1/me/key-backup',
    ])
      expect(paths).toContain(path);
    expect(paths).toContain('/v1/people/{id}/erasure');
  });
});
