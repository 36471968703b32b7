import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connect, seedOrganisation, startGateway, waitFor, type TestGateway } from './harness.ts';

/** An admin helps someone who lost a phone: they see the person's devices and revoke one. */
describe('admins revoke a person’s device', () => {
  let gateway: TestGateway;
  let org: Awaited<ReturnType<typeof seedOrganisation>>;
  beforeAll(async () => {
    gateway = await startGateway();
    org = await seedOrganisation(gateway, 'admin-devices');
  });
  afterAll(() => gateway.close());

  it('lists the person’s devices and signs the revoked one out everywhere at once', async () => {
    const { admin, resident } = org;
    const listed = await api<{ devices: Array<{ id: string; current: boolean; revokedAt: string | null }> }>(
      gateway,
      admin,
      'GET',
      `/v1/people/${resident.personId}/devices`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.devices.map((device) => [device.id, device.current, device.revokedAt])).toEqual([
      [resident.deviceId, false, null],
    ]);

    const socket = connect(gateway, resident.token);
    await waitFor(socket, 'connect');
    const closed = waitFor<string>(socket, 'disconnect');
    const revoked = await api(
      gateway,
      admin,
      'DELETE',
      `/v1/people/${resident.personId}/devices/${resident.deviceId}`,
    );
    expect(revoked.status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect((await api(gateway, resident, 'GET', '/v1/me')).status).toBe(401);

    const { rows } = await gateway.db.query<{ actor_person_id: string; details: { ofPersonId?: string } }>(
      `SELECT actor_person_id, details FROM audit_log WHERE action = 'device.revoked' AND subject_id = $1`,
      [resident.deviceId],
    );
    expect(rows.map((row) => [row.actor_person_id, row.details.ofPersonId])).toEqual([
      [admin.personId, resident.personId],
    ]);
  });

  it('is for admins only: a worker cannot list or revoke a resident’s devices', async () => {
    const { worker, admin } = org;
    expect((await api(gateway, worker, 'GET', `/v1/people/${admin.personId}/devices`)).status).toBe(403);
    const refused = await api<{ error: { code: string } }>(
      gateway,
      worker,
      'DELETE',
      `/v1/people/${admin.personId}/devices/${admin.deviceId}`,
    );
    expect([refused.status, refused.body.error.code]).toEqual([403, 'ERR_FORBIDDEN']);
    expect((await api(gateway, admin, 'GET', '/v1/me')).status).toBe(200);
  });

  it('answers 404 for a device that is not the named person’s', async () => {
    const { admin, worker } = org;
    const mismatch = await api(
      gateway,
      admin,
      'DELETE',
      `/v1/people/${worker.personId}/devices/${admin.deviceId}`,
    );
    expect(mismatch.status).toBe(404);
    expect((await api(gateway, admin, 'GET', '/v1/me')).status).toBe(200);
  });
});
