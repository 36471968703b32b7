import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrganisationSettings } from '@spreekuur/protocol/identity';
import { api, expectOk, seedOrganisation, startGateway, type TestGateway } from './harness.ts';

const path = '/v1/organisation/settings';

/** The organisation's trust policy: admins set it, every member reads it, each change is audited. */
describe('organisation settings', () => {
  let gateway: TestGateway;
  let org: Awaited<ReturnType<typeof seedOrganisation>>;
  beforeAll(async () => {
    gateway = await startGateway();
    org = await seedOrganisation(gateway, 'vertrouwen');
  });
  afterAll(() => gateway.close());

  it('starts at block, and a change by an admin is what every member reads and is audited', async () => {
    expect(await expectOk<OrganisationSettings>(gateway, org.resident, 'GET', path)).toEqual({
      trustPolicy: 'block',
    });
    await expectOk(gateway, org.admin, 'PUT', path, { trustPolicy: 'warn' });
    for (const actor of [org.admin, org.worker, org.resident])
      expect((await expectOk<OrganisationSettings>(gateway, actor, 'GET', path)).trustPolicy).toBe('warn');
    const { rows } = await gateway.db.query<{ details: Record<string, string>; actor_person_id: string }>(
      `SELECT details, actor_person_id FROM audit_log
        WHERE action = 'organisation.settings_changed' AND org_id = $1`,
      [org.organisation.id],
    );
    expect(rows).toEqual([
      { details: { trustPolicy: 'warn', before: 'block' }, actor_person_id: org.admin.personId },
    ]);
  });

  it('refuses a bad body and a worker with nothing changed', async () => {
    const bad = await api<{ error: { code: string } }>(gateway, org.admin, 'PUT', path, {
      trustPolicy: 'ignore',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('ERR_BAD_REQUEST');
    expect((await api(gateway, org.worker, 'PUT', path, { trustPolicy: 'block' })).status).toBe(403);
    expect((await expectOk<OrganisationSettings>(gateway, org.worker, 'GET', path)).trustPolicy).toBe('warn');
  });
});
