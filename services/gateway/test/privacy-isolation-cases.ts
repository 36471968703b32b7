import { expect } from 'vitest';
import type { AuditEntryView, PersonExport, RetentionView } from '@spreekuur/protocol/privacy';
import { addResident, api, expectOk, registerAndLogin, type Actor, type TestGateway } from './harness.ts';
import type { IsolationCase, IsolationContext } from './isolation-context.ts';

/**
 * Cross-organisation cases for the privacy routes, merged into organisation-isolation.test.ts
 * (which fails for any route without a case). Nobody of A may read or change B's retention,
 * audit log, people's data or key backups; workers and residents get the admin routes refused.
 */
type Page = { entries: AuditEntryView[]; next: string | null };

/** A second device of `actor`'s person, linked with a device-link code. */
async function secondDevice(gateway: TestGateway, actor: Actor): Promise<Actor> {
  const link = await expectOk<{ code: string }>(
    gateway,
    actor,
    'POST',
    '/v1/me/device-links',
    undefined,
    201,
  );
  return registerAndLogin(gateway, link.code);
}

/** B's resident leaves a history transfer for their second device; returns that device. */
async function bTransfer({ gateway, b }: IsolationContext): Promise<Actor> {
  const tablet = await secondDevice(gateway, b.resident);
  await expectOk(gateway, b.resident, 'PUT', `/v1/me/devices/${tablet.deviceId}/history-transfer`, {
    ciphertext: 'QkJCQg',
  });
  return tablet;
}

const bStillWaiting = async ({ gateway }: IsolationContext, tablet: Actor) =>
  expect(
    (
      await expectOk<{ transfer: { ciphertext: string } | null }>(
        gateway,
        tablet,
        'GET',
        `/v1/me/devices/${tablet.deviceId}/history-transfer`,
      )
    ).transfer?.ciphertext,
  ).toBe('QkJCQg');

const bPeople = ({ b }: IsolationContext) => [b.admin.personId, b.worker.personId, b.resident.personId];
const notAdmins = ({ a }: IsolationContext) => [a.worker, a.resident];

async function bStillThere(context: IsolationContext) {
  const { gateway, b } = context;
  for (const actor of [b.admin, b.worker, b.resident])
    expect((await api(gateway, actor, 'GET', '/v1/me')).status).toBe(200);
}

