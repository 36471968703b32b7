import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Team } from '@spreekuur/protocol/identity';
import { addWorker, api, expectOk, seedOrganisation, startGateway, type TestGateway } from './harness.ts';

/**
 * A sensitive team ("residents' devices must be verified", PUT /v1/teams/:id/verification): the
 * team's workers and the organisation's admins switch it; every member reads it in GET /v1/teams;
 * every change is an audit entry. The clients enforce it (crypto SPEC §13.7), not the server.
 */
describe('team verification setting', () => {
  let gateway: TestGateway;
  let org: Awaited<ReturnType<typeof seedOrganisation>>;
  let otherTeamWorker: Awaited<ReturnType<typeof addWorker>>;
  beforeAll(async () => {
    gateway = await startGateway();
    org = await seedOrganisation(gateway, 'gevoelig');
    const other = await expectOk<Team>(gateway, org.admin, 'POST', '/v1/teams', { name: 'Schuldhulp' }, 201);
    otherTeamWorker = await addWorker(gateway, org.admin, other.id, 'Werker schuldhulp');
  });
  afterAll(() => gateway.close());

  const url = () => `/v1/teams/${org.team.id}/verification`;
  const stored = async () =>
    (
      await gateway.db.query<{ on: boolean }>(
        'SELECT verified_devices_required AS on FROM teams WHERE id = $1',
        [org.team.id],
      )
    ).rows[0]!.on;
  const auditEntries = async () =>
    (
      await gateway.db.query<{ actor_person_id: string; details: { verifiedDevicesRequired: boolean } }>(
        `SELECT actor_person_id, details FROM audit_log
          WHERE action = 'team.settings_changed' AND subject_id = $1 ORDER BY id`,
        [org.team.id],
      )
    ).rows;
  const seenBy = async (actor: { token: string }) =>
    (await expectOk<{ teams: Team[] }>(gateway, actor, 'GET', '/v1/teams')).teams.find(
      (team) => team.id === org.team.id,
    )?.verifiedDevicesRequired;

  it('is off for a new team, and every member reads it', async () => {
    expect(await seenBy(org.admin)).toBe(false);
    expect(await seenBy(org.worker)).toBe(false);
    expect(await seenBy(org.resident)).toBe(false);
  });

  it("lets the team's worker switch it on, with an audit entry, readable by the resident", async () => {
    const team = await expectOk<Team>(gateway, org.worker, 'PUT', url(), { verifiedDevicesRequired: true });
    expect(team).toMatchObject({ id: org.team.id, verifiedDevicesRequired: true });
    expect(await stored()).toBe(true);
    expect(await seenBy(org.resident)).toBe(true);
    expect(await auditEntries()).toEqual([
      { actor_person_id: org.worker.personId, details: { verifiedDevicesRequired: true } },
    ]);
    // The same value again changes nothing and writes no second entry.
    await expectOk(gateway, org.worker, 'PUT', url(), { verifiedDevicesRequired: true });
    expect(await auditEntries()).toHaveLength(1);
  });

  it('lets an admin switch it off', async () => {
    await expectOk(gateway, org.admin, 'PUT', url(), { verifiedDevicesRequired: false });
    expect(await stored()).toBe(false);
    expect((await auditEntries()).at(-1)).toEqual({
      actor_person_id: org.admin.personId,
      details: { verifiedDevicesRequired: false },
    });
  });

  it('refuses residents and workers of other teams, and changes nothing', async () => {
    const before = (await auditEntries()).length;
    const resident = await api<{ error: { code: string } }>(gateway, org.resident, 'PUT', url(), {
      verifiedDevicesRequired: true,
    });
    expect(resident.status).toBe(403);
    expect(resident.body.error.code).toBe('ERR_FORBIDDEN');
    const outsider = await api<{ error: { code: string } }>(gateway, otherTeamWorker, 'PUT', url(), {
      verifiedDevicesRequired: true,
    });
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe('ERR_NOT_FOUND');
    expect(await stored()).toBe(false);
    expect(await auditEntries()).toHaveLength(before);
  });

  it('refuses bad input with a 400 and changes nothing', async () => {
    const before = (await auditEntries()).length;
    for (const body of [
      {},
      { verifiedDevicesRequired: 'yes' },
      { verifiedDevicesRequired: 1 },
      { verifiedDevicesRequired: true, extra: 1 },
      [true],
    ]) {
      const answer = await api<{ error: { code: string } }>(gateway, org.worker, 'PUT', url(), body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('ERR_BAD_REQUEST');
    }
    const badId = await api(gateway, org.worker, 'PUT', '/v1/teams/not-a-uuid/verification', {
      verifiedDevicesRequired: true,
    });
    expect(badId.status).toBe(400);
    const unknown = await api(
      gateway,
      org.admin,
      'PUT',
      '/v1/teams/00000000-0000-4000-8000-000000000000/verification',
      {
        verifiedDevicesRequired: true,
      },
    );
    expect(unknown.status).toBe(404);
    expect(await stored()).toBe(false);
    expect(await auditEntries()).toHaveLength(before);
  });
});