export const privacyIsolationCases: Record<string, IsolationCase> = {
  'GET /v1/privacy/retention': async (context) => {
    const { gateway, a, b } = context;
    await expectOk(gateway, b.admin, 'PUT', `/v1/privacy/retention/teams/${b.team.id}`, { queueDays: 3 });
    const view = await expectOk<RetentionView>(gateway, a.admin, 'GET', '/v1/privacy/retention');
    expect(view.teams.map((team) => team.teamId)).not.toContain(b.team.id);
    for (const actor of notAdmins(context))
      expect((await api(gateway, actor, 'GET', '/v1/privacy/retention')).status).toBe(403);
  },
  'PUT /v1/privacy/retention': async (context) => {
    const { gateway, a, b } = context;
    await expectOk(gateway, a.admin, 'PUT', '/v1/privacy/retention', { filesDays: 2 });
    expect(
      (await expectOk<RetentionView>(gateway, b.admin, 'GET', '/v1/privacy/retention')).organisation
        .filesDays,
    ).toBe(90);
    for (const actor of notAdmins(context))
      expect((await api(gateway, actor, 'PUT', '/v1/privacy/retention', { filesDays: 1 })).status).toBe(403);
  },
  'PUT /v1/privacy/retention/teams/:id': async (context) => {
    const { gateway, a, b } = context;
    expect(
      (await api(gateway, a.admin, 'PUT', `/v1/privacy/retention/teams/${b.team.id}`, { queueDays: 1 }))
        .status,
    ).toBe(404);
    for (const actor of notAdmins(context))
      expect(
        (await api(gateway, actor, 'PUT', `/v1/privacy/retention/teams/${a.team.id}`, { queueDays: 1 }))
          .status,
      ).toBe(403);
    const theirs = await expectOk<RetentionView>(gateway, b.admin, 'GET', '/v1/privacy/retention');
    expect(theirs.teams.find((team) => team.teamId === b.team.id)?.overrides.queueDays ?? 3).toBe(3);
  },
  'GET /v1/privacy/retention/notice': async ({ gateway, a, b }) => {
    await expectOk(gateway, b.admin, 'PUT', '/v1/privacy/retention', { messagesDays: 11 });
    const notice = await expectOk<{ settings: { messagesDays: number } }>(
      gateway,
      a.resident,
      'GET',
      '/v1/privacy/retention/notice',
    );
    expect(notice.settings.messagesDays).not.toBe(11);
  },
  'POST /v1/privacy/retention/run': async (context) => {
    const { gateway, a, b } = context;
    const before = await gateway.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM channel_events WHERE org_id = $1 AND deleted_at IS NULL`,
      [b.organisation.id],
    );
    await expectOk(gateway, a.admin, 'POST', '/v1/privacy/retention/run');
    const after = await gateway.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM channel_events WHERE org_id = $1 AND deleted_at IS NULL`,
      [b.organisation.id],
    );
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    for (const actor of notAdmins(context))
      expect((await api(gateway, actor, 'POST', '/v1/privacy/retention/run')).status).toBe(403);
  },
  'GET /v1/privacy/audit': async (context) => {
    const { gateway, a } = context;
    const page = await expectOk<Page>(gateway, a.admin, 'GET', '/v1/privacy/audit?limit=200');
    expect(page.entries.filter((entry) => bPeople(context).includes(entry.actorPersonId ?? ''))).toEqual([]);
    for (const personId of bPeople(context)) {
      const about = await expectOk<Page>(gateway, a.admin, 'GET', `/v1/privacy/audit?personId=${personId}`);
      expect(about.entries).toEqual([]);
    }
    for (const actor of notAdmins(context))
      expect((await api(gateway, actor, 'GET', '/v1/privacy/audit')).status).toBe(403);
  },
  'GET /v1/privacy/audit.csv': async (context) => {
    const { gateway, a } = context;
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/v1/privacy/audit.csv',
      headers: { authorization: `Bearer ${a.admin.token}` },
    });
    expect(response.statusCode).toBe(200);
    for (const personId of bPeople(context)) expect(response.body).not.toContain(personId);
    for (const actor of notAdmins(context))
      expect((await api(gateway, actor, 'GET', '/v1/privacy/audit.csv')).status).toBe(403);
  },
  'GET /v1/me/audit': async (context) => {
    const { gateway, a } = context;
    const page = await expectOk<Page>(gateway, a.resident, 'GET', '/v1/me/audit?limit=200');
    for (const entry of page.entries) expect(bPeople(context)).not.toContain(entry.actorPersonId);
  },
  'GET /v1/me/export': async (context) => {
    const { gateway, a } = context;
    const data = await expectOk<PersonExport>(gateway, a.worker, 'GET', '/v1/me/export');
    expect(data.profile.id).toBe(a.worker.personId);
    const text = JSON.stringify(data);
    for (const personId of bPeople(context)) expect(text).not.toContain(personId);
  },
  'GET /v1/people/:id/export': async (context) => {
    const { gateway, a } = context;
    for (const personId of bPeople(context)) {
      expect((await api(gateway, a.admin, 'GET', `/v1/people/${personId}/export`)).status).toBe(404);
      for (const actor of notAdmins(context))
        expect((await api(gateway, actor, 'GET', `/v1/people/${personId}/export`)).status).toBe(403);
    }
  },
  'POST /v1/me/erasure': async (context) => {
    const { gateway, a, b } = context;
    const leaving = await addResident(gateway, a.worker, a.team.id, 'Vertrekt uit A');
    await expectOk(gateway, leaving, 'POST', '/v1/me/erasure', { confirm: true });
    await bStillThere(context);
    const theirs = await expectOk<Page>(gateway, b.admin, 'GET', '/v1/privacy/audit?action=person.erased');
    expect(theirs.entries).toEqual([]);
  },
  'POST /v1/people/:id/erasure': async (context) => {
    const { gateway, a } = context;
    for (const personId of bPeople(context)) {
      expect(
        (await api(gateway, a.admin, 'POST', `/v1/people/${personId}/erasure`, { confirm: true })).status,
      ).toBe(404);
      for (const actor of notAdmins(context))
        expect(
          (await api(gateway, actor, 'POST', `/v1/people/${personId}/erasure`, { confirm: true })).status,
        ).toBe(403);
    }
    await bStillThere(context);
  },
  'PUT /v1/me/key-backup': async ({ gateway, a, b }) => {
    await expectOk(gateway, b.resident, 'PUT', '/v1/me/key-backup', { ciphertext: 'QkJCQg' });
    await expectOk(gateway, a.resident, 'PUT', '/v1/me/key-backup', { ciphertext: 'QUFBQQ' });
    expect(
      (await expectOk<{ ciphertext: string }>(gateway, b.resident, 'GET', '/v1/me/key-backup')).ciphertext,
    ).toBe('QkJCQg');
  },
  'GET /v1/me/key-backup': async ({ gateway, a, b }) => {
    await expectOk(gateway, b.worker, 'PUT', '/v1/me/key-backup', { ciphertext: 'QkJCQg' });
    expect((await api(gateway, a.worker, 'GET', '/v1/me/key-backup')).status).toBe(404);
  },
  'DELETE /v1/me/key-backup': async ({ gateway, a, b }) => {
    await expectOk(gateway, b.admin, 'PUT', '/v1/me/key-backup', { ciphertext: 'QkJCQg' });
    expect((await api(gateway, a.admin, 'DELETE', '/v1/me/key-backup')).status).toBe(404);
    expect((await api(gateway, b.admin, 'GET', '/v1/me/key-backup')).status).toBe(200);
  },
  // A device of another organisation's person is as unknown as one that never existed.
  'PUT /v1/me/devices/:id/history-transfer': async (context) => {
    const { gateway, a } = context;
    const tablet = await bTransfer(context);
    for (const actor of [a.admin, a.worker, a.resident])
      expect(
        (
          await api(gateway, actor, 'PUT', `/v1/me/devices/${tablet.deviceId}/history-transfer`, {
            ciphertext: 'QUFBQQ',
          })
        ).status,
      ).toBe(404);
    await bStillWaiting(context, tablet);
  },
  'GET /v1/me/devices/:id/history-transfer': async (context) => {
    const { gateway, a } = context;
    const tablet = await bTransfer(context);
    for (const actor of [a.admin, a.worker, a.resident])
      expect(
        (await api(gateway, actor, 'GET', `/v1/me/devices/${tablet.deviceId}/history-transfer`)).status,
      ).toBe(404);
  },
  'DELETE /v1/me/devices/:id/history-transfer': async (context) => {
    const { gateway, a } = context;
    const tablet = await bTransfer(context);
    for (const actor of [a.admin, a.worker, a.resident])
      expect(
        (await api(gateway, actor, 'DELETE', `/v1/me/devices/${tablet.deviceId}/history-transfer`)).status,
      ).toBe(404);
    await bStillWaiting(context, tablet);
  },
};
